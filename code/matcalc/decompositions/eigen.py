"""Derivatives of eigenvalues, eigenvectors and eigenprojectors.

For a real symmetric ``A = V diag(λ) Vᵀ`` with simple eigenvalues (ascending, as numpy's
``eigh`` returns them):

    dλ_i = v_iᵀ dA v_i,         dV = V (F ∘ (Vᵀ dA V)),   F_ij = 1/(λ_j − λ_i), F_ii = 0,

and in reverse mode, for upstream gradients ``Λ̄`` (of the eigenvalues) and ``V̄``,
``Ā = V (diag(Λ̄) + F ∘ (Vᵀ V̄)) Vᵀ`` (symmetrized). **Sign convention:** each eigenvector
is normalized to unit length with its largest-magnitude entry positive; the differential
above keeps ``v_iᵀ dv_i = 0``, which is the derivative of any locally constant sign choice.

At a repeated eigenvalue F is infinite: the eigenvectors of the cluster are not even
continuous functions of A, and the sorted eigenvalues have a kink. Their rules raise
:class:`~matcalc.decompositions.TieError` naming the pair. The projector onto the whole
cluster is differentiable, and its differential only involves gaps between the cluster and
the rest (:func:`d_eigenprojector`); so are symmetric functions of the eigenvalues
(:mod:`matcalc.decompositions.spectral`). Every function returns float32 for float32 input.

For a real non-symmetric A with simple real eigenvalues, ``dλ_i = u_iᵀ dA v_i / u_iᵀ v_i``
with left eigenvectors ``u_i``: with ``U = V⁻ᵀ`` this is ``diag(V⁻¹ dA V)``.
"""

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ._validate import DomainError, gap_matrix, keeps_float32, real_matrix, refuse_tie, sign_fix
from .points import SECTION, SEEDS, points
from ..types import Array

__all__ = ["CLAIMS", "eigh", "eigenvalues", "eigenvectors", "d_eigenvalues", "d_eigenvectors",
           "eigenvalues_vjp", "eigenvectors_vjp", "eigenprojector", "d_eigenprojector",
           "eigenvalues_real", "d_eigenvalues_real", "eigenvalues_real_vjp"]


_VALUE_TIE = ("the sorted eigenvalues have a kink at a tie (each tied value is not "
              "differentiable); their sum and symmetric functions of them (trace, log det) are")


@keeps_float32
def eigh(A: Array) -> tuple[Array, Array]:
    """Eigenvalues (ascending) and unit eigenvectors of a real symmetric A, each eigenvector
    with its largest-magnitude entry positive.

    >>> w, V = eigh(np.array([[2., 1.], [1., 2.]]))
    >>> w.round(12).tolist(), bool(np.all(V.max(axis=0) > 0))
    ([1.0, 3.0], True)
    """
    A = real_matrix(A, "eigh", symmetric=True)
    w, V = np.linalg.eigh(A)
    return w, sign_fix(V)[0]


@keeps_float32
def eigenvalues(A: Array) -> Array:
    """The eigenvalues of a symmetric A, ascending.

    >>> eigenvalues(np.diag([3., 1.])).tolist()
    [1.0, 3.0]
    """
    return eigh(A)[0]


@keeps_float32
def eigenvectors(A: Array) -> Array:
    """The unit eigenvectors of a symmetric A (columns, sign convention of :func:`eigh`).

    >>> eigenvectors(np.diag([3., 1.])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return eigh(A)[1]


@keeps_float32
def d_eigenvalues(A: Array, dA: Array) -> Array:
    """dλ_i = v_iᵀ dA v_i, i.e. the diagonal of Vᵀ dA V; TieError at a repeated eigenvalue.

    >>> d_eigenvalues(np.diag([1., 3.]), np.array([[0.5, 7.], [7., 2.]])).tolist()
    [0.5, 2.0]
    """
    w, V = eigh(A)
    refuse_tie(w, "d_eigenvalues", consequence=_VALUE_TIE)
    return np.einsum("ji,jk,ki->i", V, dA, V)


@keeps_float32
def d_eigenvectors(A: Array, dA: Array) -> Array:
    """dV = V (F ∘ (Vᵀ dA V)) with F_ij = 1/(λ_j − λ_i) off the diagonal, 0 on it.

    >>> dV = d_eigenvectors(np.diag([1., 3.]), np.array([[0., 1.], [1., 0.]]))
    >>> dV.tolist()   # v_1 = e_1 turns towards e_2 at rate 1/(1 - 3)
    [[0.0, 0.5], [-0.5, 0.0]]
    """
    w, V = eigh(A)
    return V @ (gap_matrix(w, what="d_eigenvectors") * (V.T @ dA @ V))


@keeps_float32
def eigenvalues_vjp(A: Array, G: Array) -> Array:
    """Reverse mode of the eigenvalues: Ā = V diag(G) Vᵀ for the upstream gradient G;
    TieError at a repeated eigenvalue.

    >>> eigenvalues_vjp(np.diag([1., 3.]), np.array([1., 0.])).tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    w, V = eigh(A)
    refuse_tie(w, "eigenvalues_vjp", consequence=_VALUE_TIE)
    return (V * np.asarray(G, dtype=float)) @ V.T


