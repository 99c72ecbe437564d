"""Gradients with respect to a symmetric matrix, and the "2G - diag(G)" trap.

For f defined on all n x n matrices with gradient G, restricted to symmetric S, the
directional derivative along a symmetric V is G:V = sym(G):V, with sym(G) = (G + G^T)/2.
So sym(G) is the gradient on the space of symmetric matrices (with the Frobenius inner
product). The formula G + G^T - diag(G) (the Matrix Cookbook's section 2.8.2, "2G - diag(G)"
for symmetric G) is the matrix of partial derivatives with respect to the n(n+1)/2 distinct
entries: off-diagonal entries are counted twice. Used as a gradient with ``:`` it is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..ops import inv, logdet  # noqa: F401 - logdet is used by the docstring examples

if TYPE_CHECKING:
    from ..types import Array, ArrayLike, Matrix

__all__ = ["sym", "logdet_gradient", "symmetric_gradient", "distinct_entry_partials", "sample_spd"]


def sym(M: Matrix) -> Matrix:
    """The symmetric part (M + M^T) / 2: the projection onto symmetric matrices. Raises
    ValueError, naming the shape, for a matrix that is not square.

    >>> sym(np.array([[1., 2.], [0., 1.]]))
    array([[1., 1.],
           [1., 1.]])
    """
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"sym needs a square matrix, got shape {tuple(M.shape)}")
    return (M + M.T) / 2


def sample_spd(n: int, seed: int = 0) -> Array:
    """A random symmetric positive definite n x n matrix, A A^T / n + I.

    >>> S = sample_spd(3)
    >>> bool(np.allclose(S, S.T)) and bool(np.all(np.linalg.eigvalsh(S) > 0))
    True
    """
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A @ A.T / n + np.eye(n)


def logdet_gradient(S: Matrix) -> Matrix:
    """grad log det S = S^{-T}, which is S^{-1} for symmetric S.

    >>> from matcalc import check_gradient
    >>> S = sample_spd(4)
    >>> check_gradient(lambda S: logdet(S), logdet_gradient, S, project=sym).passed
    True
    """
    return inv(S).T


def symmetric_gradient(G: Matrix) -> Matrix:
    """The gradient on symmetric matrices, given the unconstrained gradient G: sym(G).

    >>> symmetric_gradient(np.array([[0., 2.], [0., 0.]]))
    array([[0., 1.],
           [1., 0.]])
    """
    return sym(G)


def distinct_entry_partials(G: ArrayLike) -> Array:
    """G + G^T - diag(G): partial derivatives with respect to the distinct entries of S.

    Entry (i, j), i != j, is d f / d s_ij where s_ij = S_ij = S_ji is one variable: both
    positions change, so it is G_ij + G_ji. This is the Cookbook's "2G - diag(G)". It is
    *not* a gradient for the Frobenius product: (G + G^T - diag G) : V != G : V.

    >>> distinct_entry_partials(np.array([[1., 2.], [2., 5.]]))
    array([[1., 4.],
           [4., 5.]])
    """
    G = np.asarray(G, dtype=float)
    return G + G.T - np.diag(np.diag(G))
