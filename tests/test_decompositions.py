"""The derivative rules of decompositions and matrix functions: every rule passes the
checker at several sizes and seeds, its wrong variant fails, the degenerate cases fail for
the stated reason, and the closed forms sympy can expand are proved exactly."""

import numpy as np
import pytest

from matcalc import check_differential, check_gradient
from matcalc.decompositions import TieError, claims, eigen, exact, matfun, sample, svd
from matcalc.decompositions import cholesky as chol
from matcalc.decompositions._validate import sign_fix
from matcalc.decompositions.points import symmetric_part
from matcalc.registry import get

CLAIMS = claims()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_rule_passes_and_its_wrong_variant_fails(claim):
    report = claim.check(seeds=(2, 3))  # the seeds the book does not show
    assert report.passed, str(report)
    assert report.controls, f"{claim.name} stores no wrong variant"
    for _, control in report.controls:
        assert not control.passed and control.error > 1e-3  # by a wide margin, not by noise


def test_non_analytic_rules_run_on_central_differences():
    numeric = get("eigenvectors of a symmetric matrix").check(seeds=(0,)).get("numeric")
    assert numeric.method == "central differences"
    assert any("complex" in d.note for d in numeric.directions)
    analytic = get("linear solve").check(exact=False).get("numeric")
    assert analytic.method == "complex step"
    svd_based = get("pseudo-inverse, full rank").check(seeds=(0,)).get("numeric")
    assert svd_based.method == "central differences"  # pinv is computed from the SVD


def test_eigenvector_sign_convention_is_stable():
    A = sample("symmetric", 4, 3)
    _, V = eigen.eigh(A)
    rows = np.argmax(np.abs(V), axis=0)
    assert np.all(V[rows, np.arange(4)] > 0)
    assert np.allclose(sign_fix(-V)[0], V)  # whatever sign numpy returns, the same V
    Q = np.diag([1.0, -1.0, 1.0, -1.0])  # the same spectrum, a reflected basis
    _, W = eigen.eigh(Q @ A @ Q)
    assert np.allclose(np.abs(W), np.abs(Q @ V))
    assert np.all(W[np.argmax(np.abs(W), axis=0), np.arange(4)] > 0)


def test_repeated_eigenvalue_eigenvectors_blow_up_projector_does_not():
    gaps = [1e-1, 1e-2, 1e-3]
    E = symmetric_part(np.random.default_rng(0).standard_normal((4, 4)))
    sizes = []
    for g in gaps:
        A = sample("symmetric", 4, 0, spectrum=[-1.0, 0.5, 2.0, 2.0 + g])
        sizes.append(np.linalg.norm(eigen.d_eigenvectors(A, E)))
    assert sizes[1] > 5 * sizes[0] and sizes[2] > 5 * sizes[1]  # grows like 1/gap
    A = sample("symmetric", 4, 0, spectrum=[-1.0, 0.5, 2.0, 2.0])
    with pytest.raises(TieError, match=r"values 2 and 3 are tied"):
        eigen.d_eigenvectors(A, E)  # refused by name, not 1/rounding or NaN
    r = check_differential(lambda A: eigen.eigenprojector(A, 2),
                           lambda A, dA: eigen.d_eigenprojector(A, 2, dA), A,
                           project=symmetric_part)
    assert r.passed, str(r)


def test_repeated_and_zero_singular_values_fail():
    U, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))
    repeated = 2.0 * U  # all singular values 2
    with pytest.raises(TieError, match="tied"):
        svd.d_right_singular_vectors(repeated, np.ones((5, 3)))
    singular = sample("tall", 3, 0, spectrum=[0.0, 1.0, 2.0])
    r = check_gradient(svd.nuclear_norm,
                       lambda A: svd.left_singular_vectors(A) @ svd.right_singular_vectors(A).T,
                       singular)
    assert not r.passed
    regular = sample("tall", 3, 0)
    assert check_gradient(svd.nuclear_norm,
                          lambda A: svd.left_singular_vectors(A)
                          @ svd.right_singular_vectors(A).T, regular).passed


