"""matcalc.ops agrees between numpy and sympy, and names bad shapes."""

import numpy as np
import pytest
import sympy as sp

from matcalc import check_differential, check_gradient
from matcalc import ops

M = sp.Matrix([[2, 1], [1, 3]])
N = np.array(M, dtype=float)


@pytest.mark.parametrize("name", ["tr", "det", "logdet"])
def test_scalar_functions_agree(name):
    f = getattr(ops, name)
    assert float(f(M)) == pytest.approx(f(N), rel=1e-14)


@pytest.mark.parametrize("name", ["inv", "exp", "log", "tanh", "sigmoid"])
def test_matrix_functions_agree(name):
    f = getattr(ops, name)
    assert np.allclose(np.array(f(M).evalf(), dtype=float), f(N), rtol=1e-14)


def test_square_required():
    for name in ("tr", "inv", "det", "logdet"):
        with pytest.raises(ValueError, match=rf"{name} needs a square matrix, got shape \(2, 3\)"):
            getattr(ops, name)(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"hadamard needs equal shapes, got \(2, 3\) and \(3, 2\)"):
        ops.hadamard(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="singular"):
        ops.logdet(np.zeros((2, 2)))


def test_trace_and_det_keep_complex_step():
    X = np.random.default_rng(0).standard_normal((3, 3))
    r = check_gradient(lambda X: ops.tr(X @ X), lambda X: 2 * X.T, X)
    assert r.passed and r.method == "complex step"
    r = check_gradient(ops.det, lambda X: ops.det(X) * ops.inv(X).T, X)
    assert r.passed and r.method == "complex step"


def test_eye_and_ones_follow_their_argument():
    assert isinstance(ops.eye(2, like=M), sp.MatrixBase) and isinstance(ops.eye(2), np.ndarray)
    assert ops.ones(2, 3, like=M).shape == (2, 3) and ops.ones(1, 2).dtype == float


def test_projected_directions():
    rng = np.random.default_rng(1)
    S = rng.standard_normal((4, 4))
    S = S + S.T
    A = rng.standard_normal((4, 4))
    sym = lambda V: (V + V.T) / 2
    f = lambda S: np.trace(A @ S)
    assert check_gradient(f, lambda S: sym(A.T), S, project=sym).passed
    assert not check_gradient(f, lambda S: sym(A.T), S).passed
    assert check_differential(lambda S: S @ S, lambda S, dS: dS @ S + S @ dS, S,
                              project=sym).passed
    with pytest.raises(ValueError, match=r"project\(V\) has shape \(2, 2\), but X has shape \(4, 4\)"):
        check_gradient(f, lambda S: A.T, S, project=lambda V: V[:2, :2])
    with pytest.raises(ValueError, match="project\\(V\\) returned zero"):
        check_gradient(f, lambda S: A.T, S, project=lambda V: 0 * V)


def test_matrix_power_softmax_ones_like_agree_and_check_input():
    assert np.allclose(ops.matrix_power(N, 3), np.linalg.matrix_power(N, 3))
    assert np.array_equal(np.array(ops.matrix_power(M, 3), dtype=float), ops.matrix_power(N, 3))
    assert np.allclose(np.array(ops.softmax(M).evalf(), dtype=float), ops.softmax(N), rtol=1e-14)
    assert np.allclose(ops.softmax(N).sum(axis=0), 1)
    assert ops.ones_like(M) == sp.ones(2, 2) and np.array_equal(ops.ones_like(N), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"integer power k >= 0, got -1"):
        ops.matrix_power(N, -1)
    with pytest.raises(ValueError, match=r"matrix_power needs a square matrix, got shape \(2, 3\)"):
        ops.matrix_power(np.ones((2, 3)), 2)
