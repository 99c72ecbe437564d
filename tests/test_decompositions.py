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
    analytic = get("pseudo-inverse, full rank").check(seeds=(0,)).get("numeric")
    assert analytic.method == "complex step"


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
    with pytest.raises(ValueError, match="complex eigenvalues"):
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
