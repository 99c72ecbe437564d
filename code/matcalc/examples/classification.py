"""Logistic regression and softmax cross-entropy, samples as columns.

X is n x k (k samples), labels y in {0, 1} as a 1 x k row for logistic regression, one-hot
columns Y (c x k) for softmax. The losses are sums over the samples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..ops import hadamard, log, ones, sigmoid, softmax

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["sample_logistic", "logistic_loss", "logistic_gradient", "logistic_hessian_vector",
           "logistic_hessian", "logistic_derivation", "newton_step", "sample_softmax",
           "softmax", "softmax_loss", "softmax_gradient", "softmax_derivation"]


def _softplus(Z: Matrix) -> Matrix:
    if isinstance(Z, sp.MatrixBase):
        return Z.applyfunc(lambda z: sp.log(1 + sp.exp(z)))
    return np.logaddexp(0.0, Z)


def sample_logistic(n: int = 3, k: int = 20, seed: int = 0) -> tuple[Array, Array, Array]:
    """Random w (n x 1), X (n x k) and labels y (1 x k) in {0, 1}.

    >>> w, X, y = sample_logistic()
    >>> w.shape, X.shape, y.shape, set(np.unique(y)) <= {0.0, 1.0}
    ((3, 1), (3, 20), (1, 20), True)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, k))
    w = rng.standard_normal((n, 1))
    y = (rng.random((1, k)) < sigmoid(w.T @ X)).astype(float)
    return rng.standard_normal((n, 1)), X, y


def logistic_loss(w: Matrix, X: Matrix, y: Matrix) -> Scalar:
    """L = sum_j [log(1 + e^{z_j}) - y_j z_j] with z = w^T X (the negative log-likelihood).

    >>> w, X, y = sample_logistic()
    >>> p = 1 / (1 + np.exp(-(w.T @ X)))
    >>> bool(np.isclose(logistic_loss(w, X, y), -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))))
    True
    """
    z = w.T @ X
    return frob(ones(1, X.shape[1], X), _softplus(z)) - frob(y, z)


def logistic_gradient(w: Matrix, X: Matrix, y: Matrix) -> Matrix:
    """grad_w L = X (sigma(z) - y)^T, from dL = (sigma(z) - y) : dz and dz = dw^T X.

    >>> from matcalc import check_gradient
    >>> w, X, y = sample_logistic()
    >>> check_gradient(lambda w: logistic_loss(w, X, y), lambda w: logistic_gradient(w, X, y), w).passed
    True
    """
    return X @ (sigmoid(w.T @ X) - y).T


def logistic_hessian_vector(w: Matrix, X: Matrix, y: Matrix, V: Matrix) -> Matrix:
    """H[v] = X diag(s) X^T v with s = sigma(z)(1 - sigma(z)).

    >>> from matcalc import check_hessian
    >>> w, X, y = sample_logistic()
    >>> check_hessian(lambda w: logistic_loss(w, X, y), w,
    ...               hvp=lambda w, V: logistic_hessian_vector(w, X, y, V)).passed
    True
    """
    s = sigmoid(w.T @ X)
    return X @ hadamard(hadamard(s, 1 - s), V.T @ X).T


def logistic_hessian(w: Array, X: Array, y: Array) -> Array:
    """The Hessian matrix X diag(s) X^T (n x n), s = sigma(z)(1 - sigma(z)).

    >>> w, X, y = sample_logistic()
    >>> H = logistic_hessian(w, X, y)
    >>> bool(np.all(np.linalg.eigvalsh(H) > 0))    # convex
    True
    """
    s = sigmoid(w.T @ X)
    return (X * (s * (1 - s))) @ X.T


def logistic_derivation() -> Derivation:
    """The gradient of the logistic loss, step by step.

    >>> logistic_derivation().check().passed
    True
    """
    def sig(w: Matrix, X: Matrix) -> Matrix:
        return sigmoid(w.T @ X)

    return Derivation(
        "logistic regression", {"w": "n1", "X": "nk", "y": "1k"}, "w", logistic_loss,
        [Step(r"\mathbf 1^\T\bigl(\sigma(z)\had \d z\bigr) - y : \d z",
              lambda w, X, y, dw: frob(ones(1, X.shape[1], X), hadamard(sig(w, X), dw.T @ X))
              - frob(y, dw.T @ X), r"$(\log(1 + e^z))' = \sigma(z)$, $z = w^\T X$"),
         Step(r"(\sigma(z) - y) : \d z", lambda w, X, y, dw: frob(sig(w, X) - y, dw.T @ X),
              r"$\mathbf 1^\T(a\had b) = a : b$"),
         Step(r"(\sigma(z) - y) : (\d w^\T X)", lambda w, X, y, dw: frob(sig(w, X) - y, dw.T @ X),
              r"$\d z = \d w^\T X$"),
         Step(r"X(\sigma(z) - y)^\T : \d w", lambda w, X, y, dw: frob(X @ (sig(w, X) - y).T, dw),
              "transpose both sides, move $X$ across")],
        gradient=logistic_gradient, start=r"\d L",
        exact_sizes={"n": 2, "k": 2}, numeric_sizes={"n": 4, "k": 9})