@keeps_float32
def eigenvectors_vjp(A: Array, G: Array) -> Array:
    """Reverse mode of the eigenvectors: Ā = sym(V (F ∘ (Vᵀ G)) Vᵀ), the gradient of
    G : V(A) on the symmetric matrices.

    >>> Abar = eigenvectors_vjp(np.diag([1., 3.]), np.eye(2))
    >>> bool(np.allclose(Abar, 0))   # G = V: rotating V does not change V : V
    True
    """
    w, V = eigh(A)
    M = V @ (gap_matrix(w, what="eigenvectors_vjp") * (V.T @ G)) @ V.T
    return (M + M.T) / 2


def _cluster(A, k, what):
    """(w, V, n) of eigh(A) for the projector onto the k largest eigenvalues; ValueError
    for k outside 1..n, TieError when the cluster's boundary splits a tie."""
    w, V = eigh(A)
    n = len(w)
    if not 1 <= k <= n:
        raise ValueError(f"{what}: k must lie between 1 and {n} for A of shape "
                         f"{np.shape(A)}, got {k}")
    if k < n:
        refuse_tie(w[n - k - 1:n - k + 1], what, consequence=(
            f"eigenvalues {n - k - 1} and {n - k} straddle the boundary of the cluster of the "
            f"{k} largest, so A does not determine the projector, which is not even continuous "
            f"there; the projector onto a cluster that contains both is differentiable"))
    return w, V, n


