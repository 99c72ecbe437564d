"""The worked ML examples: gradients at several shapes and seeds, derivations link by link,
Hessians, Newton steps, and the wrong variants failing."""

import numpy as np
import pytest

from matcalc import check_gradient, check_hessian
from matcalc.examples import attention, classification, gaussian, linear_model, lowrank, network
from matcalc.examples import spectral

DERIVATIONS = {
    "ridge": linear_model.ridge_derivation,
    "logistic": classification.logistic_derivation,
    "softmax": classification.softmax_derivation,
    **{f"network {p}": (lambda p=p: network.derivation(p)) for p in network.PARAMETERS},
    "gaussian mu": gaussian.derivation_mu,
    "gaussian sigma": gaussian.derivation_sigma,
    "rayleigh": spectral.rayleigh_derivation,
    "lowrank U": lambda: lowrank.derivation("U"),
    "lowrank V": lambda: lowrank.derivation("V"),
    **{f"attention {v}": (lambda v=v: attention.derivation(v)) for v in "QKV"},
}


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_derivation_every_link(name):
    result = DERIVATIONS[name]().check()
    assert result.passed, str(result)
    links = [link for label, link in result.checks if label.startswith("link ")]
    assert links and all(link.get("exact").passed for link in links)


@pytest.mark.parametrize("m,n,k", [(2, 3, 4), (5, 2, 7), (3, 3, 3)])
@pytest.mark.parametrize("seed", [0, 1])
def test_ridge_and_normal_equations(m, n, k, seed):
    W, X, Y = linear_model.sample(m, n, k, seed)
    lam = np.array([[0.7]])
    assert check_gradient(lambda W: linear_model.ridge_loss(W, X, Y, lam),
                          lambda W: linear_model.ridge_gradient(W, X, Y, lam), W).passed
    assert not check_gradient(lambda W: linear_model.ridge_loss(W, X, Y, lam),
                              lambda W: linear_model.gradient(W, X, Y), W).passed  # lam W lost
    W_star = linear_model.normal_equations(X, Y, ridge=0.7)
    assert np.allclose(linear_model.ridge_gradient(W_star, X, Y, lam), 0, atol=1e-10)


@pytest.mark.parametrize("m,n,k", [(2, 3, 4), (4, 2, 6)])
def test_least_squares_hessian_both_vec_orders(m, n, k):
    W, X, Y = linear_model.sample(m, n, k)
    f, g = (lambda W: linear_model.loss(W, X, Y)), (lambda W: linear_model.gradient(W, X, Y))
    H_col = linear_model.hessian_matrix(X, m, "F")
    assert check_hessian(f, W, hessian=lambda W: H_col, grad=g).passed
    assert check_hessian(f, W, hessian=lambda W: H_col).passed
    assert not check_hessian(f, W, hessian=lambda W: linear_model.hessian_matrix(X, m, "C")).passed
    # the row-major matrix is right for the row-major vec
    V = np.random.default_rng(0).standard_normal((m, n))
    assert np.allclose(linear_model.hessian_matrix(X, m, "C") @ V.reshape(-1),
                       (V @ X @ X.T).reshape(-1))
    # Newton's method on a quadratic: one step to the minimum
    step = np.linalg.solve(H_col, g(W).reshape(-1, order="F")).reshape(W.shape, order="F")
    W1 = W - step
    assert np.allclose(g(W1), 0, atol=1e-9)


@pytest.mark.parametrize("n,k,seed", [(2, 30, 0), (4, 60, 1), (3, 15, 2)])
def test_logistic(n, k, seed):
    w, X, y = classification.sample_logistic(n, k, seed)
    f = lambda w: classification.logistic_loss(w, X, y)
    assert check_gradient(f, lambda w: classification.logistic_gradient(w, X, y), w).passed
    assert not check_gradient(f, lambda w: X @ (y - classification.sigmoid(w.T @ X)).T, w).passed
    assert check_hessian(f, w, hessian=lambda w: classification.logistic_hessian(w, X, y),
                         grad=lambda w: classification.logistic_gradient(w, X, y)).passed
    assert check_hessian(f, w, hvp=lambda w, V: classification.logistic_hessian_vector(w, X, y, V)).passed
    wrong = lambda w: classification.logistic_hessian(w, X, y) * 2
    assert not check_hessian(f, w, hessian=wrong).passed


@pytest.mark.parametrize("n,k,seed", [(2, 200, 0), (4, 300, 1), (3, 150, 2)])
def test_newton_converges_quadratically(n, k, seed):
    _, X, y = classification.sample_logistic(n, k, seed)
    w = np.zeros((n, 1))
    norms = []
    for _ in range(8):
        norms.append(float(np.linalg.norm(classification.logistic_gradient(w, X, y))))
        w = classification.newton_step(w, X, y)
    assert norms[-1] < 1e-10 * norms[0]
    # quadratic convergence: once small, the gradient norm roughly squares each step
    small = [g for g in norms if g < 1e-2]
    assert len(small) >= 2 and small[1] < 10 * small[0] ** 1.5


@pytest.mark.parametrize("c,n,k,seed", [(3, 4, 6, 0), (5, 2, 9, 1)])
def test_softmax(c, n, k, seed):
    W, X, Y = classification.sample_softmax(c, n, k, seed)
    f = lambda W: classification.softmax_loss(W, X, Y)
    assert check_gradient(f, lambda W: classification.softmax_gradient(W, X, Y), W).passed
    assert not check_gradient(f, lambda W: (Y - classification.softmax(W @ X)) @ X.T, W).passed
    # with labels that do not sum to one the simple formula is wrong
    Y2 = 2 * Y
    assert not check_gradient(lambda W: classification.softmax_loss(W, X, Y2),
                              lambda W: classification.softmax_gradient(W, X, Y2), W).passed


