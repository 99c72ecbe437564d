"""Forward functions of the layers, batch-first: samples are rows, ``Y = X @ W.T + b``.

Every function works on numpy arrays (real or complex, so the complex step applies) and on
any array library that implements ``__array_namespace__`` (the tests pass JAX arrays to
compute an independent ``jax.vjp``); nothing here imports such a library. Shapes follow
PyTorch: a linear layer's weight is ``(out, in)``, a convolution's input ``(batch,
channels, length)`` or ``(batch, channels, height, width)``.

>>> import numpy as np
>>> linear(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4)).shape
(2, 4)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..types import Array
from .exponentials import (
    causal_mask,
    log_softmax,
    logsumexp,
    masked_softmax,
    namespace,
    sigmoid,
    softmax,
    softplus,
)

__all__ = [
    "GELU_C",
    "NORM_EPS",
    "attention",
    "batch_norm",
    "causal_mask",
    "conv1d",
    "conv2d",
    "conv2d_direct",
    "cross_entropy",
    "gelu",
    "layer_norm",
    "linear",
    "log_softmax",
    "logsumexp",
    "masked_softmax",
    "max_pool2d",
    "merge_heads",
    "mse",
    "multi_head_attention",
    "namespace",
    "one_hot",
    "pool_windows",
    "relu",
    "rms_norm",
    "root_mean_square",
    "sigmoid",
    "softmax",
    "softplus",
    "split_heads",
    "tanh",
    "transformer_block",
    "windows",
]

GELU_C = float(np.sqrt(2 / np.pi))
NORM_EPS = 1e-5


def linear(X: Array, W: Array, b: Array) -> Array:
    """``X @ W.T + b``: rows of X are samples, W is ``(out, in)``, b has ``out`` entries.

    >>> linear(np.eye(2), np.array([[1., 2.]]), np.array([3.])).tolist()
    [[4.0], [5.0]]
    """
    return X @ W.T + b


def relu(X: Array) -> Array:
    """``max(X, 0)`` entrywise (decided on the real part, so a complex step passes through).

    >>> relu(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    xp = namespace(X)
    return xp.where(X.real > 0, X, xp.zeros_like(X))


def gelu(X: Array) -> Array:
    """GELU in its tanh form, ``x/2 (1 + tanh(c (x + 0.044715 x³)))``, ``c = sqrt(2/π)``.

    >>> round(float(gelu(np.array(1.0))), 6)
    0.841192
    """
    xp = namespace(X)
    return 0.5 * X * (1 + xp.tanh(GELU_C * (X + 0.044715 * X ** 3)))


def tanh(X: Array) -> Array:
    """``tanh X`` entrywise.

    >>> float(tanh(np.array(0.0)))
    0.0
    """
    return namespace(X).tanh(X)


def _check_labels(y, classes, what):
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(f"{what}: labels must be a 1-D integer array, got dtype {y.dtype} and "
                         f"shape {y.shape}")
    bad = (y < 0) | (y >= classes)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{what}: label {int(y[i])} at position {i} is outside the "
                         f"{classes} classes 0..{classes - 1}")
    return y


