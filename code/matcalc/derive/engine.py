"""derive, differential, hessian: the book's method applied to a reader's expression, every
step written out and checked before anything is returned.

1. take the differential, one rule per operation (:mod:`.rules`), and simplify it;
2. move everything to the form G : dX, one Frobenius move per term per round
   (:mod:`.identify`), and collect the terms;
3. for a symmetric variable, G : dX = sym(G) : dX on symmetric directions;
4. build a :class:`matcalc.derivation.Derivation` of the chain and check it: each link
   exactly at small sizes (every dimension 2 or 3) where feasible and numerically at
   rectangular sizes, plus the gradient against numerical derivatives. A failing check
   raises :class:`DerivationFailed` naming the first wrong step.

>>> from .expr import matrix
>>> from .language import fro
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> r = derive(0.5 * fro(W @ X - Y) ** 2, wrt="W")
>>> str(r.gradient)
'(W X - Y) X^T'
"""

from fractions import Fraction

import numpy as np

from ..backend import is_symbolic, sizes_text
from ..derivation import Derivation, Step
from .evaluate import function
from .expr import Expr, const, is_scalar, variables
from .identify import frobenius_moves
from .rules import differential_of, differential_variable
from .simplify import factor, name_repeated, simplify, transpose

__all__ = ["derive", "DerivationFailed", "Derived", "check_sizes", "kinds_of", "prepare",
           "TRANSCENDENTAL", "Plan", "variable_of", "as_matrix_function"]

#: Operations whose exact (sympy) check is slow; for them the exact check is skipped and the
#: result says so (the numeric checks still run).
TRANSCENDENTAL = ("exp", "log", "tanh", "sigmoid", "softplus", "softmax")
_EXACT = (2,)
_NAMED_SIZE = 7  # subexpressions of at least this many nodes get a name when repeated
_NUMERIC = (3, 4, 5, 6, 7, 8)


class DerivationFailed(RuntimeError):
    """The engine's own check failed: the message names the first wrong step.

    >>> from .expr import matrix
    >>> from .language import inv, tr
    >>> from .rules import corrupted
    >>> X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
    >>> derive(tr(A @ inv(X)), "X", rules=corrupted("inv"))
    Traceback (most recent call last):
    ...
    matcalc.derive.engine.DerivationFailed: the engine's check of d(tr(A X^-1)) failed; ...
    """


def kinds_of(expr_vars):
    """The Derivation kinds of the variables, from their declared properties.

    >>> from .expr import matrix
    >>> kinds_of({"S": matrix("S", "n", "n", spd=True)})
    {'S': 'spd'}
    """
    out = {}
    for name, var in expr_vars.items():
        for prop in ("spd", "symmetric", "diagonal", "positive"):
            if prop in var.props:
                out[name] = prop
                break
    return out


def check_sizes(letters, values):
    """Sizes for the dimension letters, cycling through ``values`` in sorted letter order.

    >>> check_sizes({"n", "m", "k"}, (2, 3))
    {'k': 2, 'm': 3, 'n': 2}
    """
    return {d: values[i % len(values)] for i, d in enumerate(sorted(letters))}


def _letters(expr_vars):
    return {d for v in expr_vars.values() for d in v.shape} - {"1"}


def _transcendental(e):
    found = set()
    stack = [e]
    while stack:
        n = stack.pop()
        if n.op in TRANSCENDENTAL:
            found.add(n.op)
        stack.extend(n.args)
    return sorted(found)


def _as_expr(value):
    if isinstance(value, Expr):
        return value
    raise ValueError(f"expected a matrix expression built from matrix()/vector()/scalar(), "
                     f"got {type(value).__name__}")


def variable_of(L, wrt):
    """(the variables of L by name, the variable ``wrt`` names).

    >>> from .expr import matrix
    >>> variable_of(matrix("A", "m", "n").T, "A")[1].shape
    ('m', 'n')
    """
    expr_vars = variables(L)
    name = wrt.name if isinstance(wrt, Expr) else str(wrt)
    if name not in expr_vars:
        raise ValueError(f"wrt={name!r} is not a variable of {L}; its variables are "
                         f"{sorted(expr_vars)}")
    return expr_vars, expr_vars[name]


