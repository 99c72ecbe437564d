"""Derivatives of linear solves and of the pseudo-inverse (full rank; Golub–Pereyra 1973).

Solve: ``X = A⁻¹B`` has ``dX = A⁻¹(dB − dA X)``; reverse mode ``B̄ = A⁻ᵀ X̄``, ``Ā = −B̄ Xᵀ``.
Pseudo-inverse of a full-rank A:

    dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − AA⁺) + (I − A⁺A) dAᵀ A⁺ᵀA⁺.
"""

import numpy as np

from ..claim import Claim
from ..ops import inv
from ..registry import register_all
from ._validate import real_matrix
from .points import SECTION, SEEDS, points

__all__ = ["CLAIMS", "solve", "d_solve_a", "solve_vjp_a", "solve_vjp_b", "pinv", "d_pinv"]


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


# --- the claims of this module (matcalc.registry) -------------------------------------------

CLAIMS = register_all(SECTION, (
    Claim(name="pseudo-inverse, full rank", kind="differential", latex=r"A^+",
          result=r"-A^+\d A\,A^+ + A^+A^{+\T}\d A^\T(I - AA^+) + (I - A^+A)\,\d A^\T A^{+\T}A^+",
          shapes={"A": "mn"}, wrt="A", point=points("tall"), seeds=SEEDS,
          conditions="$A$ of full column rank",
          note="Golub and Pereyra (1973); for a wide $A$ the same formula holds",
          function=pinv, claim=d_pinv, wrong=lambda A, dA: -pinv(A) @ dA @ pinv(A),
          mistake="−A⁺ dA A⁺ only, the inverse's rule"),
    Claim(name="linear solve", kind="differential", latex=r"A^{-1}B", result=r"-A^{-1}\d A\,X",
          shapes={"A": "nn", "B": "nk"}, wrt="A",
          function=lambda A, B: inv(A) @ B, claim=lambda A, B, dA: -inv(A) @ dA @ inv(A) @ B,
          wrong=lambda A, B, dA: -dA @ inv(A) @ inv(A) @ B,
          mistake="−dA A⁻¹ A⁻¹ B, the factors in the wrong order",
          note="$X = A^{-1}B$; implicit differentiation of $AX = B$: "
               "$\\d A\\,X + A\\,\\d X = \\d B$"),
    Claim(name="linear solve, reverse mode", kind="vjp", latex=r"A^{-1}B",
          result=r"-A^{-\T}\bar X X^\T", shapes={"A": "nn", "B": "nk"}, wrt="A",
          function=lambda A, B: inv(A) @ B, claim=lambda A, B, G: -inv(A).T @ G @ (inv(A) @ B).T,
          wrong=lambda A, B, G: -inv(A) @ G @ (inv(A) @ B).T, mistake="A⁻¹ in place of A⁻ᵀ",
          note="$X = A^{-1}B$"),
))
