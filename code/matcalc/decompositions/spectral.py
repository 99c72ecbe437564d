"""Spectral functions: functions of the eigenvalues or singular values that are symmetric in
them (log det, the nuclear and Schatten norms, tr f(X)), differentiable at ties.

**Lewis's theorem.** If ``g`` is (absolutely) symmetric and differentiable at ``σ(A)``, then
``F = g ∘ σ`` is differentiable at A with ``∇F(A) = U diag(∇g(σ)) Vᵀ`` for *any* SVD of A;
for symmetric X and ``F = g ∘ λ``, ``∇F(X) = V diag(∇g(λ)) Vᵀ``. At a tie σ_i = σ_j the
symmetry of g makes ``∂g/∂σ_i = ∂g/∂σ_j``, so the gradient does not depend on the basis
chosen inside the tied subspace: the rules below need no gap and hold at exact ties, where
the singular vectors themselves have no derivative. (Their derivatives, the matrix
functions ∇ tr f(X) = f′(X), are divided differences: :mod:`matcalc.decompositions.symfun`.)

The nuclear norm ``Σ σ_i`` is not differentiable where a singular value is 0 (there
``|σ|`` has a kink): :func:`nuclear_norm_grad` raises RankError, and
:class:`NuclearSubdifferential` describes the set of subgradients
``{U_r V_rᵀ + W : U_rᵀ W = 0, W V_r = 0, ‖W‖₂ <= 1}`` and its support function, the
one-sided directional derivative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ..types import Array
from ._validate import RankError, keeps_float32, rank_tolerance, real_matrix
from .points import SECTION, SEEDS, points
from .svd import nuclear_norm
from .symfun import spd_eigh

__all__ = ["CLAIMS", "logdet_eig", "logdet_eig_gradient", "nuclear_norm_grad", "schatten",
           "schatten_grad", "NuclearSubdifferential", "nuclear_subdifferential"]


@keeps_float32
def logdet_eig(A: Array) -> float:
    """log det A = Σ log λ_i for a symmetric positive definite A (DomainError naming an
    eigenvalue <= 0).

    >>> round(float(logdet_eig(np.diag([2., 2.]))), 12) == round(float(np.log(4.)), 12)
    True
    """
    return float(np.sum(np.log(spd_eigh(A, "logdet_eig")[0])))


@keeps_float32
def logdet_eig_gradient(A: Array) -> Array:
    """Lewis: ∇ Σ log λ_i = V diag(1/λ) Vᵀ = A⁻¹ on the symmetric matrices; right at
    repeated eigenvalues (DomainError naming an eigenvalue <= 0).

    >>> logdet_eig_gradient(np.diag([2., 2.])).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    w, V = spd_eigh(A, "logdet_eig_gradient")
    return (V / w) @ V.T


def _thin_svd(A, what):
    A = real_matrix(A, what)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return A, U, s, Vt.T


