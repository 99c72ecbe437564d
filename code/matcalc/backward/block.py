"""A pre-norm transformer block, its backward and forward rules composed from the rows.

Forward: ``A = LN(X)``, ``H = X + MHA(A)``, ``B = LN(H)``, ``U = B W1ᵀ + b1``, ``Y = H +
gelu(U) W2ᵀ + b2``. Backward runs the same steps in reverse, each a row of the table; at a
residual connection the upstream gradient splits and the two contributions add.

>>> from matcalc.registry import get
>>> get("pre-norm transformer block").wrt[:3]
('X', 'Wq', 'Wk')
"""

import numpy as np

from .activations import gelu_prime
from .attention import mha_jvp, mha_vjp
from .layers import gelu, layer_norm, linear, multi_head_attention, transformer_block
from .matrix import linear_jvp, linear_vjp
from .norms import layer_norm_jvp, layer_norm_vjp
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = ["CLAIMS", "block_jvp", "block_vjp"]

PARAMS = ("Wq", "Wk", "Wv", "Wo", "W1", "b1", "W2", "b2")


def _forward(X, Wq, Wk, Wv, Wo, W1, b1, W2, b2, heads):
    one, zero = np.ones(X.shape[-1], dtype=X.dtype), np.zeros(X.shape[-1], dtype=X.dtype)
    A = layer_norm(X, one, zero)
    H = X + multi_head_attention(A, Wq, Wk, Wv, Wo, heads)
    B = layer_norm(H, one, zero)
    U = linear(B, W1, b1)
    return one, zero, A, H, B, U, gelu(U)


def block_vjp(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, W1: Array, b1: Array, W2: Array,
              b2: Array, G: Array, heads: int = 2, skip: bool = True) -> tuple[Array, ...]:
    """VJP of :func:`~matcalc.backward.layers.transformer_block` for all nine inputs.

    ``skip=False`` drops the residual path of the upstream gradient (a wrong variant).

    >>> from matcalc.registry import get
    >>> rule = get("pre-norm transformer block")
    >>> [g.shape for g in block_vjp(**rule.point(0), G=np.ones((4, 4)))][:2]
    [(4, 4), (4, 4)]
    """
    one, zero, A, H, B, U, Z = _forward(X, Wq, Wk, Wv, Wo, W1, b1, W2, b2, heads)
    gZ, gW2, gb2 = linear_vjp(Z, W2, b2, G)
    gB, gW1, gb1 = linear_vjp(B, W1, b1, gelu_prime(U) * gZ)
    gH = (G if skip else 0) + layer_norm_vjp(H, one, zero, gB)[0]
    gA, gWq, gWk, gWv, gWo = mha_vjp(A, Wq, Wk, Wv, Wo, gH, heads)
    gX = gH + layer_norm_vjp(X, one, zero, gA)[0]
    return gX, gWq, gWk, gWv, gWo, gW1, gb1, gW2, gb2


def block_jvp(X: Array, Wq: Array, Wk: Array, Wv: Array, Wo: Array, W1: Array, b1: Array, W2: Array,
              b2: Array, dX: Array, dWq: Array, dWk: Array, dWv: Array, dWo: Array, dW1: Array,
              db1: Array, dW2: Array, db2: Array, heads: int = 2) -> Array:
    """JVP of the transformer block: the rows' JVPs in forward order.

    >>> from matcalc.registry import get
    >>> rule = get("pre-norm transformer block")
    >>> p = rule.point(0)
    >>> zeros = {"d" + k: np.zeros_like(p[k]) for k in rule.wrt}
    >>> float(np.abs(block_jvp(**p, **zeros)).max())
    0.0
    """
    one, zero, A, H, B, U, Z = _forward(X, Wq, Wk, Wv, Wo, W1, b1, W2, b2, heads)
    dA = layer_norm_jvp(X, one, zero, dX, 0 * one, 0 * zero)
    dH = dX + mha_jvp(A, Wq, Wk, Wv, Wo, dA, dWq, dWk, dWv, dWo, heads)
    dB = layer_norm_jvp(H, one, zero, dH, 0 * one, 0 * zero)
    dZ = gelu_prime(U) * linear_jvp(B, W1, b1, dB, dW1, db1)
    return dH + linear_jvp(Z, W2, b2, dZ, dW2, db2)


def _point(seed):
    r = point_rng(seed)
    shapes = {"X": (4, 4), "Wq": (4, 4), "Wk": (4, 4), "Wv": (4, 4), "Wo": (4, 4),
              "W1": (6, 4), "b1": (6,), "W2": (4, 6), "b2": (4,)}
    return {k: r.standard_normal(s) * (1 if k == "X" else 0.5) for k, s in shapes.items()}


CLAIMS = register_all(SECTION, (
    *with_forward_mode(
        Claim(name="pre-norm transformer block",
              kind="vjp",
              latex=r"H = X + \operatorname{MHA}(\operatorname{LN}(X)),\ Y = H + \operatorname{gelu}(\operatorname{LN}(H)W_1^\T + b_1)W_2^\T + b_2",
              result={"X": r"\bar H + \operatorname{LN}^{*}(\operatorname{MHA}^{*}_{X}(\bar H)),\ \bar H = \bar G + \operatorname{LN}^{*}(\operatorname{MLP}^{*}(\bar G))",
                  **{k: r"\text{as in multi-head attention, at } \bar H" for k in PARAMS[:4]},
                  **{k: r"\text{as in the linear layer, in the MLP}" for k in PARAMS[4:]}},
              wrt=("X",) + PARAMS,
              function=transformer_block,
              claim=block_vjp,
              wrong=lambda **kw: block_vjp(**kw, skip=False),
              mistake="missing term (the residual path of the gradient)",
              point=_point,
              shapes={"X": "td", "Wq": "dd", "Wk": "dd", "Wv": "dd", "Wo": "dd", "W1": "fd",
                 "b1": "f", "W2": "df", "b2": "d"},
              note="Two heads, causal; layer norms without affine parameters."),
        jvp=block_jvp,
        differential=r"\d H = \d X + \d\operatorname{MHA},\ \d Y = \d H + \d\operatorname{MLP}"),
))
