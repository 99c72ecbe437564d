"""The functions of the derive language: traces, inverses, determinants, norms, reductions,
entrywise functions, softmax, Kronecker products and vec, each building a node of
:mod:`matcalc.derive.expr` with its shape checked.

>>> from .expr import matrix
>>> X = matrix("X", "n", "n")
>>> str(logdet(X) + tr(inv(X)))
'log det(X) + tr(X^-1)'
>>> tr(matrix("A", "m", "n"))
Traceback (most recent call last):
...
ValueError: shape mismatch: tr needs a square matrix, A is m x n
"""

from __future__ import annotations

from .expr import SCALAR, Expr, const, dim, dim_product, is_scalar, ones

__all__ = ["tr", "inv", "det", "logdet", "fro", "frob", "norm2", "sum", "mean", "exp", "log",
           "tanh", "sigmoid", "softplus", "sqrt", "abs", "relu", "softmax", "diag", "kron",
           "vec", "unvec", "rearrange", "AXES"]

#: The axis arguments of softmax, sum and mean, as in numpy: 0 down the columns, 1 (or -1)
#: along the rows.
AXES = (0, 1, -1)


def _expr(a: object, fname: str) -> Expr:
    if isinstance(a, Expr):
        return a
    try:
        return const(a)
    except ValueError:
        raise ValueError(f"{fname} needs a matrix expression, got {type(a).__name__} "
                         f"{a!r:.60}") from None


def _square(a: object, fname: str) -> Expr:
    a = _expr(a, fname)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"shape mismatch: {fname} needs a square matrix, {a} is "
                         f"{a.shape[0]} x {a.shape[1]}")
    return a


def _axis(axis: object, fname: str) -> int:
    if isinstance(axis, bool) or axis not in AXES:
        raise ValueError(f"{fname}: axis must be one of {AXES} (0: each column, 1 or -1: "
                         f"each row), got {axis!r}")
    return 1 if axis == -1 else int(axis)


def tr(A: Expr) -> Expr:
    """Trace of a square matrix (a scalar).

    >>> from .expr import matrix
    >>> tr(matrix("X", "n", "n")).shape
    ('1', '1')
    """
    return Expr("tr", (_square(A, "tr"),))


def inv(A: Expr) -> Expr:
    """Inverse of a square matrix (of a scalar: its reciprocal).

    >>> from .expr import matrix
    >>> str(inv(matrix("X", "n", "n")))
    'X^-1'
    """
    A = _square(A, "inv")
    return A ** -1 if is_scalar(A) else Expr("inv", (A,), A.shape)


def det(A: Expr) -> Expr:
    """Determinant of a square matrix.

    >>> from .expr import matrix
    >>> str(det(matrix("X", "n", "n")))
    'det(X)'
    """
    return Expr("det", (_square(A, "det"),))


def logdet(A: Expr) -> Expr:
    """log |det A| of a square matrix.

    >>> from .expr import matrix
    >>> logdet(matrix("S", "n", "n", spd=True)).shape
    ('1', '1')
    """
    return Expr("logdet", (_square(A, "logdet"),))


def fro(A: Expr) -> Expr:
    """The Frobenius norm ‖A‖_F.

    >>> from .expr import matrix
    >>> str(fro(matrix("A", "m", "n")) ** 2)
    '‖A‖^2'
    """
    return Expr("fro", (_expr(A, "fro"),))


def frob(A: Expr, B: Expr) -> Expr:
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


def norm2(x: Expr) -> Expr:
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


def sum(A: Expr, axis: int | None = None) -> Expr:
    """The sum of all entries of A; with ``axis=0`` the row of column sums ``1ᵀA``, with
    ``axis=1`` the column of row sums ``A 1``.

    >>> from .expr import matrix
    >>> sum(matrix("A", "m", "n")).shape, sum(matrix("A", "m", "n"), axis=0).shape
    (('1', '1'), ('1', 'n'))
    """
    A = _expr(A, "sum")
    if axis is None:
        return Expr("sum", (A,))
    if _axis(axis, "sum") == 0:
        return ones(A.shape[0]).T @ A
    return A @ ones(A.shape[1])


def mean(A: Expr, axis: int | None = None) -> Expr:
    """The mean of all entries of A (``sum(A) / (m n)``); with ``axis`` the mean of each
    column (0) or row (1), as numpy's.

    >>> from .expr import matrix
    >>> str(mean(matrix("A", "m", "n")))
    'sum(A)/(m n)'
    """
    A = _expr(A, "mean")
    if axis is None:
        count = dim_product(A.shape[0], A.shape[1])
    else:
        count = A.shape[_axis(axis, "mean")]
    return sum(A, axis) / dim(count) if count != "1" else sum(A, axis)


