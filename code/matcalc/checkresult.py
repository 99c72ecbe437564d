"""One check of one claim: :class:`CheckResult`, the single-check result of the package.

Every checker returns one, whatever it compared:

* along random directions, a claimed derivative against a numerical one (``kind``
  ``"gradient"``, ``"differential"``, ``"hessian"``, ``"VJP"``, ``"JVP"``; see
  :mod:`matcalc.compare`): ``directions`` holds the comparison in each direction;
* exactly, both sides of an identity expanded in generic symbolic matrices (``kind``
  ``"identity"``, :func:`matcalc.symbolic.verify`): ``status`` is ``"proved"``,
  ``"disproved"`` or ``"undecided"``, with the entries that are not zero and a
  counter-example;
* two values computed in closed form (``kind`` ``"comparison"``,
  :func:`matcalc.backend.compare`): their relative difference against ``tolerance``;
* a check of the derivation engine (:mod:`matcalc.derive`; ``kind`` names the check,
  ``"exact"`` or ``"numeric: first step"``, say): ``what`` says what it established.

Several results make a :class:`~matcalc.Report`. This module imports neither numpy nor
sympy (the derivation engine runs without numpy); printing a result imports what it needs.

>>> r = CheckResult("comparison", False, 0.5, 1e-9, what="two values")
>>> r.verdict, bool(r), str(r)
('FAILED', False, 'two values: relative difference 5.0e-01 > 1e-09, DISAGREES')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

__all__ = ["CheckResult", "DIRECTIONAL", "FAILED", "PASSED", "UNRESOLVED", "sizes_text"]

PASSED, FAILED, UNRESOLVED = "PASSED", "FAILED", "UNRESOLVED"
#: The kinds of checks along random directions (printed as a table of the directions).
DIRECTIONAL = ("gradient", "differential", "hessian", "VJP", "JVP")
#: An exact check's status, by verdict.
_STATUS = {PASSED: "proved", FAILED: "disproved", UNRESOLVED: "undecided"}
#: The label of the table of scalar claims, by kind of check.
_SCALAR_LABELS = {"gradient": "claimed G:V", "hessian": "claimed W:H[V]", "VJP": "claimed vjp:V"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check (the kinds are in the module docstring).

    ``passed`` is the verdict, ``error`` the number the verdict compares with ``tolerance``
    (along directions: the difference relative to the larger of the values and of what the
    numerical derivative cannot resolve, so it is the relative difference wherever the
    numerical derivative is accurate, and smaller where it is not: :attr:`difference` is the
    plain one; an exact check has 0.0 when proved and 1.0 otherwise),
    ``evaluations`` the number of calls of the function checked, ``shape`` the shape of the
    variable (of the identity, for an exact check). ``verdict`` is ``"PASSED"``,
    ``"FAILED"`` or ``"UNRESOLVED"`` (``PASSED`` or ``FAILED`` from ``passed`` when not
    given; ValueError when it contradicts ``passed``), ``precision`` the floating-point type
    the function computes in. The keyword-only fields say what was found:

    * ``status`` (exact checks): ``"proved"``, ``"disproved"`` or ``"undecided"``;
      ``entries``, the number of entries compared; ``failing``, ``((index, lhs - rhs),
      ...)`` for the entries not proved zero; ``counter_example``, ``(index, {symbol:
      value}, value of lhs - rhs)`` or None;
    * ``sizes``: the dimension sizes the check ran at, when known;
    * ``what``: what was compared, or what a passed check established;
    * ``note``: a further line (for an engine's check, the first wrong link).

    ``bool(result)`` is ``result.passed``; ``str(result)`` shows the evidence (for a check
    along directions, claimed and numeric values side by side).

    >>> import numpy as np
    >>> from matcalc import check_gradient
    >>> r = check_gradient(lambda X: np.sum(X ** 2), lambda X: 2 * X, np.ones((2, 2)))
    >>> r.verdict, bool(r), r.tolerance
    ('PASSED', True, 1e-08)
    >>> from matcalc.symbolic import matrix, verify
    >>> A, B = matrix("A", 2), matrix("B", 2)
    >>> verify(A * B, B * A).status
    'disproved'
    """

    kind: str
    passed: bool
    error: float
    tolerance: float = 0.0
    evaluations: int = 0
    shape: tuple = ()
    directions: tuple = field(default=(), repr=False)
    verdict: str = ""
    precision: str = "float64"
    _: KW_ONLY
    status: str = ""
    entries: int = 0
    failing: tuple = ()
    counter_example: Any = None
    sizes: Mapping[str, int] | None = None
    what: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.passed, (bool, int)) and type(self.passed).__name__ != "bool":
            raise TypeError(f"a {self.kind} check's passed must be a bool, got "
                            f"{self.passed!r:.40}")
        object.__setattr__(self, "passed", bool(self.passed))  # numpy's bool_ too
        if not self.verdict:
            object.__setattr__(self, "verdict", PASSED if self.passed else FAILED)
        if self.verdict not in _STATUS or bool(self.passed) != (self.verdict == PASSED):
            raise ValueError(f"a {self.kind} check with passed={self.passed} cannot have the "
                             f"verdict {self.verdict!r}")
        if self.kind == "identity" and not self.status:
            object.__setattr__(self, "status", _STATUS[self.verdict])
        if self.kind == "identity" and self.status != _STATUS[self.verdict]:
            raise ValueError(f"an identity check with the verdict {self.verdict} cannot have "
                             f"the status {self.status!r} (it is {_STATUS[self.verdict]!r})")

    def __bool__(self) -> bool:
        return self.passed

    @property
    def method(self) -> str:
        """The numerical method(s) used along the directions, e.g. ``'complex step'``
        (empty when there are no directions)."""
        return ", ".join(sorted({d.method for d in self.directions}))

    @property
    def achievable(self) -> float:
        """The relative accuracy the numerical derivative reached (worst direction; 0.0
        when there are no directions)."""
        from .scaled import norm

        worst = 0.0
        for d in self.directions:
            size = max(norm(d.claimed), norm(d.numeric))
            worst = max(worst, d.numeric_error / size if size else 0.0)
        return worst

    @property
    def difference(self) -> float:
        """The largest relative difference between the claimed and the numerical values
        along the directions (0.0 when there are none).

        >>> import numpy as np
        >>> from matcalc import check_gradient
        >>> f = lambda x: np.sum(x ** 2)
        >>> f"{check_gradient(f, lambda x: 2.2 * x, np.ones(3)).difference:.2f}"
        '0.09'
        """
        from .scaled import norm

        worst = 0.0
        for d in self.directions:
            size = max(norm(d.claimed), norm(d.numeric))
            worst = max(worst, d.disagreement / size if size else 0.0)
        return worst

    def __str__(self) -> str:
        if self.kind == "identity":
            text = _identity_text(self)
        elif self.kind == "comparison":
            text = _comparison_text(self)
        elif self.what:
            text = f"{self.verdict}: {self.what}"
        elif self.kind in DIRECTIONAL:
            text = _directions_text(self)
        else:
            text = f"{self.kind} check {self.verdict}"
        return text + (f"\n  {self.note}" if self.note else "")

    __repr__ = __str__


