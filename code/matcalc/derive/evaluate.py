"""Evaluate an expression tree on numpy arrays or on sympy matrices.

Scalars (1 x 1 nodes) are evaluated as numbers (Python floats, or sympy expressions),
matrices as 2-D numpy arrays or sympy matrices, so one evaluator serves the numeric checks
(numpy, float64), the exact checks (sympy, generic symbols) and the high-precision checks
(sympy, 50-digit floats). numpy is imported only when numpy values are evaluated.

>>> import sympy as sp
>>> from .expr import matrix
>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> evaluate(W @ X, {"W": sp.ones(2, 3), "X": sp.ones(3, 4)}).shape
(2, 4)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .backends import NumpyValues, SympyValues, backend_of

if TYPE_CHECKING:
    from .expr import Expr

__all__ = ["evaluate", "function", "sizes_of", "dimension_size", "Undefined", "SIZES_KEY"]

#: The key under which an environment may carry the sizes of its dimension letters (needed
#: when a letter occurs only inside products such as m*n).
SIZES_KEY = "#sizes"


class Undefined(ValueError):
    """An operation not defined at the values given: ``node`` and ``reason`` say which and
    why.

    >>> from .expr import matrix
    >>> str(Undefined(matrix("A", "n", "n"), "is singular"))
    'A is singular'
    """

    def __init__(self, node, reason: str) -> None:
        super().__init__(f"{node} {reason}")
        self.node, self.reason = node, reason


def dimension_size(d: str, sizes: dict) -> int:
    """The size of a dimension (a letter, a product m*p, or '1') from the letters' sizes.

    >>> dimension_size("m*p", {"m": 2, "p": 3})
    6
    """
    out = 1
    for part in d.split("*"):
        if part == "1":
            continue
        if part not in sizes:
            raise ValueError(f"no size known for dimension {part!r}")
        out *= int(sizes[part])
    return out


def _shape(value: object) -> tuple:
    shape = getattr(value, "shape", None)
    return (1, 1) if shape is None or len(shape) == 0 else tuple(shape)


def sizes_of(expr_vars: dict, env: dict) -> dict:
    """The size of every dimension letter, read from the values of the variables; ValueError
    naming the variable when two values disagree.

    >>> import sympy as sp
    >>> from .expr import matrix
    >>> sizes_of({"A": matrix("A", "m", "n")}, {"A": sp.zeros(2, 3)})
    {'m': 2, 'n': 3, '1': 1}
    """
    sizes: dict = dict(env.get(SIZES_KEY, {}))
    for name, var in expr_vars.items():
        if name not in env:
            continue
        shape = _shape(env[name])
        for letter, size in zip(var.shape, shape):
            if "*" in letter:
                continue  # a product of letters is checked once the letters are known
            if letter == "1" and size != 1 or sizes.setdefault(letter, size) != size:
                raise ValueError(f"{name} has shape {shape} but is declared {var.shape[0]} x "
                                 f"{var.shape[1]} (and {letter!r} is "
                                 f"{sizes.get(letter, 1)} elsewhere)")
    sizes["1"] = 1
    return sizes


def _rearrange(B: NumpyValues | SympyValues, A, left: tuple, right: tuple):
    """Van Loan's R(A): the row at vec position (i, j) of the left factor is vec(A_ij)ᵀ."""
    (m, n), (p, q) = left, right
    return B.stack([B.row(A[i * p:(i + 1) * p, j * q:(j + 1) * q], p, q)
                    for j in range(n) for i in range(m)])


def _commutation(B: NumpyValues | SympyValues, m: int, n: int):
    """K with K vec(X) = vec(Xᵀ) for an m x n X."""
    K = B.matrix(m * n, m * n, 0)
    for i in range(m):
        for j in range(n):
            K[i * n + j, j * m + i] = 1
    return K


def _product_value(B, e, vals, sizes):
    """The product of a chain, a run of k equal factors as one matrix power."""
    out, k = None, 0
    while k < len(vals):
        run = 1
        while k + run < len(vals) and e.args[k + run].key == e.args[k].key:
            run += 1
        factor = B.mat(vals[k]) if run == 1 else B.matpow(B.mat(vals[k]), run)
        out = factor if out is None else out @ factor
        k += run
    return B.scalar(out) if e.shape == ("1", "1") else out


def _sum_value(B, e, vals, sizes):
    out = vals[0]
    for v in vals[1:]:
        out = out + v
    return out


def _scaled_value(B, e, vals, sizes):
    out = B.number(e.data)
    for v in vals:
        out = out * v
    return out


def _hadamard_value(B, e, vals, sizes):
    out = vals[0]
    for v in vals[1:]:
        out = B.hadamard(out, v)
    return out


def _frob_value(B, a, b):
    a, b = B.mat(a), B.mat(b)
    return B.total(B.hadamard(a, b))


def _power_value(B, e, vals, sizes, memo):
    inner = e.args[0]
    if inner.op == "fro" and isinstance(e.data, Fraction) and e.data.denominator == 1 \
            and e.data % 2 == 0:  # ‖A‖^2k without the square root
        A = memo[inner.args[0].key]
        return B.power(_frob_value(B, A, A), B.number(e.data / 2))
    return B.power(vals[0], B.number(e.data))