def newton_step(w: Array, X: Array, y: Array) -> Array:
    """One Newton step w - H^{-1} g for the logistic loss.

    >>> w, X, y = sample_logistic(k=50)
    >>> w1 = newton_step(w, X, y)
    >>> bool(logistic_loss(w1, X, y) < logistic_loss(w, X, y))
    True
    """
    g = logistic_gradient(w, X, y)
    return w - np.linalg.solve(logistic_hessian(w, X, y), g)


# --- softmax cross-entropy -----------------------------------------------------------------

def sample_softmax(c: int = 3, n: int = 4, k: int = 6, seed: int = 0
                   ) -> tuple[Array, Array, Array]:
    """Random W (c x n), X (n x k) and one-hot labels Y (c x k).

    >>> W, X, Y = sample_softmax()
    >>> W.shape, X.shape, Y.shape, bool(np.allclose(Y.sum(axis=0), 1))
    ((3, 4), (4, 6), (3, 6), True)
    """
    rng = np.random.default_rng(seed)
    Y = np.eye(c)[:, rng.integers(0, c, size=k)]
    return rng.standard_normal((c, n)), rng.standard_normal((n, k)), Y


def softmax_loss(W: Matrix, X: Matrix, Y: Matrix) -> Scalar:
    """Cross-entropy L = -1^T (Y o log softmax(WX)) 1 = -Y : log P, summed over samples.

    >>> W, X, Y = sample_softmax()
    >>> P = softmax(W @ X)
    >>> bool(np.isclose(softmax_loss(W, X, Y), -np.sum(np.log(P[Y == 1]))))
    True
    """
    Z = W @ X
    if isinstance(Z, sp.MatrixBase):
        return -frob(Y, log(softmax(Z)))
    logP = Z - Z.max(axis=0, keepdims=True)
    logP = logP - np.log(np.exp(logP).sum(axis=0, keepdims=True))
    return -frob(Y, logP)


def softmax_gradient(W: Matrix, X: Matrix, Y: Matrix) -> Matrix:
    """grad_W L = (P - Y) X^T when every column of Y sums to 1 (P = softmax(WX)).

    >>> from matcalc import check_gradient
    >>> W, X, Y = sample_softmax()
    >>> check_gradient(lambda W: softmax_loss(W, X, Y), lambda W: softmax_gradient(W, X, Y), W).passed
    True
    """
    return (softmax(W @ X) - Y) @ X.T


def softmax_derivation() -> Derivation:
    """The softmax cross-entropy gradient, step by step (labels one-hot).

    Column j of log P is z_j - log(1^T e^{z_j}), so d log P = dZ - 1 1^T (P o dZ); with
    one-hot columns (1^T Y = 1^T) the gradient with respect to Z is P - Y.

    >>> softmax_derivation().check().passed
    True
    """
    def P(W: Matrix, X: Matrix) -> Matrix:
        return softmax(W @ X)

    return Derivation(
        "softmax cross-entropy", {"W": "cn", "X": "nk", "Y": "ck"}, "W",
        lambda W, X, Y: softmax_loss(W, X, _onehot(Y)),
        [Step(r"-Y : \bigl(\d Z - \mathbf 1\mathbf 1^\T(P\had\d Z)\bigr)",
              lambda W, X, Y, dW: -frob(_onehot(Y), dW @ X - ones(W.shape[0], W.shape[0], W)
                                        @ hadamard(P(W, X), dW @ X)),
              r"$\d\log P = \d Z - \mathbf 1\,\mathbf 1^\T(P\had \d Z)$, $Z = WX$"),
         Step(r"(P - Y) : \d Z", lambda W, X, Y, dW: frob(P(W, X) - _onehot(Y), dW @ X),
              r"columns of $Y$ sum to 1: $Y : \mathbf 1\mathbf 1^\T M = \mathbf 1^\T M\mathbf 1$"),
         Step(r"(P - Y)X^\T : \d W", lambda W, X, Y, dW: frob((P(W, X) - _onehot(Y)) @ X.T, dW),
              r"$\d Z = \d W\, X$; move $X$ across")],
        gradient=lambda W, X, Y: softmax_gradient(W, X, _onehot(Y)), start=r"\d L",
        exact_sizes={"c": 2, "n": 2, "k": 2}, numeric_sizes={"c": 3, "n": 4, "k": 6})


def _onehot(Y: Matrix) -> Matrix:
    """Labels for the derivation: the symbolic or random Y is replaced by fixed one-hot
    columns of the same shape (class j mod c for sample j), so the condition 1^T Y = 1^T
    holds for every evaluation."""
    c, k = Y.shape
    if isinstance(Y, sp.MatrixBase):
        return sp.Matrix(c, k, lambda i, j: 1 if i == j % c else 0)
    return np.eye(c)[:, [j % c for j in range(k)]]
