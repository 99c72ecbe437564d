"""Backward rules of 1-D and 2-D convolution (stride, padding) and max-pooling.

A convolution is an einsum of the unfolded input (im2col: the patches ``P``) with the
kernel, ``Y[b,o,t] = Σ_{c,k} P[b,c,t,k] W[o,c,k] + b[o]``. By the einsum rule ``W̄ = Σ
Ḡ[b,o,t] P[b,c,t,k]``, ``b̄ = Σ_{b,t} Ḡ``, ``P̄ = Σ_o Ḡ[b,o,t] W[o,c,k]``, and the adjoint
of unfolding is folding back with accumulation (col2im): every input entry collects the
gradients of all the windows it appears in. The direct form loops over kernel offsets:
each offset is a strided slice, whose adjoint adds into the same slice.

>>> import numpy as np
>>> X, W = np.ones((1, 1, 4)), np.ones((1, 1, 2))
>>> conv1d_vjp(X, W, np.zeros(1), np.ones((1, 1, 3)))[0].tolist()  # interior entries are in two windows
[[[1.0, 2.0, 2.0, 1.0]]]
"""

from typing import Any

import numpy as np

from .layers import conv1d, conv2d, conv2d_direct, max_pool2d, pool_windows, windows
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = [
    "CLAIMS",
    "conv1d_vjp",
    "conv2d_direct_vjp",
    "conv2d_vjp",
    "max_pool2d_vjp",
    "unpool_windows",
]


def conv1d_vjp(X: Array, W: Array, b: Array, G: Array, stride: int = 1,
               padding: int = 0) -> tuple[Array, Array, Array]:
    """VJP of :func:`~matcalc.backward.layers.conv1d` via im2col and col2im.

    >>> [g.shape for g in conv1d_vjp(np.ones((2, 3, 5)), np.ones((4, 3, 2)), np.zeros(4),
    ...                              np.ones((2, 4, 4)))]
    [(2, 3, 5), (4, 3, 2), (4,)]
    """
    p, L = padding, X.shape[2]
    Xp = np.pad(X, ((0, 0), (0, 0), (p, p)))
    idx = windows(Xp.shape[2], W.shape[2], stride)
    dP = np.einsum("bot,ock->bctk", G, W)
    dXp = np.zeros(Xp.shape, dtype=dP.dtype)
    cols: Any = (slice(None), slice(None), idx)  # numpy's stubs take no slices here
    np.add.at(dXp, cols, dP)  # col2im: accumulate
    return (dXp[:, :, p:p + L], np.einsum("bot,bctk->ock", G, Xp[:, :, idx]),
            G.sum(axis=(0, 2)))


def _unfold2d(Xp, kh, kw, stride):
    ih, iw = windows(Xp.shape[2], kh, stride), windows(Xp.shape[3], kw, stride)
    return (slice(None), slice(None), ih[:, None, :, None], iw[None, :, None, :])


def conv2d_vjp(X: Array, W: Array, b: Array, G: Array, stride: int = 1,
               padding: int = 0) -> tuple[Array, Array, Array]:
    """VJP of :func:`~matcalc.backward.layers.conv2d` via im2col and col2im.

    >>> g = conv2d_vjp(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1),
    ...                np.ones((1, 1, 2, 2)))
    >>> g[0][0, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    p, (H, Wd) = padding, X.shape[2:]
    Xp = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    index = _unfold2d(Xp, W.shape[2], W.shape[3], stride)
    dP = np.einsum("boij,ockl->bcijkl", G, W)
    dXp = np.zeros(Xp.shape, dtype=dP.dtype)
    np.add.at(dXp, index, dP)
    return (dXp[:, :, p:p + H, p:p + Wd], np.einsum("boij,bcijkl->ockl", G, Xp[index]),
            G.sum(axis=(0, 2, 3)))


def conv2d_direct_vjp(X: Array, W: Array, b: Array, G: Array, stride: int = 1,
                      padding: int = 0) -> tuple[Array, Array, Array]:
    """VJP of the direct 2-D convolution: for each kernel offset, a strided slice and its
    adjoint (adding into the same slice).

    >>> args = (np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1), np.ones((1, 1, 2, 2)))
    >>> all(np.allclose(a, b) for a, b in zip(conv2d_direct_vjp(*args), conv2d_vjp(*args)))
    True
    """
    p, s, (H, Wd) = padding, stride, X.shape[2:]
    Xp = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    Ho, Wo = G.shape[2:]
    dtype = np.result_type(X, W, G)
    dXp, dW = np.zeros(Xp.shape, dtype=dtype), np.zeros(W.shape, dtype=dtype)
    for k in range(W.shape[2]):
        for m in range(W.shape[3]):
            sl = (slice(None), slice(None), slice(k, k + s * (Ho - 1) + 1, s),
                  slice(m, m + s * (Wo - 1) + 1, s))
            dW[:, :, k, m] = np.einsum("boij,bcij->oc", G, Xp[sl])
            dXp[sl] += np.einsum("boij,oc->bcij", G, W[:, :, k, m])
    return dXp[:, :, p:p + H, p:p + Wd], dW, G.sum(axis=(0, 2, 3))


def unpool_windows(R: Array, k: int) -> Array:
    """The inverse of :func:`~matcalc.backward.layers.pool_windows`.

    >>> X = np.arange(16.).reshape(1, 1, 4, 4)
    >>> bool(np.array_equal(unpool_windows(pool_windows(X, 2), 2), X))
    True
    """
    B, C, h, w, _ = R.shape
    return R.reshape(B, C, h, w, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(B, C, h * k, w * k)


def max_pool2d_vjp(X: Array, G: Array, k: int = 2) -> Array:
    """VJP of max-pooling: each window's upstream gradient goes to its maximal entry.

    >>> max_pool2d_vjp(np.arange(4.).reshape(1, 1, 2, 2), np.ones((1, 1, 1, 1)))[0, 0].tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    R = pool_windows(X, k)
    dR = np.zeros(R.shape, dtype=np.result_type(X, G))
    np.put_along_axis(dR, np.argmax(R, axis=-1)[..., None], G[..., None], axis=-1)
    return unpool_windows(dR, k)


