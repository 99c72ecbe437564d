"""The verdict of a check: a claimed directional derivative against a numerical one.

This module holds what :func:`~matcalc.check_gradient`, :func:`~matcalc.check_differential`,
:func:`~matcalc.check_vjp`, :func:`~matcalc.check_jvp` and :func:`~matcalc.check_hessian`
share: the random directions, the per-direction loop, the one comparison rule and the
:class:`CheckResult` it produces.

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
  and ``result.verdict`` is ``"UNRESOLVED"``, so ``assert check_gradient(...)`` never accepts
  a claim that was not confirmed, and never calls a correct claim wrong.

The comparison is made in binary-scaled units (:mod:`matcalc.scaled`): it neither overflows
nor underflows, and its verdict is the same for f and X rescaled by powers of 2. A numerical
derivative that is not finite agrees with nothing: the direction is UNRESOLVED, with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import require_shape
from .scaled import binary_scale, norm
from .types import Array

if TYPE_CHECKING:
    from .directional import Estimate

__all__ = ["CheckResult", "Direction", "SAFETY", "ZERO", "ZERO_RULES", "check_along_directions",
           "compare", "random_direction", "verdict_of"]

SAFETY = 3.0  # a disagreement within SAFETY x the estimated error is not evidence of a mistake
ZERO = 10.0   # values within ZERO x their rounding-limited error are zero to rounding
PASSED, FAILED, UNRESOLVED = "PASSED", "FAILED", "UNRESOLVED"
#: Whether an exactly zero claim at the rounding level may pass ("exact") or not, because
#: that level is an underflow ("underflow"); see the module docstring.
ZERO_RULES = ("exact", "underflow")
#: The label of the table of scalar claims, by kind of check.
_SCALAR_LABELS = {"gradient": "claimed G:V", "hessian": "claimed W:H[V]", "VJP": "claimed vjp:V"}


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


@dataclass(frozen=True)
class CheckResult:
    """Outcome of :func:`check_gradient`, :func:`check_differential` or :func:`check_hessian`.

    ``passed`` is the verdict, ``error`` the largest relative disagreement measured (compare
    it with ``tolerance``), ``evaluations`` the number of calls of the function checked.
    ``verdict`` is ``"PASSED"``, ``"FAILED"`` or ``"UNRESOLVED"`` (see :mod:`matcalc.compare`),
    ``precision`` the floating-point type the function computes in. ``bool(result)`` is
    ``result.passed``; ``str(result)`` shows claimed and numeric values side by side.

    >>> import numpy as np
    >>> from matcalc import check_gradient
    >>> r = check_gradient(lambda X: np.sum(X ** 2), lambda X: 2 * X, np.ones((2, 2)))
    >>> r.verdict, bool(r), r.tolerance
    ('PASSED', True, 1e-08)
    """

    kind: str
    passed: bool
    error: float
    tolerance: float
    evaluations: int
    shape: tuple
    directions: tuple = field(repr=False)
    verdict: str = ""
    precision: str = "float64"

    def __post_init__(self):
        if not self.verdict:
            object.__setattr__(self, "verdict", PASSED if self.passed else FAILED)

    def __bool__(self):
        return self.passed

    @property
    def method(self):
        """The numerical method(s) used, e.g. ``'complex step'``."""
        return ", ".join(sorted({d.method for d in self.directions}))

    @property
    def achievable(self):
        """The relative accuracy the numerical derivative reached (worst direction)."""
        worst = 0.0
        for d in self.directions:
            size = max(norm(d.claimed), norm(d.numeric))
            worst = max(worst, d.numeric_error / size if size else 0.0)
        return worst

    def _header(self):
        rel = {PASSED: "<=", FAILED: ">", UNRESOLVED: "<="}[self.verdict]
        who = "f" if self.kind in ("gradient", "hessian") else "F"
        where = "" if self.precision == "float64" else f", {who} computes in {self.precision}"
        if not np.isfinite(self.error):
            rel = "(not finite: see the notes), vs"
        text = (f"{self.kind} check {self.verdict}: relative error {self.error:.2e} {rel} "
                f"tolerance {self.tolerance:.0e} (variable of shape {self.shape}, "
                f"{len(self.directions)} random directions, {self.evaluations} evaluations, "
                f"{self.method}{where})")
        if self.verdict == UNRESOLVED and self.achievable > 0.1:
            text += (f"\n  not confirmed: the numerical derivative is accurate only to "
                     f"{self.achievable:.1e} relative here, so it cannot tell a right claim "
                     f"from a wrong one at this point (see the notes)")
        elif self.verdict == UNRESOLVED:
            text += (f"\n  not confirmed: the numerical derivative is accurate only to "
                     f"{self.achievable:.1e} relative here, coarser than the tolerance. Try a "
                     f"better-conditioned point, or rtol={3 * self.achievable:.0e} "
                     f"if that accuracy is enough")
        return text

    def __str__(self):
        lines = [self._header()]
        scalar = bool(self.directions) and np.ndim(self.directions[0].claimed) == 0
        if scalar and self.kind in _SCALAR_LABELS:
            label = _SCALAR_LABELS[self.kind]
            lines.append(f"  {'direction':>9}  {label:>22}  {'numeric':>22}  "
                         f"{'|difference|':>12}  {'allowed':>8}")
            for k, d in enumerate(self.directions, 1):
                lines.append(f"  {k:>9}  {d.claimed:>22.15e}  {d.numeric:>22.15e}  "
                             f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
        else:
            lines.append(f"  {'direction':>9}  {'worst entry':>12}  {'claimed dF':>22}  "
                         f"{'numeric':>22}  {'‖difference‖':>12}  {'allowed':>8}")
            for k, d in enumerate(self.directions, 1):
                c, n = np.atleast_1d(d.claimed), np.atleast_1d(d.numeric)
                i = np.unravel_index(int(np.argmax(np.abs(c - n))), c.shape)
                where = str(tuple(int(t) for t in i)) if np.ndim(d.claimed) else "()"
                lines.append(f"  {k:>9}  {where:>12}  {c[i]:>22.15e}  {n[i]:>22.15e}  "
                             f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
        notes = sorted({d.note for d in self.directions if d.note})
        lines += [f"  note: {n}" for n in notes]
        return "\n".join(lines)

    __repr__ = __str__


def random_direction(rng: np.random.Generator, shape: tuple,
                     project: Callable | None = None) -> Array:
    """A standard normal direction of ``shape``, passed through ``project`` if given.

    >>> from matcalc.backend import rng
    >>> random_direction(rng("directions"), (2, 3)).shape
    (2, 3)
    """
    V = rng.standard_normal(shape)
    if project is None:
        return V
    P = np.asarray(project(V), dtype=float)
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
        return ("f's rounding level here is below the smallest normal float (its values "
                "underflow): values that agree there are no evidence. Rescale f or X")
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
