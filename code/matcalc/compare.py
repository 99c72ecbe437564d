"""The verdict of a check: a claimed directional derivative against a numerical one.

This module holds what :func:`~matcalc.check_gradient`, :func:`~matcalc.check_differential`
and :func:`~matcalc.check_hessian` share: the random directions, the per-direction loop, the
one comparison rule and the :class:`CheckResult` it produces.

The rule, in every direction, with ``c`` the claimed value, ``n`` the numerical one, ``e``
the (conservative) estimated error of ``n`` plus the rounding error of ``c``, and
``size = max(‖c‖, ‖n‖)``:

* **FAILED** if ``‖c - n‖ > max(rtol * size, SAFETY * e)``: the claim is wrong by more than
  the tolerance and more than the numerical derivative can be off;
* **PASSED** if it agrees and ``e <= rtol * max(size, reference)`` (the numerical derivative
  resolves the claim to the tolerance; ``reference`` is the typical size of the compared
  value, ‖G‖ rms(V) for a gradient and the root mean square over the directions of the
  claimed values in any case, so that a direction in which G:V happens to cancel is not held to a
  tighter standard than the others), or if it agrees and both values are at the rounding level of the
  computation (``size <= ZERO * e`` with ``e`` rounding-limited): a zero gradient computed
  with rounding, such as that of ``tr(X^-1 A X) - tr(A)``;
* **UNRESOLVED** otherwise: the claim agrees with the numerical derivative within its error,
  but that error is larger than the tolerance (a badly conditioned point, a function that
  cannot be differentiated numerically to ``rtol`` there). The result says what accuracy was
  achieved and what to do. An unresolved check is *not* passed: ``result.passed`` is False
  and ``result.verdict`` is ``"UNRESOLVED"``, so ``assert check_gradient(...)`` never accepts
  a claim that was not confirmed, and never calls a correct claim wrong.
"""

from dataclasses import dataclass, field

import numpy as np

from ._inputs import require_shape

__all__ = ["CheckResult", "Direction", "SAFETY", "ZERO", "check_along_directions", "compare",
           "random_direction", "verdict_of"]

SAFETY = 3.0  # a disagreement within SAFETY x the estimated error is not evidence of a mistake
ZERO = 10.0   # values within ZERO x their rounding-limited error are zero to rounding
PASSED, FAILED, UNRESOLVED = "PASSED", "FAILED", "UNRESOLVED"


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
            size = max(float(np.linalg.norm(np.ravel(d.claimed))),
                       float(np.linalg.norm(np.ravel(d.numeric))))
            worst = max(worst, d.numeric_error / size if size else 0.0)
        return worst

    def _header(self):
        rel = {PASSED: "<=", FAILED: ">", UNRESOLVED: "<="}[self.verdict]
        where = "" if self.precision == "float64" else f", f computes in {self.precision}"
        text = (f"{self.kind} check {self.verdict}: relative error {self.error:.2e} {rel} "
                f"tolerance {self.tolerance:.0e} (variable of shape {self.shape}, "
                f"{len(self.directions)} random directions, {self.evaluations} evaluations, "
                f"{self.method}{where})")
        if self.verdict == UNRESOLVED:
            text += (f"\n  not confirmed: the numerical derivative is accurate only to "
                     f"{self.achievable:.1e} relative here, coarser than the tolerance. Try a "
                     f"better-conditioned point, or rtol={min(0.5, 3 * self.achievable):.0e} "
                     f"if that accuracy is enough")
        return text

    def __str__(self):
        lines = [self._header()]
        scalar = bool(self.directions) and np.ndim(self.directions[0].claimed) == 0
        if self.kind == "gradient" or (self.kind == "hessian" and scalar):
            label = "claimed G:V" if self.kind == "gradient" else "claimed W:H[V]"
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


def random_direction(rng, shape, project=None):
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