def test_spectral_norm_gradient():
    A = sample("tall", 3, 2)
    U, _, V = svd.svd(A)
    assert check_gradient(svd.spectral_norm, lambda A: np.outer(svd.svd(A)[0][:, 0],
                                                               svd.svd(A)[2][:, 0]), A).passed
    assert not check_gradient(svd.spectral_norm, lambda A: np.outer(U[:, 1], V[:, 1]), A).passed


def test_cholesky_refuses_indefinite_and_complex_input():
    with pytest.raises(ValueError, match="not positive definite.*-1"):
        chol.cholesky(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="complex-analytic"):
        chol.cholesky(np.eye(2) + 0j)
    with pytest.raises(ValueError, match="symmetric"):
        eigen.eigh(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="square"):
        eigen.eigh(np.ones((2, 3)))
    with pytest.raises(ValueError, match="rows"):
        svd.svd(np.ones((2, 3)))
    with pytest.raises(ValueError, match="complex eigenvalue"):
        eigen.d_eigenvalues_real(np.array([[0.0, 1.0], [-1.0, 0.0]]), np.eye(2))


def test_logdet_gradient_through_cholesky():
    A = sample("spd", 4, 1)
    r = check_gradient(chol.logdet_cholesky, np.linalg.inv, A, project=symmetric_part)
    assert r.passed and np.isclose(chol.logdet_cholesky(A), np.linalg.slogdet(A)[1])


def test_exp_frechet_three_ways_and_log_inverts_it():
    X = 0.5 * sample("general", 3, 0)
    E = np.random.default_rng(2).standard_normal((3, 3))
    block = matfun.expm_frechet(X, E)
    assert np.allclose(block, matfun.expm_frechet_quadrature(X, E), atol=1e-12)
    S = sample("symmetric", 3, 1)
    Es = symmetric_part(E)
    assert np.allclose(matfun.frechet_sym(np.exp, np.exp, S, Es), matfun.expm_frechet(S, Es))
    P = sample("spd", 3, 1)
    assert np.allclose(matfun.expm_frechet(matfun.logm_spd(P), matfun.d_logm_spd(P, Es)), Es)
    assert np.allclose(matfun.expm(S), matfun.funm_sym(np.exp, S))


def test_sqrt_sylvester_and_inverse_square_root():
    X = sample("real spectrum", 3, 0)
    S = matfun.sqrtm(X)
    assert np.allclose(S @ S, X)
    dX = np.random.default_rng(3).standard_normal((3, 3))
    dS = matfun.d_sqrtm(X, dX)
    assert np.allclose(S @ dS + dS @ S, dX)
    P = sample("spd", 3, 0)
    Ps = matfun.invsqrtm_spd(P)
    d_half = matfun.frechet_sym(np.sqrt, lambda w: 0.5 / np.sqrt(w), P, symmetric_part(dX))
    assert np.allclose(matfun.d_invsqrtm_spd(P, symmetric_part(dX)), -Ps @ d_half @ Ps)


@pytest.mark.parametrize("name", ["eigenvalues_2x2", "eigenvalues_3x3", "cholesky_3x3",
                                  "expm_nilpotent_2x2", "expm_diagonal_2x2"])
def test_exact_closed_forms(name):
    assert getattr(exact, name)().status == "proved"


def test_catalogue_section():
    """The catalogue's section is these claims; every one stores a wrong variant; the
    Cookbook's other chapter-2 lines are in the catalogue too."""
    from matcalc.catalogue import entries
    section = [e for e in entries() if e.section == "Decompositions and matrix functions"]
    assert section == CLAIMS and all(c.wrong is not None for c in CLAIMS)
    numbers = {n for e in entries() for n in e.cookbook_numbers}
    added = {"47", "48", "56", "73", "76", "79", "92", "93", "124", "128"}
    assert added | {str(n) for n in range(33, 45)} <= numbers
    for name in ("Cholesky factor", "left singular vectors", "matrix exponential"):
        entry = get(name)
        assert entry.check(exact=False, seeds=(0,)).passed
        assert not entry.corrupted("wrong").check(exact=False, seeds=(0,)).passed


