import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cases import hard_cases, ill_conditioned, logdet_analytic, seed_loss_case
from matcalc import CheckResult, check_gradient

CASES = hard_cases(np.random.default_rng(7))


# Central differences reach only ~3e-8 relative at condition 1e6: not resolvable at 1e-8.
LIMITED = {"slogdet, cond 1e6": 1e-6}


@pytest.mark.parametrize("name,f,grad,X", CASES, ids=[c[0] for c in CASES])
def test_correct_gradients_pass(name, f, grad, X):
    result = check_gradient(f, grad, X)
    assert result.error <= result.tolerance, str(result)
    if name in LIMITED:
        assert result.verdict in ("PASSED", "UNRESOLVED"), str(result)
        result = check_gradient(f, grad, X, rtol=LIMITED[name])
    assert result.passed, str(result)
    assert isinstance(result, CheckResult) and bool(result) and result.verdict == "PASSED"


@pytest.mark.parametrize("name,f,grad,X", CASES, ids=[c[0] for c in CASES])
def test_relative_error_of_1e5_is_caught_everywhere(name, f, grad, X):
    if not np.any(grad(X)):
        pytest.skip("a zero gradient has no relative error")
    result = check_gradient(f, lambda X: grad(X) * (1 + 1e-5), X)
    assert not result.passed, str(result)


ANALYTIC = ["seed loss", "half squared norm", "entries of size 1e8", "entries of size 1e-8",
            "values of size 1e8", "values of size 1e-8", "stiff sum exp(3X)",
            "log det, cond 1e6", "trace of inverse", "quadratic form", "ReLU squared"]


@pytest.mark.parametrize("name", ANALYTIC)
def test_complex_step_catches_relative_error_1e7(name):
    _, f, grad, X = next(c for c in CASES if c[0] == name)
    result = check_gradient(f, lambda X: grad(X) * (1 + 1e-7), X)
    assert result.method == "complex step"
    assert not result.passed, str(result)
    assert result.error == pytest.approx(1e-7, rel=1e-2)


@pytest.mark.parametrize("name", ["sum |X|", "slogdet", "conjugate inside", "norm (abs inside)"])
def test_non_analytic_functions_fall_back_to_central_differences(name):
    _, f, grad, X = next(c for c in CASES if c[0] == name)
    result = check_gradient(f, grad, X)
    assert result.passed, str(result)
    assert result.method == "central differences"
    assert "complex step" in str(result)  # the note says why it was not used


def test_conjugate_trap_would_report_zero_without_fallback():
    # The naive complex step on X * conj(X) gives exactly 0: the checker must not use it.
    _, f, grad, X = next(c for c in CASES if c[0] == "conjugate inside")
    V = np.ones_like(X)
    naive = np.imag(f(X + 1e-20j * V)) / 1e-20
    assert abs(naive) < 1e-10 * abs(np.sum(2 * X * V))
    assert check_gradient(f, lambda X: np.zeros_like(X), X).passed is False


def _mistakes():
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    W = rng.standard_normal((4, 4))  # square: the transposed mistakes have the right shape
    R = lambda W: W @ X - Y
    f = lambda W: 0.5 * np.sum(R(W) ** 2)
    return f, W, {
        "transposed": lambda W: (R(W) @ X.T).T,
        "wrong order": lambda W: X.T @ R(W),
        "sign": lambda W: -R(W) @ X.T,
        "factor of 2": lambda W: 2 * R(W) @ X.T,
        "missing term": lambda W: W @ X @ X.T,
        "half": lambda W: 0.5 * R(W) @ X.T,
        "one entry off by 1e-4": lambda W: R(W) @ X.T + 1e-4 * np.eye(4)[0:1].T @ np.eye(4)[0:1],
    }


@pytest.mark.parametrize("mistake", list(_mistakes()[2]))
def test_deliberate_mistakes_fail(mistake):
    f, W, mistakes = _mistakes()
    result = check_gradient(f, mistakes[mistake], W)
    assert not result.passed, str(result)
    text = str(result)
    assert "FAILED" in text and "claimed" in text and "numeric" in text


