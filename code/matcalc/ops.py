"""Matrix operations that work on numpy arrays and on sympy matrices alike.

Identities (:mod:`matcalc.identities`), derivations (:mod:`matcalc.derivation`) and the book's
worked examples are written once with these functions, then evaluated exactly on generic
symbolic matrices and numerically on random arrays. Use them instead of ``np.`` functions
in such expressions; ``@``, ``.T``, ``+``, ``-`` and scalar factors already work on both.
(Divide by integers, ``M / 2``, rather than multiplying by floats, ``0.5 * M``, so that the
symbolic side stays exact.) Each function returns a sympy matrix or expression for sympy
input and a numpy array or float otherwise, and raises ValueError, naming the shapes, for
shapes it cannot take.

>>> import sympy as sp
>>> A = sp.Matrix([[1, 2], [3, 4]])
>>> tr(A @ inv(A)), det(A)
(2, -2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from .backend import is_symbolic

if TYPE_CHECKING:
    from .types import Matrix, Scalar

__all__ = ["tr", "hadamard", "kron", "inner", "inv", "det", "logdet", "exp", "log", "tanh",
           "sigmoid", "softmax", "matrix_power", "eye", "ones", "ones_like"]


def _symbolic(*args: Any) -> bool:
    return bool(is_symbolic(*args))


def _square(M: Matrix, what: str) -> None:
    shape = M.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"{what} needs a square matrix, got shape {tuple(shape)}")


def tr(M: Matrix) -> Scalar:
    """The trace of the square matrix ``M`` (a float for an array, an expression for a
    sympy matrix). Raises ValueError for a matrix that is not square.

    >>> tr(np.eye(3))
    3.0
    """
    _square(M, "tr")
    return M.trace() if isinstance(M, sp.MatrixBase) else np.trace(M).item()


def hadamard(A: Matrix, B: Matrix) -> Matrix:
    """The entrywise product A o B of two matrices of the same shape (a sympy matrix if
    either is one). Raises ValueError naming both shapes when they differ.

    >>> hadamard(np.array([[1., 2.]]), np.array([[3., 4.]]))
    array([[3., 8.]])
    """
    if tuple(A.shape) != tuple(B.shape):
        raise ValueError(f"hadamard needs equal shapes, got {tuple(A.shape)} and "
                         f"{tuple(B.shape)}")
    if _symbolic(A, B):
        return sp.Matrix(A).multiply_elementwise(sp.Matrix(B))
    return np.multiply(A, B)


def kron(A: Matrix, B: Matrix) -> Matrix:
    """The Kronecker product A (x) B (a sympy matrix if either is one).

    >>> kron(np.eye(2), np.ones((1, 2)))
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    if _symbolic(A, B):
        return sp.kronecker_product(sp.Matrix(A), sp.Matrix(B))
    return np.kron(A, B)


def inner(u: Matrix, v: Matrix) -> Scalar:
    """u^T v for two vectors of the same length (1-D arrays or sympy column matrices), as a
    scalar (a float for arrays).

    >>> inner(np.array([1., 2.]), np.array([3., 4.]))
    11.0
    """
    if _symbolic(u, v):
        return (sp.Matrix(u).T * sp.Matrix(v))[0, 0]
    return float(np.dot(u, v))


