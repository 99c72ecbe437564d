"""Which checks run, in what order, and what must hold before a result is returned.

1. Points: sizes chosen from the expression (:mod:`.sizing`), and random points where
   every member of the chain is defined (:func:`.chain.choose_points`); if there are none,
   the refusal names the undefined operation.
2. The numeric checks (:mod:`.numeric`, float64 with numpy) or, where numpy cannot be
   imported, the high-precision checks (:mod:`.precise`, 50-digit sympy numbers).
3. The exact check (:mod:`.exact`), unless it is switched off, the expression is not
   rational, the estimated size of its polynomials is over the cap, or no time is left.

Any check that fails raises :class:`DerivationFailed` naming the first wrong step. A result
is returned only if the exact check proved every link or the numeric (high-precision)
checks passed; otherwise the refusal says what could not be confirmed.

>>> numpy_available() in (True, False)
True
"""

from __future__ import annotations

from dataclasses import replace

from .budget import Budget
from .chain import Chain, choose_points, sizes_text
from .exact import COST_CAP, NOT_RATIONAL, cost, exact_check
from .expr import walk
from .points import POSITIVE_KEY
from ..checkresult import FAILED, PASSED

__all__ = ["DerivationFailed", "run_checks", "numpy_available"]

_NUMERIC_SHARE = 0.35  # the exact check leaves this share of the cap for what follows it


class DerivationFailed(RuntimeError):
    """The engine's own check failed: the message names the first wrong step, and nothing
    is returned.

    >>> from .engine import derive
    >>> from .expr import matrix
    >>> from .language import inv, tr
    >>> from .rewrites import corrupted
    >>> X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
    >>> derive(tr(A @ inv(X)), "X", rewrites=corrupted("inv"))
    Traceback (most recent call last):
    ...
    matcalc.derive.checks.DerivationFailed: the engine's check of d(tr(A X^-1)) failed; ...
    """


def numpy_available() -> bool:
    """True when numpy can be imported (then the numeric checks run in float64).

    >>> isinstance(numpy_available(), bool)
    True
    """
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _failed(chain: Chain, check) -> DerivationFailed:
    return DerivationFailed(f"the engine's check of d({chain.function}) failed; the result is "
                            f"not returned.\n{check.kind}: {check.what}\n  {check.note}")


def _numeric(chain: Chain, candidates: list) -> tuple:
    """(checks, sizes) of the numeric or high-precision checks."""
    if numpy_available():
        from .numeric import numeric_checks as run
        sizes, points = choose_points(chain, candidates, "float")
    else:
        from .precise import precise_checks as run
        sizes, points = choose_points(chain, candidates, "precise")
    checks = run(chain, sizes, points)
    positive = points[0].get(POSITIVE_KEY, ())
    if positive:  # say where the points were: log, sqrt, ... needed positive entries
        first = checks[0]
        checks[0] = replace(first, what=f"{first.what}, with positive entries for "
                                          f"{', '.join(positive)}")
    return checks, sizes


def _exact_reason(chain: Chain, sizes: dict, exact: bool | None) -> str:
    """Why the exact check is not started, or "" to start it."""
    if exact is False:
        return "switched off by the caller (exact=False)"
    if exact:
        return ""
    functions = sorted({n.op for e in chain.expressions() for n in walk(e)
                        if n.op in NOT_RATIONAL})
    if functions:
        verb = "makes" if len(functions) == 1 else "make"
        return (f"{', '.join(functions)} {verb} the expression not rational; sympy cannot "
                f"decide it quickly (exact=True forces it)")
    estimate = max(cost(e, sizes) for e in chain.expressions())
    if estimate > COST_CAP:
        about = f"{estimate:,.0f}" if estimate < 1e6 else f"{estimate:.0e}"
        return (f"its polynomials at {sizes_text(sizes)} would have about {about} terms, "
                f"over the cap of {COST_CAP:,} (exact=True forces it)")
    return ""


def run_checks(chain: Chain, candidates: list, exact_sizes: dict, budget: Budget,
               exact: bool | None) -> tuple:
    """(passed checks, skipped (name, reason) pairs, the numeric sizes) for ``chain``;
    raises DerivationFailed for a failed check and ValueError when nothing could confirm
    the chain (see the module docstring).

    >>> from .expr import matrix
    >>> from .language import tr
    >>> from .result import Step
    >>> from .rewrites import differential_variable
    >>> X, A = matrix("X", "m", "n"), matrix("A", "n", "m")
    >>> dX = differential_variable(X)
    >>> chain = Chain(tr(A @ X), X, dX, (Step(tr(A @ dX), "linearity"),), (), {"X": X, "A": A})
    >>> checks, skipped, sizes = run_checks(chain, [{"m": 3, "n": 4}], {"m": 2, "n": 2},
    ...                                     Budget(10), None)
    >>> [c.kind for c in checks], skipped, sizes
    (['exact', 'numeric: first step'], [], {'m': 3, 'n': 4})
    """
    undefined: ValueError | None = None
    try:
        checks, sizes = _numeric(chain, candidates)
    except ValueError as exc:  # no usable point: only a complete exact proof can decide
        checks, sizes, undefined = [], dict(candidates[0]), exc
    for c in checks:
        if c.verdict == FAILED or c.error != c.error:  # a NaN error decides nothing
            raise _failed(chain, c) if c.verdict == FAILED else ValueError(
                f"not confirmed: {c.kind} measured no finite error ({c.what})")
    budget.check("the numeric checks")
    skipped = [] if undefined is None else [("numeric checks", str(undefined))]
    reason = _exact_reason(chain, exact_sizes, exact)
    proof = None
    if not reason:
        proof, reason = exact_check(chain, exact_sizes, budget,
                                    reserve=_NUMERIC_SHARE * budget.cap * 0.2)
        if proof is not None and proof.verdict == FAILED:
            raise _failed(chain, proof)
    if reason:
        skipped.append(("exact check", reason))
    numeric_ok = bool(checks) and all(c.verdict == PASSED for c in checks)
    proved_all = proof is not None and proof.what.startswith("every link")
    if undefined is not None and not proved_all:
        raise undefined
    if not numeric_ok and not proved_all:
        open_ = [c for c in checks if c.verdict != PASSED]
        raise ValueError(f"not confirmed: {open_[0].kind} could not decide at any point "
                         f"({open_[0].note.splitlines()[0] if open_[0].note else ''}); "
                         f"give sizes= or better-conditioned properties (spd, ...)")
    passed = ([proof] if proof else []) + [c for c in checks if c.verdict == PASSED]
    skipped += [(c.kind, f"undecided ({c.what})") for c in checks if c.verdict != PASSED]
    return passed, skipped, sizes