@keeps_float32
def eigenprojector(A: Array, k: int) -> Array:
    """P = V_k V_kᵀ, the orthogonal projector onto the eigenvectors of the k largest
    eigenvalues of a symmetric A (ValueError naming k if it is not in 1..n). TieError, as
    for its derivative, when the k-th largest eigenvalue is tied with the next: then A does
    not determine the projector (any k-dimensional choice inside the tied eigenspace would
    do, and eigh's is arbitrary).

    >>> eigenprojector(np.diag([1., 3., 2.]), 2).tolist()
    [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    w, V, n = _cluster(A, k, "eigenprojector")
    Vk = V[:, n - k:]
    return Vk @ Vk.T


@keeps_float32
def d_eigenprojector(A: Array, k: int, dA: Array) -> Array:
    """dP = V (K ∘ (Vᵀ dA V)) Vᵀ, K_ij = 1/(λ_i − λ_j) when exactly one of i, j is in the
    cluster (of the k largest), else 0: only gaps between the cluster and the rest appear,
    so eigenvalues repeated inside the cluster do no harm. TieError if the cluster's
    smallest eigenvalue is tied with the largest one outside it (then the cluster is not
    determined by A).

    >>> d_eigenprojector(np.diag([1., 3., 3.]), 2, np.ones((3, 3))).round(12).tolist()
    [[0.0, 0.5, 0.5], [0.5, 0.0, 0.0], [0.5, 0.0, 0.0]]
    """
    w, V, n = _cluster(A, k, "d_eigenprojector")
    inside = np.arange(n) >= n - k
    cross = inside[:, None] != inside[None, :]
    gaps = w[:, None] - w[None, :]
    K = np.where(cross, 1.0 / np.where(cross, gaps, 1.0), 0.0)
    K = np.where(inside[:, None], K, -K)  # sign: the cluster index comes first in the gap
    return V @ (K * (V.T @ dA @ V)) @ V.T


@keeps_float32
def eigenvalues_real(A: Array) -> Array:
    """The eigenvalues of a real, possibly non-symmetric A whose eigenvalues are real,
    ascending; DomainError naming a complex eigenvalue (outside the rule's domain, which
    the checker treats as "left the domain" at a perturbed point).

    >>> eigenvalues_real(np.array([[1., 5.], [0., 2.]])).tolist()
    [1.0, 2.0]
    """
    return eig_real(A)[0]


def eig_real(A, strict=False):
    """Eigenvalues and right eigenvectors of a real square A with a real spectrum, sorted;
    :class:`~matcalc.decompositions.DomainError` naming a complex eigenvalue, and with
    ``strict`` (for the derivatives) :class:`~matcalc.decompositions.TieError` naming a
    repeated one.

    >>> eig_real(np.diag([2., 1.]))[0].tolist()
    [1.0, 2.0]
    """
    A = real_matrix(A, "eigenvalues_real", square=True)
    w, V = np.linalg.eig(A)
    order = np.argsort(w.real)
    w, V = w[order], V[:, order]
    if np.max(np.abs(w.imag), initial=0.0) > 1e-12 * max(1.0, float(np.max(np.abs(w)))):
        bad = w[np.abs(w.imag) > 0][0]
        raise DomainError(f"eigenvalues_real: A has the complex eigenvalue {bad:.6g}; the rule "
                          f"covers real spectra only")
    if strict:
        refuse_tie(w.real, "eigenvalues_real", consequence=(
            "a repeated eigenvalue of a non-symmetric matrix is not differentiable (its "
            "left and right eigenvectors become orthogonal: u^T v -> 0)"))
    return w.real, V.real


@keeps_float32
def d_eigenvalues_real(A: Array, dA: Array) -> Array:
    """dλ_i = u_iᵀ dA v_i / (u_iᵀ v_i) with left eigenvectors u_i; with U = V⁻ᵀ it is the
    diagonal of V⁻¹ dA V.

    >>> d_eigenvalues_real(np.array([[1., 5.], [0., 2.]]), np.array([[0., 0.], [1., 0.]]))
    array([-5.,  5.])
    """
    _, V = eig_real(A, strict=True)
    return np.einsum("ij,jk,ki->i", np.linalg.inv(V), dA, V)


@keeps_float32
def eigenvalues_real_vjp(A: Array, G: Array) -> Array:
    """Reverse mode: Ā = V⁻ᵀ diag(G) Vᵀ (left eigenvectors times right ones).

    >>> eigenvalues_real_vjp(np.array([[1., 5.], [0., 2.]]), np.array([0., 1.])).round(12)
    array([[0., 0.],
           [5., 1.]])
    """
    _, V = eig_real(A, strict=True)
    return np.linalg.inv(V).T @ (np.asarray(G, dtype=float)[:, None] * V.T)


# --- the claims of this module (matcalc.registry) -------------------------------------------

def _wrong_vectors(A, dA):  # 1/(λ_i − λ_j): the gap the wrong way round
    w, V = eigh(A)
    return V @ (-gap_matrix(w) * (V.T @ dA @ V))


def _projector_one_sided(A, dA):  # dV E Vᵀ without its transpose V E dVᵀ
    w, V = eigh(A)
    E = np.diag((np.arange(len(w)) >= len(w) - 2).astype(float))
    return V @ (gap_matrix(w) * (V.T @ dA @ V)) @ E @ V.T


def _wrong_nonsymmetric(A, dA):  # the symmetric formula with right eigenvectors only
    _, V = eig_real(A, strict=True)
    return np.einsum("ji,jk,ki->i", V, dA, V) / np.einsum("ji,ji->i", V, V)


_SYM, _SIMPLE = {"A": "symmetric"}, "$A$ symmetric, eigenvalues simple"
CLAIMS = register_all(SECTION, (
    Claim(name="eigenvalues of a symmetric matrix", kind="differential",
          latex=r"\lambda_i(A)", result=r"v_i^\T\,\d A\,v_i", shapes={"A": "nn"}, wrt="A",
          kinds=_SYM, point=points("symmetric"), seeds=SEEDS,
          conditions=_SIMPLE + ", $v_i$ unit eigenvectors",
          alias=r"\d\lambda = \operatorname{diag}(V^\T\d A\,V)",
          note="all eigenvalues at once; compare Cookbook (67) in the Eigenvalues section",
          function=eigenvalues, claim=d_eigenvalues, wrong=lambda A, dA: np.diag(dA).copy(),
          mistake="the diagonal of dA, forgetting the eigenbasis"),
    Claim(name="eigenvalues, reverse mode", kind="vjp",
          latex=r"\lambda(A)", result=r"V\operatorname{diag}(\bar\lambda)V^\T",
          shapes={"A": "nn"}, wrt="A", kinds=_SYM, point=points("symmetric"), seeds=SEEDS,
          conditions=_SIMPLE, function=eigenvalues, claim=eigenvalues_vjp,
          wrong=lambda A, G: np.diag(np.asarray(G, dtype=float)),
          mistake="diag(λ̄) without the eigenbasis"),
    Claim(name="eigenvectors of a symmetric matrix", kind="differential",
          latex="V(A)", result=r"V\bigl(F\had(V^\T\d A\,V)\bigr)", shapes={"A": "nn"},
          wrt="A", kinds=_SYM, point=points("symmetric"), seeds=SEEDS,
          conditions=_SIMPLE + r"; $F_{ij} = 1/(\lambda_j - \lambda_i)$, $F_{ii} = 0$; each "
                     r"$v_i$ unit with its largest entry positive",
          alias=r"\d v_i = (\lambda_i I - A)^+\d A\,v_i",
          note="compare Cookbook (68) in the Eigenvalues section",
          function=eigenvectors, claim=d_eigenvectors, wrong=_wrong_vectors,
          mistake="F_ij = 1/(λ_i − λ_j), the gap the wrong way round"),
    Claim(name="eigenvectors, reverse mode", kind="vjp",
          latex="V(A)", result=r"\operatorname{sym}\bigl(V(F\had V^\T\bar V)V^\T\bigr)",
          shapes={"A": "nn"}, wrt="A", kinds=_SYM, point=points("symmetric"), seeds=SEEDS,
          conditions=_SIMPLE + ", $F$ as above", function=eigenvectors,
          claim=eigenvectors_vjp, wrong=lambda A, G: eigenvectors_vjp(A, G.T),
          mistake="V̄ transposed"),
    Claim(name="eigenprojector onto a cluster", kind="differential",
          latex=r"V_kV_k^\T", result=r"V(K\had V^\T\d A\,V)V^\T", shapes={"A": "nn"},
          wrt="A", kinds=_SYM, point=points("symmetric"), seeds=SEEDS,
          conditions=r"$A$ symmetric, a gap between the $k$ largest eigenvalues and the "
                     r"rest; $K_{ij} = 1/(\lambda_i - \lambda_j)$ for $i$ in the cluster "
                     r"and $j$ outside (and symmetrically), else 0",
          note="$P = V_kV_k^\\T$, shown for $k = 2$; eigenvalues may repeat inside the "
               "cluster",
          function=lambda A: eigenprojector(A, 2),
          claim=lambda A, dA: d_eigenprojector(A, 2, (dA + dA.T) / 2),
          wrong=_projector_one_sided, mistake="dV E Vᵀ without its transpose"),
    Claim(name="eigenvalues of a non-symmetric matrix", kind="differential",
          latex=r"\lambda_i(A)", result=r"\dfrac{u_i^\T\d A\,v_i}{u_i^\T v_i}",
          shapes={"A": "nn"}, wrt="A", point=points("real spectrum"), seeds=SEEDS,
          conditions="eigenvalues real and simple; $u_i$, $v_i$ left and right eigenvectors",
          alias=r"\operatorname{diag}(V^{-1}\d A\,V)", function=eigenvalues_real,
          claim=d_eigenvalues_real, wrong=_wrong_nonsymmetric,
          mistake="right eigenvectors in place of the left ones"),
    Claim(name="eigenvalues of a non-symmetric matrix, reverse mode", kind="vjp",
          latex=r"\lambda(A)", result=r"V^{-\T}\operatorname{diag}(\bar\lambda)V^\T",
          shapes={"A": "nn"}, wrt="A", point=points("real spectrum"), seeds=SEEDS,
          conditions="eigenvalues real and simple", function=eigenvalues_real,
          claim=eigenvalues_real_vjp,
          wrong=lambda A, G: eigenvalues_real_vjp(A, G).T, mistake="transposed"),
))
