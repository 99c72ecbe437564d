"""Backward rules of elementwise activations, the row softmax family and cross-entropy.

An elementwise ``Y = f(X)`` has ``dY = f'(X) ⊙ dX``, and ``G : (f'(X) ⊙ dX) = (f'(X) ⊙ G) :
dX``, so its VJP is ``f'(X) ⊙ G``. The softmax of each row has the Jacobian ``diag(p) - p
pᵀ`` per row, symmetric, so its VJP is ``P ⊙ (G - rowsum(G ⊙ P))``.

>>> from __future__ import annotations

import numpy as np
>>> softmax_vjp(np.zeros((1, 2)), np.array([[1.0, 1.0]])).tolist()  # constant G: no change
[[0.0, 0.0]]
"""

import numpy as np

from .layers import (
    GELU_C,
    cross_entropy,
    gelu,
    log_softmax,
    logsumexp,
    one_hot,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = ["CLAIMS", "cross_entropy_jvp", "cross_entropy_vjp", "gelu_prime", "sech2",
           "sigmoid_prime", "softmax_jvp", "softmax_vjp"]


def sech2(U: Array) -> Array:
    """``sech² u = 1 - tanh² u`` as ``4e/(1 + e)²`` with ``e = exp(-2|u|)``: the small values
    for large |u| survive (``1 - tanh²`` rounds them to 0 from |u| ≈ 19 on).

    >>> float(sech2(np.array(0.0))), float(sech2(np.array(30.0))) > 0
    (1.0, True)
    """
    e = np.exp(-2 * np.abs(U))
    return 4 * e / (1 + e) ** 2


def sigmoid_prime(X: Array) -> Array:
    """``σ'(x) = σ(x)(1 - σ(x))`` as ``e/(1 + e)²`` with ``e = exp(-|x|)`` (no cancellation in
    ``1 - σ`` for large x).

    >>> float(sigmoid_prime(np.array(0.0))), float(sigmoid_prime(np.array(40.0))) > 0
    (0.25, True)
    """
    e = np.exp(-np.abs(X))
    return e / (1 + e) ** 2


def gelu_prime(X: Array) -> Array:
    """Derivative of the tanh-form GELU: ``(1 + t)/2 + x sech²(u) c (1 + 3·0.044715 x²)/2``
    with ``u = c (x + 0.044715 x³)``, ``t = tanh u``.

    >>> round(float(gelu_prime(np.array(0.0))), 6)
    0.5
    """
    U = GELU_C * (X + 0.044715 * X ** 3)
    return 0.5 * (1 + np.tanh(U)) + 0.5 * X * sech2(U) * GELU_C * (1 + 3 * 0.044715 * X ** 2)


def softmax_vjp(Z: Array, G: Array) -> Array:
    """VJP of the row softmax: ``P ⊙ (G - rowsum(G ⊙ P))``.

    >>> softmax_vjp(np.zeros((1, 2)), np.array([[1.0, 0.0]])).tolist()
    [[0.25, -0.25]]
    """
    P = softmax(Z)
    return P * (G - np.sum(G * P, axis=-1, keepdims=True))


def softmax_jvp(Z: Array, dZ: Array) -> Array:
    """JVP of the row softmax: ``P ⊙ (dZ - rowsum(P ⊙ dZ))`` (the same symmetric map).

    >>> softmax_jvp(np.zeros((1, 2)), np.array([[1.0, 0.0]])).tolist()
    [[0.25, -0.25]]
    """
    return softmax_vjp(Z, dZ)


def cross_entropy_vjp(Z: Array, y: Array, G: float) -> Array:
    """VJP of the mean cross-entropy with integer labels: ``g (softmax(Z) - onehot(y)) / B``.

    >>> cross_entropy_vjp(np.zeros((2, 2)), np.array([0, 1]), 1.0).tolist()
    [[-0.25, 0.25], [0.25, -0.25]]
    """
    B = Z.shape[0]
    return G * (softmax(Z) - one_hot(y, Z.shape[1], Z.dtype)) / B


def cross_entropy_jvp(Z: Array, y: Array, dZ: Array) -> Array:
    """JVP of the mean cross-entropy: ``(softmax(Z) - onehot(y)) : dZ / B``.

    >>> float(cross_entropy_jvp(np.zeros((1, 2)), np.array([0]), np.array([[1.0, 0.0]])))
    -0.5
    """
    return np.sum((softmax(Z) - one_hot(y, Z.shape[1], Z.dtype)) * dZ) / Z.shape[0]


def _x(seed, shape=(4, 3)):
    return {"X": point_rng(seed).standard_normal(shape)}


def _z(seed, shape=(4, 5)):
    return {"Z": point_rng(seed).standard_normal(shape)}


def _elementwise(name, latex, fprime_tex, forward, fprime, wrong_prime, mistake, point=_x):
    """The two claims of an elementwise activation with derivative ``fprime``."""
    return with_forward_mode(
        Claim(name=name,
              kind="vjp",
              latex=latex,
              result={"X": fprime_tex + r"\had \bar G"},
              wrt=("X",),
              function=forward,
              claim=lambda X, G: fprime(X) * G,
              wrong=lambda X, G: wrong_prime(X) * G,
              mistake=mistake,
              point=point,
              shapes={"X": "bn"}),
        jvp=lambda X, dX: fprime(X) * dX,
        differential=r"\d Y = " + fprime_tex + r"\had \d X")


def _away_from_zero(seed):
    X = point_rng(seed).standard_normal((4, 3))
    return {"X": X + 0.1 * np.sign(X)}  # the kink of ReLU is kept out of reach of the steps


def _tanh_prime(X):
    return sech2(X)


CLAIMS = register_all(SECTION, (
    *_elementwise("ReLU", r"Y = \max(X, 0)", r"\mathbf 1[X > 0]", relu,
                 lambda X: (X > 0).astype(X.dtype), lambda X: np.ones_like(X), "missing mask",
                 point=_away_from_zero),
    *_elementwise("GELU (tanh form)", r"Y = \tfrac12 X\had(1 + \tanh(c(X + 0.044715 X^{3})))",
                 r"\operatorname{gelu}'(X)", gelu, gelu_prime,
                 lambda X: 0.5 * (1 + np.tanh(GELU_C * (X + 0.044715 * X ** 3))),
                 "missing term (the derivative of tanh)"),
    *_elementwise("tanh", r"Y = \tanh X", r"(1 - Y^{2})", tanh, _tanh_prime, lambda X: 1 - np.tanh(X), "missing square"),
    *_elementwise("sigmoid", r"Y = \sigma(X)", r"Y\had(1 - Y)", sigmoid,
                 sigmoid_prime, sigmoid, "missing factor 1 - Y"),
    *_elementwise("softplus", r"Y = \log(1 + e^{X})", r"\sigma(X)", softplus, sigmoid,
                 lambda X: sigmoid(-X), "sign error"),
    *with_forward_mode(
        Claim(name="softmax (rows)",
              kind="vjp",
              latex=r"P = \operatorname{softmax}(Z)\ \text{per row}",
              result={"Z": r"P\had(\bar G - (\bar G\had P)\mathbf 1\mathbf 1^\T)"},
              wrt=("Z",),
              function=softmax,
              claim=lambda Z, G: softmax_vjp(Z, G),
              wrong=lambda Z, G: softmax(Z) * (G - np.sum(G * softmax(Z), axis=0, keepdims=True)),
              mistake="transposed (column-wise sum)",
              point=_z,
              shapes={"Z": "bk"}),
        jvp=softmax_jvp,
        differential=r"\d P = P\had(\d Z - (P\had \d Z)\mathbf 1\mathbf 1^\T)"),
    *with_forward_mode(
        Claim(name="log-softmax (rows)",
              kind="vjp",
              latex=r"Y = Z - \operatorname{lse}(Z)\mathbf 1^\T",
              result={"Z": r"\bar G - P\had(\bar G\mathbf 1\mathbf 1^\T)"},
              wrt=("Z",),
              function=log_softmax,
              claim=lambda Z, G: G - softmax(Z) * G.sum(axis=-1, keepdims=True),
              wrong=lambda Z, G: G - softmax(Z) * G.sum(axis=0, keepdims=True),
              mistake="transposed (column-wise sum)",
              point=_z,
              shapes={"Z": "bk"}),
        jvp=lambda Z, dZ: dZ - np.sum(softmax(Z) * dZ, axis=-1, keepdims=True),
        differential=r"\d Y = \d Z - (P\had \d Z)\mathbf 1\mathbf 1^\T"),
    *with_forward_mode(
        Claim(name="logsumexp (rows)",
              kind="vjp",
              latex=r"y = \log(e^{Z}\mathbf 1)",
              result={"Z": r"\operatorname{diag}(\bar g)\,P"},
              wrt=("Z",),
              function=logsumexp,
              claim=lambda Z, G: G[:, None] * softmax(Z),
              wrong=lambda Z, G: G[:, None] * np.exp(Z),
              mistake="missing normalization",
              point=_z,
              shapes={"Z": "bk"}),
        jvp=lambda Z, dZ: np.sum(softmax(Z) * dZ, axis=-1),
        differential=r"\d y = (P\had \d Z)\mathbf 1"),
    *with_forward_mode(
        Claim(name="cross-entropy (integer labels, mean)",
              kind="vjp",
              latex=r"\ell = -\tfrac1B\textstyle\sum_i \log \operatorname{softmax}(Z)_{i, y_i}",
              result={"Z": r"\tfrac{\bar g}{B}(P - Y)"},
              wrt=("Z",),
              function=cross_entropy,
              claim=lambda Z, y, G: cross_entropy_vjp(Z, y, G),
              wrong=lambda Z, y, G: Z.shape[0] * cross_entropy_vjp(Z, y, G),
              mistake="sum vs mean",
              point=lambda s: {**_z(s), "y": np.array([0, 3, 3, 1])},
              shapes={"Z": "bk"},
              note="Y is the one-hot matrix of the labels."),
        jvp=cross_entropy_jvp,
        differential=r"\d\ell = \tfrac1B\frob{P - Y}{\d Z}"),
))