def test_pinv_rule_holds_for_wide_matrices_too():
    from matcalc.decompositions import solve
    wide = sample("tall", 3, 4).T  # 3 x 5, full row rank
    assert np.allclose(solve.pinv(wide), np.linalg.pinv(wide))
    assert check_differential(solve.pinv, solve.d_pinv, wide).passed
    assert not check_differential(solve.pinv, get("pseudo-inverse, full rank").wrong,
                                  wide).passed


# At the edges: pinv from the SVD, domains, ties and rank deficiency refused by name, and
# the spectral functions right at ties.

def test_pinv_from_the_svd_near_singular_and_rank_deficient():
    from matcalc.decompositions import RankError, solve
    A = sample("tall", 3, 0, spectrum=[1e-8, 1.0, 2.0])
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    svd_based = (Vt.T / s) @ U.T
    err = np.linalg.norm(solve.pinv(A) - svd_based) / np.linalg.norm(svd_based)
    normal = np.linalg.solve(A.T @ A, A.T)  # the old form, for contrast
    old = np.linalg.norm(normal - svd_based) / np.linalg.norm(svd_based)
    assert err < 1e-6 and old > 1e-2, (err, old)
    R = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])  # rank 1 exactly
    assert np.allclose(solve.pinv(R), np.linalg.pinv(R), atol=1e-15)
    assert np.allclose(solve.pinv(np.zeros((2, 3))), np.zeros((3, 2)))
    # the derivative along the rank-1 matrices B Cᵀ (every tangent of that set is of the
    # form dB Cᵀ + B dCᵀ), against central differences along that curve
    B, C = np.array([[1.0], [2.0], [0.0]]), np.array([[1.0], [2.0]])
    Z = np.vstack([B, C])
    r = check_differential(lambda Z: solve.pinv(Z[:3] @ Z[3:].T),
                           lambda Z, dZ: solve.d_pinv(Z[:3] @ Z[3:].T,
                                                      dZ[:3] @ Z[3:].T + Z[:3] @ dZ[3:].T), Z)
    assert r.passed, str(r)
    with pytest.raises(RankError, match=r"rank 1 < 2 and the direction changes it"):
        solve.d_pinv(R, np.ones((3, 2)))  # off the rank-1 matrices A⁺ jumps


def test_matrix_functions_outside_their_domain_refuse_naming_the_eigenvalue():
    from matcalc.decompositions import DomainError
    negative = np.array([[-1.0, 1.0], [0.0, 4.0]])
    with pytest.raises(DomainError, match=r"eigenvalue -1 on the closed negative real axis"):
        matfun.sqrtm(negative)
    with pytest.raises(DomainError, match=r"not positive definite: eigenvalue -2"):
        matfun.logm_spd(np.diag([1.0, -2.0]))
    with pytest.raises(DomainError, match=r"not positive semidefinite: eigenvalue -2"):
        matfun.sqrtm_spd(np.diag([1.0, -2.0]))
    with pytest.raises(DomainError, match=r"eigenvalue 0"):
        matfun.invsqrtm_spd(np.diag([1.0, 0.0]))
    assert np.allclose(matfun.sqrtm_spd(np.diag([4.0, 0.0])), np.diag([2.0, 0.0]))
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])  # eigenvalues ±i: a real principal root
    S = matfun.sqrtm(rotation)
    assert np.allclose(S @ S, rotation) and np.all(np.linalg.eigvals(S).real > 0)
    with pytest.raises(OverflowError, match=r"overflows float64"):
        matfun.expm(np.diag([800.0, 1.0]))