def test_symmetric_matrix_trap_is_not_the_gradient():
    # For f(X) = tr(AX) the gradient is A^T; the "2G - diag(G)" symmetric formula is not it.
    rng = np.random.default_rng(4)
    A = rng.standard_normal((3, 3))
    X = rng.standard_normal((3, 3))
    X = X + X.T
    G = A.T
    f = lambda X: np.trace(A @ X)
    assert check_gradient(f, lambda X: G, X).passed
    assert not check_gradient(f, lambda X: G + G.T - np.diag(np.diag(G)), X).passed


def test_cost_does_not_depend_on_size():
    counts = []
    for n in (2, 20, 200):
        f, g, W, _, _ = seed_loss_case(np.random.default_rng(0), n, n, n)
        result = check_gradient(f, g, W)
        assert result.passed
        counts.append(result.evaluations)
    assert max(counts) <= 40
    assert max(counts) - min(counts) <= 6


def test_counts_every_evaluation():
    calls = []
    f, g, W, _, _ = seed_loss_case(np.random.default_rng(0))

    def counted(W):
        calls.append(1)
        return f(W)

    result = check_gradient(counted, g, W)
    assert result.evaluations == len(calls)


def test_deterministic_by_default_and_seed_changes_directions():
    f, g, W, _, _ = seed_loss_case(np.random.default_rng(0))
    a, b = check_gradient(f, g, W), check_gradient(f, g, W)
    c = check_gradient(f, g, W, seed=1)
    assert [d.claimed for d in a.directions] == [d.claimed for d in b.directions]
    assert [d.claimed for d in a.directions] != [d.claimed for d in c.directions]


def test_directions_do_not_repeat_the_callers_random_draws():
    # X drawn with default_rng(0): direction 1 must not be X itself (it would commute with X).
    X = np.random.default_rng(0).standard_normal((3, 3))
    f = lambda X: np.trace(X @ X @ X)
    result = check_gradient(f, lambda X: 3 * (X @ X).T, X)
    assert result.passed
    assert not np.isclose(result.directions[0].claimed, np.sum(3 * (X @ X).T * X))


def test_method_central_and_complex():
    f, g, W, _, _ = seed_loss_case(np.random.default_rng(0))
    assert check_gradient(f, g, W, method="central").method == "central differences"
    forced = check_gradient(f, g, W, method="complex")
    assert forced.method == "complex step" and forced.evaluations == 4  # f(X) + one per direction
    with pytest.raises(ValueError, match="method='complex' cannot be used.*real values"):
        check_gradient(lambda X: np.sum(np.abs(X)), np.sign, W, method="complex")
    with pytest.raises(ValueError, match="method must be"):
        check_gradient(f, g, W, method="forward")


def test_cond_1e6_really_is_ill_conditioned():
    C = ill_conditioned(5, 1e6, np.random.default_rng(7))
    assert np.linalg.cond(C) == pytest.approx(1e6, rel=1e-3)
    assert np.isfinite(logdet_analytic(C))


# --- errors that name shapes and values ------------------------------------------------------

def test_non_scalar_f_is_an_error_naming_the_shape():
    X = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"f must return a real scalar.*\(2, 3\)"):
        check_gradient(lambda X: X ** 2, lambda X: 2 * X, X)


