"""Derivatives of linear solves and of the pseudo-inverse (Golub–Pereyra 1973).

Solve: ``X = A⁻¹B`` has ``dX = A⁻¹(dB − dA X)``; reverse mode ``B̄ = A⁻ᵀ X̄``, ``Ā = −B̄ Xᵀ``.
A singular A (a singular value at most the rank tolerance) raises
:class:`~matcalc.decompositions.RankError`.

Pseudo-inverse: ``A⁺ = V_r S_r⁻¹ U_rᵀ`` from the SVD, keeping the r singular values above
the rank tolerance ``rtol · σ_max`` (``rtol = max(m, n) · eps`` by default). Its derivative
exists along the matrices of constant rank r (on an open set when r = min(m, n)):

    dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − AA⁺) + (I − A⁺A) dAᵀ A⁺ᵀA⁺.

A direction with a component ``(I − AA⁺) dA (I − A⁺A)`` (it raises the rank) makes A⁺ jump:
:func:`d_pinv` refuses it with a RankError naming that component's size.
"""

from __future__ import annotations

import numpy as np

from ..backend import is_symbolic_matrix
from ..claim import Claim
from ..ops import inv
from ..registry import register_all
from ..types import Array, Matrix
from ._validate import RankError, keeps_float32, rank_tolerance, real_matrix
from .points import SECTION, SEEDS, points

__all__ = ["CLAIMS", "solve", "d_solve_a", "solve_vjp_a", "solve_vjp_b", "pinv", "d_pinv"]


def _nonsingular(A, what):
    A = np.asarray(A)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{what} needs a square matrix A, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{what}: A (shape {A.shape}) has NaN or inf entries")
    s = np.linalg.svd(A, compute_uv=False)
    tol = rank_tolerance(A.shape, s[0] if s.size else 0.0)
    if s.size and s[-1] <= tol:
        raise RankError(f"{what}: A (shape {A.shape}) is singular: its smallest singular value "
                        f"is {s[-1]:.1e} <= {tol:.1e} (the rank tolerance)")
    return A


@keeps_float32
def solve(A: Matrix, B: Matrix) -> Matrix:
    """X = A⁻¹ B (A real or complex, so the complex step works through it, or symbolic);
    RankError if A is singular.

    >>> solve(np.diag([2., 4.]), np.ones((2, 1))).tolist()
    [[0.5], [0.25]]
    """
    if is_symbolic_matrix(A, B):
        return inv(A) @ B
    return np.linalg.solve(_nonsingular(A, "solve"), B)


@keeps_float32
def d_solve_a(A: Matrix, B: Matrix, dA: Matrix) -> Matrix:
    """dX = −A⁻¹ dA X (B fixed); with dB as well add A⁻¹ dB.

    >>> (d_solve_a(np.eye(2), np.ones((2, 1)), np.diag([1., 0.])) + 0.0).tolist()
    [[-1.0], [0.0]]
    """
    return -solve(A, dA @ solve(A, B))


@keeps_float32
def solve_vjp_a(A: Matrix, B: Matrix, G: Matrix) -> Matrix:
    """Ā = −A⁻ᵀ G Xᵀ, the gradient of G : A⁻¹B with respect to A.

    >>> solve_vjp_a(np.eye(2), np.ones((2, 1)), np.array([[1.], [0.]])).tolist()
    [[-1.0, -1.0], [0.0, 0.0]]
    """
    return -solve(A.T, G) @ solve(A, B).T


@keeps_float32
def solve_vjp_b(A: Matrix, B: Matrix, G: Matrix) -> Matrix:
    """B̄ = A⁻ᵀ G.

    >>> solve_vjp_b(np.diag([2., 4.]), np.ones((2, 1)), np.ones((2, 1))).tolist()
    [[0.5], [0.25]]
    """
    return solve(A.T, G)


def _pinv_parts(A, rtol, what):
    A = real_matrix(A, what)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    r = int(np.sum(s > rank_tolerance(A.shape, s[0] if s.size else 0.0, rtol)))
    return A, (Vt[:r].T / s[:r]) @ U[:, :r].T, r