def test_ties_and_rank_deficiency_are_refused_by_name():
    from matcalc.decompositions import RankError, qr
    tie = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])  # eigenvalues 1, 3, 3
    with pytest.raises(TieError, match=r"values 1 and 2 are tied.*kink"):
        eigen.d_eigenvalues(tie, np.eye(3))
    with pytest.raises(TieError, match=r"straddle the boundary"):
        eigen.d_eigenprojector(tie, 1, np.eye(3))  # the largest 3 is not one eigenvalue
    assert np.allclose(eigen.d_eigenprojector(tie, 2, np.eye(3)), 0)  # the pair is fine
    for call in (lambda: eigen.eigenprojector(np.eye(1), 2),
                 lambda: eigen.d_eigenprojector(np.eye(1), 2, np.eye(1))):
        with pytest.raises(ValueError, match=r"k must lie between 1 and 1"):
            call()
    singular = np.array([[1.0, 0.0, 1.0], [2.0, 1.0, 4.0], [0.0, 1.0, 2.0], [1.0, 0.0, 1.0]])
    with pytest.raises(RankError, match=r"R's diagonal entry 2"):
        qr.d_qr_q(singular, np.ones((4, 3)))
    with pytest.raises(RankError, match=r"thin-SVD term divides"):
        svd.d_left_singular_vectors(singular, np.ones((4, 3)))
    with pytest.raises(RankError, match=r"behaves like \|t\|"):
        svd.d_singular_values(singular, np.ones((4, 3)))
    r = check_differential(svd.right_singular_vectors, svd.d_right_singular_vectors,
                           singular)  # V stays differentiable at a single zero σ
    assert r.passed, str(r)


def test_spectral_functions_are_right_at_exact_ties():
    from matcalc.decompositions import RankError, spectral, symfun
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))
    tall_tie = 2.0 * Q  # all σ = 2
    for name, f, grad in (
            ("nuclear norm", svd.nuclear_norm, spectral.nuclear_norm_grad),
            ("Schatten 3-norm", lambda A: spectral.schatten(A, 3),
             lambda A: spectral.schatten_grad(A, 3))):
        r = check_gradient(f, grad, tall_tie)
        assert r.passed, f"{name} at a tie: {r}"
    spd_tie = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])
    r = check_gradient(spectral.logdet_eig, spectral.logdet_eig_gradient,
                       spd_tie, project=symmetric_part)
    assert r.passed, str(r)
    r = check_differential(symfun.expm_sym, symfun.d_expm_sym, spd_tie, project=symmetric_part)
    assert r.passed, str(r)
    rank_deficient = sample("tall", 3, 0, spectrum=[0.0, 1.0, 2.0])
    with pytest.raises(RankError, match=r"nuclear_subdifferential"):
        spectral.nuclear_norm_grad(rank_deficient)
    r = check_gradient(lambda A: spectral.schatten(A, 3), lambda A: spectral.schatten_grad(A, 3),
                       rank_deficient)  # p > 1: still differentiable at a zero σ
    assert r.passed, str(r)


def test_nuclear_subdifferential_support_is_the_one_sided_derivative():
    from matcalc.decompositions import spectral
    A = sample("tall", 3, 0, spectrum=[0.0, 1.0, 2.0])
    sub = spectral.nuclear_subdifferential(A)
    assert sub.rank == 2
    for seed in range(3):
        D = np.random.default_rng(seed).standard_normal(A.shape)
        t = np.array([1e-4, 5e-5])  # Richardson on the one-sided quotient (error O(t))
        q = (np.array([svd.nuclear_norm(A + s * D) for s in t]) - svd.nuclear_norm(A)) / t
        one_sided = 2 * q[1] - q[0]
        assert abs(sub.support(D) - one_sided) < 1e-7, (sub.support(D), one_sided)
        W = sub.maximizer(D)
        assert sub.contains(W) and np.isclose(np.sum(W * D), sub.support(D))
        assert sub.support(D) - np.sum(sub.center * D) > 1e-3  # U_r V_rᵀ alone falls short
    assert not sub.contains(sub.center + 2 * sub.left @ np.ones((3, 1)) @ sub.right.T)


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_float32_in_gives_float32_out(claim):
    (var,) = claim.wrt
    point = claim.point(0) if claim.point else {"A": sample("general", 3, 0),
                                                "B": np.ones((3, 2))}
    point = {k: (v.astype(np.float32) if k == var else v) for k, v in point.items()}
    value = claim.function(**point)
    extra = {"differential": {"d" + var: np.ones_like(point[var])},
             "vjp": {"G": np.ones(np.shape(value), np.float32)}}.get(claim.kind, {})
    outs = [value, claim.claim(**point, **extra)]
    assert all(np.asarray(o).dtype == np.float32 for o in outs), [np.asarray(o).dtype for o in outs]
