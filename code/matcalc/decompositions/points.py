"""The section and the random points of the decomposition claims: well-conditioned matrices of a given kind,
and the projection onto symmetric directions.

>>> A = points("spd")(1)["A"]
>>> A.shape, bool(np.all(np.linalg.eigvalsh(A) > 0))
((5, 5), True)
"""

from collections.abc import Callable

import numpy as np

from ..backend import rng
from ..types import Array

__all__ = ["SECTION", "SEEDS", "SIZES", "points", "sample", "symmetric_part"]

#: The catalogue section of the decomposition claims.
SECTION = "Decompositions and matrix functions"
#: The sizes the claims are checked at, one per seed in turn (two sizes, two seeds each).
SIZES = (3, 5)
SEEDS = (0, 1, 2, 3)


def symmetric_part(V: Array) -> Array:
    """``(V + Vᵀ)/2``: the projection onto symmetric matrices (directions of symmetric rules).

    >>> symmetric_part(np.array([[0., 2.], [0., 0.]]))
    array([[0., 1.],
           [1., 0.]])
    """
    return (V + V.T) / 2


def sample(kind: str, n: int, seed: int, *, m: int | None = None,
           spectrum: Array | None = None) -> Array:
    """A well-conditioned random matrix of ``kind`` and size ``n``.

    ``"symmetric"``: Q diag(spectrum) Qᵀ with a random orthogonal Q (default spectrum
    1, 2, ..., n shifted by -n/2, so well separated and of both signs); ``"spd"``: the same
    with spectrum 1, ..., n; ``"general"``: I + 0.3 N; ``"real spectrum"``: S diag(1..n) S⁻¹
    with S = I + 0.3 N; ``"tall"``: m x n (m = n + 2 by default) with singular values
    1, ..., n.

    >>> A = sample("spd", 3, 0)
    >>> bool(np.allclose(np.linalg.eigvalsh(A), [1, 2, 3]))
    True
    """
    gen = rng("points", seed)
    Q, _ = np.linalg.qr(gen.standard_normal((n, n)))
    if kind in ("symmetric", "spd"):
        if spectrum is None:
            spectrum = np.arange(1.0, n + 1) - (n / 2 + 0.25 if kind == "symmetric" else 0)
        return (Q * np.asarray(spectrum, dtype=float)) @ Q.T
    if kind == "general":
        return np.eye(n) + 0.3 * gen.standard_normal((n, n))
    if kind == "real spectrum":
        S = np.eye(n) + 0.3 * gen.standard_normal((n, n))
        return S @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(S)
    if kind == "tall":
        m = n + 2 if m is None else m
        U, _ = np.linalg.qr(gen.standard_normal((m, n)))
        s = np.arange(1.0, n + 1) if spectrum is None else np.asarray(spectrum, dtype=float)
        return (U * s) @ Q.T
    raise ValueError(f"unknown kind {kind!r}: use symmetric, spd, general, real spectrum or tall")


def points(kind: str, name: str = "A", *,
           m: int | None = None) -> Callable[[int], dict[str, Array]]:
    """The ``point`` of a decomposition claim: ``seed -> {name: sample(kind, n, seed // 2)}``
    with ``n`` taking the ``SIZES`` in turn, so the ``SEEDS`` visit two sizes and
    two random matrices of each.

    >>> [points("general")(s)["A"].shape for s in SEEDS]
    [(3, 3), (5, 5), (3, 3), (5, 5)]
    """
    def point(seed: int) -> dict[str, Array]:
        return {name: sample(kind, SIZES[seed % len(SIZES)], seed // len(SIZES), m=m)}
    return point