@keeps_float32
def pinv(A: Array, rtol: float | None = None) -> Array:
    """A⁺ = V_r S_r⁻¹ U_rᵀ from the SVD, keeping the singular values above
    ``rtol · σ_max`` (default ``rtol = max(m, n) · eps``); any shape and any rank. Real
    input only (the SVD is not complex-analytic, so the checker uses central differences).

    >>> pinv(np.array([[1.], [1.]])).round(12).tolist()
    [[0.5, 0.5]]
    >>> pinv(np.array([[1., 2.], [2., 4.]])).round(12).tolist()   # rank 1
    [[0.04, 0.08], [0.08, 0.16]]
    """
    return _pinv_parts(A, rtol, "pinv")[1]


@keeps_float32
def d_pinv(A: Array, dA: Array, rtol: float | None = None) -> Array:
    """Golub–Pereyra: dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − AA⁺) + (I − A⁺A) dAᵀ A⁺ᵀA⁺, the
    derivative along the matrices of A's rank r (rank tolerance as in :func:`pinv`).
    RankError if A is rank deficient and dA has a component (I − AA⁺) dA (I − A⁺A) larger
    than √eps · ‖dA‖ (along it the rank rises and A⁺ jumps).

    >>> d_pinv(np.array([[1.], [0.]]), np.array([[0.], [1.]])).tolist()
    [[0.0, 1.0]]
    """
    A, P, r = _pinv_parts(A, rtol, "d_pinv")
    m, n = A.shape
    dA = np.asarray(dA)
    left, right = np.eye(m) - A @ P, np.eye(n) - P @ A
    if r < min(m, n):
        normal = float(np.linalg.norm(left @ dA @ right))
        if normal > np.sqrt(np.finfo(np.float64).eps) * float(np.linalg.norm(dA)):
            raise RankError(f"d_pinv: A (shape {A.shape}) has rank {r} < {min(m, n)} and the "
                            f"direction changes it: its component (I - AA⁺) dA (I - A⁺A) has "
                            f"norm {normal:.1e} (of ‖dA‖ = {np.linalg.norm(dA):.1e}); A⁺ "
                            f"jumps along it, so only directions that keep the rank have a "
                            f"derivative")
    return -P @ dA @ P + P @ P.T @ dA.T @ left + right @ dA.T @ P.T @ P


# --- the claims of this module (matcalc.registry) -------------------------------------------

CLAIMS = register_all(SECTION, (
    Claim(name="pseudo-inverse, full rank", kind="differential", latex=r"A^+",
          result=r"-A^+\d A\,A^+ + A^+A^{+\T}\d A^\T(I - AA^+) + (I - A^+A)\,\d A^\T A^{+\T}A^+",
          shapes={"A": "mn"}, wrt="A", point=points("tall"), seeds=SEEDS,
          conditions="$A$ of full column rank (the rule holds at any constant rank)",
          note="Golub and Pereyra (1973); for a wide $A$ the same formula holds; $A^+$ from "
               "the SVD",
          function=pinv, claim=d_pinv, wrong=lambda A, dA: -pinv(A) @ dA @ pinv(A),
          mistake="−A⁺ dA A⁺ only, the inverse's rule"),
    Claim(name="linear solve", kind="differential", latex=r"A^{-1}B", result=r"-A^{-1}\d A\,X",
          shapes={"A": "nn", "B": "nk"}, wrt="A",
          function=solve, claim=d_solve_a,
          wrong=lambda A, B, dA: -dA @ inv(A) @ inv(A) @ B,
          mistake="−dA A⁻¹ A⁻¹ B, the factors in the wrong order",
          note="$X = A^{-1}B$; implicit differentiation of $AX = B$: "
               "$\\d A\\,X + A\\,\\d X = \\d B$"),
    Claim(name="linear solve, reverse mode", kind="vjp", latex=r"A^{-1}B",
          result=r"-A^{-\T}\bar X X^\T", shapes={"A": "nn", "B": "nk"}, wrt="A",
          function=solve, claim=solve_vjp_a,
          wrong=lambda A, B, G: -inv(A) @ G @ (inv(A) @ B).T, mistake="A⁻¹ in place of A⁻ᵀ",
          note="$X = A^{-1}B$"),
))
