"""vec, its inverse, and the commutation matrix, all column-major as in the literature."""

import numpy as np

from .backend import is_symbolic_matrix


def vec(A):
    """Stack the columns of ``A`` into one column vector (1-D array of length m*n).

    Column-major, as in Magnus & Neudecker: ``vec([[a, b], [c, d]]) = [a, c, b, d]``.
    A sympy matrix gives a sympy column matrix.

    >>> vec(np.array([[1, 2], [3, 4]]))
    array([1, 3, 2, 4])
    """
    if is_symbolic_matrix(A):
        return A.T.reshape(A.rows * A.cols, 1)
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(f"vec expects a matrix (2-D array), got shape {A.shape}")
    return A.reshape(-1, order="F")


def unvec(v, shape):
    """Inverse of :func:`vec`: refill a matrix of ``shape`` column by column.

    >>> unvec(np.array([1, 3, 2, 4]), (2, 2))
    array([[1, 2],
           [3, 4]])
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2:
        raise ValueError(f"unvec expects a matrix shape (m, n), got {shape}")
    if is_symbolic_matrix(v):
        if v.rows * v.cols != shape[0] * shape[1]:
            raise ValueError(f"cannot unvec {v.rows * v.cols} entries into shape {shape}")
        return v.reshape(shape[1], shape[0]).T
    v = np.asarray(v)
    if v.ndim == 2 and 1 in v.shape:
        v = v.reshape(-1)
    if v.ndim != 1:
        raise ValueError(f"unvec expects a vector, got an array of shape {v.shape}")
    if v.size != shape[0] * shape[1]:
        raise ValueError(f"cannot unvec a vector of length {v.size} into shape {shape} "
                         f"({shape[0] * shape[1]} entries)")
    return v.reshape(shape, order="F")


def commutation(m, n):
    """The commutation matrix K (mn x mn) with ``K @ vec(A) == vec(A.T)`` for A of shape (m, n).

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
