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

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .expr import Expr

__all__ = ["plain", "latex", "variable_latex"]

ATOM, POSTFIX, PRODUCT, FROB, SUM = 5, 4, 3, 2, 1
#: Functions printed as name(argument): plain name, LaTeX name.
_FUNCS = {"exp": ("exp", r"\exp"), "log": ("log", r"\log"), "tanh": ("tanh", r"\tanh"),
          "sigmoid": ("sigmoid", r"\sigma"), "softplus": ("softplus", r"\operatorname{softplus}"),
          "tr": ("tr", r"\tr"), "det": ("det", r"\det"), "logdet": ("log det", r"\log\det"),
          "sum": ("sum", r"\operatorname{sum}"), "diagm": ("diag", r"\diag"),
          "diagv": ("diag", r"\diag"), "relu": ("relu", r"\operatorname{relu}"),
          "sign": ("sign", r"\operatorname{sign}"), "step": ("step", r"\operatorname{step}"),
          "vec": ("vec", r"\vec"), "unvec": ("unvec", r"\operatorname{unvec}"),
          "rearr": ("R", r"\mathcal{R}"), "sqrt": ("sqrt", None), "abs": ("abs", None)}
_GREEK = {"alpha", "beta", "gamma", "delta", "lambda", "mu", "nu", "sigma", "tau", "theta",
          "rho", "eta", "kappa", "omega", "phi", "psi", "xi", "zeta", "epsilon", "Theta",
          "Sigma", "Lambda", "Omega", "Phi", "Psi", "Gamma", "Delta", "Pi", "Xi"}
_ALIASES = {"lam": "lambda", "eps": "epsilon"}


def variable_latex(name: str) -> str:
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


def _expr(op: str, args: tuple, shape: tuple, data: object = None):
    from .expr import Expr
    return Expr(op, args, shape, data)


