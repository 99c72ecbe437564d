"""The functions of the derive language: traces, inverses, determinants, norms and entrywise
functions, each building a node of :mod:`matcalc.derive.expr` with its shape checked.

>>> from .expr import matrix
>>> X = matrix("X", "n", "n")
>>> str(logdet(X) + tr(inv(X)))
'log det(X) + tr(X^-1)'
>>> tr(matrix("A", "m", "n"))
Traceback (most recent call last):
...
ValueError: shape mismatch: tr needs a square matrix, A is m x n
"""

from .expr import ELEMENTWISE, SCALAR, Expr, is_scalar

__all__ = ["tr", "inv", "det", "logdet", "fro", "frob", "norm2", "sum", "exp", "log", "tanh",
           "sigmoid", "softplus", "softmax", "diag", "kron"]


def _expr(a, fname):
    if isinstance(a, Expr):
        return a
    from .expr import const
    try:
        return const(a)
    except ValueError:
        raise ValueError(f"{fname} needs a matrix expression, got {type(a).__name__} "
                         f"{a!r}") from None


def _square(a, fname):
    a = _expr(a, fname)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"shape mismatch: {fname} needs a square matrix, {a} is "
                         f"{a.shape[0]} x {a.shape[1]}")
    return a


def tr(A):
    """Trace of a square matrix (a scalar).

    >>> from .expr import matrix
    >>> tr(matrix("X", "n", "n")).shape
    ('1', '1')
    """
    return Expr("tr", (_square(A, "tr"),))


def inv(A):
    """Inverse of a square matrix (of a scalar: its reciprocal).

    >>> from .expr import matrix
    >>> str(inv(matrix("X", "n", "n")))
    'X^-1'
    """
    A = _square(A, "inv")
    return A ** -1 if is_scalar(A) else Expr("inv", (A,), A.shape)


def det(A):
    """Determinant of a square matrix.

    >>> from .expr import matrix
    >>> str(det(matrix("X", "n", "n")))
    'det(X)'
    """
    return Expr("det", (_square(A, "det"),))


def logdet(A):
    """log |det A| of a square matrix.

    >>> from .expr import matrix
    >>> logdet(matrix("S", "n", "n", spd=True)).shape
    ('1', '1')
    """
    return Expr("logdet", (_square(A, "logdet"),))


def fro(A):
    """The Frobenius norm ‖A‖_F.

    >>> from .expr import matrix
    >>> str(fro(matrix("A", "m", "n")) ** 2)
    '‖A‖^2'
    """
    return Expr("fro", (_expr(A, "fro"),))


def frob(A, B):
    """The Frobenius product A : B = tr(AᵀB) of two matrices of equal shape.

    >>> from .expr import matrix
    >>> str(frob(matrix("A", "m", "n"), matrix("B", "m", "n")))
    'A : B'
    """
    A, B = _expr(A, "frob"), _expr(B, "frob")
    if A.shape != B.shape:
        raise ValueError(f"shape mismatch: frob({A}, {B}) needs equal shapes, got "
                         f"{A.shape[0]} x {A.shape[1]} and {B.shape[0]} x {B.shape[1]}")
    return Expr("frob", (A, B))


def norm2(x):
    """The Euclidean norm of a vector (row or column); for a matrix use ``fro``.

    >>> from .expr import vector
    >>> str(norm2(vector("x", "n")))
    '‖x‖'
    """
    x = _expr(x, "norm2")
    if "1" not in x.shape:
        raise ValueError(f"not supported: norm2 of the {x.shape[0]} x {x.shape[1]} matrix "
                         f"{x} (the spectral norm); norm2 takes a vector, fro a matrix")
    return Expr("fro", (x,))


def sum(A):
    """The sum of all entries of A.

    >>> from .expr import matrix
    >>> sum(matrix("A", "m", "n")).shape
    ('1', '1')
    """
    return Expr("sum", (_expr(A, "sum"),))


def _elementwise(name):
    def f(A):
        A = _expr(A, name)
        return Expr(name, (A,), A.shape)

    f.__name__ = name
    f.__doc__ = (f"Entrywise {name}.\n\n    >>> from .expr import matrix\n"
                 f"    >>> str({name}(matrix('Z', 'm', 'k')))\n    '{name}(Z)'\n")
    return f


exp, log, tanh, sigmoid, softplus = (_elementwise(n) for n in ELEMENTWISE)


def softmax(Z):
    """Column-wise softmax: each column of exp(Z) divided by its sum.

    >>> from .expr import matrix
    >>> softmax(matrix("Z", "c", "k")).shape
    ('c', 'k')
    """
    Z = _expr(Z, "softmax")
    return Expr("softmax", (Z,), Z.shape)


def diag(A):
    """diag of a column vector: the diagonal matrix; of a square matrix: its diagonal as a
    column vector.

    >>> from .expr import vector
    >>> diag(vector("x", "n")).shape
    ('n', 'n')
    """
    A = _expr(A, "diag")
    if A.shape[1] == "1" and A.shape[0] != "1":
        return Expr("diagm", (A,), (A.shape[0],) * 2)
    if A.shape[0] == A.shape[1] and A.shape != SCALAR:
        return Expr("diagv", (A,), (A.shape[0], "1"))
    raise ValueError(f"not supported: diag of the {A.shape[0]} x {A.shape[1]} matrix {A}; "
                     f"diag takes a column vector or a square matrix")


def kron(A, B):
    """The Kronecker product A ⊗ B (its dimensions are products of letters, e.g. m*p).

    >>> from .expr import matrix
    >>> kron(matrix("A", "m", "n"), matrix("B", "p", "q")).shape
    ('m*p', 'n*q')
    """
    A, B = _expr(A, "kron"), _expr(B, "kron")
    shape = tuple(_times(a, b) for a, b in zip(A.shape, B.shape))
    return Expr("kron", (A, B), shape)


def _times(a, b):
    if a == "1":
        return b
    if b == "1":
        return a
    return f"{a}*{b}"
