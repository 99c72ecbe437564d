"""Input validation shared by the public functions: every error names shapes or values."""

import numpy as np


def as_real_array(X, name="X"):
    """Return ``X`` as a float64 array, or raise ValueError naming what is wrong with it."""
    try:
        arr = np.asarray(X)
    except Exception as exc:  # e.g. ragged nested lists
        raise ValueError(f"{name} could not be turned into an array: {exc}") from exc
    if arr.dtype == object:
        raise ValueError(f"{name} has dtype object (ragged or non-numeric entries); "
                         f"pass a numeric array")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} is complex (dtype {arr.dtype}); matcalc checks real variables")
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} has dtype {arr.dtype}; pass a real numeric array")
    arr = arr.astype(np.float64)
    require_finite(arr, name)
    return arr


def require_finite(arr, name):
    """Raise ValueError if ``arr`` holds NaN or inf, saying where and how many."""
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        raise ValueError(f"{name} (shape {arr.shape}) has {int(bad.sum())} non-finite "
                         f"value(s), e.g. {arr[first] if arr.ndim else arr} at index {first}")


def require_shape(arr, shape, name, other, why=""):
    """Raise ValueError if ``arr.shape`` differs from ``shape`` (the shape of ``other``)."""
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}, but {other} has shape {tuple(shape)}"
                         + (f": {why}" if why else ""))
