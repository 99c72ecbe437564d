"""Backward rules of layer norm, RMS norm and batch norm (training mode).

Normalizing along an axis, ``X̂ = (X - μ)/σ`` with ``μ`` and ``σ² = mean((X - μ)²)`` taken
along that axis, has the differential ``dX̂ = (dX - mean(dX) - X̂ ⊙ mean(X̂ ⊙ dX))/σ``. The
map is self-adjoint for each slice, so the VJP has the same form with ``U = γ ⊙ G`` in place
of dX. Layer norm normalizes each row (sample), batch norm each column (feature, over the
batch): the same rule along the other axis.

>>> import numpy as np
>>> X = np.random.default_rng(0).standard_normal((3, 4))
>>> U = normalize_vjp(X, np.ones((3, 4)), axis=-1)   # a constant shift is normalized away
>>> bool(np.allclose(U, 0))
True
"""

import numpy as np  # noqa: F401 (used by the examples in the docstrings)

from .layers import batch_norm, layer_norm, rms_norm, root_mean_square
from ..claim import Claim
from ..registry import register_all
from ..types import Array
from .pairs import SECTION, point_rng, with_forward_mode

__all__ = ["CLAIMS", "layer_norm_jvp", "layer_norm_vjp", "normalize_vjp", "rms_norm_jvp",
           "rms_norm_vjp"]


def _stats(X, axis):
    centred = X - X.mean(axis=axis, keepdims=True)
    sigma = root_mean_square(centred, axis)
    return centred / sigma, sigma


def normalize_vjp(X: Array, U: Array, axis: int) -> Array:
    """VJP (and JVP) of ``X ↦ X̂`` along ``axis``: ``(U - mean(U) - X̂ ⊙ mean(X̂ ⊙ U))/σ``.

    >>> X = np.array([[1.0, 3.0]])   # two entries: X̂ = (-1, 1) whatever X is, up to eps
    >>> normalize_vjp(X, np.array([[1.0, 0.0]]), -1).round(3).tolist()
    [[0.0, -0.0]]
    """
    Xh, sigma = _stats(X, axis)
    return (U - U.mean(axis=axis, keepdims=True)
            - Xh * (Xh * U).mean(axis=axis, keepdims=True)) / sigma


def layer_norm_vjp(X: Array, gamma: Array, beta: Array, G: Array,
                   axis: int = -1) -> tuple[Array, Array, Array]:
    """VJP of ``γ ⊙ X̂ + β`` (``axis=-1``: layer norm; ``axis=0``: batch norm).

    >>> X = np.random.default_rng(1).standard_normal((3, 2))
    >>> [g.shape for g in layer_norm_vjp(X, np.ones(2), np.zeros(2), np.ones((3, 2)))]
    [(3, 2), (2,), (2,)]
    """
    Xh, _ = _stats(X, axis)
    return normalize_vjp(X, gamma * G, axis), (G * Xh).sum(axis=0), G.sum(axis=0)


