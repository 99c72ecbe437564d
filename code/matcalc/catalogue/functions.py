"""Small functions that several catalogue sections use in their entries (numpy and sympy
alike where the entry is checked exactly).

>>> import numpy as np
>>> norm2(np.array([[3.0], [4.0]]))
5.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..backend import is_symbolic
from ..frobenius import frob
from ..ops import tr

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["eig_top", "kron_trace_gradient", "norm2", "square"]


def square(X: Matrix) -> Matrix:
    """``X @ X`` for a square matrix (numpy or sympy).

    >>> square(np.array([[0.0, 1.0], [1.0, 0.0]]))
    array([[1., 0.],
           [0., 1.]])
    """
    return X @ X


def norm2(x: Matrix) -> Scalar:
    """The Euclidean (Frobenius) norm ``sqrt(x : x)``: a float, or an exact expression for
    a sympy matrix.

    >>> import sympy as sp
    >>> norm2(sp.Matrix([[3], [4]]))
    5
    """
    value = frob(x, x)
    if is_symbolic(value):
        import sympy as sp
        return sp.sqrt(value)
    return float(np.sqrt(value))


def eig_top(A: Array) -> tuple[float, Array]:
    """The largest eigenvalue of the symmetric part of the square array ``A`` and its unit
    eigenvector (a column, signed so that its first entry is not negative).

    >>> lam, v = eig_top(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> float(lam), np.round(v.ravel(), 4).tolist()
    (3.0, [0.7071, 0.7071])
    >>> eig_top(np.diag([1.0, 3.0]))[1].ravel().tolist()
    [0.0, 1.0]
    """
    w, V = np.linalg.eigh((A + A.T) / 2)
    v = V[:, -1:]
    return w[-1], -v if v[0, 0] < 0 else v


def kron_trace_gradient(A: Matrix, X: Matrix, B: Matrix) -> Matrix:
    """The gradient of ``tr(A (X kron B))`` with respect to the ``m x n`` matrix ``X``:
    entry ``(i, j)`` is ``tr(A_[j,i] B)`` with ``A_[j,i]`` the ``k x k`` block ``(j, i)`` of
    ``A`` (``B`` is ``k x k``).

    >>> kron_trace_gradient(np.eye(2), np.ones((1, 2)), np.eye(1)).tolist()
    [[1.0, 0.0]]
    """
    m, n = X.shape
    k = B.shape[0]
    rows = [[tr(A[j * k:(j + 1) * k, i * k:(i + 1) * k] @ B) for j in range(n)]
            for i in range(m)]
    if is_symbolic(A, X, B):
        import sympy as sp
        return sp.Matrix(rows)
    return np.array(rows, dtype=float)