class _Printer:
    def __init__(self, tex: bool):
        self.tex = tex

    def text(self, e) -> str:
        return self.show(e)[0]

    def wrap(self, e, level: int) -> str:
        s, lv = self.show(e)
        return f"({s})" if lv < level else s

    def show(self, e) -> tuple:
        """(string, precedence level)."""
        method = _SHOW.get(e.op)
        if method is not None:
            return method(self, e)
        if e.op in _FUNCS:
            return self.function(e)
        raise ValueError(f"cannot print the operation {e.op!r}")

    def t(self, plain_text: str, tex_text: str) -> str:
        return tex_text if self.tex else plain_text

    def variable(self, e) -> tuple:
        name = e.name
        if "differential" in e.props:
            return self.t(name, rf"\d {variable_latex(name[1:])}"), ATOM
        return self.t(name, variable_latex(name)), ATOM

    def ones(self, e) -> tuple:
        one, t = self.t("1", r"\mathbf 1"), self.t("^T", r"^\T")
        r, c = e.shape
        if c == "1":
            return one, ATOM
        if r == "1":
            return one + t, POSTFIX
        return self.t(f"{one} {one}{t}", f"{one}{one}{t}"), PRODUCT

    def dim(self, e) -> tuple:
        parts = e.data.split("*")
        text = self.t(" ".join(parts), "".join(variable_latex(p) for p in parts))
        return text, ATOM if len(parts) == 1 else PRODUCT

    def function(self, e) -> tuple:
        inner = self.text(e.args[0])
        if self.tex and e.op == "sqrt":
            return rf"\sqrt{{{inner}}}", ATOM
        if self.tex and e.op == "abs":
            return rf"\lvert {inner}\rvert", ATOM
        name = _FUNCS[e.op][1 if self.tex else 0]
        if self.tex and len(inner) > 40:
            return rf"{name}\left({inner}\right)", ATOM
        return f"{name}({inner})", ATOM

    def softmax(self, e) -> tuple:
        inner = self.text(e.args[0])
        if self.tex:
            sub = r"_{\mathrm{row}}" if e.data == 1 else ""
            return rf"\operatorname{{softmax}}{sub}({inner})", ATOM
        return (f"softmax({inner}, axis=1)" if e.data == 1 else f"softmax({inner})"), ATOM

    def joined(self, e) -> tuple:
        sep = {"had": self.t(" ∘ ", r" \had "), "kron": self.t(" ⊗ ", r" \kron ")}[e.op]
        return sep.join(self.wrap(a, POSTFIX) for a in e.args), PRODUCT

    def frob(self, e) -> tuple:
        if e.args[0] == e.args[1] and "differential" not in e.args[0].props:  # A : A = ‖A‖²
            return self.postfix(_expr("fro", e.args[:1], e.shape), "^2")
        a, b = self.wrap(e.args[0], PRODUCT), self.wrap(e.args[1], POSTFIX)
        return self.t(f"{a} : {b}", rf"\frob{{{a}}}{{{b}}}"), FROB

    def inverse(self, e) -> tuple:
        a = e.args[0]
        if a.op == "T":
            return self.postfix(a.args[0], self.t("^-T", r"^{-\T}"))
        return self.postfix(a, self.t("^-1", r"^{-1}"))

    def fro(self, e) -> tuple:
        inner = self.text(e.args[0])
        return self.t(f"‖{inner}‖", rf"\fnorm{{{inner}}}"), ATOM

    def number(self, value: Fraction | float) -> tuple:
        if isinstance(value, Fraction) and max(abs(value.numerator), value.denominator) > 1e15:
            value = float(value)  # a huge constant is shown as 1e+300, not in 301 digits
        if isinstance(value, Fraction) and value.denominator == 1:
            s = str(value.numerator)
        elif isinstance(value, Fraction) and self.tex:
            sign = "-" if value < 0 else ""
            n, d = abs(value.numerator), value.denominator
            s = rf"{sign}\tfrac{n}{d}" if n < 10 and d < 10 else rf"{sign}\tfrac{{{n}}}{{{d}}}"
        elif isinstance(value, Fraction):
            s = f"{value.numerator}/{value.denominator}"
        else:
            s = f"{value:.6g}"
            if "e" in s and self.tex:
                mant, ex = s.split("e")
                s = rf"{mant} \cdot 10^{{{int(ex)}}}"
        return s, (ATOM if value >= 0 and "/" not in s and "frac" not in s
                   and "cdot" not in s else SUM)

    def postfix(self, base, suffix: str) -> tuple:
        return self.wrap(base, ATOM) + suffix, POSTFIX

    def power(self, e) -> tuple:
        base, p = e.args[0], e.data
        fraction = isinstance(p, Fraction) and p.denominator != 1
        ptxt = f"({p})" if fraction and not self.tex else self.number(p)[0]
        scalar = base.shape == ("1", "1")
        b = self.wrap(base, ATOM)
        if self.tex:
            return (f"{b}^{{{ptxt}}}" if scalar else rf"{b}^{{\circ {ptxt}}}"), POSTFIX
        return (f"{b}^{ptxt}" if scalar else f"{b}^∘{ptxt}"), POSTFIX

    def product(self, e) -> tuple:
        groups: list[list] = []
        for a in e.args:
            if groups and groups[-1][0] == a and "differential" not in a.props:
                groups[-1][1] += 1
            else:
                groups.append([a, 1])
        args = [a if n == 1 else _expr("mpow", (a,), a.shape, n) for a, n in groups]
        out = ""
        for k, a in enumerate(args):
            level = ATOM if a.op in ("had", "kron", "mul", "frob", "add") else PRODUCT
            if k and self.tex and args[k - 1].op == "var" and "differential" in args[k - 1].props:
                out += r"\,"
            out += (" " if k else "") + self.wrap(a, level)
        return out, PRODUCT

    def mul(self, e) -> tuple:
        coef, args = e.data, e.args
        matrix = [a for a in args if a.shape != ("1", "1")]
        num, den = [], []
        for s in (a for a in args if a.shape == ("1", "1")):
            divides = s.op == "pow" and isinstance(s.data, Fraction) and s.data < 0
            if divides and (self.tex or not matrix or s.args[0].op == "dim"):
                den.append(s.args[0] if s.data == -1 else _expr("pow", s.args, s.shape, -s.data))
            else:
                num.append(s)
        head = [self.wrap(s, PRODUCT) if s.op != "mm" else f"({self.text(s)})" for s in num]
        tail = [self.wrap(m, PRODUCT) for m in matrix]
        c = abs(coef)
        if den and isinstance(c, Fraction):
            body = self.fraction(c, head, den, tail)
        else:
            cs = "" if c == 1 and (head or tail) else self.number(c)[0]
            body = " ".join(x for x in [cs] + head + tail if x)
        return ("-" + body, SUM) if coef < 0 else (body, PRODUCT)

    def fraction(self, c: Fraction, head: list, den: list, tail: list) -> str:
        top = " ".join(([] if c.numerator == 1 else [str(c.numerator)]) + head) or "1"
        parts = ([] if c.denominator == 1 else [str(c.denominator)]) + [
            self.wrap(x, PRODUCT) for x in den]
        bottom = " ".join(parts)
        if self.tex:
            return " ".join([rf"\frac{{{top}}}{{{bottom}}}"] + tail)
        if len(parts) > 1 or " " in bottom:
            bottom = f"({bottom})"
        if " " in top:
            top = f"({top})"
        return " ".join([f"{top}/{bottom}"] + tail)

    def add(self, e) -> tuple:
        parts = []
        for a in e.args:
            s, lv = self.show(a)
            parts.append(f"({s})" if lv < SUM + 1 and a.op not in ("mul", "num") else s)
        positive = [k for k, s in enumerate(parts) if not s.startswith("-")]
        if positive and positive[0] > 0:  # a positive term first: b - a, not -a + b
            parts.insert(0, parts.pop(positive[0]))
        out = parts[0]
        for s in parts[1:]:
            out += " - " + s[1:] if s.startswith("-") else " + " + s
        return out, SUM


_SHOW: dict[str, Callable] = {
    "var": _Printer.variable, "num": lambda p, e: p.number(e.data), "ones": _Printer.ones,
    "eye": lambda p, e: ("I", ATOM), "zero": lambda p, e: ("0", ATOM), "dim": _Printer.dim,
    "comm": lambda p, e: (p.t("K", rf"K_{{{e.data[0]},{e.data[1]}}}"), ATOM),
    "mm": _Printer.product, "mul": _Printer.mul, "had": _Printer.joined,
    "kron": _Printer.joined, "add": _Printer.add, "frob": _Printer.frob,
    "T": lambda p, e: p.postfix(e.args[0], p.t("^T", r"^\T")), "inv": _Printer.inverse,
    "pow": _Printer.power, "fro": _Printer.fro, "softmax": _Printer.softmax,
    "mpow": lambda p, e: p.postfix(e.args[0], p.t(f"^{e.data}", f"^{{{e.data}}}")),
}


def plain(e: Expr) -> str:
    """``e`` as plain text (``^T`` transpose, ``∘`` entrywise product, ``:`` Frobenius).

    >>> from .expr import matrix
    >>> plain(matrix("A", "m", "n").T)
    'A^T'
    """
    return _Printer(False).text(e)


def latex(e: Expr) -> str:
    """``e`` in LaTeX with the book's macros (``\\T``, ``\\had``, ``\\frob``, ``\\fnorm``).

    >>> from .expr import matrix
    >>> latex(matrix("W1", "h", "n").T)
    'W_{1}^\\\\T'
    """
    return _Printer(True).text(e)