@keeps_float32
def nuclear_norm_grad(A: Array) -> Array:
    """Lewis: ∇‖A‖_* = U Vᵀ (thin SVD, any shape), right at ties; RankError where a singular
    value is 0 (then see :func:`nuclear_subdifferential`).

    >>> nuclear_norm_grad(np.diag([2., 2.])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    A, U, s, V = _thin_svd(A, "nuclear_norm_grad")
    tol = rank_tolerance(A.shape, s[0] if s.size else 0.0)
    if not s.size or s[-1] <= tol:
        raise RankError(f"nuclear_norm_grad: A (shape {A.shape}) has the singular value "
                        f"{s[-1] if s.size else 0:.1e} <= {tol:.1e} (rank deficient): the "
                        f"nuclear norm has a kink there and no gradient; its subdifferential "
                        f"is nuclear_subdifferential(A)")
    return U @ V.T


@keeps_float32
def schatten(A: Array, p: float) -> float:
    """The Schatten p-norm ``(Σ σ_i^p)^{1/p}`` (1 <= p < inf; p = 1 nuclear, p = 2
    Frobenius), computed as σ_max (Σ (σ_i/σ_max)^p)^{1/p}: no overflow or underflow of the
    powers where the norm itself is a float. ValueError naming ``p`` outside [1, inf).

    >>> round(float(schatten(np.diag([3., 4.]), 2)), 12)
    5.0
    >>> float(schatten(1e200 * np.diag([3., 4.]), 3)) > 4e200
    True
    """
    return _schatten_of(_thin_svd(A, "schatten")[2], _schatten_order(p, "schatten"))


def _schatten_of(s, p):
    """(Σ s_i^p)^{1/p} of singular values s, as s_max (Σ (s_i/s_max)^p)^{1/p}."""
    top = float(np.max(s, initial=0.0))
    if top == 0.0:
        return 0.0
    return float(top * np.sum((s / top) ** p) ** (1 / p))


def _schatten_order(p: object, name: str) -> float:
    if isinstance(p, bool) or not isinstance(p, int | float | np.integer | np.floating) \
            or not 1 <= float(p) < np.inf:
        raise ValueError(f"{name}: p must be a real number with 1 <= p < inf (below 1 it is "
                         f"not a norm; p = inf is the spectral norm, svd.spectral_norm), got "
                         f"p={p!r}")
    return float(p)


@keeps_float32
def schatten_grad(A: Array, p: float) -> Array:
    """Lewis: ∇‖A‖_p = ‖A‖_p^{1−p} U diag(σ^{p−1}) Vᵀ = U diag((σ/‖A‖_p)^{p−1}) Vᵀ, right at
    ties and, for p > 1, at zero singular values; RankError at A = 0 (a norm's kink) and, for
    p = 1, at a zero singular value; ValueError naming ``p`` outside [1, inf). The ratios
    σ/‖A‖_p are at most 1, so nothing overflows at any scale of A or any p.

    >>> schatten_grad(np.diag([3., 4.]), 2).tolist()
    [[0.6, 0.0], [0.0, 0.8]]
    """
    p = _schatten_order(p, "schatten_grad")
    if p == 1:
        return nuclear_norm_grad(A)
    A, U, s, V = _thin_svd(A, "schatten_grad")
    if not np.any(s > 0):
        raise RankError(f"schatten_grad: A (shape {A.shape}) is zero, where a norm has a kink "
                        f"and no gradient")
    return (U * (s / _schatten_of(s, p)) ** (p - 1)) @ V.T


@dataclass(frozen=True)
class NuclearSubdifferential:
    """The subdifferential of the nuclear norm at A of rank r: every
    ``center + left @ M @ right.T`` with ``‖M‖₂ <= 1``, where ``center = U_r V_rᵀ`` and
    ``left``, ``right`` span the orthogonal complements of A's column and row spaces (so
    ``W = left M rightᵀ`` satisfies U_rᵀW = 0 and WV_r = 0). A single point (the gradient)
    when r = min(m, n).

    >>> sub = nuclear_subdifferential(np.diag([1., 0.]))
    >>> sub.rank, float(sub.support(np.diag([0., -1.])))
    (1, 1.0)
    """

    center: np.ndarray
    left: np.ndarray
    right: np.ndarray
    rank: int

    def maximizer(self, D: Array) -> Array:
        """The subgradient G with the largest ``G : D``: ``M`` the orthogonal polar factor of
        ``leftᵀ D right``."""
        P, _, Qt = np.linalg.svd(self.left.T @ D @ self.right, full_matrices=False)
        return self.center + self.left @ (P @ Qt) @ self.right.T

    def support(self, D: Array) -> float:
        """max over the subdifferential of ``G : D`` = ``center : D + ‖leftᵀ D right‖_*``,
        which is the one-sided directional derivative ``lim_{t↓0} (‖A + tD‖_* − ‖A‖_*)/t``."""
        inner = np.linalg.svd(self.left.T @ D @ self.right, compute_uv=False)
        return float(np.sum(self.center * D) + np.sum(inner))

    def contains(self, G: Array, rtol: float = 1e-10) -> bool:
        """Whether G is a subgradient: ``U_rᵀ(G − center) = 0``, ``(G − center)V_r = 0`` and
        ``‖G − center‖₂ <= 1``, to ``rtol``."""
        W = np.asarray(G) - self.center
        inside = self.left @ (self.left.T @ W @ self.right) @ self.right.T
        size = max(1.0, float(np.linalg.norm(W)))
        small = float(np.linalg.norm(W - inside)) <= rtol * size
        return bool(small and float(np.linalg.norm(W, 2)) <= 1 + rtol)


@keeps_float32
def nuclear_subdifferential(A: Array) -> NuclearSubdifferential:
    """The subdifferential of ‖·‖_* at A (:class:`NuclearSubdifferential`), from a full SVD;
    the rank counts singular values above the rank tolerance.

    >>> nuclear_subdifferential(np.eye(2)).rank
    2
    """
    A = real_matrix(A, "nuclear_subdifferential")
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    r = int(np.sum(s > rank_tolerance(A.shape, s[0] if s.size else 0.0)))
    return NuclearSubdifferential(U[:, :r] @ Vt[:r], U[:, r:], Vt[r:].T, r)


# --- the claims of this module (matcalc.registry) -----------------------------------------

def _schatten3_wrong(A):  # ∇ Σσ³/3: the chain rule through the outer 1/3 power forgotten
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U * s ** 2) @ Vt


CLAIMS = register_all(SECTION, (
    Claim(name="log det from the eigenvalues", kind="gradient",
          latex=r"\textstyle\sum_i\log\lambda_i(A)", result=r"V\Lambda^{-1}V^\T", alias="A^{-1}",
          shapes={"A": "nn"}, wrt="A", kinds={"A": "spd"}, point=points("spd"), seeds=SEEDS,
          conditions="$A$ symmetric positive definite; eigenvalues may repeat",
          note="Lewis (1996): a symmetric function of the eigenvalues is differentiable at "
               "ties",
          function=logdet_eig, claim=logdet_eig_gradient,
          wrong=lambda A: np.eye(A.shape[0]), mistake="Σ dλ_i, the 1/λ forgotten"),
    Claim(name="nuclear norm, ties included", kind="gradient", latex=r"\lVert A\rVert_*",
          result=r"UV^\T", shapes={"A": "mn"}, wrt="A", point=points("tall"), seeds=SEEDS,
          conditions="no zero singular value; singular values may repeat",
          note="Lewis (1996); at a zero singular value see the subdifferential",
          function=nuclear_norm, claim=nuclear_norm_grad,
          wrong=lambda A: A / np.linalg.norm(A),
          mistake="A/‖A‖_F, the Frobenius norm's gradient"),
    Claim(name="Schatten 3-norm", kind="gradient",
          latex=r"(\textstyle\sum_i\sigma_i^3)^{1/3}",
          result=r"\lVert A\rVert_3^{-2}\,US^2V^\T", shapes={"A": "mn"}, wrt="A",
          point=points("tall"), seeds=SEEDS,
          conditions="$A \\ne 0$; singular values may repeat or vanish",
          note="Lewis (1996)", function=lambda A: schatten(A, 3),
          claim=lambda A: schatten_grad(A, 3), wrong=_schatten3_wrong,
          mistake="∇ Σσ³/3, the outer 1/3 power forgotten"),
))
