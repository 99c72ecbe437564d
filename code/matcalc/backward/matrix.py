"""Backward rules of the linear pieces: linear layer, broadcasting, reductions, reshapes,
slicing, gather, dropout and the residual connection (batch-first).

Each VJP is read off ``dL = G : dY`` by moving everything but the input's differential to
the other side of the Frobenius product.

>>> import numpy as np
>>> X, W, G = np.ones((2, 3)), np.ones((4, 3)), np.ones((2, 4))
>>> [g.shape for g in linear_vjp(X, W, np.zeros(4), G)]
[(2, 3), (4, 3), (4,)]
"""

import numpy as np

from .layers import linear, mse
from .rule import Rule, point_rng

__all__ = ["RULES", "linear_jvp", "linear_vjp"]


def linear_vjp(X, W, b, G):
    """VJP of ``Y = X Wᵀ + b``: ``(G W, Gᵀ X, column sums of G)``.

    >>> import numpy as np
    >>> linear_vjp(np.eye(2), np.eye(2), np.zeros(2), np.ones((2, 2)))[2].tolist()
    [2.0, 2.0]
    """
    return G @ W, G.T @ X, G.sum(axis=0)


def linear_jvp(X, W, b, dX, dW, db):
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
    out = np.zeros(shape)
    np.add.at(out, idx, G)
    return out


def _slice_back(shape, G, cols):
    out = np.zeros(shape)
    out[:, cols] = G
    return out


def _assign(shape, idx, G):
    out = np.zeros(shape)
    out[idx] = G  # repeated indices keep only the last row: the sum is lost
    return out


_KEEP = 0.75  # dropout keep probability 1 - p

