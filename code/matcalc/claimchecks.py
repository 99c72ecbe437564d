"""How a :class:`~matcalc.claim.Claim` is checked: a :class:`~matcalc.Report` per claim.

:func:`check_claim` runs the checker of the claim's kind (:data:`CHECKERS`, written in
:mod:`matcalc.claimkinds`), then the controls: the deliberately wrong variant must fail, and a claim stated under a
condition (a symmetric matrix, say) is checked again without it — if it fails there the
condition is needed and that check is a control, otherwise it is one more check. Labels of
the parts: ``"exact"``, ``"numeric"``, ``"as a gradient"`` (a control of symmetric
partials), ``"without the condition"``, ``"wrong variant: <mistake>"``; a kind's checker
marks a control with the prefix :data:`~matcalc.claimkinds.CONTROL`. :func:`corrupt` makes wrong claims for the tests, and
:func:`digest` is what the catalogue keeps of a report.

>>> from matcalc.registry import get
>>> print(check_claim(get("tr(AXB)"), exact=True).summary())  # doctest: +ELLIPSIS
tr(AXB): PASSED (worst relative error ...)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .checkresult import CheckResult
from .claim import Claim
from .claimkinds import (CONTROL, check_diagonal_claim, check_differential_claim,
                         check_gradient_claim, check_hessian_claim, check_identity_claim,
                         check_jacobian_claim, check_partials_claim, check_vjp_claim)
from .claimpoints import Kinds, symbols, values
from .report import Report
from .variables import call_by_name

if TYPE_CHECKING:
    from .report import Parts, Result
    from .types import Function

__all__ = ["CHECKERS", "Checker", "Digest", "check_claim", "corrupt", "digest", "symbols",
           "values"]

CORRUPTIONS = ("transpose", "sign", "factor", "wrong")
STRUCTURED = ("symmetric-partials", "diagonal-gradient")

#: A checker: ``(claim, kinds, exact) -> (parts, how)``, the labelled results of its checks
#: and one line saying how it checked.
Checker = Callable[[Claim, Kinds, bool], "tuple[Parts, str]"]
#: What :func:`digest` keeps of a report: plain values by name (JSON).
Digest = dict[str, Any]
#: The checker of each kind of claim (the keys are :data:`matcalc.claim.KINDS`).
CHECKERS: dict[str, Checker] = {
    "gradient": check_gradient_claim,
    "differential": check_differential_claim,
    "jacobian": check_jacobian_claim,
    "hessian": check_hessian_claim,
    "symmetric-partials": check_partials_claim,
    "diagonal-gradient": check_diagonal_claim,
    "vjp": check_vjp_claim,
    "identity": check_identity_claim,
}


def _variant(claim: Claim, fn: Function, kinds: Kinds) -> Report:
    """The claim with ``fn`` in place of its claim, checked numerically; a variant that is
    refused (the wrong shape, say) is refuted, with the reason."""
    other = dataclasses.replace(claim, claim=fn, wrong=None, mistake="")
    try:
        parts, how = _checker(claim)(other, kinds, False)
    except ValueError as exc:
        return Report(title=claim.name, checks=(
            ("refused", CheckResult("comparison", False, float("inf"),
                                    what=f"refused: {exc}")),))
    return Report(title=claim.name, checks=tuple(parts), note=how)


def _checker(claim: Claim) -> Checker:
    return CHECKERS[claim.kind]


def _without_conditions(claim: Claim) -> tuple[str, Result, bool] | None:
    """The claim checked without the symmetry of its other variables: ``(label, result,
    needed)``, or None when it has no such condition."""
    relaxed = {k: v for k, v in claim.kinds.items() if v != "symmetric" or k in claim.wrt}
    if relaxed == claim.kinds or claim.kind in STRUCTURED:
        return None
    result: Result
    try:
        parts, how = _checker(claim)(claim, relaxed, False)
        result = Report(title=f"{claim.name}, without the condition", checks=tuple(parts),
                        note=how)
    except ValueError as exc:  # e.g. a function undefined without the condition
        result = CheckResult("comparison", False, float("inf"),
                             what=f"without the condition: {exc}")
    return "without the condition", result, not result.passed


def check_claim(claim: Claim, exact: bool = True) -> Report:
    """Check ``claim`` (see the module docstring): a :class:`~matcalc.Report` whose checks
    must pass and whose controls (the wrong variant, the claim without its condition) must
    fail. Raises ValueError, naming the claim and the shapes, when the claim cannot be
    evaluated (a claimed derivative of the wrong shape, say).

    >>> from matcalc.registry import get
    >>> report = check_claim(get("square rule"))
    >>> [label for label, _ in report.checks], report.controls[0][1].verdict
    (['exact', 'numeric'], 'FAILED')
    """
    parts, how = _checker(claim)(claim, claim.kinds, exact)
    checks: list[tuple[str, Result]] = [p for p in parts if not p[0].startswith(CONTROL)]
    controls: list[tuple[str, Result]] = [(label[len(CONTROL):], r) for label, r in parts
                                          if label.startswith(CONTROL)]
    relaxed = _without_conditions(claim)
    if relaxed is not None:
        label, result, needed = relaxed
        (controls if needed else checks).append((label, result))
        how += ("; without the condition it FAILS" if needed
                else "; it also holds without the condition")
    if claim.wrong is not None:
        controls.append((f"wrong variant: {claim.mistake or 'stored with the claim'}",
                         _variant(claim, claim.wrong, claim.kinds)))
    return Report(title=claim.name, checks=tuple(checks), controls=tuple(controls), note=how)


def corrupt(claim: Claim, how: str) -> Function:
    """A wrong version of ``claim.claim``, a function of the same variables: its value
    transposed (``"transpose"``; for a Jacobian array, the last two indices swapped),
    negated (``"sign"``) or doubled (``"factor"``), each output of a tuple alike, or the
    stored wrong variant (``"wrong"``). Raises ValueError for another ``how``, or for
    ``"wrong"`` when the claim stores no wrong variant.

    >>> from matcalc.registry import get
    >>> import numpy as np
    >>> corrupt(get("tr(AXB)"), "sign")(A=np.eye(2), X=np.eye(2), B=np.eye(2))
    array([[-1., -0.],
           [-0., -1.]])
    """
    D = claim.claim
    change: Callable[[Any], Any]
    if how == "transpose":
        def change(out: Any) -> Any:  # a Jacobian array: transpose the variable's indices
            return np.swapaxes(out, -1, -2) if np.ndim(out) > 2 else out.T
    elif how == "sign":
        def change(out: Any) -> Any:
            return -out
    elif how == "factor":
        def change(out: Any) -> Any:
            return 2 * out
    elif how == "wrong":
        if claim.wrong is None:
            raise ValueError(f"claim {claim.name!r} stores no wrong variant")
        return claim.wrong
    else:
        raise ValueError(f"unknown corruption {how!r}: use one of {CORRUPTIONS}")

    def bad(**env: Any) -> Any:
        out = call_by_name(D, env)
        return tuple(change(o) for o in out) if isinstance(out, tuple) else change(out)
    return bad


def digest(report: Report) -> Digest:
    """What the catalogue page and the verification cache keep of a claim's report, a dict
    of plain values (JSON): ``passed``, ``verdict``, ``error``, ``exact`` (the exact check's
    status or None), ``condition_needed`` (None when the claim has no condition) and
    ``how``.

    >>> from matcalc.registry import get
    >>> d = digest(get("tr(AXB)").check())
    >>> d["passed"], d["exact"], d["condition_needed"]
    (True, 'proved', None)
    """
    labels = dict(report.checks)
    exact = labels.get("exact")
    control_labels = [label for label, _ in report.controls]
    condition = ("without the condition" in control_labels if "without the condition"
                 in control_labels or "without the condition" in labels else None)
    return {"passed": report.passed, "verdict": report.verdict, "error": report.error,
            "exact": getattr(exact, "status", None), "condition_needed": condition,
            "how": report.note}