class Plan:
    """Sizes and the policy for the exact check, with the reason when it is skipped.

    >>> from .expr import matrix
    >>> Plan([], {"W": matrix("W", "m", "n")}, None).exact
    {'m': 2, 'n': 2}
    """

    def __init__(self, exprs, expr_vars, exact, sizes=None):
        letters = _letters(expr_vars)
        self.numeric = check_sizes(letters, _NUMERIC) or {}
        self.numeric.update({k: v for k, v in (sizes or {}).items() if k in letters})
        funcs = sorted({f for e in exprs for f in _transcendental(e)})
        self.reason = ""
        if exact is None:
            exact = not funcs
            if funcs:
                self.reason = (f"exact check skipped: {', '.join(funcs)} make sympy's "
                               f"simplification slow; the steps are checked numerically only")
        elif not exact:
            self.reason = "exact check switched off by the caller"
        self.exact = check_sizes(letters, _EXACT) if exact else None

    def text(self, what):
        exact = (f"exactly (sympy, every entry) at {sizes_text(self.exact)} and "
                 if self.exact is not None else "")
        out = (f"checked: {what} {exact}numerically at {sizes_text(self.numeric)} "
               f"(3 random points)")
        return out + (f"; {self.reason}" if self.reason else "")


def derive(L, wrt, *, exact=None, sizes=None, rules=None, moves=None, name=None):
    """The gradient of the scalar expression ``L`` with respect to ``wrt`` (a variable or its
    name), derived step by step and checked before it is returned (see the module docstring).

    ``exact``: None (default) runs the exact check unless the expression has exp, log, tanh,
    sigmoid, softplus or softmax; True/False force it. ``sizes`` overrides the numeric
    check's sizes (e.g. ``{"m": 5, "n": 3}`` where X must be tall). ``rules``/``moves`` replace the
    differential rules or Frobenius moves (for tests: ``matcalc.derive.rules.corrupted``).

    >>> from .expr import vector, matrix
    >>> x, A = vector("x", "n"), matrix("A", "n", "n")
    >>> str(derive(x.T @ A @ x, "x").gradient)
    '(A + A^T) x'
    """
    L = _as_expr(L)
    if not is_scalar(L):
        raise ValueError(f"derive needs a scalar expression, but {L} is {L.shape[0]} x "
                         f"{L.shape[1]}; use differential() for a matrix-valued one")
    expr_vars, var = variable_of(L, wrt)
    if "diagonal" in var.props:
        raise ValueError(f"not supported: the gradient with respect to the diagonal variable "
                         f"{var.name} (the checks have no diagonal directions); declare a "
                         f"vector {var.name.lower()}_ and write diag({var.name.lower()}_)")
    dvar = differential_variable(var)
    S = simplify(L)
    D, used = differential_of(S, var.name, dvar, rules)
    D = simplify(D) if D is not None else const(0)
    steps = [(D, "; ".join(used) or "the expression does not depend on " + var.name)]
    if D.op == "num" and D.data == 0:
        G = Expr("zero", (), var.shape)
    else:
        rounds, pairs = frobenius_moves(D, dvar, moves)
        steps += [(s, "; ".join(names)) for s, names in rounds]
        total = pairs[0][0]
        for A, _ in pairs[1:]:
            total = Expr("add", (total, A), total.shape)
        G = factor(simplify(total))
        if len(pairs) > 1:
            steps.append((Expr("frob", (G, dvar)), "collecting the terms: A : C + B : C = "
                          "(A + B) : C"))
    note = ""
    if "symmetric" in var.props:
        Gt = simplify(transpose(G))
        if Gt != G:
            G = factor(simplify(Expr("mul", (Expr("add", (G, Gt), G.shape),), G.shape,
                                     Fraction(1, 2))))
            steps.append((Expr("frob", (G, dvar)), f"d{var.name} symmetric: G : d{var.name}"
                          f" = sym(G) : d{var.name}"))
        note = (f"{var.name} is symmetric: this is the gradient along symmetric directions, "
                f"sym(G) = (G + G^T)/2 of the unconstrained G (not 2G - diag(G))")
    plan = Plan([L], expr_vars, exact, sizes)
    shown, names = name_repeated([e for e, _ in steps] + [G], min_size=_NAMED_SIZE)
    derivation = _derivation(name or str(L), L, expr_vars, var, dvar, steps, G, plan,
                             shown[:-1])
    result = derivation.check()
    if not result.passed:
        raise DerivationFailed(f"the engine's check of d({L}) failed; the result is not "
                               f"returned.\n{result}")
    out = Derived(L, var, G, derivation, result, plan.text("every step"), note, expr_vars)
    out.names, out.named_gradient = names, shown[-1]
    return out


def _derivation(name, L, expr_vars, var, dvar, steps, G, plan, shown):
    shapes = {n: v.shape for n, v in expr_vars.items()}
    extra = dict(expr_vars)
    extra[dvar.name] = dvar
    chain = [Step(s.latex, function(e, extra), why) for (e, why), s in zip(steps, shown)]
    return Derivation(name, shapes, var.name, function(L, expr_vars), chain,
                      gradient=as_matrix_function(function(G, expr_vars)),
                      kinds=kinds_of(expr_vars),
                      exact_sizes=plan.exact, numeric_sizes=plan.numeric, start=r"\d L")


