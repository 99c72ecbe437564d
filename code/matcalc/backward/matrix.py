"""Backward rules of the linear pieces: linear layer, broadcasting, reductions, reshapes,
slicing, gather, dropout and the residual connection (batch-first).

Each VJP is read off ``dL = G : dY`` by moving everything but the input's differential to
the other side of the Frobenius product.

>>> from __future__ import annotations

import numpy as np
>>> X, W, G = np.ones((2, 3)), np.ones((4, 3)), np.ones((2, 4))
>>> [g.shape for g in linear_vjp(X, W, np.zeros(4), G)]
[(2, 3), (4, 3), (4,)]
"""

import numpy as np

from .layers import linear, mse
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = ["CLAIMS", "dropout", "linear_jvp", "linear_vjp"]


def linear_vjp(X: Array, W: Array, b: Array, G: Array) -> tuple[Array, Array, Array]:
    """VJP of ``Y = X Wᵀ + b``: ``(G W, Gᵀ X, column sums of G)``.

    >>> import numpy as np
    >>> linear_vjp(np.eye(2), np.eye(2), np.zeros(2), np.ones((2, 2)))[2].tolist()
    [2.0, 2.0]
    """
    return G @ W, G.T @ X, G.sum(axis=0)


def linear_jvp(X: Array, W: Array, b: Array, dX: Array, dW: Array, db: Array) -> Array:
    """JVP of ``Y = X Wᵀ + b``: ``dX Wᵀ + X dWᵀ + db``.

    >>> import numpy as np
    >>> Z = np.zeros((2, 2))
    >>> linear_jvp(Z, Z, np.zeros(2), Z, Z, np.ones(2)).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return dX @ W.T + X @ dW.T + db


def _normal(seed, *shapes):
    r = point_rng(seed)
    return [r.standard_normal(s) for s in shapes]


def _linear_point(seed):
    X, W, b = _normal(seed, (4, 3), (5, 3), (5,))
    return {"X": X, "W": W, "b": b}


def _scatter(shape, idx, G):
    out = np.zeros(shape, dtype=G.dtype)
    np.add.at(out, idx, G)
    return out


def _slice_back(shape, G, cols):
    out = np.zeros(shape, dtype=G.dtype)
    out[:, cols] = G
    return out


def _assign(shape, idx, G):
    out = np.zeros(shape, dtype=G.dtype)
    out[idx] = G  # repeated indices keep only the last row: the sum is lost
    return out


_KEEP = 0.75  # dropout keep probability 1 - p


def dropout(X: Array, M: Array) -> Array:
    """``X ⊙ M / (1 - p)`` with a fixed 0/1 mask M and keep probability ``1 - p = 0.75``, in
    X's dtype whatever the mask's (the same map is its own VJP and JVP).

    >>> dropout(np.ones((1, 2), dtype=np.float32), np.array([[1.0, 0.0]])).dtype
    dtype('float32')
    """
    return X * (M / _KEEP).astype(X.dtype)


CLAIMS = register_all(SECTION, (
    *with_forward_mode(
        Claim(name="linear layer",
              kind="vjp",
              latex=r"Y = XW^\T + \mathbf 1 b^\T",
              result={"X": r"\bar G W", "W": r"\bar G^\T X", "b": r"\bar G^\T \mathbf 1"},
              wrt=("X", "W", "b"),
              function=linear,
              claim=linear_vjp,
              wrong=lambda X, W, b, G: (G @ W, G.T @ X, G.mean(axis=0)),
              mistake="mean vs sum",
              point=_linear_point,
              shapes={"X": "bn", "W": "mn", "b": "m"},
              note="The bias is broadcast over the batch, so its gradient sums over the batch."),
        jvp=linear_jvp,
        differential=r"\d Y = \d X\,W^\T + X\,\d W^\T + \mathbf 1\,\d b^\T"),
    *with_forward_mode(
        Claim(name="broadcast add",
              kind="vjp",
              latex=r"Y = X + \mathbf 1 b^\T",
              result={"X": r"\bar G", "b": r"\bar G^\T\mathbf 1"},
              wrt=("X", "b"),
              function=lambda X, b: X + b,
              claim=lambda X, b, G: (G, G.sum(axis=0)),
              wrong=lambda X, b, G: (G, G[0]),
              mistake="missing sum over the broadcast axis",
              point=lambda s: dict(zip("Xb", _normal(s, (4, 3), (3,)))),
              shapes={"X": "bn", "b": "n"}),
        jvp=lambda X, b, dX, db: dX + db,
        differential=r"\d Y = \d X + \mathbf 1\,\d b^\T"),
    *with_forward_mode(
        Claim(name="sum over the batch",
              kind="vjp",
              latex=r"y = X^\T\mathbf 1",
              result={"X": r"\mathbf 1 \bar g^\T"},
              wrt=("X",),
              function=lambda X: X.sum(axis=0),
              claim=lambda X, G: np.broadcast_to(G, X.shape).copy(),
              wrong=lambda X, G: np.broadcast_to(G, X.shape) / X.shape[0],
              mistake="mean vs sum",
              point=lambda s: {"X": _normal(s, (4, 3))[0]},
              shapes={"X": "bn"}),
        jvp=lambda X, dX: dX.sum(axis=0),
        differential=r"\d y = \d X^\T \mathbf 1"),
    *with_forward_mode(
        Claim(name="mean over the batch",
              kind="vjp",
              latex=r"y = \tfrac1B X^\T\mathbf 1",
              result={"X": r"\tfrac1B\mathbf 1 \bar g^\T"},
              wrt=("X",),
              function=lambda X: X.mean(axis=0),
              claim=lambda X, G: np.broadcast_to(G, X.shape) / X.shape[0],
              wrong=lambda X, G: np.broadcast_to(G, X.shape).copy(),
              mistake="sum vs mean",
              point=lambda s: {"X": _normal(s, (4, 3))[0]},
              shapes={"X": "bn"}),
        jvp=lambda X, dX: dX.mean(axis=0),
        differential=r"\d y = \tfrac1B\d X^\T \mathbf 1"),
    *with_forward_mode(
        Claim(name="reshape (flatten)",
              kind="vjp",
              latex=r"Y = \operatorname{reshape}(X, (B, CL))",
              result={"X": r"\operatorname{reshape}(\bar G, (B, C, L))"},
              wrt=("X",),
              function=lambda X: X.reshape(X.shape[0], -1),
              claim=lambda X, G: G.reshape(X.shape),
              wrong=lambda X, G: G.reshape(X.shape, order="F"),
              mistake="wrong memory order",
              point=lambda s: {"X": _normal(s, (2, 3, 4))[0]},
              shapes={"X": "bcl"}),
        jvp=lambda X, dX: dX.reshape(X.shape[0], -1),
        differential=r"\d Y = \operatorname{reshape}(\d X)"),
    *with_forward_mode(
        Claim(name="transpose (permute axes)",
              kind="vjp",
              latex=r"Y_{jki} = X_{ijk}",
              result={"X": r"\bar G_{jki}\ \text{permuted back}"},
              wrt=("X",),
              function=lambda X: X.transpose(1, 2, 0),
              claim=lambda X, G: G.transpose(2, 0, 1),
              wrong=lambda X, G: G.transpose(1, 2, 0),
              mistake="same permutation, not its inverse",
              point=lambda s: {"X": _normal(s, (3, 3, 3))[0]},
              shapes={"X": "nnn"}),
        jvp=lambda X, dX: dX.transpose(1, 2, 0),
        differential=r"\d Y_{jki} = \d X_{ijk}"),
    *with_forward_mode(
        Claim(name="slice (columns 1:3)",
              kind="vjp",
              latex=r"Y = X_{:,\,1:3}",
              result={"X": r"\bar G\ \text{placed in columns 1:3, zeros elsewhere}"},
              wrt=("X",),
              function=lambda X: X[:, 1:3],
              claim=lambda X, G: _slice_back(X.shape, G, slice(1, 3)),
              wrong=lambda X, G: _slice_back(X.shape, G, slice(0, 2)),
              mistake="off by one",
              point=lambda s: {"X": _normal(s, (3, 5))[0]},
              shapes={"X": "bn"}),
        jvp=lambda X, dX: dX[:, 1:3],
        differential=r"\d Y = \d X_{:,\,1:3}"),
    *with_forward_mode(
        Claim(name="gather (embedding lookup)",
              kind="vjp",
              latex=r"Y_{i,:} = E_{t_i,:}",
              result={"E": r"\textstyle\sum_{i:\,t_i = v} \bar G_{i,:}\ \text{in row } v"},
              wrt=("E",),
              function=lambda E, idx: E[idx],
              claim=lambda E, idx, G: _scatter(E.shape, idx, G),
              wrong=lambda E, idx, G: _assign(E.shape, idx, G),
              mistake="assignment instead of accumulation (repeated tokens)",
              point=lambda s: {"E": _normal(s, (5, 3))[0], "idx": np.array([1, 3, 1, 0, 3, 1])},
              shapes={"E": "vd"},
              note="Token ids repeat, so gradients of equal tokens add up."),
        jvp=lambda E, idx, dE: dE[idx],
        differential=r"\d Y_{i,:} = \d E_{t_i,:}"),
    *with_forward_mode(
        Claim(name="dropout (fixed mask)",
              kind="vjp",
              latex=r"Y = \tfrac{1}{1-p}\, M \had X",
              result={"X": r"\tfrac{1}{1-p}\, M\had \bar G"},
              wrt=("X",),
              function=dropout,
              claim=lambda X, M, G: dropout(G, M),
              wrong=lambda X, M, G: G * M,
              mistake="missing the 1/(1-p) scale",
              point=lambda s: {"X": _normal(s, (4, 3))[0],
                          "M": (point_rng(s + 1).random((4, 3)) < _KEEP).astype(float)},
              shapes={"X": "bn"}),
        jvp=lambda X, M, dX: dropout(dX, M),
        differential=r"\d Y = \tfrac{1}{1-p}\, M\had \d X"),
    *with_forward_mode(
        Claim(name="residual connection",
              kind="vjp",
              latex=r"Y = X + XW^\T",
              result={"X": r"\bar G + \bar G W", "W": r"\bar G^\T X"},
              wrt=("X", "W"),
              function=lambda X, W: X + X @ W.T,
              claim=lambda X, W, G: (G + G @ W, G.T @ X),
              wrong=lambda X, W, G: (G @ W, G.T @ X),
              mistake="missing the skip path",
              point=lambda s: dict(zip("XW", _normal(s, (4, 3), (3, 3)))),
              shapes={"X": "bn", "W": "nn"}),
        jvp=lambda X, W, dX, dW: dX + dX @ W.T + X @ dW.T,
        differential=r"\d Y = \d X + \d X\,W^\T + X\,\d W^\T"),
    *with_forward_mode(
        Claim(name="mean squared error",
              kind="vjp",
              latex=r"\ell = \tfrac{1}{Bm}\fnorm{P - T}^2",
              result={"P": r"\tfrac{2}{Bm}\,\bar g\,(P - T)", "T": r"-\tfrac{2}{Bm}\,\bar g\,(P - T)"},
              wrt=("P", "T"),
              function=mse,
              claim=lambda P, T, G: (2 * G * (P - T) / P.size, -2 * G * (P - T) / P.size),
              wrong=lambda P, T, G: (2 * G * (P - T) / len(P), -2 * G * (P - T) / len(P)),
              mistake="mean over the batch only",
              point=lambda s: dict(zip("PT", _normal(s, (4, 3), (4, 3)))),
              shapes={"P": "bm", "T": "bm"}),
        jvp=lambda P, T, dP, dT: 2 * np.sum((P - T) * (dP - dT)) / P.size,
        differential=r"\d\ell = \tfrac{2}{Bm}\frob{P - T}{\d P - \d T}"),
))
