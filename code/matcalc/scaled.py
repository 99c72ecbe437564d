"""Norms and inner products computed in binary-scaled units.

The checks compare numbers of any size, from 1e-300 to 1e300. ``np.linalg.norm`` squares
the entries, so it overflows above about 1e154 and underflows below 1e-154; the functions
here divide by a power of 2 first (exact), so they do neither, and for ``A`` times ``2^k``
they return exactly ``2^k`` times the result for ``A``: a check's verdict does not change
when a function and its variable are rescaled by powers of 2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["binary_scale", "inner", "norm", "rms"]


def binary_scale(m: float) -> float:
    """The power of 2 ``s`` with ``m / s`` in [1, 2) (1.0 for 0, inf or NaN): dividing by it
    is exact, so norms computed in units of ``s`` neither overflow nor underflow.

    >>> binary_scale(5.0), binary_scale(1e-300) == 2.0 ** -997
    (4.0, True)
    """
    m = float(m)
    if m == 0 or not np.isfinite(m):
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(abs(m))[1]) - 1))


def norm(A: ArrayLike) -> float:
    """Frobenius norm of A, computed in binary-scaled units: no overflow at 1e300, no
    underflow at 1e-300, and exactly 2^k times the norm of A for A times 2^k.

    >>> norm([3e300, 4e300])
    5e+300
    """
    a = np.abs(np.asarray(A)).astype(float)
    if not a.size:
        return 0.0
    s = binary_scale(np.max(a))
    return float(s * np.sqrt(np.sum((a / s) ** 2)))


def inner(A: ArrayLike, B: ArrayLike) -> float | complex:
    """The Frobenius product ``A:B`` (complex if either is) computed in binary-scaled units
    (as :func:`norm`): no partial sum overflows.

    >>> inner([1e308, 1e308, -1e308], [1.0, 1.0, 1.0])
    1e+308
    """
    a, b = np.asarray(A), np.asarray(B)
    sa = binary_scale(np.max(np.abs(a), initial=0.0))
    sb = binary_scale(np.max(np.abs(b), initial=0.0))
    total = np.sum((a / sa) * (b / sb)) * sa * sb
    return complex(total) if np.iscomplexobj(total) else float(total)


def rms(A: ArrayLike) -> float:
    """Root mean square of the entries of A (0 for an empty array), without overflow or
    underflow (see :func:`norm`).

    >>> rms([3.0, 4.0])
    3.5355339059327378
    """
    a = np.abs(np.asarray(A)).astype(float)
    if not a.size:
        return 0.0
    s = binary_scale(np.max(a))
    return float(s * np.sqrt(np.mean((a / s) ** 2)))
