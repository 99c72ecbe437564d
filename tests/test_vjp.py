"""check_vjp and check_jvp: they pass true rules, fail wrong ones naming the input, cost O(1)
evaluations whatever the size, and reject malformed claims with clear errors."""

import numpy as np
import pytest
from matcalc import CheckResult, Report, check_jvp, check_vjp

R = np.random.default_rng(3)
X, W, b = R.standard_normal((5, 3)), R.standard_normal((4, 3)), R.standard_normal(4)


def linear(X, W, b):
    return X @ W.T + b


def linear_vjp(X, W, b, G):
    return G @ W, G.T @ X, G.sum(axis=0)


def linear_jvp(X, W, b, dX, dW, db):
    return dX @ W.T + X @ dW.T + db


def test_true_vjp_passes_for_every_input():
    result = check_vjp(linear, linear_vjp, (X, W, b))
    assert result.passed and isinstance(result, Report)
    assert [name for name, _ in result.checks] == ["X", "W", "b"]
    assert all(isinstance(r, CheckResult) and r.kind == "VJP" for _, r in result.checks)
    assert [r.shape for _, r in result.checks] == [X.shape, W.shape, b.shape]
    assert result.error < 1e-12 and "upstream gradient G of shape (5, 4)" in str(result)


@pytest.mark.parametrize("k, wrong", [
    (1, lambda X, W, b, G: (G @ W, 1.5 * G.T @ X, G.sum(0))),
    (2, lambda X, W, b, G: (G @ W, G.T @ X, G.mean(axis=0))),
    (0, lambda X, W, b, G: (G @ W + 1e-6, G.T @ X, G.sum(axis=0))),
])
def test_a_wrong_vjp_fails_and_the_report_names_the_input(k, wrong):
    result = check_vjp(linear, wrong, (X, W, b))
    assert not result.passed
    assert result.failed == (("X", "W", "b")[k],)
    assert f"not passed: {('X', 'W', 'b')[k]}" in str(result)
    # side by side: the wrong input's table shows claimed and numeric values
    part = str(result.get(("X", "W", "b")[k]))
    assert "claimed vjp:V" in part and "numeric" in part and "FAILED" in part


def test_single_array_input():
    F = np.tanh
    good = check_vjp(F, lambda X, G: G * (1 - np.tanh(X) ** 2), X)
    bad = check_vjp(F, lambda X, G: G * (1 - np.tanh(X)), X)
    assert good.passed and not bad.passed
    assert good.get("X").shape == X.shape and good.failed == () and bad.failed == ("X",)


def test_the_upstream_gradient_is_not_special():
    # A rule that is right only for G = ones (it forgets G) must fail.
    result = check_vjp(lambda X: X ** 2, lambda X, G: 2 * X, X)
    assert not result.passed


def test_vjp_of_a_scalar_loss():
    loss = lambda P: np.sum(P ** 2) / P.size
    assert check_vjp(loss, lambda P, G: 2 * G * P / P.size, X).passed
    assert not check_vjp(loss, lambda P, G: 2 * G * P, X).passed


def test_evaluations_do_not_grow_with_the_size():
    counts = []
    for n in (3, 30, 120):
        Xn, Wn, bn = np.ones((n, n)), np.eye(n), np.zeros(n)
        counts.append(check_vjp(linear, linear_vjp, (Xn, Wn, bn)).evaluations)
    assert max(counts) <= 2 * min(counts) and max(counts) < 200


def test_true_and_wrong_jvp():
    assert check_jvp(linear, linear_jvp, (X, W, b)).passed
    bad = check_jvp(linear, lambda X, W, b, dX, dW, db: dX @ W.T + X @ dW.T - db, (X, W, b))
    assert not bad.passed and bad.failed == ("b",)
    assert "JVP check: FAILED" in str(bad) and "JVP check FAILED" in str(bad.get("b"))


def test_names_override_and_default():
    result = check_vjp(lambda *a: linear(*a), linear_vjp, (X, W, b))
    assert [n for n, _ in result.checks] == ["input 1", "input 2", "input 3"]
    result = check_vjp(linear, linear_vjp, (X, W, b), names=("x", "w", "bias"))
    assert [n for n, _ in result.checks] == ["x", "w", "bias"]


@pytest.mark.parametrize("vjp, message", [
    (lambda X, W, b, G: (G @ W, G.T @ X), "tuple of 3 gradients"),
    (lambda X, W, b, G: G @ W, "tuple of 3 gradients"),
    (lambda X, W, b, G: (G @ W, X.T @ G, G.sum(0)), r"gradient for input 'W' has shape \(3, 4\)"),
    (lambda X, W, b, G: (G @ W, G.T @ X, G.sum(0) * np.nan), "non-finite"),
    (lambda X, W, b, G: 1 / 0, "vjp raised ZeroDivisionError"),
])
def test_malformed_vjps_raise_clear_errors(vjp, message):
    with pytest.raises(ValueError, match=message):
        check_vjp(linear, vjp, (X, W, b))


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="empty tuple"):
        check_vjp(linear, linear_vjp, ())
    with pytest.raises(ValueError, match="names must be 3 strings"):
        check_vjp(linear, linear_vjp, (X, W, b), names=("a", "b"))
    with pytest.raises(ValueError, match=r"F \(linear\) raised ValueError at X"):
        check_vjp(linear, linear_vjp, (X, W.T, b))
    with pytest.raises(ValueError, match="non-finite"):
        check_vjp(linear, linear_vjp, (X * np.nan, W, b))
    with pytest.raises(ValueError, match="shape"):
        check_jvp(linear, lambda X, W, b, dX, dW, db: dX, (X, W, b))
