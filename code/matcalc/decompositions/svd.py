"""Derivatives of the singular value decomposition (Townsend 2016, Giles 2008).

For a thin SVD ``A = U S Vᵀ`` of an m x n matrix (m >= n) with distinct non-zero singular
values, ``P = Uᵀ dA V`` and ``F_ij = 1/(σ_j² − σ_i²)`` (0 on the diagonal):

    dσ = diag(P),
    dV = V (F ∘ (S P + Pᵀ S)),
    dU = U (F ∘ (P S + S Pᵀ)) + (I − U Uᵀ) dA V S⁻¹.

The last term exists only for a non-square A: it moves U out of its own column space.
At a tie (two equal singular values) the singular vectors and the sorted values are not
differentiable, and the rules raise :class:`~matcalc.decompositions.TieError`; at a zero
singular value σ_i behaves like |t| and U's column is not determined, so the rules for σ and
U raise :class:`~matcalc.decompositions.RankError` (V stays differentiable at a single zero
singular value: it holds the eigenvectors of AᵀA, whose eigenvalues are then still simple).
Reverse mode: ``Ā = U diag(σ̄) Vᵀ`` for the singular values,
``Ā = U (F ∘ (UᵀŪ − ŪᵀU)) S Vᵀ + (I − UUᵀ) Ū S⁻¹ Vᵀ`` for U and
``Ā = U S (F ∘ (VᵀV̄ − V̄ᵀV)) Vᵀ`` for V. Sign convention: each column of V has its
largest-magnitude entry positive, and the matching column of U follows.
"""

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ._validate import (
    gap_matrix,
    keeps_float32,
    real_matrix,
    refuse_rank_deficient,
    refuse_tie,
    sign_fix,
)
from .points import SECTION, SEEDS, points
from ..types import Array

__all__ = ["CLAIMS", "svd", "singular_values", "left_singular_vectors", "right_singular_vectors",
           "d_singular_values", "d_left_singular_vectors", "d_right_singular_vectors",
           "singular_values_vjp", "left_singular_vectors_vjp", "right_singular_vectors_vjp",
           "nuclear_norm", "spectral_norm"]


@keeps_float32
def svd(A: Array) -> tuple[Array, Array, Array]:
    """Thin SVD ``(U, σ, V)`` of an m x n A with m >= n, σ descending, sign convention on V.

    >>> U, s, V = svd(np.array([[3., 0.], [0., -2.], [0., 0.]]))
    >>> s.tolist(), bool(np.allclose((U * s) @ V.T, [[3, 0], [0, -2], [0, 0]]))
    ([3.0, 2.0], True)
    """
    A = real_matrix(A, "svd", tall=True)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    V, signs = sign_fix(Vt.T)
    return U * signs, s, V


@keeps_float32
def singular_values(A: Array) -> Array:
    """The singular values, descending.

    >>> singular_values(np.array([[0., 2.], [1., 0.]])).tolist()
    [2.0, 1.0]
    """
    return svd(A)[1]


