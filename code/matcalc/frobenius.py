"""The Frobenius product A:B = sum_ij A_ij B_ij = tr(A^T B)."""

import numpy as np

from .backend import is_symbolic_matrix


def frob(A, B):
    """Frobenius product ``A:B``: the sum of the entrywise products, equal to ``tr(A^T B)``.

    Works on numpy arrays of any (equal) shape and on sympy matrices, where it returns an
    exact expression.

    >>> import numpy as np
    >>> frob(np.array([[1., 2.], [3., 4.]]), np.eye(2))
    5.0
    """
    if is_symbolic_matrix(A, B):
        import sympy
        A, B = sympy.Matrix(A), sympy.Matrix(B)
        if A.shape != B.shape:
            raise ValueError(f"frob needs equal shapes, got {A.shape} and {B.shape}")
        return sympy.Add(*[a * b for a, b in zip(A, B)])
    A, B = np.asarray(A), np.asarray(B)
    if A.shape != B.shape:
        raise ValueError(f"frob needs equal shapes, got {A.shape} and {B.shape}")
    # Not np.vdot: it would conjugate a complex A.
    return np.sum(A * B).item()