def _header(r: CheckResult) -> str:
    import numpy as np

    rel = {PASSED: "<=", FAILED: ">", UNRESOLVED: "<="}[r.verdict]
    who = "f" if r.kind in ("gradient", "hessian") else "F"
    where = "" if r.precision == "float64" else f", {who} computes in {r.precision}"
    if not np.isfinite(r.error):
        rel = "(not finite: see the notes), vs"
    measured = f"relative error {r.error:.2e} {rel}"
    if r.verdict == UNRESOLVED and np.isfinite(r.error):
        measured = (f"claimed and numerical values differ by {r.difference:.2e} relative, "
                    f"within what the numerical derivative resolves here;")
    text = (f"{r.kind} check {r.verdict}: {measured} "
            f"tolerance {r.tolerance:.0e} (variable of shape {r.shape}, "
            f"{len(r.directions)} random directions, {r.evaluations} evaluations, "
            f"{r.method}{where})")
    if r.verdict == FAILED and np.isfinite(r.error) and r.difference > 10 * r.error:
        text += (f"\n  the values differ by {r.difference:.1e} relative, more than the "
                 f"numerical derivative's own error ({r.achievable:.1e} relative here) "
                 f"explains; the error above measures the difference against that")
    if r.verdict == UNRESOLVED and r.achievable > 0.1:
        text += (f"\n  not confirmed: the numerical derivative is accurate only to "
                 f"{r.achievable:.1e} relative here, so it cannot tell a right claim "
                 f"from a wrong one at this point (see the notes)")
    elif r.verdict == UNRESOLVED and not r.achievable > r.tolerance:
        text += ("\n  not confirmed: the values agree, but agreement at this point is no "
                 "evidence (see the notes)")
    elif r.verdict == UNRESOLVED:
        text += (f"\n  not confirmed: the numerical derivative is accurate only to "
                 f"{r.achievable:.1e} relative here, coarser than the tolerance. Try a "
                 f"better-conditioned point, or rtol={3 * r.achievable:.0e} "
                 f"if that accuracy is enough")
    return text