def as_matrix_function(f):
    """``f`` with a scalar result returned as a 1 x 1 matrix (numpy or sympy).

    >>> as_matrix_function(lambda **env: 2.0)().shape
    (1, 1)
    """
    def g(**env):
        v = f(**env)
        if hasattr(v, "shape") and len(v.shape) == 2:
            return v
        if is_symbolic(v):
            import sympy
            return sympy.Matrix([[v]])
        return np.array([[float(v)]])

    return g


def prepare(arrays, expr_vars):
    """Arrays by variable name as 2-D arrays (1-D vectors become columns, numbers 1 x 1),
    with every variable present.

    >>> from .expr import vector
    >>> prepare({"x": [1.0, 2.0]}, {"x": vector("x", "n")})["x"].shape
    (2, 1)
    """
    out = {}
    for n, v in expr_vars.items():
        if n not in arrays:
            raise ValueError(f"no value given for {n} ({v.shape[0]} x {v.shape[1]}); "
                             f"give every variable of the expression by name")
        a = np.asarray(arrays[n], dtype=float)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a.reshape(-1, 1) if v.shape[1] == "1" else a.reshape(1, -1)
        out[n] = a
    return out


class Derived:
    """The result of :func:`derive`: ``gradient`` (an expression), ``latex``, ``steps`` (the
    checked Derivation), ``evaluate(**arrays)``, ``check()``, ``checked`` (what was
    checked), ``note`` (e.g. for symmetric variables).

    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> r = derive(x.T @ x, "x")
    >>> str(r.gradient), r.evaluate(x=np.array([1.0, 2.0])).tolist()
    ('2 x', [2.0, 4.0])
    """

    def __init__(self, L, var, G, steps, result, checked, note, expr_vars):
        self.expression, self.variable, self.gradient = L, var, G
        self.steps, self.checked, self.note = steps, checked, note
        self._result, self._vars = result, expr_vars
        self._grad = function(G, expr_vars)
        self.named_gradient, self.names = G, []

    @property
    def latex(self):
        """The gradient in LaTeX with the book's macros."""
        return self.gradient.latex

    def named(self):
        """(gradient with repeated subexpressions named, [(name, definition)]); the names
        are shared with the steps' LaTeX."""
        return self.named_gradient, self.names

    def evaluate(self, **arrays):
        """The gradient at the given arrays (vectors as 1-D or n x 1), as a numpy array of the
        variable's shape (1-D if the variable was given 1-D)."""
        env = prepare(arrays, self._vars)
        G = np.asarray(self._grad(**env), dtype=float)
        want = env[self.variable.name].shape
        G = np.broadcast_to(G, want).copy() if G.size == 1 else G.reshape(want)
        given = np.asarray(arrays[self.variable.name])
        return G.reshape(given.shape) if given.ndim < 2 else G

    def check(self):
        """The DerivationResult of the engine's check (run before the result was returned)."""
        return self._result

    def __str__(self):
        g, defs = self.named()
        lines = [f"d L = {self._plain_steps()}", f"gradient with respect to "
                 f"{self.variable.name}: {g}"]
        lines += [f"  with {n} = {d}" for n, d in defs]
        if self.note:
            lines.append(self.note)
        lines.append(self.checked + f" -> {'PASSED' if self._result.passed else 'FAILED'}")
        return "\n".join(lines)

    __repr__ = __str__

    def _plain_steps(self):
        return "\n    = ".join(self.plain_chain())

    def plain_chain(self):
        """The steps as plain-text lines with their rules."""
        out = []
        for (text, why) in self.chain_text:
            out.append(f"{text}    [{why}]")
        return out

    @property
    def chain_text(self):
        return [(_plain_of_latex(s), s.why) for s in self.steps.steps]

    def _repr_markdown_(self):
        g, defs = self.named()
        rows = ["| step | expression | rule |", "|---|---|---|"]
        for k, s in enumerate(self.steps.steps):
            head = r"$\d L$" if k == 0 else ""
            rows.append(f"| {head} | $= {s.latex}$ | {s.why} |")
        where = ", ".join(f"${n} = {d.latex}$" for n, d in defs)
        out = ("\n".join(rows) + "\n\n"
               f"Gradient: $\\grad_{{{self.variable.latex}}} L = {g.latex}$"
               + (f", with {where}" if where else "") + ".\n\n")
        if self.note:
            out += self.note + ".\n\n"
        verdict = "passed" if self._result.passed else "FAILED"
        return out + f"*{self.checked[0].upper() + self.checked[1:]}*: **{verdict}**.\n"


def _plain_of_latex(step):
    expr = getattr(step.expr, "expr", None)
    return str(expr) if expr is not None else step.latex