def _conv_jvp(conv):
    def jvp(X, W, b, dX, dW, db, stride=1, padding=0):
        # bilinear in (X, W), linear in b
        return conv(dX, W, 0 * b, stride, padding) + conv(X, dW, db, stride, padding)
    return jvp


def _conv_point(shape_x, shape_w):
    def point(seed):
        r = point_rng(seed)
        return {"X": r.standard_normal(shape_x), "W": r.standard_normal(shape_w),
                "b": r.standard_normal(shape_w[0]), "stride": 2, "padding": 1}
    return point


def _flipped(vjp, axes):
    def wrong(X, W, b, G, stride=1, padding=0):
        dX = vjp(X, np.flip(W, axis=axes), b, G, stride, padding)[0]
        return (dX,) + tuple(vjp(X, W, b, G, stride, padding)[1:])
    return wrong


_CONV_RESULTS = {"X": r"\operatorname{col2im}(\bar G \cdot W)",
                 "W": r"\bar G\cdot\operatorname{im2col}(X)", "b": r"\textstyle\sum_{b,t}\bar G"}

CLAIMS = register_all(SECTION, (
    *with_forward_mode(
        Claim(name="conv1d (im2col, stride 2, padding 1)",
              kind="vjp",
              latex=r"Y_{bot} = \textstyle\sum_{c,k} W_{ock} X^{\text{pad}}_{b,c,st+k} + b_o",
              result=_CONV_RESULTS,
              wrt=("X", "W", "b"),
              function=conv1d,
              claim=conv1d_vjp,
              wrong=_flipped(conv1d_vjp, (2,)),
              mistake="flipped kernel (convolution instead of correlation)",
              point=_conv_point((2, 3, 7), (4, 3, 3)),
              shapes={"X": "bcl", "W": "ock", "b": "o"}),
        jvp=_conv_jvp(conv1d),
        differential=r"\d Y = \operatorname{conv}(\d X, W) + \operatorname{conv}(X, \d W) + \d b"),
    *with_forward_mode(
        Claim(name="conv2d (im2col, stride 2, padding 1)",
              kind="vjp",
              latex=r"Y_{boij} = \textstyle\sum_{c,k,l} W_{ockl} X^{\text{pad}}_{b,c,si+k,sj+l} + b_o",
              result=_CONV_RESULTS,
              wrt=("X", "W", "b"),
              function=conv2d,
              claim=conv2d_vjp,
              wrong=_flipped(conv2d_vjp, (2, 3)),
              mistake="flipped kernel (convolution instead of correlation)",
              point=_conv_point((2, 2, 5, 5), (3, 2, 3, 3)),
              shapes={"X": "bchw", "W": "ockl", "b": "o"}),
        jvp=_conv_jvp(conv2d),
        differential=r"\d Y = \operatorname{conv}(\d X, W) + \operatorname{conv}(X, \d W) + \d b"),
    *with_forward_mode(
        Claim(name="conv2d (direct, stride 2, padding 1)",
              kind="vjp",
              latex=r"Y = \textstyle\sum_{k,l} W_{:,:,k,l}\cdot X^{\text{pad}}_{:,:,k::s,\,l::s} + b",
              result={"X": r"\textstyle\sum_{k,l}\text{slice}_{k,l}^{*}(\bar G\cdot W_{:,:,k,l})",
                  "W": r"\bar G\cdot X^{\text{pad}}_{:,:,k::s,\,l::s}", "b": r"\textstyle\sum\bar G"},
              wrt=("X", "W", "b"),
              function=conv2d_direct,
              claim=conv2d_direct_vjp,
              wrong=_flipped(conv2d_direct_vjp, (2, 3)),
              mistake="flipped kernel (convolution instead of correlation)",
              point=_conv_point((2, 2, 5, 5), (3, 2, 3, 3)),
              shapes={"X": "bchw", "W": "ockl", "b": "o"}),
        jvp=_conv_jvp(conv2d_direct),
        differential=r"\d Y = \operatorname{conv}(\d X, W) + \operatorname{conv}(X, \d W) + \d b"),
    *with_forward_mode(
        Claim(name="max-pool 2x2",
              kind="vjp",
              latex=r"Y_{bcij} = \max_{(k,l)\in\text{window}(i,j)} X_{bckl}",
              result={"X": r"\bar G_{bcij}\ \text{at each window's maximum, zeros elsewhere}"},
              wrt=("X",),
              function=max_pool2d,
              claim=lambda X, G, k=2: max_pool2d_vjp(X, G, k),
              wrong=lambda X, G, k=2: unpool_windows(np.repeat(G[..., None] / k ** 2, k * k,
                                                               -1), k),
              mistake="average instead of max",
              point=lambda s: {"X": point_rng(s).standard_normal((2, 2, 4, 4))},
              shapes={"X": "bchw"},
              note="Not differentiable where a window has a tie."),
        jvp=lambda X, dX, k=2: np.take_along_axis(
            pool_windows(dX, k), np.argmax(pool_windows(X, k), axis=-1)[..., None], -1)[..., 0],
        differential=r"\d Y_{bcij} = \d X_{bc\,k^*l^*}\ \text{at the window's maximum}"),
))
