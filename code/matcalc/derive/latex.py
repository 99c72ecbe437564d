"""Printing expressions: plain text for terminals and LaTeX with the book's macros.

Products are juxtaposition, ``:`` the Frobenius product, ``∘`` (``\\had``) the entrywise one;
parentheses only where precedence needs them.

>>> from .expr import matrix
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> plain((W @ X - Y) @ X.T)
'(W X - Y) X^T'
>>> latex((W @ X - Y) @ X.T)
'(W X - Y) X^\\\\T'
"""

import re
from fractions import Fraction

__all__ = ["plain", "latex", "variable_latex"]

ATOM, POSTFIX, PRODUCT, FROB, SUM = 5, 4, 3, 2, 1
_FUNCS = {"exp": ("exp", r"\exp"), "log": ("log", r"\log"), "tanh": ("tanh", r"\tanh"),
          "sigmoid": ("sigmoid", r"\sigma"), "softplus": ("softplus", r"\operatorname{softplus}"),
          "softmax": ("softmax", r"\operatorname{softmax}"), "tr": ("tr", r"\tr"),
          "det": ("det", r"\det"), "logdet": ("log det", r"\log\det"),
          "sum": ("sum", r"\operatorname{sum}"), "diagm": ("diag", r"\diag"),
          "diagv": ("diag", r"\diag")}
_GREEK = {"alpha", "beta", "gamma", "delta", "lambda", "mu", "nu", "sigma", "tau", "theta",
          "rho", "eta", "kappa", "omega", "phi", "psi", "xi", "zeta", "epsilon", "Theta",
          "Sigma", "Lambda", "Omega", "Phi", "Psi", "Gamma", "Delta", "Pi", "Xi"}
_ALIASES = {"lam": "lambda", "eps": "epsilon"}


def variable_latex(name):
    """A variable name in LaTeX: trailing digits as a subscript, Greek names as letters.

    >>> variable_latex("W1"), variable_latex("lam")
    ('W_{1}', '\\\\lambda')
    """
    m = re.fullmatch(r"([A-Za-z_]+?)_?(\d+)", name)
    base, sub = (m.group(1), m.group(2)) if m else (name, "")
    base = _ALIASES.get(base, base)
    if base in _GREEK:
        base = "\\" + base
    elif len(base) > 1:
        base = rf"\mathit{{{base}}}"
    return f"{base}_{{{sub}}}" if sub else base