def test_wrong_gradient_shape_names_both_shapes():
    X = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"grad\(X\) has shape \(3, 2\).*X has shape \(2, 3\)"):
        check_gradient(lambda X: np.sum(X), lambda X: np.ones((3, 2)), X)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_and_outputs(bad):
    X = np.ones((2, 2))
    Xbad = X.copy()
    Xbad[1, 0] = bad
    with pytest.raises(ValueError, match=r"X \(shape \(2, 2\)\) has 1 non-finite.*\(1, 0\)"):
        check_gradient(np.sum, np.ones_like, Xbad)
    with pytest.raises(ValueError, match=r"f\(X\).*non-finite"):
        check_gradient(lambda X: bad, np.ones_like, X)
    with pytest.raises(ValueError, match=r"grad\(X\).*non-finite"):
        check_gradient(np.sum, lambda X: Xbad, X)


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="complex"):
        check_gradient(np.sum, np.ones_like, np.ones((2, 2)) * 1j)
    with pytest.raises(ValueError, match="empty"):
        check_gradient(np.sum, np.ones_like, np.ones((0, 2)))
    with pytest.raises(ValueError, match="complex values"):
        check_gradient(lambda X: np.sum(X) * 1j, np.ones_like, np.ones((2, 2)))
    with pytest.raises(ValueError, match="grad raised ZeroDivisionError"):
        check_gradient(np.sum, lambda X: 1 / 0, np.ones((2, 2)))
    with pytest.raises(ValueError, match="directions"):
        check_gradient(np.sum, np.ones_like, np.ones((2, 2)), directions=0)
    with pytest.raises(ValueError, match="rtol"):
        check_gradient(np.sum, np.ones_like, np.ones((2, 2)), rtol=0)


def test_function_undefined_near_x_is_an_error():
    # f is finite at X but NaN at every perturbed point: nothing to compare against.
    X = np.ones((2, 2))
    f = lambda Z: np.sum(Z) if np.array_equal(Z, X) else np.nan
    with pytest.raises(ValueError, match="could not be evaluated at any perturbed point"):
        check_gradient(f, np.ones_like, X)


def test_domain_boundary_shrinks_the_step():
    # log is undefined for X <= 0; entries of 1e-3 are left by the first, large steps.
    X = np.full((3, 3), 1e-3) + 1e-4 * np.arange(9).reshape(3, 3)
    result = check_gradient(lambda X: np.sum(np.log(X)), lambda X: 1 / X, X, method="central")
    assert result.passed, str(result)


def test_str_shows_claimed_and_numeric_side_by_side():
    f, g, W, _, _ = seed_loss_case(np.random.default_rng(0))
    text = str(check_gradient(f, lambda W: 2 * g(W), W))
    header = text.splitlines()[1]
    assert "claimed G:V" in header and "numeric" in header
    row = text.splitlines()[2].split()
    claimed, numeric = float(row[1]), float(row[2])
    assert claimed == pytest.approx(2 * numeric)


# --- property-based: random shapes, seeds and points ----------------------------------------

shapes = st.tuples(st.integers(1, 6), st.integers(1, 6))


@settings(max_examples=40, deadline=None, derandomize=True)  # the same draw in every run
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1e-6, 1.0, 1e6]))
def test_property_correct_gradients_pass(shape, seed, scale):
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal(shape)
    A = rng.standard_normal((shape[1], shape[1]))
    f = lambda X: np.sum(np.tanh(X / scale) * (X @ A))
    grad = lambda X: (1 - np.tanh(X / scale) ** 2) / scale * (X @ A) + np.tanh(X / scale) @ A.T
    result = check_gradient(f, grad, X, seed=seed)
    assert result.passed, str(result)


@settings(max_examples=40, deadline=None, derandomize=True)  # the same draw in every run
@given(shape=shapes, seed=st.integers(0, 2**32 - 1),
       mistake=st.sampled_from(["sign", "factor", "drop term", "relative 1e-6"]))
def test_property_mistakes_fail(shape, seed, mistake):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal(shape)
    A = rng.standard_normal((shape[1], shape[1]))
    f = lambda X: np.sum(np.tanh(X) * (X @ A)) + np.sum(X)
    grad = lambda X: (1 - np.tanh(X) ** 2) * (X @ A) + np.tanh(X) @ A.T + 1
    wrong = {
        "sign": lambda X: -grad(X),
        "factor": lambda X: 2 * grad(X),
        "drop term": lambda X: grad(X) - 1,
        "relative 1e-6": lambda X: grad(X) * (1 + 1e-6),
    }[mistake]
    assert check_gradient(f, grad, X, seed=seed).passed
    assert not check_gradient(f, wrong, X, seed=seed).passed
