import numpy as np
import pytest

from matcalc import check_differential, jacobian

rng = np.random.default_rng(11)
X = rng.standard_normal((4, 4))
R = rng.standard_normal((3, 5))
inv = np.linalg.inv

RULES = [
    ("inverse", inv, lambda X, dX: -inv(X) @ dX @ inv(X), X),
    ("square", lambda X: X @ X, lambda X, dX: dX @ X + X @ dX, X),
    ("transpose", lambda X: X.T, lambda X, dX: dX.T, R),
    ("gram", lambda X: X.T @ X, lambda X, dX: dX.T @ X + X.T @ dX, R),
    ("hadamard square", lambda X: X * X, lambda X, dX: 2 * X * dX, R),
    ("exp entrywise", np.exp, lambda X, dX: np.exp(X) * dX, R),
    ("abs cubed (not analytic)", lambda X: np.abs(X) ** 3, lambda X, dX: 3 * np.abs(X) * X * dX, R),
    ("determinant", np.linalg.det, lambda X, dX: np.linalg.det(X) * np.trace(inv(X) @ dX), X),
    ("kronecker", lambda X: np.kron(X, X), lambda X, dX: np.kron(dX, X) + np.kron(X, dX), R[:2, :3]),
]

WRONG = [
    ("inverse, wrong order", inv, lambda X, dX: -inv(X) @ inv(X) @ dX, X),
    ("square, scalar rule", lambda X: X @ X, lambda X, dX: 2 * X @ dX, X),
    ("gram, lost transpose", lambda X: X.T @ X, lambda X, dX: 2 * X.T @ dX, R),
    ("exp, sign", np.exp, lambda X, dX: -np.exp(X) * dX, R),
    ("nonlinear in dX", lambda X: X @ X, lambda X, dX: dX @ X + X @ dX + dX @ dX, X),
    ("determinant, transposed inverse", np.linalg.det,
     lambda X, dX: np.linalg.det(X) * np.trace(inv(X).T @ dX), X),
]


@pytest.mark.parametrize("name,F,dF,X", RULES, ids=[r[0] for r in RULES])
def test_rules_pass(name, F, dF, X):
    result = check_differential(F, dF, X)
    assert result.passed, str(result)


@pytest.mark.parametrize("name,F,dF,X", WRONG, ids=[r[0] for r in WRONG])
def test_wrong_rules_fail(name, F, dF, X):
    result = check_differential(F, dF, X)
    assert not result.passed, str(result)
    assert "worst entry" in str(result)


def test_scalar_valued_function_works_too():
    result = check_differential(lambda X: np.trace(X @ X), lambda X, dX: 2 * np.trace(X @ dX), X)
    assert result.passed


def test_differential_errors_name_shapes():
    with pytest.raises(ValueError, match=r"dF\(X, dX\) has shape \(4, 5\).*F\(X\) has shape \(5, 5\)"):
        check_differential(lambda X: X.T @ X, lambda X, dX: dX, np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"F\(X\).*non-finite"):
        check_differential(lambda X: X / 0, lambda X, dX: dX, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"dF\(X, dX\).*non-finite"):
        check_differential(lambda X: X, lambda X, dX: dX * np.nan, np.ones((2, 2)))


def test_output_shape_change_is_an_error():
    def F(Z):
        return Z if np.array_equal(Z, X) else Z[:2]
    with pytest.raises(ValueError, match=r"shape \(2, 4\) at a perturbed point.*\(4, 4\) at X"):
        check_differential(F, lambda X, dX: dX, X, method="central")


def test_jacobian_of_linear_model_is_the_fourth_order_tensor():
    W, Xd = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    J = jacobian(lambda W: W @ Xd, W)
    assert J.shape == (2, 4, 2, 3)
    # dY_ij / dW_kl = delta_ik X_lj
    assert np.allclose(J, np.einsum("ik,lj->ijkl", np.eye(2), Xd), atol=1e-13)


def test_jacobian_non_analytic_and_scalar():
    A = rng.standard_normal((3, 3))
    J = jacobian(lambda X: np.abs(X), A)
    expected = np.einsum("ik,jl->ijkl", np.eye(3), np.eye(3)) * np.sign(A)[:, :, None, None]
    assert np.allclose(J, expected, atol=1e-8)
    g = jacobian(lambda x: np.sum(x ** 2), np.array([1.0, 2.0]))
    assert g.shape == (2,) and np.allclose(g, [2.0, 4.0])


def test_jacobian_errors():
    with pytest.raises(ValueError, match="empty"):
        jacobian(lambda X: X, np.ones((0, 3)))
    with pytest.raises(ValueError, match="complex values.*must be real"):
        jacobian(lambda X: X * 1j, np.ones((2, 2)))
    with pytest.raises(ValueError, match="non-finite"):
        jacobian(lambda X: X / 0, np.ones((2, 2)))


def test_an_empty_value_is_refused_by_name():
    """F(X) of size 0 once crashed deep inside numpy ("argmax of an empty sequence")."""
    with pytest.raises(ValueError, match=r"F\(X\) is empty \(shape \(0,\)\)"):
        check_differential(lambda X: X[:0], lambda X, dX: dX[:0], np.ones(3))