def _shape_sizes(e, sizes) -> tuple:
    return tuple(dimension_size(d, sizes) for d in e.shape)


_NODE: dict = {
    "num": lambda B, e, v, s: B.number(e.data),
    "ones": lambda B, e, v, s: B.matrix(*_shape_sizes(e, s), 1),
    "zero": lambda B, e, v, s: B.matrix(*_shape_sizes(e, s), 0),
    "eye": lambda B, e, v, s: B.eye(dimension_size(e.shape[0], s)),
    "dim": lambda B, e, v, s: B.number(Fraction(dimension_size(e.data, s))),
    "comm": lambda B, e, v, s: _commutation(B, *(dimension_size(d, s) for d in e.data)),
    "mm": _product_value, "add": _sum_value, "mul": _scaled_value, "had": _hadamard_value,
    "T": lambda B, e, v, s: v[0] if e.shape == ("1", "1") else v[0].T,
    "softmax": lambda B, e, v, s: B.softmax(B.mat(v[0]), e.data),
    "inv": lambda B, e, v, s: B.inv(B.mat(v[0])),
    "det": lambda B, e, v, s: B.det(B.mat(v[0])),
    "logdet": lambda B, e, v, s: B.logdet(B.mat(v[0])),
    "tr": lambda B, e, v, s: B.trace(B.mat(v[0])),
    "frob": lambda B, e, v, s: _frob_value(B, v[0], v[1]),
    "fro": lambda B, e, v, s: B.root(_frob_value(B, v[0], v[0])),
    "sum": lambda B, e, v, s: B.total(B.mat(v[0])),
    "diagm": lambda B, e, v, s: B.diagm(v[0]),
    "diagv": lambda B, e, v, s: B.diagv(v[0]),
    "kron": lambda B, e, v, s: B.kron(B.mat(v[0]), B.mat(v[1])),
    "vec": lambda B, e, v, s: B.reshape(B.flat(v[0]), dimension_size(e.shape[0], s), 1),
    "unvec": lambda B, e, v, s: B.reshape(B.flat(v[0]), *_shape_sizes(e, s)),
    "rearr": lambda B, e, v, s: _rearrange(
        B, v[0], *(tuple(dimension_size(d, s) for d in pair) for pair in e.data)),
}


def evaluate(e: Expr, env: dict, expr_vars: dict | None = None,
             inspect: Callable | None = None, memo: dict | None = None) -> Any:
    """The value of ``e`` with the variables' values in ``env`` (numpy or sympy).
    ``inspect(node, value, argument values, values)`` is called for every node and may
    return a reason why the value is unusable; then (and when an operation raises)
    :class:`Undefined` is raised naming the node. ``memo`` (a dict, empty at first) keeps
    the values of the nodes for further calls with the same ``env``.

    >>> import sympy as sp
    >>> from .expr import matrix
    >>> from .language import tr
    >>> evaluate(tr(matrix("A", "n", "n")), {"A": sp.eye(3)})
    3
    """
    from .expr import ELEMENTWISE, variables
    expr_vars = expr_vars if expr_vars is not None else variables(e)
    B = backend_of(env)
    sizes = sizes_of(expr_vars, env)
    memo = {} if memo is None else memo

    def walk(node):
        k = node.key
        if k in memo:
            return memo[k]
        vals = [walk(a) for a in node.args]
        if inspect is None:
            out = _node(node, vals)
        else:
            try:
                out = _node(node, vals)
            except (ArithmeticError, ValueError) as exc:
                raise Undefined(node, f"cannot be computed here ({exc})") from None
            reason = inspect(node, out, vals, B)
            if reason is not None:
                raise Undefined(node, reason)
        memo[k] = out
        return out

    def _node(node, vals):
        if node.op == "var":
            value = env[node.name]
            out = B.scalar(value) if node.shape == ("1", "1") else value
        elif node.op == "pow":
            out = _power_value(B, node, vals, sizes, memo)
        elif node.op in ELEMENTWISE:
            out = B.each(vals[0], B.entrywise(node.op))
        elif node.op in _NODE:
            out = _NODE[node.op](B, node, vals, sizes)
        else:
            raise ValueError(f"not supported: cannot evaluate the operation {node.op!r}")
        return out

    if isinstance(B, NumpyValues):
        with B.np.errstate(all="ignore"):  # an overflow is found by inspect, not a warning
            return walk(e)
    return walk(e)


def function(e: Expr, extra: dict | None = None) -> Callable:
    """``e`` as a Python function of the variables by name (``**env``). ``extra`` adds
    variables (e.g. the differential) that ``e`` may not contain but whose sizes are known.

    >>> import sympy as sp
    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> function(x.T @ x)(x=sp.ones(3, 1))
    3
    """
    from .expr import variables
    expr_vars = dict(variables(e))
    expr_vars.update(extra or {})

    def f(**env):
        return evaluate(e, env, expr_vars)

    setattr(f, "expr", e)  # noqa: B010 - the expression the function computes
    return f