def compare(claimed, claim_rounding, estimate, rtol, reference=0.0):
    """Compare a claimed directional derivative with a numerical :class:`Estimate`.

    Returns ``(Direction, relative error)``; the rule is in the module docstring.
    ``reference`` is the typical size of the compared value in any direction (for a
    gradient, ‖G‖ rms(V)): a direction in which G:V happens to be small is resolved when the
    error is small against that, not against the cancelled value.

    >>> from matcalc.directional import Estimate
    >>> est = Estimate(2.0, 1e-12, 1e-14, "complex step", 1e-20, 1)
    >>> d, rel = compare(2.0 * (1 + 1e-6), 0.0, est, 1e-8)
    >>> d.status, f"{rel:.0e}"
    ('FAILED', '1e-06')
    """
    norm = lambda a: float(np.linalg.norm(np.ravel(a)))
    diff = norm(np.asarray(claimed) - estimate.value)
    size = max(norm(claimed), norm(estimate.value))
    err = norm(estimate.error) + claim_rounding
    scale = max(size, SAFETY * err / rtol)
    rel = diff / scale if scale > 0 else 0.0
    note = estimate.note
    if rel > rtol:
        status = FAILED
    elif err <= rtol * max(size, reference):
        status = PASSED
    elif estimate.rounding_limited and size <= ZERO * err:
        status = PASSED
        note = ("zero to rounding: claimed and numeric values are both at the rounding "
                "level of the computation (the 'allowed' column)" + (f"; {note}" if note else ""))
    else:
        status = UNRESOLVED
    claimed_out = float(claimed) if np.ndim(claimed) == 0 else np.asarray(claimed)
    numeric_out = (float(estimate.value) if np.ndim(estimate.value) == 0
                   else np.asarray(estimate.value))
    return Direction(claimed_out, numeric_out, norm(estimate.error), diff, rtol * scale,
                     estimate.method, note, status), rel


def verdict_of(statuses):
    """FAILED if any direction failed, else UNRESOLVED if any is, else PASSED.

    >>> verdict_of(["PASSED", "UNRESOLVED"])
    'UNRESOLVED'
    """
    statuses = list(statuses)
    if FAILED in statuses:
        return FAILED
    return UNRESOLVED if UNRESOLVED in statuses else PASSED


def check_along_directions(kind, shape, *, directions, draw, claim, estimate, rtol,
                           evaluations=1, precision="float64"):
    """The per-direction loop every check shares.

    For each of ``directions`` draws ``d = draw()``: ``claim(d)`` returns the claimed value,
    XX
    (its ``evaluations`` are added up). Returns a :class:`CheckResult`.

    >>> import numpy as np
    >>> from matcalc.directional import Estimate
    >>> est = lambda d, resolution, relative: Estimate(d, 1e-13, 1e-14, "exact", 0.0, 1)
    >>> r = check_along_directions("gradient", (), directions=2, draw=lambda: 1.5,
    ...                            claim=lambda d: (d, 0.0, 0.0), estimate=est, rtol=1e-8)
    >>> r.verdict, r.evaluations
    ('PASSED', 3)
    """
    drawn = [draw() for _ in range(int(directions))]
    claims = [claim(d) for d in drawn]
    # The typical size of the compared value: a direction in which it happens to cancel is
    # resolved against this, not against its own small value.
    typical = float(np.sqrt(np.mean([np.sum(np.square(c[0])) for c in claims])))
    records, errors = [], []
    for d, (claimed, rounding, reference) in zip(drawn, claims):
        reference = max(reference, typical)
        size = max(float(np.linalg.norm(np.ravel(claimed))), reference)
        est = estimate(d, 0.1 * rtol * size + rounding, 0.1 * rtol)
        record, rel = compare(claimed, rounding, est, rtol, reference)
        records.append(record)
        errors.append(rel)
        evaluations += est.evaluations
    verdict = verdict_of(r.status for r in records)
    return CheckResult(kind, verdict == PASSED, float(max(errors)), rtol, int(evaluations),
                       tuple(shape), tuple(records), verdict, precision)
