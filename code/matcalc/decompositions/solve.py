"""Derivatives of linear solves and of the pseudo-inverse (full rank; Golub–Pereyra 1973).

Solve: ``X = A⁻¹B`` has ``dX = A⁻¹(dB − dA X)``; reverse mode ``B̄ = A⁻ᵀ X̄``, ``Ā = −B̄ Xᵀ``.
Pseudo-inverse of a full-rank A:

    dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − AA⁺) + (I − A⁺A) dAᵀ A⁺ᵀA⁺.
"""

import numpy as np

from ._validate import real_matrix

__all__ = ["solve", "d_solve_a", "solve_vjp_a", "solve_vjp_b", "pinv", "d_pinv"]


def solve(A, B):
    """X = A⁻¹ B.

    >>> solve(np.diag([2., 4.]), np.ones((2, 1))).tolist()
    [[0.5], [0.25]]
    """
    return np.linalg.solve(A, B)


def d_solve_a(A, B, dA):
    """dX = −A⁻¹ dA X (B fixed); with dB as well add A⁻¹ dB.

    >>> (d_solve_a(np.eye(2), np.ones((2, 1)), np.diag([1., 0.])) + 0.0).tolist()
    [[-1.0], [0.0]]
    """
    return -np.linalg.solve(A, dA @ np.linalg.solve(A, B))


def solve_vjp_a(A, B, G):
    """Ā = −A⁻ᵀ G Xᵀ, the gradient of G : A⁻¹B with respect to A.

    >>> solve_vjp_a(np.eye(2), np.ones((2, 1)), np.array([[1.], [0.]])).tolist()
    [[-1.0, -1.0], [0.0, 0.0]]
    """
    return -np.linalg.solve(A.T, G) @ np.linalg.solve(A, B).T


def solve_vjp_b(A, B, G):
    """B̄ = A⁻ᵀ G.

    >>> solve_vjp_b(np.diag([2., 4.]), np.ones((2, 1)), np.ones((2, 1))).tolist()
    [[0.5], [0.25]]
    """
    return np.linalg.solve(A.T, G)


def pinv(A):
    """A⁺ of a full-rank A: (AᵀA)⁻¹Aᵀ if tall, Aᵀ(AAᵀ)⁻¹ if wide (built from solves, so it
    is analytic and the complex step works through it).

    >>> pinv(np.array([[1.], [1.]])).tolist()
    [[0.5, 0.5]]
    """
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(f"pinv needs a matrix, got shape {A.shape}")
    m, n = A.shape
    if m >= n:
        return np.linalg.solve(A.T @ A, A.T)
    return np.linalg.solve(A @ A.T, A).T


def d_pinv(A, dA):
    """Golub–Pereyra: dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − AA⁺) + (I − A⁺A) dAᵀ A⁺ᵀA⁺.

    >>> d_pinv(np.array([[1.], [0.]]), np.array([[0.], [1.]])).tolist()
    [[0.0, 1.0]]
    """
    A = real_matrix(A, "d_pinv")
    P = pinv(A)
    m, n = A.shape
    return (-P @ dA @ P + P @ P.T @ dA.T @ (np.eye(m) - A @ P)
            + (np.eye(n) - P @ A) @ dA.T @ P.T @ P)
