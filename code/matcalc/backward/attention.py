"""Backward rules of scaled dot-product attention (causal, per head) and multi-head
self-attention.

With ``S = Q Kᵀ/√d``, ``P = softmax(S)`` per row over the allowed positions and ``O = P V``:
``dO = dP V + P dV``, so ``dV̄ = Pᵀ Ḡ`` and ``dP̄ = Ḡ Vᵀ``; the softmax rule gives
``dS̄ = P ⊙ (dP̄ - rowsum(dP̄ ⊙ P))`` (zero at masked entries, where P is 0); and
``dS = (dQ Kᵀ + Q dKᵀ)/√d`` gives ``dQ̄ = dS̄ K/√d``, ``dK̄ = dS̄ᵀ Q/√d``.

>>> import numpy as np
>>> Q = K = V = np.random.default_rng(0).standard_normal((2, 3, 2))
>>> [g.shape for g in attention_vjp(Q, K, V, np.ones((2, 3, 2)))]
[(2, 3, 2), (2, 3, 2), (2, 3, 2)]
"""

import math

import numpy as np

from .layers import (
    attention,
    causal_mask,
    masked_softmax,
    merge_heads,
    multi_head_attention,
    split_heads,
)
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = ["CLAIMS", "attention_jvp", "attention_vjp", "mha_jvp", "mha_vjp"]


def _probabilities(Q, K, causal):
    T, d = Q.shape[-2], Q.shape[-1]
    return masked_softmax(Q @ np.swapaxes(K, -1, -2) / math.sqrt(d), causal_mask(T, causal))


def _softmax_back(P, dP):
    return P * (dP - np.sum(dP * P, axis=-1, keepdims=True))


def attention_vjp(Q: Array, K: Array, V: Array, G: Array,
                  causal: bool = True) -> tuple[Array, Array, Array]:
    """VJP of :func:`~matcalc.backward.layers.attention`: ``(dQ̄, dK̄, dV̄)``.

    >>> Q = np.zeros((1, 2, 2))
    >>> attention_vjp(Q, Q, np.eye(2)[None], np.ones((1, 2, 2)))[2].tolist()
    [[[1.5, 1.5], [0.5, 0.5]]]
    """
    P, d = _probabilities(Q, K, causal), Q.shape[-1]
    dS = _softmax_back(P, G @ np.swapaxes(V, -1, -2))
    return dS @ K / math.sqrt(d), np.swapaxes(dS, -1, -2) @ Q / math.sqrt(d), np.swapaxes(P, -1, -2) @ G


def attention_jvp(Q: Array, K: Array, V: Array, dQ: Array, dK: Array, dV: Array,
                  causal: bool = True) -> Array:
    """JVP of attention: ``dP V + P dV`` with ``dP = P ⊙ (dS - rowsum(P ⊙ dS))``.

    >>> Z = np.zeros((1, 2, 2))
    >>> attention_jvp(Z, Z, Z, Z, Z, np.ones((1, 2, 2))).tolist()
    [[[1.0, 1.0], [1.0, 1.0]]]
    """
    P, d = _probabilities(Q, K, causal), Q.shape[-1]
    dS = (dQ @ np.swapaxes(K, -1, -2) + Q @ np.swapaxes(dK, -1, -2)) / math.sqrt(d)
    return _softmax_back(P, dS) @ V + P @ dV


def _heads(X, Wq, Wk, Wv, heads):
    return [split_heads(X @ W.T, heads) for W in (Wq, Wk, Wv)]


def mha_vjp(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, G: Array, heads: int = 2,
            causal: bool = True) -> tuple[Array, Array, Array, Array, Array]:
    """VJP of multi-head self-attention: gradients for ``X, Wq, Wk, Wv, Wo``.

    >>> X = np.random.default_rng(0).standard_normal((3, 4))
    >>> [g.shape for g in mha_vjp(X, *[np.eye(4)] * 4, np.ones((3, 4)))][:2]
    [(3, 4), (4, 4)]
    """
    Q, K, V = _heads(X, Wq, Wk, Wv, heads)
    out = merge_heads(attention(Q, K, V, causal))
    dQ, dK, dV = (merge_heads(g) for g in attention_vjp(Q, K, V, split_heads(G @ Wo, heads),
                                                        causal))
    dX = dQ @ Wq + dK @ Wk + dV @ Wv
    return dX, dQ.T @ X, dK.T @ X, dV.T @ X, G.T @ out


