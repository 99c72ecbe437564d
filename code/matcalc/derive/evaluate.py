"""Evaluate an expression tree on numpy arrays or on sympy matrices, with :mod:`matcalc.ops`.

Scalars (1 x 1 nodes) are evaluated as Python/sympy numbers, matrices as 2-D arrays or sympy
matrices, so one function serves the numeric and the exact checks of a derivation.

>>> import numpy as np
>>> from .expr import matrix
>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> f = function(W @ X)
>>> f(W=np.ones((2, 3)), X=np.ones((3, 4))).shape
(2, 4)
"""

from fractions import Fraction

import numpy as np

from .. import ops
from ..backend import is_symbolic, scalar as as_scalar
from ..frobenius import frob

__all__ = ["function", "evaluate", "sizes_of"]


def sizes_of(expr_vars, env):
    """The size of every dimension letter, read from the values of the variables.

    >>> from .expr import matrix
    >>> sizes_of({"A": matrix("A", "m", "n")}, {"A": np.zeros((2, 3))})
    {'m': 2, 'n': 3, '1': 1}
    """
    sizes = {}
    for name, var in expr_vars.items():
        if name not in env:
            continue
        value = env[name]
        shape = (1, 1) if np.ndim(value) == 0 and not hasattr(value, "shape") else value.shape
        for letter, size in zip(var.shape, shape):
            if letter == "1" and size != 1:
                raise ValueError(f"{name} has shape {tuple(shape)} but is declared "
                                 f"{var.shape[0]} x {var.shape[1]}")
            if sizes.setdefault(letter, size) != size:
                raise ValueError(f"dimension {letter!r} is {sizes[letter]} elsewhere but "
                                 f"{size} in {name} (shape {tuple(shape)})")
    sizes["1"] = 1
    return sizes


def _size(dim, sizes):
    out = 1
    for part in dim.split("*"):
        if part not in sizes:
            raise ValueError(f"no size known for dimension {part!r}")
        out *= sizes[part]
    return out


def _num(value, symbolic):
    if symbolic:
        import sympy as sp
        return sp.Rational(value.numerator, value.denominator) if isinstance(
            value, Fraction) else sp.Float(value)
    return float(value)


def _mat(v, symbolic):
    if symbolic:
        import sympy as sp
        return v if isinstance(v, sp.MatrixBase) else sp.Matrix([[v]])
    return v if isinstance(v, np.ndarray) and v.ndim == 2 else np.array([[v]], dtype=float)


def _power(v, p, symbolic):
    p = _num(p, symbolic)
    if symbolic:
        import sympy as sp
        return v.applyfunc(lambda x: x ** p) if isinstance(v, sp.MatrixBase) else v ** p
    return np.power(v, p)


def _softplus(v, symbolic):
    if symbolic:
        import sympy as sp
        f = lambda x: sp.log(1 + sp.exp(x))
        return v.applyfunc(f) if isinstance(v, sp.MatrixBase) else f(v)
    return np.logaddexp(0.0, v)


def _diagm(v, symbolic):
    if symbolic:
        import sympy as sp
        return sp.diag(*list(v))
    return np.diagflat(v)


def _diagv(v, symbolic):
    if symbolic:
        import sympy as sp
        return sp.Matrix([v[i, i] for i in range(v.shape[0])])
    return np.diag(v).reshape(-1, 1).copy()


def _sqrt(v, symbolic):
    if symbolic:
        import sympy as sp
        return sp.sqrt(v)
    return float(np.sqrt(v))


