"""The layers built on the exponential, in forms that never overflow: sigmoid, softplus,
the row softmax family and the masked softmax of attention.

Each shifts or reflects its argument so that ``exp`` only ever sees numbers <= 0: a shift
by the row maximum for softmax (over the allowed entries only, with the mask applied before
the exponential), a reflection ``-|x|`` for sigmoid and softplus. Branches are decided on
the real part, so a complex step passes through. Re-exported by
:mod:`matcalc.backward.layers`.

>>> import numpy as np
>>> softplus(np.array([1000.0])).tolist(), sigmoid(np.array([-1000.0])).tolist()
([1000.0], [0.0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..types import Array

__all__ = ["causal_mask", "log_softmax", "logsumexp", "masked_softmax", "namespace",
           "sigmoid", "softmax", "softplus"]


def namespace(*arrays: Any) -> Any:
    """The array module of the arguments: numpy, unless one of them brings its own.

    >>> namespace(np.ones(2)) is np
    True
    """
    for a in arrays:
        if not isinstance(a, (np.ndarray, np.generic)) and hasattr(a, "__array_namespace__"):
            return a.__array_namespace__()
    return np


def _minus_abs(X, xp):
    # -|x| continued analytically (-x where Re x > 0, else x): its exp never overflows, and
    # a complex step passes through (each branch is analytic near a real point).
    return xp.where(X.real > 0, -X, X)


def sigmoid(X: Array) -> Array:
    """``1 / (1 + exp(-X))`` entrywise, in the form that never overflows: ``1/(1 + e)`` for
    positive x and ``e/(1 + e)`` otherwise, with ``e = exp(-|x|)``.

    >>> float(sigmoid(np.array(0.0)))
    0.5
    >>> sigmoid(np.array([-1000.0, 1000.0])).tolist()
    [0.0, 1.0]
    """
    xp = namespace(X)
    e = xp.exp(_minus_abs(X, xp))
    return xp.where(X.real > 0, 1 / (1 + e), e / (1 + e))


def softplus(X: Array) -> Array:
    """``log(1 + exp(X))`` entrywise, as ``max(x, 0) + log1p(exp(-|x|))`` (no overflow for
    large x, no loss of the small values for very negative x).

    >>> round(float(softplus(np.array(0.0))), 6)
    0.693147
    >>> softplus(np.array([1000.0, -1000.0])).tolist()
    [1000.0, 0.0]
    """
    xp = namespace(X)
    return xp.where(X.real > 0, X, xp.zeros_like(X)) + xp.log1p(xp.exp(_minus_abs(X, xp)))


def _shift(Z, xp):
    # The row maximum of the real part: a constant for the complex step, cancelled exactly.
    return xp.max(Z.real, axis=-1, keepdims=True)


def softmax(Z: Array) -> Array:
    """Softmax of each row (batch-first: one distribution per sample).

    >>> softmax(np.zeros((1, 4))).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """
    xp = namespace(Z)
    E = xp.exp(Z - _shift(Z, xp))
    return E / xp.sum(E, axis=-1, keepdims=True)


def log_softmax(Z: Array) -> Array:
    """``log softmax`` of each row, computed stably.

    >>> bool(np.allclose(np.exp(log_softmax(np.arange(6.).reshape(2, 3))).sum(1), 1))
    True
    """
    xp = namespace(Z)
    S = Z - _shift(Z, xp)
    return S - xp.log(xp.sum(xp.exp(S), axis=-1, keepdims=True))


def logsumexp(Z: Array) -> Array:
    """``log sum exp`` of each row: one number per sample.

    >>> round(float(logsumexp(np.zeros((1, 4)))[0]), 6)
    1.386294
    """
    xp = namespace(Z)
    m = _shift(Z, xp)
    return (m + xp.log(xp.sum(xp.exp(Z - m), axis=-1, keepdims=True)))[..., 0]


def causal_mask(T: int, causal: bool = True) -> Array:
    """The boolean ``T x T`` mask of allowed positions: lower triangle if ``causal``.

    >>> causal_mask(2).tolist()
    [[True, False], [True, True]]
    """
    return np.tril(np.ones((T, T), dtype=bool)) if causal else np.ones((T, T), dtype=bool)


def masked_softmax(S: Array, mask: Array) -> Array:
    """Row softmax over the entries where ``mask`` is true (the others get probability 0).

    The mask is applied *before* the exponential: a masked score never reaches ``exp``, so
    it cannot overflow however large it is, and the shift is the maximum over the allowed
    entries only. Raises ValueError if a row allows no entry.

    >>> masked_softmax(np.zeros((2, 2)), np.tril(np.ones((2, 2)))).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    >>> masked_softmax(np.array([[0.0, 1e6]]), np.array([[1, 0]])).tolist()
    [[1.0, 0.0]]
    """
    xp = namespace(S)
    allowed = mask > 0
    if isinstance(allowed, np.ndarray) and not np.all(np.any(allowed, axis=-1)):
        rows = np.argwhere(~np.any(allowed, axis=-1))[:, -1].tolist()
        raise ValueError(f"masked_softmax: mask rows {rows} allow no entry (a softmax over "
                         f"nothing)")
    m = xp.max(xp.where(allowed, S.real, -np.inf), axis=-1, keepdims=True)
    zero = xp.zeros_like(S)
    E = xp.where(allowed, xp.exp(xp.where(allowed, S - m, zero)), zero)
    return E / xp.sum(E, axis=-1, keepdims=True)