def mha_jvp(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, dX: Array, dWq: Array, dWk: Array,
            dWv: Array, dWo: Array, heads: int = 2, causal: bool = True) -> Array:
    """JVP of multi-head self-attention (all five tangents).

    >>> X, Z = np.ones((2, 2)), np.zeros((2, 2))
    >>> mha_jvp(X, Z, Z, Z, Z, Z, Z, Z, Z, np.eye(2), heads=1).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    Q, K, V = _heads(X, Wq, Wk, Wv, heads)
    dQ, dK, dV = (split_heads(dX @ W.T + X @ dW.T, heads)
                  for W, dW in ((Wq, dWq), (Wk, dWk), (Wv, dWv)))
    out = merge_heads(attention(Q, K, V, causal))
    dO = merge_heads(attention_jvp(Q, K, V, dQ, dK, dV, causal))
    return dO @ Wo.T + out @ dWo.T


def _attention_wrong(Q, K, V, G):
    P, d = _probabilities(Q, K, True), Q.shape[-1]
    dS = _softmax_back(P, G @ np.swapaxes(V, -1, -2))
    return dS @ K / math.sqrt(d), dS @ Q / math.sqrt(d), np.swapaxes(P, -1, -2) @ G


def _qkv_point(seed):
    r = point_rng(seed)
    return dict(zip("QKV", (r.standard_normal((2, 4, 3)) for _ in range(3))))


def _mha_point(seed):
    r = point_rng(seed)
    names = ("X", "Wq", "Wk", "Wv", "Wo")
    return {k: r.standard_normal((5, 4)) if k == "X" else r.standard_normal((4, 4)) / 2
            for k in names}


def _mha_wrong(X, Wq, Wk, Wv, Wo, G):
    rest = mha_vjp(X, Wq, Wk, Wv, Wo, G)[1:]
    Q, K, V = _heads(X, Wq, Wk, Wv, 2)
    only_q = merge_heads(attention_vjp(Q, K, V, split_heads(G @ Wo, 2))[0]) @ Wq
    return (only_q, *rest)


CLAIMS = register_all(SECTION, (
    *with_forward_mode(
        Claim(name="scaled dot-product attention (causal)",
              kind="vjp",
              latex=r"O = \operatorname{softmax}_{\text{causal}}(QK^\T/\sqrt d)\,V\ \text{per head}",
              result={"Q": r"\bar S K/\sqrt d", "K": r"\bar S^\T Q/\sqrt d", "V": r"P^\T\bar G",
                  "S": r"P\had(\bar G V^\T - (P\had\bar G V^\T)\mathbf 1\mathbf 1^\T)"},
              wrt=("Q", "K", "V"),
              function=attention,
              claim=attention_vjp,
              wrong=_attention_wrong,
              mistake="transposed (dK from the score gradient, not its transpose)",
              point=_qkv_point,
              shapes={"Q": "htd", "K": "htd", "V": "htd"}),
        jvp=attention_jvp,
        differential=r"\d O = \d P\,V + P\,\d V,\ \d P = P\had(\d S - (P\had\d S)\mathbf 1\mathbf 1^\T),\ \d S = (\d Q\,K^\T + Q\,\d K^\T)/\sqrt d"),
    *with_forward_mode(
        Claim(name="multi-head self-attention (causal)",
              kind="vjp",
              latex=r"Y = \operatorname{merge}_h(\operatorname{attn}(XW_q^\T, XW_k^\T, XW_v^\T))\,W_o^\T",
              result={"X": r"\bar Q W_q + \bar K W_k + \bar V W_v", "Wq": r"\bar Q^\T X",
                  "Wk": r"\bar K^\T X", "Wv": r"\bar V^\T X", "Wo": r"\bar G^\T O"},
              wrt=("X", "Wq", "Wk", "Wv", "Wo"),
              function=multi_head_attention,
              claim=mha_vjp,
              wrong=_mha_wrong,
              mistake="missing terms (X only through Q)",
              point=_mha_point,
              shapes={"X": "td", "Wq": "dd", "Wk": "dd", "Wv": "dd", "Wo": "dd"},
              note="Two heads; X is one sequence with tokens as rows (a batch adds a leading axis)."),
        jvp=mha_jvp,
        differential=r"\d Y = \d O\,W_o^\T + O\,\d W_o^\T,\ \d Q = \d X\,W_q^\T + X\,\d W_q^\T,\ \dots"),
))