@pytest.mark.parametrize("dims,seed", [((3, 4, 2, 5), 0), ((2, 6, 3, 4), 1)])
def test_network(dims, seed):
    n, h, m, k = dims
    p = network.sample(n, h, m, k, seed)
    grads = network.backprop(**p)
    for name in network.PARAMETERS:
        assert check_gradient(lambda V: network.loss(**{**p, name: V}),
                              lambda V: network.backprop(**{**p, name: V})[name], p[name]).passed
    # forgetting the tanh derivative is caught
    H = network.forward(p["W1"], p["b1"], p["W2"], p["b2"], p["X"])[1]
    G2 = network.forward(p["W1"], p["b1"], p["W2"], p["b2"], p["X"])[2] - p["Y"]
    assert not check_gradient(lambda V: network.loss(**{**p, "W1": V}),
                              lambda V: (p["W2"].T @ G2) @ p["X"].T, p["W1"]).passed
    assert grads["W1"].shape == p["W1"].shape and H.shape == (h, k)


@pytest.mark.parametrize("n,k,seed", [(2, 10, 0), (4, 50, 1)])
def test_gaussian(n, k, seed):
    mu, S, X = gaussian.sample(n, k, seed)
    sym = lambda V: (V + V.T) / 2
    assert check_gradient(lambda m: gaussian.loglik(m, S, X), lambda m: gaussian.grad_mu(m, S, X), mu).passed
    assert check_gradient(lambda T: gaussian.loglik(mu, T, X), lambda T: gaussian.grad_sigma(mu, T, X), S).passed
    assert check_gradient(lambda T: gaussian.loglik(mu, T, X), lambda T: gaussian.grad_sigma(mu, T, X), S,
                          project=sym).passed
    G = gaussian.grad_sigma(mu, S, X)
    cookbook = 2 * G - np.diag(np.diag(G))
    assert not check_gradient(lambda T: gaussian.loglik(mu, T, X), lambda T: cookbook, S, project=sym).passed
    m_hat, S_hat = gaussian.mle(X)
    assert np.allclose(gaussian.grad_mu(m_hat, S_hat, X), 0, atol=1e-9)
    assert np.allclose(gaussian.grad_sigma(m_hat, S_hat, X), 0, atol=1e-8)


@pytest.mark.parametrize("n,seed", [(3, 0), (6, 1)])
def test_spectral(n, seed):
    from matcalc import check_differential
    A = spectral.sample_symmetric(n, seed)
    x = np.random.default_rng(seed).standard_normal((n, 1))
    assert check_gradient(lambda x: spectral.rayleigh(x, A), lambda x: spectral.rayleigh_gradient(x, A), x).passed
    sym = lambda V: (V + V.T) / 2
    assert check_differential(lambda A: spectral.top_eigenpair(A)[0], spectral.eigenvalue_differential,
                              A, project=sym).passed
    # the eigenvector of the wrong eigenvalue is wrong
    wrong = lambda A, dA: (np.linalg.eigh(A)[1][:, :1].T @ dA @ np.linalg.eigh(A)[1][:, :1])[0, 0]
    assert not check_differential(lambda A: spectral.top_eigenpair(A)[0], wrong, A, project=sym).passed
    v = spectral.power_iteration(A)
    assert np.isclose(spectral.rayleigh(v, A), np.linalg.eigvalsh(A)[-1])
    U = np.random.default_rng(seed).standard_normal((n, 2))
    assert check_gradient(lambda U: spectral.pca_objective(U, A), lambda U: spectral.pca_gradient(U, A), U).passed


@pytest.mark.parametrize("m,n,r,seed", [(6, 5, 2, 0), (4, 7, 3, 1)])
def test_lowrank(m, n, r, seed):
    X, U, V = lowrank.sample(m, n, r, seed)
    assert check_gradient(lambda U: lowrank.loss(X, U, V), lambda U: lowrank.grad_U(X, U, V), U).passed
    assert check_gradient(lambda V: lowrank.loss(X, U, V), lambda V: lowrank.grad_V(X, U, V), V).passed
    assert not check_gradient(lambda V: lowrank.loss(X, U, V), lambda V: -(X - U @ V.T) .T @ U * 2, V).passed
    assert not check_gradient(lambda U: lowrank.loss(X, U, V), lambda U: (X - U @ V.T) @ V, U).passed
    with pytest.raises(ValueError, match="variable must be 'U' or 'V'"):
        lowrank.derivation("W")


@pytest.mark.parametrize("dims,seed", [((3, 4, 2, 3), 0), ((2, 5, 4, 1), 1)])
def test_attention(dims, seed):
    Q, K, V, G = attention.sample(*dims, seed=seed)
    args = {"Q": Q, "K": K, "V": V, "G": G}
    g = attention.gradients(**args)
    for name in "QKV":
        assert check_gradient(lambda M: attention.loss(**{**args, name: M}),
                              lambda M: attention.gradients(**{**args, name: M})[name], args[name]).passed
    # without the 1/sqrt(d) scale the Q gradient is wrong
    assert not check_gradient(lambda M: attention.loss(**{**args, "Q": M}),
                              lambda M: attention.gradients(**{**args, "Q": M})["Q"] * np.sqrt(dims[2]), Q).passed
    assert g["V"].shape == V.shape
