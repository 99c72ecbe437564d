"""The verdict of a check: a claimed directional derivative against a numerical one.

This module holds what :func:`~matcalc.check_gradient`, :func:`~matcalc.check_differential`,
:func:`~matcalc.check_vjp`, :func:`~matcalc.check_jvp` and :func:`~matcalc.check_hessian`
share: the random directions, the per-direction loop and the one comparison rule, whose
outcome is a :class:`~matcalc.CheckResult` (defined in :mod:`matcalc.checkresult`).

The rule, in every direction, with ``c`` the claimed value, ``n`` the numerical one, ``e``
the (conservative) estimated error of ``n`` plus the rounding error of ``c``, and
``size = max(‖c‖, ‖n‖)``:

* **FAILED** if ``‖c - n‖ > max(rtol * size, SAFETY * e)``: the claim is wrong by more than
  the tolerance and more than the numerical derivative can be off;
* **PASSED** if it agrees and ``e <= rtol * max(size, reference)`` (the numerical derivative
  resolves the claim to the tolerance; ``reference`` is the typical size of the compared
  value, ‖G‖ rms(V) for a gradient and the root mean square over the directions of the
  claimed values in any case, so that a direction in which G:V happens to cancel is not
  held to a tighter standard than the others);
* **PASSED, zero to rounding** if the claim is exactly zero, agrees, and the numerical
  value is at the rounding level of the computation (``size <= ZERO * e`` with ``e``
  rounding-limited): the zero gradient of ``tr(X^-1 A X) - tr(A)``, whose numerical
  derivative is rounding. A *nonzero* claim at that level is UNRESOLVED: any claim of that
  size would agree, so agreement confirms nothing. And no claim passes this way when the
  rounding level is below the smallest normal float (the checker passes
  ``zero="underflow"``, see :data:`ZERO_RULES`): agreement among underflowed values is no
  evidence;
* **UNRESOLVED** otherwise: the claim agrees with the numerical derivative within its error,
  but that error is larger than the tolerance (a badly conditioned point, a function that
  cannot be differentiated numerically to ``rtol`` there). The result says what accuracy was
  achieved and what to do. An unresolved check is *not* passed: ``result.passed`` is False
  and ``result.verdict`` is ``"UNRESOLVED"``, so ``assert check_gradient(...)`` accepts only
  a confirmed claim, while the verdict tells an unconfirmed claim from a refuted one.

The comparison is made in binary-scaled units (:mod:`matcalc.scaled`): it neither overflows
nor underflows, and its verdict is the same for f and X rescaled by powers of 2. A numerical
derivative that is not finite agrees with nothing: the direction is UNRESOLVED, with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import call_at, require_callable, require_shape
from .checkresult import FAILED, PASSED, UNRESOLVED, CheckResult
from .scaled import binary_scale, norm
from .types import Array

if TYPE_CHECKING:
    from .directional import Estimate

__all__ = ["Direction", "SAFETY", "ZERO", "ZERO_RULES", "check_along_directions",
           "compare", "random_direction", "verdict_of"]

SAFETY = 3.0  # a disagreement within SAFETY x the estimated error is not evidence of a mistake
ZERO = 10.0   # values within ZERO x their rounding-limited error are zero to rounding
#: Whether an exactly zero claim at the rounding level may pass ("exact") or not, because
#: that level is an underflow ("underflow"); see the module docstring.
ZERO_RULES = ("exact", "underflow")


@dataclass(frozen=True)
class Direction:
    """The comparison along one random direction."""

    claimed: object  # float for a gradient, array for a differential
    numeric: object
    numeric_error: float
    disagreement: float
    allowed: float
    method: str
    note: str
    status: str = PASSED


def random_direction(rng: np.random.Generator, shape: tuple,
                     project: Callable | None = None) -> Array:
    """A standard normal direction of ``shape``, passed through ``project`` if given
    (ValueError naming ``project`` if it is not callable, raises, changes V in place, or
    returns values that are not real and finite, or of another shape).

    >>> from matcalc.backend import rng
    >>> random_direction(rng("directions"), (2, 3)).shape
    (2, 3)
    """
    V = rng.standard_normal(shape)
    if project is None:
        return V
    require_callable(project, "project")
    P = call_at(project, (V,), "project", ("V",), "a projected direction")[0]
    require_shape(P, shape, "project(V)", "X", "a projected direction has the shape of X")
    if not np.any(P):
        raise ValueError("project(V) returned zero: the allowed directions are empty")
    return P


def compare(claimed: ArrayLike, claim_rounding: float, estimate: Estimate, rtol: float,
            reference: float = 0.0, zero: str = "exact") -> tuple[Direction, float]:
    """Compare a claimed directional derivative with a numerical :class:`Estimate`.

    Returns ``(Direction, relative error)``; the rule is in the module docstring.
    ``reference`` is the typical size of the compared value in any direction (for a
    gradient, ‖G‖ rms(V)): a direction in which G:V happens to be small is resolved when the
    error is small against that, not against the cancelled value. ``zero`` (one of
    :data:`ZERO_RULES`) says whether a zero claim at the rounding level may pass.

    >>> from matcalc.directional import Estimate
    >>> est = Estimate(2.0, 1e-12, 1e-14, "complex step", 1e-20, 1)
    >>> d, rel = compare(2.0 * (1 + 1e-6), 0.0, est, 1e-8)
    >>> d.status, f"{rel:.0e}"
    ('FAILED', '1e-06')
    """
    if zero not in ZERO_RULES:
        raise ValueError(f"zero must be one of {ZERO_RULES}, got {zero!r}")
    claimed_out = (float(np.asarray(claimed)) if np.ndim(claimed) == 0
                   else np.asarray(claimed, dtype=float))
    numeric_out = (float(estimate.value) if np.ndim(estimate.value) == 0
                   else np.asarray(estimate.value, dtype=float))
    if not (np.all(np.isfinite(estimate.value)) and np.all(np.isfinite(estimate.error))):
        note = ("the numerical derivative is not finite (an overflow): it cannot confirm "
                "or refute the claim")
        return Direction(claimed_out, numeric_out, float("inf"), float("inf"), float("inf"),
                         estimate.method, note, UNRESOLVED), float("inf")
    c, n = np.asarray(claimed, dtype=float), np.asarray(estimate.value, dtype=float)
    e = np.asarray(estimate.error, dtype=float)
    # Every size in units of one power of 2: exact, and nothing overflows or underflows.
    unit = binary_scale(max(norm(c), norm(n), norm(e), claim_rounding, reference))
    diff = norm(c / unit - n / unit)
    size = max(norm(c / unit), norm(n / unit))
    err = norm(e / unit) + claim_rounding / unit
    scale = max(size, SAFETY * err / rtol)
    rel = diff / scale if scale > 0 else 0.0
    note = estimate.note
    at_rounding = estimate.rounding_limited and size <= ZERO * err
    if rel > rtol:
        status = FAILED
    elif err <= rtol * max(size, reference / unit):
        status = PASSED
    elif at_rounding and zero == "exact" and not np.any(c):
        status = PASSED
        note = ("zero to rounding: claimed and numeric values are both at the rounding "
                "level of the computation (the 'allowed' column)" + (f"; {note}" if note else ""))
    else:
        status = UNRESOLVED
        if at_rounding:
            note = _why_not_zero(zero) + (f" (numerical derivative: {note})" if note else "")
    return Direction(claimed_out, numeric_out, norm(e), diff * unit, rtol * scale * unit,
                     estimate.method, note, status), rel


def _why_not_zero(zero):
    if zero == "underflow":
        return ("f's rounding level here is below the smallest normal float: its values "
                "underflow, or are exactly zero (a dead ReLU, a zero factor), and values that "
                "agree there are no evidence. If f is zero near X its gradient there is zero; "
                "otherwise rescale f or X")
    return ("claim and numeric value are both at the rounding level of the numerical "
            "derivative here, and only a claim of exactly zero passes as zero to rounding")


def verdict_of(statuses: Iterable[str]) -> str:
    """FAILED if any direction failed, else UNRESOLVED if any is, else PASSED.

    >>> verdict_of(["PASSED", "UNRESOLVED"])
    'UNRESOLVED'
    """
    statuses = list(statuses)
    if FAILED in statuses:
        return FAILED
    return UNRESOLVED if UNRESOLVED in statuses else PASSED


def check_along_directions(kind: str, shape: tuple, *, drawn: Sequence, claims: Sequence,
                           estimate: Callable[..., Estimate], rtol: float,
                           evaluations: int = 1, precision: str = "float64",
                           zero: str = "exact") -> CheckResult:
    """The per-direction comparison every check shares.

    ``drawn`` are the random directions, ``claims`` for each a tuple ``(claimed value,
    its rounding error, reference size)``; ``estimate(d, resolution, relative_resolution)``
    returns the numerical :class:`~matcalc.directional.Estimate` along ``d`` (its
    ``evaluations`` are added to ``evaluations``). ``zero`` is passed to :func:`compare`.
    Returns a :class:`CheckResult`.

    >>> import numpy as np
    >>> from matcalc.directional import Estimate
    >>> est = lambda d, resolution, relative: Estimate(d, 1e-13, 1e-14, "exact", 0.0, 1)
    >>> r = check_along_directions("gradient", (), drawn=[1.5, 2.5], claims=[(1.5, 0, 0),
    ...                            (2.5, 0, 0)], estimate=est, rtol=1e-8)
    >>> r.verdict, r.evaluations
    ('PASSED', 3)
    """
    # The typical size of the compared value: a direction in which it happens to cancel is
    # resolved against this, not against its own small value.
    typical = norm([norm(c[0]) for c in claims]) / float(np.sqrt(len(claims)))
    records, errors = [], []
    for d, (claimed, rounding, reference) in zip(drawn, claims):
        reference = max(reference, typical)
        size = max(norm(claimed), reference)
        est = estimate(d, 0.1 * rtol * size + rounding, 0.1 * rtol)
        record, rel = compare(claimed, rounding, est, rtol, reference, zero)
        records.append(record)
        errors.append(rel)
        evaluations += est.evaluations
    verdict = verdict_of(r.status for r in records)
    return CheckResult(kind, verdict == PASSED, float(max(errors)), rtol, int(evaluations),
                       tuple(shape), tuple(records), verdict, precision)