def _elementwise(name: str, doc: str):
    def f(A: Expr) -> Expr:
        A = _expr(A, name)
        return Expr(name, (A,), A.shape)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"{doc}\n\n    >>> from .expr import matrix\n"
                 f"    >>> str({name}(matrix('Z', 'm', 'k')))\n    '{name}(Z)'\n")
    return f


exp = _elementwise("exp", "Entrywise exponential.")
log = _elementwise("log", "Entrywise natural logarithm (of positive entries).")
tanh = _elementwise("tanh", "Entrywise hyperbolic tangent.")
sigmoid = _elementwise("sigmoid", "Entrywise logistic function 1 / (1 + exp(-z)).")
softplus = _elementwise("softplus", "Entrywise softplus log(1 + exp(z)).")
sqrt = _elementwise("sqrt", "Entrywise square root (of positive entries).")
abs = _elementwise("abs", "Entrywise absolute value (not differentiable at 0).")
relu = _elementwise("relu", "Entrywise max(z, 0) (not differentiable at 0).")


def softmax(Z: Expr, axis: int = 0) -> Expr:
    """Softmax of each column (``axis=0``, the default) or of each row (``axis=1`` or
    ``-1``): exp(Z) divided by its column (row) sums.

    >>> from .expr import matrix
    >>> softmax(matrix("Z", "c", "k")).shape, str(softmax(matrix("Z", "k", "c"), axis=1))
    (('c', 'k'), 'softmax(Z, axis=1)')
    """
    Z = _expr(Z, "softmax")
    return Expr("softmax", (Z,), Z.shape, _axis(axis, "softmax"))


def diag(A: Expr) -> Expr:
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


def kron(A: Expr, B: Expr) -> Expr:
    """The Kronecker product A ⊗ B (its dimensions are products of letters, e.g. m*p).

    >>> from .expr import matrix
    >>> kron(matrix("A", "m", "n"), matrix("B", "p", "q")).shape
    ('m*p', 'n*q')
    """
    A, B = _expr(A, "kron"), _expr(B, "kron")
    if is_scalar(A) or is_scalar(B):
        return A * B
    shape = tuple(dim_product(a, b) for a, b in zip(A.shape, B.shape))
    return Expr("kron", (A, B), shape)


def vec(A: Expr) -> Expr:
    """The columns of A stacked into one column (column-major, as in the book).

    >>> from .expr import matrix
    >>> vec(matrix("A", "m", "n")).shape
    ('m*n', '1')
    """
    A = _expr(A, "vec")
    if A.shape[1] == "1":
        return A
    return Expr("vec", (A,), (dim_product(A.shape[0], A.shape[1]), "1"))


def unvec(a: Expr, rows: str, cols: str) -> Expr:
    """The inverse of vec: the ``rows x cols`` matrix whose columns are the pieces of the
    column ``a`` (an operation of the engine's gradients).

    >>> from .expr import vector
    >>> unvec(vector("a", "m*n"), "m", "n").shape
    ('m', 'n')
    """
    a = _expr(a, "unvec")
    if a.shape != (dim_product(rows, cols), "1"):
        raise ValueError(f"shape mismatch: unvec to {rows} x {cols} needs a column of "
                         f"{dim_product(rows, cols)} entries, {a} is {a.shape[0]} x "
                         f"{a.shape[1]}")
    if cols == "1":
        return a
    return Expr("unvec", (a,), (rows, cols))


def rearrange(A: Expr, left: tuple, right: tuple) -> Expr:
    """Van Loan's rearrangement R(A) of a matrix with ``left[0] x left[1]`` blocks of shape
    ``right``: the row of R(A) at vec position (i, j) is vec(A_ij)ᵀ, so that
    A : (B ⊗ C) = vec(B)ᵀ R(A) vec(C) (an operation of the engine's gradients).

    >>> from .expr import matrix
    >>> rearrange(matrix("A", "m*p", "n*q"), ("m", "n"), ("p", "q")).shape
    ('m*n', 'p*q')
    """
    A = _expr(A, "rearrange")
    want = (dim_product(left[0], right[0]), dim_product(left[1], right[1]))
    if A.shape != want:
        raise ValueError(f"shape mismatch: rearrange needs a {want[0]} x {want[1]} matrix, "
                         f"{A} is {A.shape[0]} x {A.shape[1]}")
    shape = (dim_product(*left), dim_product(*right))
    return Expr("rearr", (A,), shape, (tuple(left), tuple(right)))