def one_hot(y: Array, classes: int, dtype: Any = float) -> Array:
    """The ``len(y) x classes`` one-hot matrix of integer labels ``y`` (ValueError naming a
    label outside ``0..classes-1``).

    >>> one_hot(np.array([2, 0]), 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    return np.eye(classes, dtype=dtype)[_check_labels(y, classes, "one_hot")]


def cross_entropy(Z: Array, y: Array) -> Array:
    """Mean over the batch of ``-log softmax(Z)[i, y_i]`` for integer labels ``y``.

    Raises ValueError if ``y`` does not hold one label in ``0..K-1`` per row of Z.

    >>> round(float(cross_entropy(np.zeros((2, 4)), np.array([0, 3]))), 6)
    1.386294
    """
    xp = namespace(Z)
    B = Z.shape[0]
    y = _check_labels(y, Z.shape[1], "cross_entropy")
    if len(y) != B:
        raise ValueError(f"cross_entropy: {len(y)} labels for a batch of {B} rows")
    return -xp.sum(log_softmax(Z)[np.arange(B), y]) / B


def mse(P: Array, T: Array) -> Array:
    """Mean squared error, the mean over every entry of ``(P - T)²``.

    >>> float(mse(np.ones((2, 2)), np.zeros((2, 2))))
    1.0
    """
    xp = namespace(P, T)
    return xp.sum((P - T) ** 2) / P.size


def root_mean_square(X: Array, axis: int, xp: Any = np) -> Array:
    """``sqrt(mean(X²) + NORM_EPS)`` along ``axis`` (kept), without overflow: a slice whose
    largest entry c exceeds 1 is computed as ``c sqrt(mean((X/c)²) + NORM_EPS/c²)``, so the
    root mean square of entries of 1e200 is 1e200, not inf. ``xp``: numpy or jax.numpy.

    >>> round(float(root_mean_square(np.array([[3e200, 4e200]]), -1)[0, 0]) / 1e200, 12)
    3.535533905933
    """
    c = xp.max(xp.abs(X), axis=axis, keepdims=True)
    c = xp.where(c > 1, c, xp.ones_like(c))
    return c * xp.sqrt(xp.mean((X / c) ** 2, axis=axis, keepdims=True) + NORM_EPS / c / c)


def _normalize(X, axis, xp):
    centred = X - xp.mean(X, axis=axis, keepdims=True)
    return centred / root_mean_square(centred, axis, xp)


def layer_norm(X: Array, gamma: Array, beta: Array) -> Array:
    """Normalize each row (sample) to mean 0 and variance 1, then scale and shift.

    >>> Y = layer_norm(np.arange(6.).reshape(2, 3), np.ones(3), np.zeros(3))
    >>> bool(np.allclose(Y.mean(1), 0))
    True
    """
    return gamma * _normalize(X, -1, namespace(X, gamma)) + beta


def rms_norm(X: Array, gamma: Array) -> Array:
    """Divide each row by its root mean square (plus eps), then scale by gamma.

    >>> bool(np.allclose(rms_norm(np.full((1, 3), 2.0), np.ones(3)), 1, atol=1e-5))
    True
    """
    return gamma * X / root_mean_square(X, -1, namespace(X, gamma))


def batch_norm(X: Array, gamma: Array, beta: Array) -> Array:
    """Batch norm in training mode: normalize each column with the batch's statistics.

    >>> Y = batch_norm(np.arange(6.).reshape(3, 2), np.ones(2), np.zeros(2))
    >>> bool(np.allclose(Y.mean(0), 0))
    True
    """
    return gamma * _normalize(X, 0, namespace(X, gamma)) + beta


def attention(Q: Array, K: Array, V: Array, causal: bool = True) -> Array:
    """Scaled dot-product attention per head: ``softmax(Q Kᵀ/√d) V``, rows = positions.

    Q, K, V have shape ``(heads, T, d)``; with ``causal`` position t attends to positions
    up to t only. Finite for scores of any size (see :func:`masked_softmax`); the output has
    the inputs' dtype. ValueError naming the shapes for an empty sequence or shapes that do
    not fit.

    >>> attention(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), np.eye(2)[None]).tolist()
    [[[1.0, 0.0], [0.5, 0.5]]]
    """
    xp = namespace(Q, K, V)
    T, d = Q.shape[-2], Q.shape[-1]
    if T == 0 or d == 0 or K.shape != Q.shape or V.shape[:-1] != K.shape[:-1]:
        raise ValueError(f"attention: Q and K need one shape (heads, T, d) with T, d >= 1, and "
                         f"V the shape (heads, T, d_v); got Q {Q.shape}, K {K.shape}, V {V.shape}")
    S = Q @ xp.swapaxes(K, -1, -2) / math.sqrt(d)
    return masked_softmax(S, causal_mask(T, causal)) @ V


def split_heads(A: Array, heads: int) -> Array:
    """``(T, h·d)`` to ``(h, T, d)``: head k gets columns ``k·d .. (k+1)·d - 1``.

    >>> split_heads(np.arange(8.).reshape(2, 4), 2)[1].tolist()
    [[2.0, 3.0], [6.0, 7.0]]
    """
    T, D = A.shape
    if heads < 1 or D % heads:
        raise ValueError(f"split_heads: {D} features do not split into {heads} heads of "
                         f"equal width")
    return A.reshape(T, heads, D // heads).transpose(1, 0, 2)


def merge_heads(A: Array) -> Array:
    """The inverse of :func:`~matcalc.backward.layers.split_heads`: ``(h, T, d)`` to ``(T, h·d)``.

    >>> merge_heads(split_heads(np.arange(8.).reshape(2, 4), 2)).tolist()
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
    """
    h, T, d = A.shape
    return A.transpose(1, 0, 2).reshape(T, h * d)


def multi_head_attention(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, heads: int = 2,
                         causal: bool = True) -> Array:
    """Multi-head causal self-attention of a sequence X (``T x D``, tokens as rows).

    >>> X = np.random.default_rng(0).standard_normal((3, 4))
    >>> multi_head_attention(X, *[np.eye(4)] * 4).shape
    (3, 4)
    """
    heads_out = attention(split_heads(X @ Wq.T, heads), split_heads(X @ Wk.T, heads),
                          split_heads(X @ Wv.T, heads), causal)
    return merge_heads(heads_out) @ Wo.T


def windows(n: int, k: int, stride: int) -> Array:
    """Index array ``(n_out, k)`` of the sliding windows of length k along an axis of length n.

    >>> windows(5, 2, 2).tolist()
    [[0, 1], [2, 3]]
    """
    if k > n:
        raise ValueError(f"windows: a kernel of length {k} does not fit an axis of length {n} "
                         f"(after padding)")
    n_out = (n - k) // stride + 1
    return stride * np.arange(n_out)[:, None] + np.arange(k)[None, :]


def pool_windows(X: Array, k: int) -> Array:
    """Non-overlapping ``k x k`` windows of ``(B, C, H, W)`` as ``(B, C, H/k, W/k, k·k)``.

    >>> pool_windows(np.arange(16.).reshape(1, 1, 4, 4), 2)[0, 0, 0, 0].tolist()
    [0.0, 1.0, 4.0, 5.0]
    """
    B, C, H, W = X.shape
    if H % k or W % k:
        raise ValueError(f"pool_windows: a {H} x {W} image does not split into {k} x {k} "
                         f"windows (input shape {tuple(X.shape)})")
    R = X.reshape(B, C, H // k, k, W // k, k).transpose(0, 1, 2, 4, 3, 5)
    return R.reshape(B, C, H // k, W // k, k * k)


def conv1d(X: Array, W: Array, b: Array, stride: int = 1, padding: int = 0) -> Array:
    """1-D convolution (cross-correlation, as in deep learning) via im2col.

    X is ``(B, C, L)``, W ``(O, C, K)``, b ``(O,)``; output ``(B, O, L_out)``.

    >>> conv1d(np.ones((1, 1, 4)), np.ones((1, 1, 2)), np.zeros(1)).tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    xp = namespace(X, W, b)
    Xp = xp.pad(X, ((0, 0), (0, 0), (padding, padding)))
    idx = windows(Xp.shape[2], W.shape[2], stride)
    return xp.einsum("bctk,ock->bot", Xp[:, :, idx], W) + b[None, :, None]


