"""The checker on hard inputs (issue 9): it must not cry wolf, and must still catch mistakes.

Each family of tests/hard_families.py at 3 seeds: the right gradient is never FAILED (and
PASSED where the point allows), a deliberately wrong one FAILS.
"""

import subprocess
import sys

import numpy as np
import pytest

import hard_families as H
from matcalc import check_differential, check_gradient, check_hessian, jacobian
from matcalc.backend import TOLERANCES
from matcalc.directional import directional_derivative

SEEDS = (0, 1, 2)


def scaled(grad, factor):
    return lambda X: grad(X) * factor


# --- (a) zero gradients computed with rounding -----------------------------------------------

@pytest.mark.parametrize("family", H.ZERO, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_zero_gradient_with_rounding_passes(family, seed):
    case = family(seed)
    result = check_gradient(case.f, case.grad, case.X)
    assert result.verdict == "PASSED", str(result)
    assert "zero to rounding" in str(result)


@pytest.mark.parametrize("family", H.ZERO, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_small_wrong_gradient_of_an_invariant_fails(family, seed):
    case = family(seed)
    result = check_gradient(case.f, lambda X: np.full(X.shape, 1e-3), case.X)
    assert result.verdict == "FAILED", str(result)


@pytest.mark.parametrize("seed", SEEDS)
def test_relative_error_1e6_in_a_nonzero_gradient_of_the_same_scale_fails(seed):
    case = H.similarity_nonzero(seed)
    assert check_gradient(case.f, case.grad, case.X).verdict == "PASSED"
    result = check_gradient(case.f, scaled(case.grad, 1 + 1e-6), case.X)
    assert result.verdict == "FAILED", str(result)


# --- (b) a conservative error estimate on the central-difference path -----------------------

def _family(kind, X, b):
    Xi = np.linalg.inv(X)
    if kind == "log|det|":
        return (lambda Z: np.linalg.slogdet(Z)[1]), (lambda V: np.trace(Xi @ V))
    if kind == "inverse":
        return np.linalg.inv, (lambda V: -Xi @ V @ Xi)
    return (lambda Z: np.linalg.solve(Z, b)), (lambda V: -Xi @ V @ Xi @ b)


#: Points where the estimate of an unlimited ladder (resolution 0) is known to be too small:
#: numpy 2.4.6 / OpenBLAS 0.3.31's slogdet at condition 1e6 has, at steps below 1e-10, a
#: slope error of 6e-6 relative (0.33 on 56463) that is the same at every such step, so the
#: finest levels agree with each other, their error is estimated at 0.038, and they overrule
#: the coarser levels that were right to 3e-4. Second differences cannot see an error that is
#: odd in the step. check_gradient stops at its resolution long before such steps: at this
#: point it does not fail the right gradient (test below), and no false alarm in 180 checks.
KNOWN_UNDERESTIMATES = {("log|det|", 1e6, 15)}


def _conservative_case(kind, cond, seed):
    rng = np.random.default_rng([seed, int(cond)])
    X = H.with_condition(4, cond, rng)
    V, b = rng.standard_normal((4, 4)), rng.standard_normal(4)
    F, exact = _family(kind, X, b)
    return X, V, F, exact


@pytest.mark.parametrize("kind", ["log|det|", "inverse", "solve"])
@pytest.mark.parametrize("cond", [1e2, 1e4, 1e6, 1e8])
def test_central_difference_error_estimate_is_conservative(kind, cond):
    worst, under = 0.0, set()
    for seed in range(20):
        X, V, F, exact = _conservative_case(kind, cond, seed)
        est = directional_derivative(F, X, V, method="central")
        actual = float(np.max(np.abs(est.value - exact(V))))
        estimated = float(np.max(est.error))
        worst = max(worst, actual / estimated)
        if actual > estimated:
            under.add((kind, cond, seed))
    assert under <= KNOWN_UNDERESTIMATES, under
    assert worst > 1e-6  # the estimate is not vacuous: it is within 1e6 of the actual error


def test_the_known_underestimate_gives_no_false_alarm():
    for kind, cond, seed in KNOWN_UNDERESTIMATES:
        X, _, F, _ = _conservative_case(kind, cond, seed)
        grad = lambda Z: np.linalg.inv(Z).T
        assert check_gradient(F, grad, X).verdict != "FAILED"
        assert check_gradient(F, lambda Z: grad(Z) * (1 + 1e-3), X).verdict == "FAILED"


@pytest.mark.parametrize("seed", SEEDS)
def test_unresolvable_point_is_unresolved_not_failed(seed):
    X = H.with_condition(5, 1e8, np.random.default_rng([seed, 99]))
    f, grad = (lambda X: np.linalg.slogdet(X)[1]), (lambda X: np.linalg.inv(X).T)
    result = check_gradient(f, grad, X)
    assert result.verdict in ("PASSED", "UNRESOLVED"), str(result)
    if result.verdict == "UNRESOLVED":
        assert not result.passed and not bool(result)
        text = str(result)
        assert "UNRESOLVED" in text and "accurate only to" in text and "rtol=" in text
        assert result.achievable > result.tolerance
        looser = check_gradient(f, grad, X, rtol=min(0.5, 3 * result.achievable))
        assert looser.verdict == "PASSED", str(looser)
    assert check_gradient(f, scaled(grad, 1 + 1e-2), X).verdict == "FAILED"


# --- (c) functions numpy does not compute complex-analytically ------------------------------

@pytest.mark.parametrize("family", H.NON_ANALYTIC, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_non_analytic_right_passes_wrong_fails(family, seed):
    case = family(seed)
    right = check_gradient(case.f, case.grad, case.X, **case.kwargs)
    assert right.verdict == "PASSED", str(right)
    assert right.method in str(right)
    if not case.analytic:  # the complex step computes something else there: never used
        assert right.method == "central differences", str(right)
    wrong = check_gradient(case.f, scaled(case.grad, 1 + 1e-3), case.X, **case.kwargs)
    assert wrong.verdict == "FAILED", str(wrong)


def test_complex_step_of_conjugate_is_wrong_and_rejected():
    case = H.conjugate(0)
    V = np.ones_like(case.X)
    naive = np.imag(case.f(case.X + 1e-20j * V)) / 1e-20
    assert abs(naive) < 1e-10  # the complex step alone would say 0
    result = check_gradient(case.f, np.zeros_like, case.X)
    assert result.verdict == "FAILED" and result.method == "central differences"


# --- (d) exceptions at perturbed points leave the domain ------------------------------------

@pytest.mark.parametrize("family", [H.cholesky_near_boundary, H.mvn_logpdf],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_exceptions_at_perturbed_points_are_domain_exits(family, seed):
    case = family(seed)
    with pytest.raises(ValueError):  # the first step really leaves the domain
        case.f(case.X + 0.1 * np.sqrt(np.mean(case.X ** 2)) * np.eye(len(case.X))[::-1] * 5)
    result = check_gradient(case.f, case.grad, case.X, **case.kwargs)
    assert result.verdict == "PASSED", str(result)
    wrong = check_gradient(case.f, scaled(case.grad, 1 + 1e-3), case.X, **case.kwargs)
    assert wrong.verdict == "FAILED", str(wrong)


def _chol_differential(S, dS):
    """dL for L = cholesky(S), which reads the lower triangle of S."""
    L = np.linalg.cholesky(S)
    dS = np.tril(dS) + np.tril(dS, -1).T
    Li = np.linalg.inv(L)
    M = Li @ dS @ Li.T
    return L @ (np.tril(M, -1) + np.diag(np.diag(M)) / 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_differential_and_jacobian_survive_cholesky_leaving_spd(seed):
    S = H.spd(4, 1e-3, np.random.default_rng([seed, 5]))
    right = check_differential(np.linalg.cholesky, _chol_differential, S)
    assert right.verdict == "PASSED", str(right)
    wrong = check_differential(np.linalg.cholesky, lambda S, dS: 1.001 * _chol_differential(S, dS), S)
    assert wrong.verdict == "FAILED", str(wrong)
    J = jacobian(np.linalg.cholesky, S)
    for i, j in [(0, 0), (2, 1), (3, 3)]:
        E = np.zeros_like(S)
        E[i, j] = 1.0
        assert np.allclose(J[..., i, j], _chol_differential(S, E), rtol=1e-5, atol=1e-5)


def _positive_log(x):
    if np.any(x <= 0):
        raise ValueError("log of a non-positive entry")
    return np.sum(np.log(x))


def test_hessian_survives_exceptions_at_perturbed_points():
    x = np.array([1e-3, 2e-3, 5e-1])
    right = check_hessian(_positive_log, x, hessian=lambda x: np.diag(-1 / x ** 2),
                          grad=lambda x: 1 / x)
    assert right.verdict == "PASSED", str(right)
    alone = check_hessian(_positive_log, x, hessian=lambda x: np.diag(-1 / x ** 2))
    assert alone.verdict == "PASSED", str(alone)
    wrong = check_hessian(_positive_log, x, hessian=lambda x: np.diag(-1.001 / x ** 2))
    assert wrong.verdict == "FAILED", str(wrong)


def test_exception_at_x_itself_is_a_clear_error():
    S = -np.eye(3)  # not positive definite: cholesky fails at X
    f = lambda S: np.sum(np.log(np.diag(np.linalg.cholesky(S))))
    with pytest.raises(ValueError, match="f raised LinAlgError at X"):
        check_gradient(f, np.zeros_like, S)
    with pytest.raises(ValueError, match=r"F \(cholesky\) raised LinAlgError at X"):
        check_differential(np.linalg.cholesky, lambda S, dS: dS, S)
    with pytest.raises(ValueError, match="f raised LinAlgError at X"):
        check_hessian(f, S, hvp=lambda S, V: V)
    with pytest.raises(ValueError, match=r"F \(cholesky\) raised LinAlgError at X"):
        jacobian(np.linalg.cholesky, S)


# --- (e) the ladder does not stop on a settled-looking coarse value -------------------------

@pytest.mark.parametrize("family", [H.eigh_vector, H.slogdet_near_singular, H.sqrtm_trace],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_coarse_steps_do_not_decide(family, seed):
    case = family(seed)
    right = check_gradient(case.f, case.grad, case.X, **case.kwargs)
    assert right.verdict != "FAILED", str(right)
    wrong = check_gradient(case.f, scaled(case.grad, 1 + 1e-3), case.X, **case.kwargs)
    assert wrong.verdict == "FAILED", str(wrong)


def test_slogdet_near_singular_finds_the_large_derivative():
    case = H.slogdet_near_singular(0)
    V = np.ones_like(case.X)
    est = directional_derivative(case.f, case.X, V, method="central")
    exact = np.sum(np.linalg.inv(case.X) * V)
    assert abs(exact) > 1e4
    assert abs(est.value - exact) <= est.error


# --- (f) float32 functions --------------------------------------------------------------------

def _mlp(seed):
    rng = np.random.default_rng([seed, 32])
    X = rng.standard_normal((6, 20)).astype(np.float32)
    Y = rng.standard_normal((3, 20)).astype(np.float32)
    W2 = (0.5 * rng.standard_normal((3, 5))).astype(np.float32)

    def loss(W1):
        H1 = np.tanh(W1.astype(np.float32) @ X)
        return np.float32(0.5) * np.mean(np.sum((W2 @ H1 - Y) ** 2, axis=0))

    def grad(W1):
        H1 = np.tanh(W1.astype(np.float32) @ X)
        R = (W2 @ H1 - Y) / np.float32(X.shape[1])
        return ((W2.T @ R) * (1 - H1 ** 2)) @ X.T

    return loss, grad, 0.5 * rng.standard_normal((5, 6))


@pytest.mark.parametrize("seed", SEEDS)
def test_float32_loss_judged_at_float32_precision(seed):
    loss, grad, W1 = _mlp(seed)
    assert loss(W1).dtype == np.float32 and grad(W1).dtype == np.float32
    right = check_gradient(loss, grad, W1)
    assert right.verdict == "PASSED", str(right)
    assert right.precision == "float32" and "float32" in str(right)
    assert right.tolerance == TOLERANCES["gradient_float32"]
    wrong = check_gradient(loss, lambda W: grad(W) * np.float32(1 + 1e-3), W1)
    assert wrong.verdict == "FAILED", str(wrong)


def test_float64_loss_keeps_the_float64_tolerance():
    loss, grad, W1 = _mlp(0)
    r = check_gradient(lambda W: np.float64(loss(W)), lambda W: grad(W).astype(float), W1)
    assert r.precision == "float64" and r.tolerance == TOLERANCES["gradient"]


# --- (g) cold start ---------------------------------------------------------------------------

def test_numeric_path_does_not_import_sympy():
    code = ("import sys, numpy as np, matcalc\n"
            "r = matcalc.check_gradient(lambda X: np.sum(X**2), lambda X: 2*X, np.ones((3, 3)))\n"
            "assert r.passed\n"
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_assert_gradient_raises_with_the_table():
    from matcalc.check import assert_gradient
    case = H.similarity_nonzero(0)
    assert assert_gradient(case.f, case.grad, case.X) is None
    with pytest.raises(AssertionError, match=r"(?s)gradient check FAILED.*claimed G:V.*numeric"):
        assert_gradient(case.f, scaled(case.grad, 1 + 1e-6), case.X)
    X = H.with_condition(5, 1e8, np.random.default_rng([0, 99]))
    with pytest.raises(AssertionError, match="UNRESOLVED"):
        assert_gradient(lambda X: np.linalg.slogdet(X)[1], lambda X: np.linalg.inv(X).T, X)