def layer_norm_jvp(X: Array, gamma: Array, beta: Array, dX: Array, dgamma: Array, dbeta: Array,
                   axis: int = -1) -> Array:
    """JVP of ``γ ⊙ X̂ + β``: ``γ ⊙ dX̂ + dγ ⊙ X̂ + dβ``.

    >>> Z = np.zeros((2, 2))
    >>> layer_norm_jvp(np.eye(2), np.ones(2), Z[0], Z, Z[0], np.ones(2)).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    Xh, _ = _stats(X, axis)
    return gamma * normalize_vjp(X, dX, axis) + dgamma * Xh + dbeta


def rms_norm_vjp(X: Array, gamma: Array, G: Array) -> tuple[Array, Array]:
    """VJP of ``γ ⊙ X/r``, r the root mean square of each row: ``((U - X̂ mean(X̂ ⊙ U))/r,
    Σ_rows G ⊙ X̂)`` with ``U = γ ⊙ G`` and ``X̂ = X/r`` (entries at most √n, so no r³ to
    overflow at any scale of X).

    >>> [g.shape for g in rms_norm_vjp(np.ones((3, 2)), np.ones(2), np.ones((3, 2)))]
    [(3, 2), (2,)]
    """
    r, U = root_mean_square(X, -1), gamma * G
    Xh = X / r
    return (U - Xh * (U * Xh).mean(axis=-1, keepdims=True)) / r, (G * Xh).sum(axis=0)


def rms_norm_jvp(X: Array, gamma: Array, dX: Array, dgamma: Array) -> Array:
    """JVP of ``γ ⊙ X/r``: ``γ ⊙ (dX - X̂ mean(X̂ ⊙ dX))/r + dγ ⊙ X̂``, ``X̂ = X/r``.

    >>> rms_norm_jvp(np.ones((1, 2)), np.ones(2), np.zeros((1, 2)), np.ones(2)).round(4).tolist()
    [[1.0, 1.0]]
    """
    r = root_mean_square(X, -1)
    Xh = X / r
    return gamma * (dX - Xh * (Xh * dX).mean(axis=-1, keepdims=True)) / r + dgamma * Xh


def _norm_point(seed):
    r = point_rng(seed)
    return {"X": r.standard_normal((4, 3)), "gamma": 1 + 0.5 * r.standard_normal(3),
            "beta": r.standard_normal(3)}


def _missing_variance_term(X, gamma, beta, G, axis):
    Xh, sigma = _stats(X, axis)
    U = gamma * G
    return (U - U.mean(axis=axis, keepdims=True)) / sigma, (G * Xh).sum(axis=0), G.sum(axis=0)


_NORM_DIFF = (r"\d Y = \gamma\had\d\hat X + \d\gamma\had\hat X + \d\beta,\ "
              r"\d\hat X = \tfrac1\sigma(\d X - \overline{\d X} - \hat X\had\overline{\hat X\had \d X})")
_NORM_RESULTS = {"X": r"\tfrac1\sigma(U - \bar U - \hat X\had\overline{\hat X\had U}),\ U = \gamma\had\bar G",
                 "gamma": r"\mathbf 1^\T(\bar G\had\hat X)", "beta": r"\mathbf 1^\T\bar G"}

CLAIMS = register_all(SECTION, (
    *with_forward_mode(
        Claim(name="layer norm",
              kind="vjp",
              latex=r"Y = \gamma\had\hat X + \beta,\ \hat X\ \text{per row}",
              result=_NORM_RESULTS,
              wrt=("X", "gamma", "beta"),
              function=layer_norm,
              claim=layer_norm_vjp,
              wrong=lambda X, gamma, beta, G: _missing_variance_term(X, gamma, beta, G, -1),
              mistake="missing term (variance treated as constant)",
              point=_norm_point,
              shapes={"X": "bn", "gamma": "n", "beta": "n"}),
        jvp=layer_norm_jvp,
        differential=_NORM_DIFF + r"\ \text{(means over each row)}"),
    *with_forward_mode(
        Claim(name="RMS norm",
              kind="vjp",
              latex=r"Y = \gamma\had X / r,\ r = \sqrt{\overline{X^{2}} + \epsilon}\ \text{per row}",
              result={"X": r"U/r - X\had\overline{U\had X}/r^{3},\ U = \gamma\had\bar G",
                  "gamma": r"\mathbf 1^\T(\bar G\had X/r)"},
              wrt=("X", "gamma"),
              function=rms_norm,
              claim=rms_norm_vjp,
              wrong=lambda X, gamma, G: (gamma * G / root_mean_square(X, -1),
                                         (G * X / root_mean_square(X, -1)).sum(axis=0)),
              mistake="missing term (r treated as constant)",
              point=lambda s: {k: v for k, v in _norm_point(s).items() if k != "beta"},
              shapes={"X": "bn", "gamma": "n"}),
        jvp=rms_norm_jvp,
        differential=r"\d Y = \gamma\had(\d X/r - X\had\overline{X\had\d X}/r^{3}) + \d\gamma\had X/r"),
    *with_forward_mode(
        Claim(name="batch norm (training mode)",
              kind="vjp",
              latex=r"Y = \gamma\had\hat X + \beta,\ \hat X\ \text{per column, batch statistics}",
              result=_NORM_RESULTS,
              wrt=("X", "gamma", "beta"),
              function=batch_norm,
              claim=lambda X, gamma, beta, G: layer_norm_vjp(X, gamma, beta, G, axis=0),
              wrong=lambda X, gamma, beta, G: _missing_variance_term(X, gamma, beta, G, 0),
              mistake="missing term (variance treated as constant)",
              point=_norm_point,
              shapes={"X": "bn", "gamma": "n", "beta": "n"},
              note="Training mode: the mean and variance depend on X, so every sample's gradient "
              "depends on the whole batch."),
        jvp=lambda X, gamma, beta, dX, dgamma, dbeta: layer_norm_jvp(
             X, gamma, beta, dX, dgamma, dbeta, axis=0),
        differential=_NORM_DIFF + r"\ \text{(means over the batch)}"),
))