def conv2d(X: Array, W: Array, b: Array, stride: int = 1, padding: int = 0) -> Array:
    """2-D convolution via im2col: X ``(B, C, H, W)``, W ``(O, C, kh, kw)``, b ``(O,)``.

    >>> conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1)).tolist()
    [[[[4.0, 4.0], [4.0, 4.0]]]]
    """
    xp = namespace(X, W, b)
    p = padding
    Xp = xp.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    ih = windows(Xp.shape[2], W.shape[2], stride)
    iw = windows(Xp.shape[3], W.shape[3], stride)
    P = Xp[:, :, ih[:, None, :, None], iw[None, :, None, :]]
    return xp.einsum("bcijkl,ockl->boij", P, W) + b[None, :, None, None]


def conv2d_direct(X: Array, W: Array, b: Array, stride: int = 1,
                  padding: int = 0) -> Array:
    """2-D convolution computed directly: a sum over the kernel offsets of strided slices.

    >>> X, W = np.random.default_rng(1).standard_normal((2, 2, 5, 5)), np.ones((3, 2, 2, 2))
    >>> bool(np.allclose(conv2d_direct(X, W, np.zeros(3), 2, 1), conv2d(X, W, np.zeros(3), 2, 1)))
    True
    """
    xp = namespace(X, W, b)
    p, s = padding, stride
    Xp = xp.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    kh, kw = W.shape[2], W.shape[3]
    Ho, Wo = (Xp.shape[2] - kh) // s + 1, (Xp.shape[3] - kw) // s + 1
    Y = b[None, :, None, None]
    for k in range(kh):
        for m in range(kw):
            patch = Xp[:, :, k: k + s * (Ho - 1) + 1: s, m: m + s * (Wo - 1) + 1: s]
            Y = Y + xp.einsum("bcij,oc->boij", patch, W[:, :, k, m])
    return Y


def max_pool2d(X: Array, k: int = 2) -> Array:
    """``k x k`` max-pooling with stride k of ``(B, C, H, W)`` (H, W multiples of k).

    >>> max_pool2d(np.arange(16.).reshape(1, 1, 4, 4)).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    xp = namespace(X)
    R = pool_windows(X, k)
    idx = xp.argmax(R.real, axis=-1)[..., None]
    return xp.take_along_axis(R, idx, axis=-1)[..., 0]


def transformer_block(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, W1: Array,
                      b1: Array, W2: Array, b2: Array, heads: int = 2) -> Array:
    """Pre-norm transformer block: ``H = X + MHA(LN(X))``, ``Y = H + MLP(LN(H))``.

    The MLP is ``gelu(A W1ᵀ + b1) W2ᵀ + b2``; the layer norms have no affine parameters.

    >>> X = np.random.default_rng(0).standard_normal((3, 4))
    >>> E, F = np.eye(4), np.ones((6, 4))
    >>> transformer_block(X, E, E, E, E, F, np.zeros(6), F.T, np.zeros(4)).shape
    (3, 4)
    """
    D = X.shape[-1]
    one, zero = np.ones(D, dtype=X.dtype), np.zeros(D, dtype=X.dtype)
    H = X + multi_head_attention(layer_norm(X, one, zero), Wq, Wk, Wv, Wo, heads)
    return H + linear(gelu(linear(layer_norm(H, one, zero), W1, b1)), W2, b2)
