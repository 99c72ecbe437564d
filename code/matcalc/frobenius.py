"""The Frobenius product A:B = sum_ij A_ij B_ij = tr(A^T B)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .backend import is_symbolic_matrix

if TYPE_CHECKING:
    from .types import ArrayLike, Matrix, Scalar

__all__ = ["frob"]


def frob(A: Matrix | ArrayLike, B: Matrix | ArrayLike) -> Scalar:
    """Frobenius product ``A:B``: the sum of the entrywise products, equal to ``tr(A^T B)``.

    Takes numpy arrays (or anything numpy.asarray takes) of any equal shape, returning a
    Python number, or sympy matrices (if either is one), returning an exact expression.
    Raises ValueError naming both shapes when they differ.

    >>> import numpy as np
    >>> frob(np.array([[1., 2.], [3., 4.]]), np.eye(2))
    5.0
    """
    if is_symbolic_matrix(A, B):
        import sympy
        SA, SB = sympy.Matrix(A), sympy.Matrix(B)
        if SA.shape != SB.shape:
            raise ValueError(f"frob needs equal shapes, got {SA.shape} and {SB.shape}")
        return sympy.Add(*[a * b for a, b in zip(SA, SB)])
    a, b = np.asarray(A), np.asarray(B)
    if a.shape != b.shape:
        raise ValueError(f"frob needs equal shapes, got {a.shape} and {b.shape}")
    # Not np.vdot: it would conjugate a complex A.
    return np.sum(a * b).item()
