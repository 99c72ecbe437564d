"""The numbers every check shares: the numpy/sympy switch, relative differences, the one
tolerance table, and seeded random generators by purpose.

Every module of :mod:`matcalc` that compares two values or draws a random point takes its
constant from here, so a tolerance is changed in one place and is named where it is used.

>>> TOLERANCES["gradient"]
1e-08
>>> relative_difference([1.0, 2.0], [1.0, 2.0 + 1e-12]) < TOLERANCES["identity"]
True
>>> is_symbolic(1.5)
False
"""

import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .checkresult import CheckResult, sizes_text

__all__ = ["TOLERANCES", "SALTS", "EPS", "is_symbolic", "is_symbolic_matrix", "relative_difference", "rng",
           "sizes_text", "scalar", "compare"]

EPS = float(np.finfo(np.float64).eps)

#: Relative tolerances, one table (as jax's per-dtype tables are one table). Each names the
#: comparison it decides; the book's appendix "How the checker decides" explains the numbers.
TOLERANCES = {
    # check_gradient / check_differential / check_hessian in float64: a numerical derivative
    # (complex step or extrapolated central differences) against a claim.
    "gradient": 1e-8,
    # The same checks when the function computes in float32 (its output dtype): what
    # Richardson-extrapolated central differences resolve there (measured 1e-5 to 3e-4
    # relative on a float32 MLP loss), and tight enough that a gradient wrong by 1e-3
    # relative fails.
    "gradient_float32": 5e-4,
    # The same when the function computes in float16 (eps 1e-3). Central differences reach
    # only 3e-2 to 0.5 relative there (benchmarks/sweep_low_precision.py), so a right
    # float16 gradient comes out UNRESOLVED, never PASSED or FAILED; a wrong one is never
    # PASSED, and one of the wrong sign FAILS.
    "gradient_float16": 2e-2,
    # check_hessian without a gradient: W:H[V] as a derivative of a numerical derivative
    # (nested differences resolve about 1e-9 relative on a logistic loss, not 1e-8 reliably).
    "hessian_nested": 1e-6,
    # Two closed-form expressions evaluated at the same random point (derivation links,
    # identities between products): only rounding separates them.
    "identity": 1e-9,
    # A Jacobian array built entry by entry from numerical derivatives against a claim.
    "jacobian": 1e-7,
}

#: Salts for seeded generators, one per purpose, so that the random directions of a check
#: differ from a random point a caller drew with ``default_rng(seed)``.
SALTS = {
    "directions": 0x6D617463,  # "matc": directions of check_gradient/check_differential
    "hessian": 0x68657373,     # "hess": directions of check_hessian
    "points": 0x64657276,      # "derv": random points of derivations and catalogue entries
    "catalogue": 0x63617461,   # "cata": random points of catalogue-only checks
    "examples": 0x6578616D,    # "exam": random operands of notation and rule examples
}


def rng(purpose: str, seed: int = 0) -> np.random.Generator:
    """A numpy generator for ``purpose`` (a key of :data:`SALTS`) and ``seed``.

    >>> float(rng("points", 0).standard_normal()) == float(rng("points", 0).standard_normal())
    True
    """
    if purpose not in SALTS:
        raise ValueError(f"unknown random purpose {purpose!r}; purposes are {sorted(SALTS)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (it selects the random "
                         f"directions), got {seed!r}")
    return np.random.default_rng([int(seed), SALTS[purpose]])


def is_symbolic(*objects: object) -> bool:
    """True if any object is a sympy object (matrix or expression).

    Decided without importing sympy: an object can only be a sympy object if sympy has
    been imported already, so the numeric path never pays sympy's import time.

    >>> import numpy as np
    >>> is_symbolic(np.eye(2), 3.0)
    False
    """
    sympy = sys.modules.get("sympy")
    if sympy is None:
        return False
    return any(isinstance(obj, (sympy.MatrixBase, sympy.Basic)) for obj in objects)


def is_symbolic_matrix(*objects: object) -> bool:
    """True if any object is a sympy matrix (a sympy scalar expression is not), decided
    without importing sympy, as :func:`is_symbolic`.

    >>> import numpy as np
    >>> is_symbolic_matrix(np.eye(2))
    False
    """
    sympy = sys.modules.get("sympy")
    if sympy is None:
        return False
    return any(isinstance(obj, sympy.MatrixBase) for obj in objects)


def scalar(value: Any) -> Any:
    """A 1 x 1 matrix (sympy or numpy) as a scalar; anything else unchanged.

    >>> import numpy as np
    >>> scalar(np.array([[2.5]]))
    2.5
    """
    if is_symbolic(value):
        import sympy
        if isinstance(value, sympy.MatrixBase) and value.shape == (1, 1):
            return value[0, 0]
        return value
    if isinstance(value, np.ndarray) and value.size == 1 and value.ndim == 2:
        return value.reshape(()).item()
    return value


def relative_difference(a: ArrayLike, b: ArrayLike) -> float:
    """``‖a − b‖ / max(‖a‖, ‖b‖)`` (Frobenius norms), 0 when both are 0.

    Raises ValueError naming both shapes when they differ (a 1 x 1 matrix and a scalar are
    the same shape here).

    >>> relative_difference(2.0, 1.0)
    0.5
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        raise ValueError(f"cannot compare values of shapes {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b)) / scale


def compare(a: ArrayLike, b: ArrayLike, *, what: str = "", tolerance: float | None = None,
            sizes: Mapping[str, int] | None = None) -> CheckResult:
    """Compare two arrays computed in closed form (same shape) with
    :func:`relative_difference` against ``TOLERANCES["identity"]``: a
    :class:`~matcalc.CheckResult` of kind ``"comparison"`` that prints both numbers.

    >>> compare([1.0, 2.0], [1.0, 2.0], what="a row")
    a row: relative difference 0.0e+00 <= 1e-09, agrees
    >>> bool(compare(1.0, 1.5))
    False
    """
    tol = TOLERANCES["identity"] if tolerance is None else tolerance
    error = relative_difference(a, b)
    return CheckResult("comparison", error <= tol, error, tol, what=what,
                       sizes=dict(sizes or {}))