class _Printer:
    def __init__(self, tex):
        self.tex = tex

    def text(self, e):
        return self.show(e)[0]

    def wrap(self, e, level):
        s, lv = self.show(e)
        return f"({s})" if lv < level else s

    def show(self, e):
        """(string, precedence level)."""
        op, tex = e.op, self.tex
        if op == "var":
            name = e.name
            if "differential" in e.props:
                return (rf"\d {variable_latex(name[1:])}" if tex else name), ATOM
            return (variable_latex(name) if tex else name), ATOM
        if op == "num":
            return self.number(e.data)
        if op == "ones":
            one = r"\mathbf 1" if tex else "1"
            t = r"^\T" if tex else "^T"
            r, c = e.shape
            if c == "1":
                return one, ATOM
            if r == "1":
                return one + t, POSTFIX
            return (f"{one}{one}{t}" if tex else f"{one} {one}{t}"), PRODUCT
        if op == "eye":
            return "I", ATOM
        if op == "zero":
            return "0", ATOM
        if op == "comm":
            return (rf"K_{{{e.data[0]},{e.data[1]}}}" if tex else "K"), ATOM
        if op == "mm":
            return self.product(e.args, " " if not tex else " "), PRODUCT
        if op == "mul":
            return self.mul(e)
        if op == "had":
            sep = r" \had " if tex else " ∘ "
            return sep.join(self.wrap(a, POSTFIX) for a in e.args), PRODUCT
        if op == "kron":
            sep = r" \kron " if tex else " ⊗ "
            return sep.join(self.wrap(a, POSTFIX) for a in e.args), PRODUCT
        if op == "add":
            return self.add(e.args), SUM
        if op == "frob":
            a, b = self.wrap(e.args[0], PRODUCT), self.wrap(e.args[1], POSTFIX)
            return (rf"\frob{{{a}}}{{{b}}}" if tex else f"{a} : {b}"), FROB
        if op == "T":
            return self.postfix(e.args[0], r"^\T" if tex else "^T")
        if op == "inv":
            a = e.args[0]
            if a.op == "T":
                return self.postfix(a.args[0], r"^{-\T}" if tex else "^-T")
            return self.postfix(a, r"^{-1}" if tex else "^-1")
        if op == "pow":
            return self.power(e)
        if op == "mpow":  # a matrix power, for printing repeated factors only
            return self.postfix(e.args[0], f"^{{{e.data}}}" if tex else f"^{e.data}")
        if op == "fro":
            inner = self.text(e.args[0])
            return (rf"\fnorm{{{inner}}}" if tex else f"‖{inner}‖"), ATOM
        if op in _FUNCS:
            name = _FUNCS[op][1 if tex else 0]
            inner = self.text(e.args[0])
            if tex:
                return rf"{name}\left({inner}\right)" if len(inner) > 40 else f"{name}({inner})", ATOM
            return f"{name}({inner})", ATOM
        raise ValueError(f"cannot print the operation {op!r}")

    def number(self, value):
        if isinstance(value, Fraction):
            if value.denominator == 1:
                s = str(value.numerator)
            elif self.tex:
                sign = "-" if value < 0 else ""
                n, d = abs(value.numerator), value.denominator
                s = (rf"{sign}\tfrac{n}{d}" if n < 10 and d < 10
                     else rf"{sign}\tfrac{{{n}}}{{{d}}}")
            else:
                s = f"{value.numerator}/{value.denominator}"
        else:
            s = repr(value)
        return s, (ATOM if value >= 0 and "/" not in s and "frac" not in s else SUM)

    def postfix(self, base, suffix):
        s = self.wrap(base, ATOM)
        return s + suffix, POSTFIX

    def power(self, e):
        base, p = e.args[0], e.data
        ptxt = self.number(p)[0] if not isinstance(p, Fraction) or p.denominator == 1 \
            else (f"({p})" if not self.tex else self.number(p)[0])
        scalar = base.shape == ("1", "1")
        b = self.wrap(base, ATOM)
        if self.tex:
            return (f"{b}^{{{ptxt}}}" if scalar else rf"{b}^{{\circ {ptxt}}}"), POSTFIX
        return (f"{b}^{ptxt}" if scalar else f"{b}^∘{ptxt}"), POSTFIX

    def product(self, args, sep):
        groups = []
        for a in args:
            if groups and groups[-1][0] == a and a.op != "var" or groups and groups[-1][0] == a \
                    and "differential" not in a.props:
                groups[-1][1] += 1
            else:
                groups.append([a, 1])
        args = [a if n == 1 else _power_of(a, n) for a, n in groups]
        out = ""
        for k, a in enumerate(args):
            level = ATOM if a.op in ("had", "kron", "mul", "frob", "add") else PRODUCT
            s = self.wrap(a, level)
            if k and self.tex and args[k - 1].op == "var" and "differential" in args[k - 1].props:
                out += r"\,"
            out += (sep if k else "") + s
        return out

    def mul(self, e):
        coef, args = e.data, e.args
        matrix = [a for a in args if a.shape != ("1", "1")]
        scalars = [a for a in args if a.shape == ("1", "1")]
        num, den = [], []
        for s in scalars:
            if s.op == "pow" and isinstance(s.data, Fraction) and s.data < 0 and self.tex:
                q = -s.data
                den.append(s.args[0] if q == 1 else _pow(s.args[0], q))
            else:
                num.append(s)
        head = [self.wrap(s, PRODUCT) if s.op != "mm" else f"({self.text(s)})" for s in num]
        tail = [self.wrap(m, PRODUCT) for m in matrix]
        negative = coef < 0
        c = abs(coef)
        if den:
            n = [] if c.numerator == 1 else [str(c.numerator)]
            d = [] if c.denominator == 1 else [str(c.denominator)]
            top = " ".join(n + head) or "1"
            bottom = " ".join(d + [self.wrap(x, PRODUCT) for x in den])
            body = " ".join([rf"\frac{{{top}}}{{{bottom}}}"] + tail)
        else:
            cs = "" if c == 1 and (head or tail) else self.number(Fraction(c) if isinstance(
                c, Fraction) else c)[0]
            body = " ".join([x for x in [cs] + head + tail if x])
        if negative:
            return "-" + body, SUM
        return body, PRODUCT

    def add(self, args):
        out = ""
        for k, a in enumerate(args):
            s, lv = self.show(a)
            if lv < SUM + 1 and a.op not in ("mul", "num"):
                s = f"({s})"
            if k == 0:
                out = s
            elif s.startswith("-"):
                out += " - " + s[1:]
            else:
                out += " + " + s
        return out


def _power_of(a, n):
    from .expr import Expr
    return Expr("mpow", (a,), a.shape, n)


def _pow(base, p):
    from .expr import Expr
    return Expr("pow", (base,), base.shape, p)


def plain(e):
    """``e`` as plain text (``^T`` transpose, ``∘`` entrywise product, ``:`` Frobenius).

    >>> from .expr import matrix
    >>> plain(matrix("A", "m", "n").T)
    'A^T'
    """
    return _Printer(False).text(e)


def latex(e):
    """``e`` in LaTeX with the book's macros (``\\T``, ``\\had``, ``\\frob``, ``\\fnorm``).

    >>> from .expr import matrix
    >>> latex(matrix("W1", "h", "n").T)
    'W_{1}^\\\\T'
    """
    return _Printer(True).text(e)
