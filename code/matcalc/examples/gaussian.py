"""The Gaussian log-likelihood in the mean and the covariance.

For samples x_1..x_k (the columns of X, n x k) and a symmetric positive definite S (the
covariance Sigma),

    l(mu, S) = -k/2 log det S - 1/2 tr(S^{-1} C),   C = (X - mu 1^T)(X - mu 1^T)^T,

dropping the constant -kn/2 log(2 pi). Gradients: grad_mu = S^{-1}(X - mu 1^T) 1 and, on all
matrices, grad_S = -k/2 S^{-T} + 1/2 S^{-T} C^T S^{-T}, which for symmetric S and C is
symmetric already, so it is also the gradient on the symmetric matrices. Setting them to zero
gives mu = mean of the columns and S = C / k.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..ops import inv, logdet, ones, tr

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["sample", "loglik", "grad_mu", "grad_sigma", "mle", "derivation_mu",
           "derivation_sigma"]


def sample(n: int = 3, k: int = 40, seed: int = 0) -> tuple[Array, Array, Array]:
    """Random mu (n x 1), an SPD Sigma (n x n) and data X (n x k).

    >>> mu, S, X = sample()
    >>> mu.shape, S.shape, X.shape
    ((3, 1), (3, 3), (3, 40))
    """
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    S = A @ A.T / n + np.eye(n)
    X = rng.standard_normal((n, k)) * 2 + 1
    return rng.standard_normal((n, 1)), S, X


def _centered(mu: Matrix, X: Matrix) -> Matrix:
    return X - mu @ ones(1, X.shape[1], X)


def loglik(mu: Matrix, S: Matrix, X: Matrix) -> Scalar:
    """-k/2 log det S - 1/2 tr(S^{-1} C), C the scatter matrix around mu.

    >>> mu, S, X = sample()
    >>> from scipy.stats import multivariate_normal
    >>> ref = multivariate_normal(mu[:, 0], S).logpdf(X.T).sum() + X.size / 2 * np.log(2 * np.pi)
    >>> bool(np.isclose(loglik(mu, S, X), ref))
    True
    """
    D = _centered(mu, X)
    return -X.shape[1] * logdet(S) / 2 - tr(inv(S) @ D @ D.T) / 2


def grad_mu(mu: Matrix, S: Matrix, X: Matrix) -> Matrix:
    """S^{-1} (X - mu 1^T) 1.

    >>> from matcalc import check_gradient
    >>> mu, S, X = sample()
    >>> check_gradient(lambda m: loglik(m, S, X), lambda m: grad_mu(m, S, X), mu).passed
    True
    """
    return inv(S) @ _centered(mu, X) @ ones(X.shape[1], 1, X)


def grad_sigma(mu: Matrix, S: Matrix, X: Matrix) -> Matrix:
    """-k/2 S^{-T} + 1/2 S^{-T} C^T S^{-T} (the gradient on all matrices).

    >>> from matcalc import check_gradient
    >>> mu, S, X = sample()
    >>> check_gradient(lambda T: loglik(mu, T, X), lambda T: grad_sigma(mu, T, X), S).passed
    True
    """
    D = _centered(mu, X)
    C = D @ D.T
    Si = inv(S).T
    return -X.shape[1] * Si / 2 + Si @ C.T @ Si / 2


def mle(X: Array) -> tuple[Array, Array]:
    """The maximum-likelihood estimates: the sample mean and C / k (not k - 1).

    >>> mu, S, X = sample()
    >>> m, T = mle(X)
    >>> bool(np.allclose(grad_mu(m, T, X), 0)) and bool(np.allclose(grad_sigma(m, T, X), 0))
    True
    """
    mu = X.mean(axis=1, keepdims=True)
    D = X - mu
    return mu, D @ D.T / X.shape[1]


def derivation_mu() -> Derivation:
    """The gradient in mu, step by step.

    >>> derivation_mu().check().passed
    True
    """
    def D(mu: Matrix, X: Matrix) -> Matrix:
        return _centered(mu, X)

    def one(X: Matrix) -> Matrix:
        return ones(X.shape[1], 1, X)

    return Derivation(
        "Gaussian, mean", {"mu": "n1", "S": "nn", "X": "nk"}, "mu", loglik,
        [Step(r"-\tfrac12\tr\bigl(S^{-1}(\d D\,D^\T + D\,\d D^\T)\bigr)",
              lambda mu, S, X, dmu: -tr(inv(S) @ (-dmu @ one(X).T @ D(mu, X).T
                                                  - D(mu, X) @ one(X) @ dmu.T)) / 2,
              r"$D = X - \mu\mathbf 1^\T$, $\d D = -\d\mu\,\mathbf 1^\T$"),
         Step(r"\tr\bigl(S^{-1}D\mathbf 1\,\d\mu^\T\bigr)",
              lambda mu, S, X, dmu: tr(inv(S) @ D(mu, X) @ one(X) @ dmu.T),
              "$S$ symmetric: the two traces are equal"),
         Step(r"S^{-1}D\mathbf 1 : \d\mu",
              lambda mu, S, X, dmu: frob(inv(S) @ D(mu, X) @ one(X), dmu), "trace form")],
        gradient=grad_mu, kinds={"S": "spd"}, start=r"\d\ell",
        exact_sizes={"n": 2, "k": 2}, numeric_sizes={"n": 3, "k": 9})


def derivation_sigma() -> Derivation:
    """The gradient in Sigma, step by step (directions symmetric, as S is).

    >>> derivation_sigma().check().passed
    True
    """
    def C(mu: Matrix, X: Matrix) -> Matrix:
        D = _centered(mu, X)
        return D @ D.T

    return Derivation(
        "Gaussian, covariance", {"mu": "n1", "S": "nn", "X": "nk"}, "S", loglik,
        [Step(r"-\tfrac k2\tr(S^{-1}\d S) + \tfrac12\tr(S^{-1}\d S\,S^{-1}C)",
              lambda mu, S, X, dS: -X.shape[1] * tr(inv(S) @ dS) / 2
              + tr(inv(S) @ dS @ inv(S) @ C(mu, X)) / 2,
              r"log-determinant and inverse rules"),
         Step(r"\bigl(-\tfrac k2 S^{-\T} + \tfrac12 S^{-\T}C^\T S^{-\T}\bigr) : \d S",
              lambda mu, S, X, dS: frob(grad_sigma(mu, S, X), dS),
              r"$\tr(M\,\d S) = M^\T : \d S$, cyclic trace")],
        gradient=grad_sigma, kinds={"S": "spd"}, start=r"\d\ell",
        exact_sizes={"n": 2, "k": 2}, numeric_sizes={"n": 3, "k": 9})