def inv(M: Matrix) -> Matrix:
    """The inverse of the square matrix ``M``. Raises ValueError for a matrix that is not
    square; a singular matrix raises numpy's ``LinAlgError`` (sympy's ``ValueError``).

    >>> inv(np.array([[2., 0.], [0., 4.]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    _square(M, "inv")
    return M.inv() if isinstance(M, sp.MatrixBase) else np.linalg.inv(M)


def det(M: Matrix) -> Scalar:
    """The determinant of the square matrix ``M``. Raises ValueError for a matrix that is
    not square.

    >>> round(det(np.array([[2., 1.], [1., 3.]])), 12)
    5.0
    """
    _square(M, "det")
    return M.det() if isinstance(M, sp.MatrixBase) else np.linalg.det(M).item()


def logdet(M: Matrix) -> Scalar:
    """``log |det M|`` of the square matrix ``M``, computed stably (slogdet) for arrays.
    Raises ValueError for a matrix that is not square, or an array that is singular.

    >>> round(logdet(np.diag([2., 3.])), 12) == round(float(np.log(6.)), 12)
    True
    """
    _square(M, "logdet")
    if isinstance(M, sp.MatrixBase):
        return sp.log(M.det())
    sign, value = np.linalg.slogdet(M)
    if sign == 0:
        raise ValueError(f"logdet of a singular {M.shape[0]}x{M.shape[1]} matrix")
    return float(value)


def _elementwise(name: str, numeric: Callable[[Any], Any],
                 symbolic: Callable[[Any], Any]) -> Callable[[Matrix], Matrix]:
    def f(M: Matrix) -> Matrix:
        if isinstance(M, sp.MatrixBase):
            return M.applyfunc(symbolic)
        if isinstance(M, sp.Basic):
            return symbolic(M)
        return numeric(M)

    f.__name__ = name
    f.__doc__ = (f"Entrywise {name} of a numpy array, a sympy matrix or a sympy scalar.\n\n"
                 f"    >>> {name}(np.ones((1, 2))).shape\n    (1, 2)\n"
                 f"    >>> {name}(sp.Matrix([[1]])).shape\n    (1, 1)\n")
    return f


exp = _elementwise("exp", np.exp, sp.exp)
log = _elementwise("log", np.log, sp.log)
tanh = _elementwise("tanh", np.tanh, sp.tanh)
sigmoid = _elementwise("sigmoid", lambda x: 1 / (1 + np.exp(-x)), lambda x: 1 / (1 + sp.exp(-x)))


def softmax(Z: Matrix) -> Matrix:
    """Column-wise softmax of the matrix ``Z``: each column of exp(Z) divided by its sum
    (numerically stable for arrays: the column's largest entry is subtracted first).

    >>> bool(np.allclose(softmax(np.zeros((2, 3))), 0.5))
    True
    """
    if isinstance(Z, sp.MatrixBase):
        E = Z.applyfunc(sp.exp)
        sums = sp.ones(1, Z.shape[0]) * E
        return sp.Matrix(Z.shape[0], Z.shape[1], lambda i, j: E[i, j] / sums[0, j])
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def matrix_power(X: Matrix, k: int) -> Matrix:
    """X^k for a square X and an integer k >= 0, by repeated products (exact for sympy).
    Raises ValueError for a matrix that is not square or a power that is not such an
    integer.

    >>> matrix_power(np.array([[1., 1.], [0., 1.]]), 3)
    array([[1., 3.],
           [0., 1.]])
    """
    _square(X, "matrix_power")
    if int(k) != k or k < 0:
        raise ValueError(f"matrix_power needs an integer power k >= 0, got {k!r}")
    out = eye(X.shape[0], X)
    for _ in range(int(k)):
        out = out @ X
    return out


def eye(n: int, like: object = None) -> Matrix:
    """The identity of size n: a sympy matrix if ``like`` is one, else a numpy array.

    >>> eye(2)
    array([[1., 0.],
           [0., 1.]])
    """
    return sp.eye(n) if isinstance(like, sp.MatrixBase) else np.eye(n)


def ones(rows: int, cols: int, like: object = None) -> Matrix:
    """A rows x cols matrix of ones: a sympy matrix if ``like`` is one, else a numpy array.

    >>> ones(1, 2)
    array([[1., 1.]])
    """
    return sp.ones(rows, cols) if isinstance(like, sp.MatrixBase) else np.ones((rows, cols))


def ones_like(M: Matrix) -> Matrix:
    """A matrix of ones of M's shape, of M's kind (sympy or numpy).

    >>> ones_like(np.zeros((1, 2)))
    array([[1., 1.]])
    """
    return ones(M.shape[0], M.shape[1], M)
