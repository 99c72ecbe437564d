"""vec, its inverse, and the commutation matrix, all column-major as in the literature."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .backend import is_symbolic_matrix

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .types import Array, ArrayLike, Matrix

__all__ = ["commutation", "unvec", "vec"]


def vec(A: Matrix | ArrayLike) -> Matrix:
    """Stack the columns of the matrix ``A`` into one vector: a 1-D array of length m*n, or
    a sympy column matrix for a sympy matrix. Raises ValueError, naming the shape, when
    ``A`` is not 2-D.

    Column-major, as in Magnus & Neudecker: ``vec([[a, b], [c, d]]) = [a, c, b, d]``.

    >>> vec(np.array([[1, 2], [3, 4]]))
    array([1, 3, 2, 4])
    """
    if is_symbolic_matrix(A):
        sym: Any = A  # a sympy matrix (sympy is not imported here: it is optional)
        return sym.T.reshape(sym.rows * sym.cols, 1)
    a = np.asarray(A)
    if a.ndim != 2:
        raise ValueError(f"vec expects a matrix (2-D array), got shape {a.shape}")
    return a.reshape(-1, order="F")


def unvec(v: Matrix | ArrayLike, shape: Sequence[int]) -> Matrix:
    """Inverse of :func:`vec`: refill a matrix of ``shape`` column by column from the
    vector ``v`` (1-D, a row or a column; a sympy column gives a sympy matrix). Raises
    ValueError, naming the sizes, when ``shape`` is not a matrix shape or ``v`` does not
    have ``shape[0] * shape[1]`` entries.

    >>> unvec(np.array([1, 3, 2, 4]), (2, 2))
    array([[1, 2],
           [3, 4]])
    """
    dims = tuple(int(s) for s in shape)
    if len(dims) != 2:
        raise ValueError(f"unvec expects a matrix shape (m, n), got {dims}")
    if is_symbolic_matrix(v):
        sym: Any = v  # a sympy matrix
        if sym.rows * sym.cols != dims[0] * dims[1]:
            raise ValueError(f"cannot unvec {sym.rows * sym.cols} entries into shape {dims}")
        return sym.reshape(dims[1], dims[0]).T
    a = np.asarray(v)
    if a.ndim == 2 and 1 in a.shape:
        a = a.reshape(-1)
    if a.ndim != 1:
        raise ValueError(f"unvec expects a vector, got an array of shape {a.shape}")
    if a.size != dims[0] * dims[1]:
        raise ValueError(f"cannot unvec a vector of length {a.size} into shape {dims} "
                         f"({dims[0] * dims[1]} entries)")
    return a.reshape(dims, order="F")


def commutation(m: int, n: int) -> Array:
    """The commutation matrix K (mn x mn) with ``K @ vec(A) == vec(A.T)`` for A of shape
    (m, n). Raises ValueError, naming it, for a size that is not a positive integer.

    >>> A = np.arange(6.).reshape(2, 3)
    >>> bool(np.array_equal(commutation(2, 3) @ vec(A), vec(A.T)))
    True
    """
    for name, val in (("m", m), ("n", n)):
        if int(val) != val or val < 1:
            raise ValueError(f"commutation needs positive integer sizes, got {name}={val!r}")
    m, n = int(m), int(n)
    K = np.zeros((m * n, m * n))
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    # vec(A)[i + j*m] = A[i, j] = A.T[j, i] = vec(A.T)[j + i*n]
    K[(j + i * n).ravel(), (i + j * m).ravel()] = 1.0
    return K