RULES = (
    Rule(name="linear layer", group="linear",
         latex=r"Y = XW^\T + \mathbf 1 b^\T", differential=r"\d Y = \d X\,W^\T + X\,\d W^\T + \mathbf 1\,\d b^\T",
         results={"X": r"\bar G W", "W": r"\bar G^\T X", "b": r"\bar G^\T \mathbf 1"},
         inputs=("X", "W", "b"), forward=linear, vjp=linear_vjp, jvp=linear_jvp,
         wrong=lambda X, W, b, G: (G @ W, G.T @ X, G.mean(axis=0)), wrong_kind="mean vs sum",
         point=_linear_point, shapes={"X": "bn", "W": "mn", "b": "m"},
         note="The bias is broadcast over the batch, so its gradient sums over the batch."),
    Rule(name="broadcast add", group="linear",
         latex=r"Y = X + \mathbf 1 b^\T", differential=r"\d Y = \d X + \mathbf 1\,\d b^\T",
         results={"X": r"\bar G", "b": r"\bar G^\T\mathbf 1"}, inputs=("X", "b"),
         forward=lambda X, b: X + b, vjp=lambda X, b, G: (G, G.sum(axis=0)),
         jvp=lambda X, b, dX, db: dX + db, wrong=lambda X, b, G: (G, G[0]),
         wrong_kind="missing sum over the broadcast axis",
         point=lambda s: dict(zip("Xb", _normal(s, (4, 3), (3,)))), shapes={"X": "bn", "b": "n"}),
    Rule(name="sum over the batch", group="linear",
         latex=r"y = X^\T\mathbf 1", differential=r"\d y = \d X^\T \mathbf 1",
         results={"X": r"\mathbf 1 \bar g^\T"}, inputs=("X",),
         forward=lambda X: X.sum(axis=0),
         vjp=lambda X, G: (np.broadcast_to(G, X.shape).copy(),),
         jvp=lambda X, dX: dX.sum(axis=0),
         wrong=lambda X, G: (np.broadcast_to(G, X.shape) / X.shape[0],), wrong_kind="mean vs sum",
         point=lambda s: {"X": _normal(s, (4, 3))[0]}, shapes={"X": "bn"}),
    Rule(name="mean over the batch", group="linear",
         latex=r"y = \tfrac1B X^\T\mathbf 1", differential=r"\d y = \tfrac1B\d X^\T \mathbf 1",
         results={"X": r"\tfrac1B\mathbf 1 \bar g^\T"}, inputs=("X",),
         forward=lambda X: X.mean(axis=0),
         vjp=lambda X, G: (np.broadcast_to(G, X.shape) / X.shape[0],),
         jvp=lambda X, dX: dX.mean(axis=0),
         wrong=lambda X, G: (np.broadcast_to(G, X.shape).copy(),), wrong_kind="sum vs mean",
         point=lambda s: {"X": _normal(s, (4, 3))[0]}, shapes={"X": "bn"}),
    Rule(name="reshape (flatten)", group="shape",
         latex=r"Y = \operatorname{reshape}(X, (B, CL))", differential=r"\d Y = \operatorname{reshape}(\d X)",
         results={"X": r"\operatorname{reshape}(\bar G, (B, C, L))"}, inputs=("X",),
         forward=lambda X: X.reshape(X.shape[0], -1), vjp=lambda X, G: (G.reshape(X.shape),),
         jvp=lambda X, dX: dX.reshape(X.shape[0], -1),
         wrong=lambda X, G: (G.reshape(X.shape, order="F"),), wrong_kind="wrong memory order",
         point=lambda s: {"X": _normal(s, (2, 3, 4))[0]}, shapes={"X": "bcl"}),
    Rule(name="transpose (permute axes)", group="shape",
         latex=r"Y_{jki} = X_{ijk}", differential=r"\d Y_{jki} = \d X_{ijk}",
         results={"X": r"\bar G_{jki}\ \text{permuted back}"}, inputs=("X",),
         forward=lambda X: X.transpose(1, 2, 0), vjp=lambda X, G: (G.transpose(2, 0, 1),),
         jvp=lambda X, dX: dX.transpose(1, 2, 0),
         wrong=lambda X, G: (G.transpose(1, 2, 0),), wrong_kind="same permutation, not its inverse",
         point=lambda s: {"X": _normal(s, (3, 3, 3))[0]}, shapes={"X": "nnn"}),
    Rule(name="slice (columns 1:3)", group="shape",
         latex=r"Y = X_{:,\,1:3}", differential=r"\d Y = \d X_{:,\,1:3}",
         results={"X": r"\bar G\ \text{placed in columns 1:3, zeros elsewhere}"}, inputs=("X",),
         forward=lambda X: X[:, 1:3], vjp=lambda X, G: (_slice_back(X.shape, G, slice(1, 3)),),
         jvp=lambda X, dX: dX[:, 1:3],
         wrong=lambda X, G: (_slice_back(X.shape, G, slice(0, 2)),), wrong_kind="off by one",
         point=lambda s: {"X": _normal(s, (3, 5))[0]}, shapes={"X": "bn"}),
    Rule(name="gather (embedding lookup)", group="shape",
         latex=r"Y_{i,:} = E_{t_i,:}", differential=r"\d Y_{i,:} = \d E_{t_i,:}",
         results={"E": r"\textstyle\sum_{i:\,t_i = v} \bar G_{i,:}\ \text{in row } v"},
         inputs=("E",), forward=lambda E, idx: E[idx],
         vjp=lambda E, idx, G: (_scatter(E.shape, idx, G),), jvp=lambda E, idx, dE: dE[idx],
         wrong=lambda E, idx, G: (_assign(E.shape, idx, G),),
         wrong_kind="assignment instead of accumulation (repeated tokens)",
         point=lambda s: {"E": _normal(s, (5, 3))[0], "idx": np.array([1, 3, 1, 0, 3, 1])},
         shapes={"E": "vd"}, note="Token ids repeat, so gradients of equal tokens add up."),
    Rule(name="dropout (fixed mask)", group="linear",
         latex=r"Y = \tfrac{1}{1-p}\, M \had X", differential=r"\d Y = \tfrac{1}{1-p}\, M\had \d X",
         results={"X": r"\tfrac{1}{1-p}\, M\had \bar G"}, inputs=("X",),
         forward=lambda X, M: X * M / _KEEP, vjp=lambda X, M, G: (G * M / _KEEP,),
         jvp=lambda X, M, dX: dX * M / _KEEP,
         wrong=lambda X, M, G: (G * M,), wrong_kind="missing the 1/(1-p) scale",
         point=lambda s: {"X": _normal(s, (4, 3))[0],
                          "M": (point_rng(s + 1).random((4, 3)) < _KEEP).astype(float)},
         shapes={"X": "bn"}),
    Rule(name="residual connection", group="linear",
         latex=r"Y = X + XW^\T", differential=r"\d Y = \d X + \d X\,W^\T + X\,\d W^\T",
         results={"X": r"\bar G + \bar G W", "W": r"\bar G^\T X"}, inputs=("X", "W"),
         forward=lambda X, W: X + X @ W.T, vjp=lambda X, W, G: (G + G @ W, G.T @ X),
         jvp=lambda X, W, dX, dW: dX + dX @ W.T + X @ dW.T,
         wrong=lambda X, W, G: (G @ W, G.T @ X), wrong_kind="missing the skip path",
         point=lambda s: dict(zip("XW", _normal(s, (4, 3), (3, 3)))), shapes={"X": "bn", "W": "nn"}),
    Rule(name="mean squared error", group="loss",
         latex=r"\ell = \tfrac{1}{Bm}\fnorm{P - T}^2", differential=r"\d\ell = \tfrac{2}{Bm}\frob{P - T}{\d P - \d T}",
         results={"P": r"\tfrac{2}{Bm}\,\bar g\,(P - T)", "T": r"-\tfrac{2}{Bm}\,\bar g\,(P - T)"},
         inputs=("P", "T"), forward=mse,
         vjp=lambda P, T, G: (2 * G * (P - T) / P.size, -2 * G * (P - T) / P.size),
         jvp=lambda P, T, dP, dT: 2 * np.sum((P - T) * (dP - dT)) / P.size,
         wrong=lambda P, T, G: (2 * G * (P - T) / len(P), -2 * G * (P - T) / len(P)),
         wrong_kind="mean over the batch only",
         point=lambda s: dict(zip("PT", _normal(s, (4, 3), (4, 3)))), shapes={"P": "bm", "T": "bm"}),
)