@keeps_float32
def left_singular_vectors(A: Array) -> Array:
    """U of the thin SVD (m x n).

    >>> left_singular_vectors(np.diag([2., 1.])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return svd(A)[0]


@keeps_float32
def right_singular_vectors(A: Array) -> Array:
    """V of the thin SVD (n x n).

    >>> right_singular_vectors(np.diag([2., 1.])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return svd(A)[2]


_SIGMA_TIE = ("the sorted singular values have a kink at a tie (each tied value is not "
              "differentiable); their sum and symmetric functions of them (nuclear norm, "
              "Schatten norms) are")
_SIGMA_ZERO = "a zero singular value behaves like |t| there: it has no derivative"
_U_ZERO = ("U's column for a zero singular value is not determined by A (nor continuous in A), "
           "and the thin-SVD term divides by that singular value")


def svd_parts(A, dA):
    """U, s, V, Uᵀ dA V and the gap matrix 1/(σ_j² − σ_i²): the pieces of the SVD
    differentials."""
    U, s, V = svd(A)
    return U, s, V, U.T @ dA @ V, gap_matrix(s, squared=True, what="the singular vectors' differential")


@keeps_float32
def d_singular_values(A: Array, dA: Array) -> Array:
    """dσ_i = u_iᵀ dA v_i; TieError at a tie, RankError at a zero singular value.

    >>> d_singular_values(np.diag([2., 1.]), np.array([[1., 5.], [5., 3.]])).tolist()
    [1.0, 3.0]
    """
    U, s, V = svd(A)
    refuse_tie(s, "d_singular_values", consequence=_SIGMA_TIE)
    refuse_rank_deficient(s, np.shape(A), "d_singular_values", consequence=_SIGMA_ZERO)
    return np.einsum("ji,jk,ki->i", U, dA, V)


@keeps_float32
def d_right_singular_vectors(A: Array, dA: Array) -> Array:
    """dV = V (F ∘ (S P + Pᵀ S)), P = Uᵀ dA V, F_ij = 1/(σ_j² − σ_i²).

    >>> d_right_singular_vectors(np.diag([2., 1.]), np.array([[0., 1.], [0., 0.]])).tolist()
    [[0.0, -0.6666666666666666], [0.6666666666666666, 0.0]]
    """
    _, s, V, P, F = svd_parts(A, dA)
    return V @ (F * (s[:, None] * P + P.T * s[None, :]))


@keeps_float32
def d_left_singular_vectors(A: Array, dA: Array) -> Array:
    """dU = U (F ∘ (P S + S Pᵀ)) + (I − U Uᵀ) dA V S⁻¹; TieError at a tie, RankError at a
    zero singular value.

    >>> d_left_singular_vectors(np.array([[2.], [0.]]), np.array([[0.], [1.]])).tolist()
    [[0.0], [0.5]]
    """
    U, s, V, P, F = svd_parts(A, dA)
    refuse_rank_deficient(s, np.shape(A), "d_left_singular_vectors", consequence=_U_ZERO)
    inside = U @ (F * (P * s[None, :] + s[:, None] * P.T))
    return inside + (dA @ V - U @ P) / s[None, :]


@keeps_float32
def singular_values_vjp(A: Array, G: Array) -> Array:
    """Ā = U diag(G) Vᵀ; TieError at a tie, RankError at a zero singular value.

    >>> singular_values_vjp(np.diag([2., 1.]), np.array([1., 1.])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    U, s, V = svd(A)
    refuse_tie(s, "singular_values_vjp", consequence=_SIGMA_TIE)
    refuse_rank_deficient(s, np.shape(A), "singular_values_vjp", consequence=_SIGMA_ZERO)
    return (U * np.asarray(G, dtype=float)) @ V.T


@keeps_float32
def left_singular_vectors_vjp(A: Array, G: Array) -> Array:
    """Ā = U (F ∘ (UᵀG − GᵀU)) S Vᵀ + (I − UUᵀ) G S⁻¹ Vᵀ; TieError at a tie, RankError at a
    zero singular value.

    >>> left_singular_vectors_vjp(np.diag([2., 1.]), np.eye(2)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    U, s, V = svd(A)
    F = gap_matrix(s, squared=True, what="left_singular_vectors_vjp")
    refuse_rank_deficient(s, np.shape(A), "left_singular_vectors_vjp", consequence=_U_ZERO)
    UtG = U.T @ G
    return (U @ ((F * (UtG - UtG.T)) * s[None, :]) + (G - U @ UtG) / s[None, :]) @ V.T


@keeps_float32
def right_singular_vectors_vjp(A: Array, G: Array) -> Array:
    """Ā = U S (F ∘ (VᵀG − GᵀV)) Vᵀ.

    >>> right_singular_vectors_vjp(np.diag([2., 1.]), np.eye(2)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    U, s, V = svd(A)
    F = gap_matrix(s, squared=True, what="right_singular_vectors_vjp")
    VtG = V.T @ G
    return (U * s[None, :]) @ (F * (VtG - VtG.T)) @ V.T


@keeps_float32
def nuclear_norm(A: Array) -> float:
    """‖A‖_* = Σ σ_i (any shape); its gradient is U Vᵀ where all σ_i > 0, ties included
    (:mod:`matcalc.decompositions.spectral`).

    >>> nuclear_norm(np.diag([2., -1.]))
    3.0
    """
    A = real_matrix(A, "nuclear_norm")
    return float(np.sum(np.linalg.svd(A, compute_uv=False)))


@keeps_float32
def spectral_norm(A: Array) -> float:
    """‖A‖_2 = σ_max (any shape); its gradient is u_1 v_1ᵀ where σ_max is simple (at a tie
    for the largest value it has a kink).

    >>> round(spectral_norm(np.diag([2., -3.])), 12)
    3.0
    """
    A = real_matrix(A, "spectral_norm")
    return float(np.linalg.svd(A, compute_uv=False)[0])


# --- the claims of this module (matcalc.registry) -------------------------------------------

def _squares(A, dA):  # d(σ²) = vᵀ d(AᵀA) v, not dσ
    _, _, V = svd(A)
    return np.einsum("ji,jk,ki->i", V, dA.T @ A + A.T @ dA, V)


def _right_untransposed(A, dA):
    _, s, V, P, F = svd_parts(A, dA)
    return V @ (F * (s[:, None] * P + P * s[None, :]))


def _left_square_only(A, dA):  # the thin-SVD term (I − UUᵀ) dA V S⁻¹ forgotten
    U, s, V, P, F = svd_parts(A, dA)
    return U @ (F * (P * s[None, :] + s[:, None] * P.T))


def _left_vjp_square_only(A, G):  # the reverse form without the thin-SVD term
    U, s, V = svd(A)
    F = gap_matrix(s, squared=True)
    UtG = U.T @ G
    return U @ ((F * (UtG - UtG.T)) * s[None, :]) @ V.T


_TALL, _AS_ABOVE = points("tall"), r"thin SVD $A = USV^\T$, $P$ and $F$ as above"
CLAIMS = register_all(SECTION, (
    Claim(name="singular values", kind="differential", latex=r"\sigma_i(A)",
          result=r"u_i^\T\,\d A\,v_i", shapes={"A": "mn"}, wrt="A", point=_TALL, seeds=SEEDS,
          conditions="singular values distinct and non-zero", function=singular_values,
          claim=d_singular_values, wrong=_squares, mistake="d(σ²) = vᵀ d(AᵀA) v in place of dσ"),
    Claim(name="singular values, reverse mode", kind="vjp", latex=r"\sigma(A)",
          result=r"U\operatorname{diag}(\bar\sigma)V^\T", shapes={"A": "mn"}, wrt="A",
          point=_TALL, seeds=SEEDS, conditions="singular values distinct and non-zero",
          function=singular_values, claim=singular_values_vjp,
          wrong=lambda A, G: (singular_values_vjp(A, G) @ A.T @ A),
          mistake="an extra factor AᵀA"),
    Claim(name="right singular vectors", kind="differential", latex="V(A)",
          result=r"V\bigl(F\had(SP + P^\T S)\bigr)", shapes={"A": "mn"}, wrt="A",
          point=_TALL, seeds=SEEDS,
          conditions=r"thin SVD $A = USV^\T$, $P = U^\T\d A\,V$, "
                     r"$F_{ij} = 1/(\sigma_j^2 - \sigma_i^2)$, $F_{ii} = 0$",
          function=right_singular_vectors, claim=d_right_singular_vectors,
          wrong=_right_untransposed, mistake="SP + PS, a transpose lost"),
    Claim(name="right singular vectors, reverse mode", kind="vjp", latex="V(A)",
          result=r"US\bigl(F\had(V^\T\bar V - \bar V^\T V)\bigr)V^\T", shapes={"A": "mn"},
          wrt="A", point=_TALL, seeds=SEEDS, conditions="as for the forward form",
          function=right_singular_vectors, claim=right_singular_vectors_vjp,
          wrong=lambda A, G: right_singular_vectors_vjp(A, G.T), mistake="V̄ transposed"),
    Claim(name="left singular vectors", kind="differential", latex="U(A)",
          result=r"U\bigl(F\had(PS + SP^\T)\bigr) + (I - UU^\T)\,\d A\,VS^{-1}",
          shapes={"A": "mn"}, wrt="A", point=_TALL, seeds=SEEDS,
          conditions=r"$A$ tall, " + _AS_ABOVE,
          note="the last term exists only for a non-square $A$",
          function=left_singular_vectors, claim=d_left_singular_vectors,
          wrong=_left_square_only, mistake="the thin-SVD term (I − UUᵀ) dA V S⁻¹ dropped"),
    Claim(name="left singular vectors, reverse mode", kind="vjp", latex="U(A)",
          result=r"U\bigl(F\had(U^\T\bar U - \bar U^\T U)\bigr)SV^\T"
                 r" + (I - UU^\T)\bar US^{-1}V^\T",
          shapes={"A": "mn"}, wrt="A", point=_TALL, seeds=SEEDS,
          conditions="as for the forward form", function=left_singular_vectors,
          claim=left_singular_vectors_vjp, wrong=_left_vjp_square_only,
          mistake="the thin-SVD term (I − UUᵀ) Ū S⁻¹ Vᵀ dropped"),
))