def _node(e, vals, env, sizes, symbolic, memo):
    op, d = e.op, e.data
    if op == "var":
        return as_scalar(env[e.name]) if e.shape == ("1", "1") else env[e.name]
    if op == "num":
        return _num(d, symbolic)
    if op in ("ones", "zero"):
        r, c = (_size(x, sizes) for x in e.shape)
        M = ops.ones(r, c, _like(symbolic))
        return M if op == "ones" else M * 0
    if op == "eye":
        return ops.eye(_size(e.shape[0], sizes), _like(symbolic))
    if op == "comm":
        from ..vec import commutation
        K = commutation(_size(d[0], sizes), _size(d[1], sizes))
        return _as_symbolic(K) if symbolic else K
    if op == "mm":
        out = _mat(vals[0], symbolic)
        for v in vals[1:]:
            out = out @ _mat(v, symbolic)
        return as_scalar(out)
    if op == "add":
        out = vals[0]
        for v in vals[1:]:
            out = out + v
        return out
    if op == "mul":
        out = _num(d, symbolic)
        for v in vals:
            out = out * v
        return out
    if op == "had":
        out = vals[0]
        for v in vals[1:]:
            out = ops.hadamard(out, v)
        return out
    if op == "pow":
        if e.args[0].op == "fro" and isinstance(d, Fraction) and d.denominator == 1 \
                and d % 2 == 0:  # ‖A‖^2k without the square root
            A = _mat(memo[e.args[0].args[0].key], symbolic)
            return _power(frob(A, A), d / 2, symbolic)
        return _power(vals[0], d, symbolic)
    if op == "T":
        return vals[0] if e.shape == ("1", "1") else vals[0].T
    if op in ("exp", "log", "tanh", "sigmoid"):
        if _is_sym_scalar(vals[0]):
            return getattr(ops, op)(_mat(vals[0], True))[0, 0]
        return getattr(ops, op)(vals[0])
    if op == "softplus":
        return _softplus(vals[0], symbolic)
    if op == "softmax":
        return ops.softmax(_mat(vals[0], symbolic))
    if op in ("inv", "det", "logdet", "tr"):
        return as_scalar(getattr(ops, op)(_mat(vals[0], symbolic)))
    if op == "frob":
        return frob(_mat(vals[0], symbolic), _mat(vals[1], symbolic))
    if op == "fro":
        return _sqrt(frob(_mat(vals[0], symbolic), _mat(vals[0], symbolic)), symbolic)
    if op == "sum":
        M = _mat(vals[0], symbolic)
        return frob(M, ops.ones_like(M))
    if op == "diagm":
        return _diagm(vals[0], symbolic)
    if op == "diagv":
        return _diagv(vals[0], symbolic)
    if op == "kron":
        return ops.kron(_mat(vals[0], symbolic), _mat(vals[1], symbolic))
    raise ValueError(f"not supported: cannot evaluate the operation {op!r}")


def _is_sym_scalar(v):
    import sys
    sp = sys.modules.get("sympy")
    return sp is not None and isinstance(v, sp.Basic) and not isinstance(v, sp.MatrixBase)


def _like(symbolic):
    if symbolic:
        import sympy as sp
        return sp.zeros(1, 1)
    return None


def _as_symbolic(K):
    import sympy as sp
    return sp.Matrix(K.astype(int))


def evaluate(e, env, expr_vars=None):
    """The value of ``e`` with the variables' values in ``env`` (numpy or sympy).

    >>> from .expr import matrix
    >>> from .language import tr
    >>> evaluate(tr(matrix("A", "n", "n")), {"A": np.eye(3)})
    3.0
    """
    from .expr import variables
    expr_vars = expr_vars if expr_vars is not None else variables(e)
    symbolic = is_symbolic(*env.values())
    sizes = sizes_of(expr_vars, env)
    memo = {}

    def walk(node):
        k = node.key
        if k not in memo:
            memo[k] = _node(node, [walk(a) for a in node.args], env, sizes, symbolic, memo)
        return memo[k]

    return walk(e)


def function(e, extra=None):
    """``e`` as a Python function of the variables by name (``**env``), for
    :class:`matcalc.derivation.Step`. ``extra`` adds variables (e.g. the differential) that
    ``e`` may not contain but whose sizes are known.

    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> function(x.T @ x)(x=np.ones((3, 1)))
    3.0
    """
    from .expr import variables
    expr_vars = dict(variables(e))
    expr_vars.update(extra or {})

    def f(**env):
        return evaluate(e, env, expr_vars)

    f.expr = e
    return f