def _directions_text(r: CheckResult) -> str:
    """A check along directions: the verdict line, then claimed and numeric values in each
    direction (the worst entry of each, for a differential), then the notes."""
    import numpy as np

    lines = [_header(r)]
    scalar = bool(r.directions) and np.ndim(r.directions[0].claimed) == 0
    if scalar and r.kind in _SCALAR_LABELS:
        label = _SCALAR_LABELS[r.kind]
        lines.append(f"  {'direction':>9}  {label:>22}  {'numeric':>22}  "
                     f"{'|difference|':>12}  {'allowed':>8}")
        for k, d in enumerate(r.directions, 1):
            lines.append(f"  {k:>9}  {d.claimed:>22.15e}  {d.numeric:>22.15e}  "
                         f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
    else:
        claimed = "claimed H[V]" if r.kind == "hessian" else "claimed dF"
        lines.append(f"  {'direction':>9}  {'worst entry':>12}  {claimed:>22}  "
                     f"{'numeric':>22}  {'‖difference‖':>12}  {'allowed':>8}")
        for k, d in enumerate(r.directions, 1):
            c, n = np.atleast_1d(d.claimed), np.atleast_1d(d.numeric)
            i = np.unravel_index(int(np.argmax(np.abs(c - n))), c.shape)
            where = str(tuple(int(t) for t in i)) if np.ndim(d.claimed) else "()"
            lines.append(f"  {k:>9}  {where:>12}  {c[i]:>22.15e}  {n[i]:>22.15e}  "
                         f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
    notes = sorted({d.note for d in r.directions if d.note})
    lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines)


def sizes_text(sizes: Mapping[str, int] | None) -> str:
    """Dimension sizes as ``m=3, n=2`` (``-`` for none).

    >>> sizes_text({"m": 3, "n": 2})
    'm=3, n=2'
    """
    return ", ".join(f"{k}={v}" for k, v in (sizes or {}).items()) or "-"


def _comparison_text(r: CheckResult) -> str:
    verdict = f"<= {r.tolerance:.0e}, agrees" if r.passed else \
        f"> {r.tolerance:.0e}, DISAGREES"
    where = f" at {sizes_text(r.sizes)}" if r.sizes else ""
    head = f"{r.what}: " if r.what else ""
    return f"{head}relative difference {r.error:.1e}{where} {verdict}"


def _identity_text(r: CheckResult) -> str:
    """An exact check: proved, or the entries of lhs - rhs that are not 0 (three at most)
    and a counter-example."""
    import sympy as sp

    at = f" at {sizes_text(r.sizes)}" if r.sizes else ""
    if r.shape == ():
        if r.passed:
            return f"scalar identity PROVED exactly{at}: lhs - rhs simplifies to 0"
        lines = [f"scalar identity {r.status.upper()}{at}: lhs - rhs is not 0"]
    elif r.passed:
        return (f"identity PROVED exactly at shape {r.shape}{at}: all {r.entries} "
                f"entries of lhs - rhs simplify to 0")
    else:
        lines = [f"identity {r.status.upper()} at shape {r.shape}{at}: "
                 f"{len(r.failing)} of {r.entries} entries of lhs - rhs are not 0"]
    for index, diff in r.failing[:3]:
        where = f"entry {index}: " if r.shape != () else ""
        text = str(diff)
        if len(text) > 240:
            text = f"{text[:200]} ... ({len(sp.Add.make_args(sp.expand(diff)))} terms)"
        lines.append(f"  {where}lhs - rhs = {text}")
    if r.counter_example is not None:
        index, point, value = r.counter_example
        shown = ", ".join(f"{k}={v}" for k, v in list(point.items())[:6])
        more = ", ..." if len(point) > 6 else ""
        where = f"entry {index} of " if r.shape != () else ""
        lines.append(f"  counter-example: at {shown}{more}, {where}lhs - rhs = {value}")
    return "\n".join(lines)

