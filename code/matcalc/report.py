"""A report of several checks of one claim: :class:`Report`.

Every check in the package returns one of three results: a
:class:`~matcalc.CheckResult` (one check: a claim against a numerical or exact reference,
:mod:`matcalc.checkresult`), a :class:`Report` (several checks of one claim, and the
deliberately wrong variants that must fail), or a derivation with its steps
(:class:`matcalc.derive.Derived`). A report is made of single checks and of other reports,
never of a new kind of result: a derivation checked link by link
(:meth:`matcalc.derivation.Derivation.check`) is a report of one report per link, and
prints as its chain of expressions through its :class:`Layout`.

A report has two lists of labelled results: ``checks``, which must pass, and ``controls``,
the negative controls (a deliberately wrong variant of the claim), which must *not* pass.
Its verdict is

* ``FAILED`` if a check failed, or if a control passed (the check is blind to that mistake);
* ``UNRESOLVED`` if otherwise a check or a control was not decided, or if the report has
  no checks (nothing was established);
* ``PASSED`` otherwise.

>>> import numpy as np
>>> from matcalc import check_gradient
>>> f, X = (lambda X: np.sum(X ** 2)), np.ones((2, 2))
>>> r = Report(title="sum of squares",
...            checks=(("gradient 2X", check_gradient(f, lambda X: 2 * X, X)),),
...            controls=(("gradient X (factor 2 lost)", check_gradient(f, lambda X: X, X)),))
>>> r.verdict, bool(r), r.failed
('PASSED', True, ())
>>> print(r.summary())  # doctest: +ELLIPSIS
sum of squares: PASSED (worst relative error ...; gradient X (factor 2 lost) refuted, error 5.0e-01)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Layout", "Parts", "Report", "Result", "VERDICTS"]

from .checkresult import FAILED, PASSED, UNRESOLVED

VERDICTS = (PASSED, FAILED, UNRESOLVED)


class Result(Protocol):
    """What a report is made of: a single check (a :class:`~matcalc.CheckResult`) or a
    :class:`Report` — anything with these three attributes.

    >>> r: Result = Report(title="nothing checked")
    >>> r.verdict, r.passed, r.error
    ('UNRESOLVED', False, 0.0)
    """

    @property
    def passed(self) -> bool:
        """Whether the check passed."""

    @property
    def verdict(self) -> str:
        """``"PASSED"``, ``"FAILED"`` or ``"UNRESOLVED"``."""

    @property
    def error(self) -> float:
        """The relative error that decided the verdict."""


#: The labelled results of a report: ``(label, result)`` pairs.
Parts = tuple[tuple[str, Result], ...]


class Layout(Protocol):
    """How a report prints when a list of its parts would not say it well: a derivation
    checked link by link prints as its chain of expressions
    (:class:`matcalc.chainlayout.ChainLayout`). ``text`` gives ``str(report)`` and
    ``markdown`` what a notebook displays.

    >>> class Short:
    ...     def text(self, report): return f"{report.title}: {report.verdict}"
    ...     def markdown(self, report): return f"**{report.title}**"
    >>> str(Report(title="t", layout=Short()))
    't: UNRESOLVED'
    """

    def text(self, report: Report) -> str:
        """The report as plain text."""

    def markdown(self, report: Report) -> str:
        """The report as Markdown."""


@dataclass(frozen=True, kw_only=True)
class Report:
    """Several checks of one claim, and its negative controls (see the module docstring).

    ``checks`` and ``controls`` are tuples of ``(label, result)`` pairs, each result a
    :class:`~matcalc.CheckResult` or a :class:`Report` (anything with ``passed``,
    ``verdict`` and ``error``). ``note`` is a line shown under the title (for example, the
    point the checks ran at). Raises TypeError, showing the part, when a part is not such a
    pair or its verdict is not one of the three or contradicts its ``passed``, and
    ValueError when a label is used twice. ``layout``, when given, is how the report prints
    (:class:`~matcalc.report.Layout`); otherwise ``str(report)`` shows every part.
    ``bool(report)`` is ``report.passed``.

    >>> from matcalc.checkresult import CheckResult
    >>> ok = CheckResult("gradient", True, 1e-12, 1e-8, 6, (2,), ())
    >>> bad = CheckResult("gradient", False, 0.5, 1e-8, 6, (2,), ())
    >>> Report(title="t", checks=(("a", ok), ("b", bad))).failed
    ('b',)
    """

    title: str
    checks: Parts = ()
    controls: Parts = ()
    note: str = ""
    layout: Layout | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for field_name in ("checks", "controls"):
            parts = tuple(getattr(self, field_name))
            for part in parts:
                if not (isinstance(part, tuple) and len(part) == 2 and isinstance(part[0], str)
                        and getattr(part[1], "verdict", None) in VERDICTS
                        and bool(part[1].passed) == (part[1].verdict == PASSED)
                        and hasattr(part[1], "error")):
                    raise TypeError(f"Report {field_name} must be (label, result) pairs with "
                                    f"a result that has a verdict (PASSED, FAILED or "
                                    f"UNRESOLVED) agreeing with its passed, and an error; "
                                    f"got {part!r:.80}")
            object.__setattr__(self, field_name, parts)
        labels = [label for label, _ in self.checks + self.controls]
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise ValueError(f"Report {self.title!r}: labels used twice: {twice}")

    @property
    def verdict(self) -> str:
        """``"PASSED"``, ``"FAILED"`` or ``"UNRESOLVED"`` (rule in the module docstring)."""
        checks = [r.verdict for _, r in self.checks]
        controls = [r.verdict for _, r in self.controls]
        if FAILED in checks or PASSED in controls:
            return FAILED
        if UNRESOLVED in checks or UNRESOLVED in controls or not checks:
            return UNRESOLVED
        return PASSED

    @property
    def passed(self) -> bool:
        """Every check passed and every control was refuted."""
        return self.verdict == PASSED

    def __bool__(self) -> bool:
        return self.passed

    @property
    def error(self) -> float:
        """The largest relative error among the checks (0.0 when there are none)."""
        return max((float(r.error) for _, r in self.checks), default=0.0)

    @property
    def evaluations(self) -> int:
        """The evaluations of the function checked, summed over the checks and controls
        that count them (0 when none does)."""
        return sum(int(getattr(r, "evaluations", 0)) for _, r in self.checks + self.controls)

    @property
    def failed(self) -> tuple[str, ...]:
        """Labels of the checks that FAILED and of the controls that PASSED (in that order)."""
        return (tuple(label for label, r in self.checks if r.verdict == FAILED)
                + tuple(label for label, r in self.controls if r.verdict == PASSED))

    @property
    def unresolved(self) -> tuple[str, ...]:
        """Labels of the checks and controls that were not decided (UNRESOLVED).

        >>> from matcalc.checkresult import CheckResult
        >>> open_ = CheckResult("gradient", False, 1e-6, 1e-8, verdict="UNRESOLVED")
        >>> r = Report(title="t", checks=(("a", open_),))
        >>> r.verdict, r.failed, r.unresolved
        ('UNRESOLVED', (), ('a',))
        """
        return tuple(label for label, r in self.checks + self.controls
                     if r.verdict == UNRESOLVED)

    def get(self, label: str) -> Result:
        """The result labelled ``label`` (a check or a control); KeyError naming the labels
        if there is none.

        >>> from matcalc.checkresult import CheckResult
        >>> ok = CheckResult("gradient", True, 1e-12, 1e-8, 6, (2,), ())
        >>> Report(title="t", checks=(("VJP", ok),)).get("VJP").error
        1e-12
        """
        for name, result in self.checks + self.controls:
            if name == label:
                return result
        labels = [name for name, _ in self.checks + self.controls]
        raise KeyError(f"no result labelled {label!r} in report {self.title!r}; "
                       f"the labels are {labels}")

    def summary(self) -> str:
        """One line: the verdict, the worst error, each control and whether it was refuted
        (with its error: how far the check put it from passing), the checks not passed.

        >>> Report(title="empty").summary()
        'empty: UNRESOLVED (worst relative error 0.0e+00)'
        """
        parts = [f"worst relative error {self.error:.1e}"]
        for label, r in self.controls:
            how = "refuted" if r.verdict == FAILED else f"NOT refuted ({r.verdict})"
            parts.append(f"{label} {how}, error {r.error:.1e}")
        wrong = [label for label, r in self.checks if not r.passed]
        if wrong:
            parts.append("not passed: " + ", ".join(wrong))
        return f"{self.title}: {self.verdict} ({'; '.join(parts)})"

    def __str__(self) -> str:
        if self.layout is not None:
            return self.layout.text(self)
        lines = [self.summary()]
        if self.note:
            lines.append(f"  {self.note}")
        for heading, parts in (("check", self.checks), ("control (must fail)", self.controls)):
            for label, result in parts:
                body = str(result).replace("\n", "\n    ")
                lines.append(f"  {heading} {label}: {body}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self) -> str | None:
        """What a notebook displays: the layout's Markdown, or None (then the text)."""
        return None if self.layout is None else self.layout.markdown(self)
