"""The high-precision checks of a chain, for where numpy is not available: the same links
as :mod:`.numeric`, at random points of 50-digit numbers (sympy's floats, mpmath inside).

* link 0: the first step against the central difference (f(X + h V) - f(X - h V)) / 2h with
  h = 1e-20, accurate to about 30 digits at 50-digit precision;
* every later link: both sides agree to 1e-25 relative.

What this proves is what a numeric check proves: agreement at random points, far beyond
float64's accuracy. It is evidence, not a proof for all values.

>>> from .chain import Chain, choose_points
>>> from .expr import matrix
>>> from .language import tr
>>> from .result import Step
>>> from .rewrites import differential_variable
>>> X, A = matrix("X", "m", "n"), matrix("A", "n", "m")
>>> dX = differential_variable(X)
>>> chain = Chain(tr(A @ X), X, dX, (Step(tr(A @ dX), "linearity"),), (), {"X": X, "A": A})
>>> sizes, points = choose_points(chain, [{"m": 3, "n": 4}], "precise")
>>> [c.verdict for c in precise_checks(chain, sizes, points)]
['PASSED']
"""

from __future__ import annotations

from ..checkresult import FAILED, PASSED, CheckResult
from .backends import DIGITS
from .chain import Chain, sizes_text
from .evaluate import evaluate
from .result import engine_check

__all__ = ["precise_checks", "STEP", "DIFFERENCE_RTOL", "LINK_RTOL"]

STEP = "1e-20"  # the step of the central difference
DIFFERENCE_RTOL = 1e-20  # the central difference is accurate to about 1e-30 here
LINK_RTOL = 1e-25


def _magnitude(value) -> float:
    items = list(value) if hasattr(value, "rows") else [value]
    return max(abs(complex(x)) for x in items)


def _relative(a, b, scale: float) -> float:
    diff = _magnitude(a - b)
    return diff / max(scale, 1e-300)


def _first(chain: Chain, points: list, sizes: dict) -> CheckResult:
    import sympy as sp
    variables = chain.all_variables()
    name, dname = chain.variable.name, chain.dvariable.name
    h = sp.Float(STEP, DIGITS)
    worst = 0.0
    for env in points:
        X, V = env[name], env[dname]
        up = evaluate(chain.function, {**env, name: X + h * V}, variables)
        down = evaluate(chain.function, {**env, name: X - h * V}, variables)
        numeric = (up - down) / (2 * h)
        claimed = evaluate(chain.steps[0].expr, env, variables)
        worst = max(worst, _relative(numeric, claimed, max(_magnitude(claimed),
                                                            _magnitude(numeric))))
    verdict = PASSED if worst <= DIFFERENCE_RTOL else FAILED
    proved = (f"the first step against central differences in {DIGITS}-digit arithmetic at "
              f"{len(points)} random points, {sizes_text(sizes)} (relative difference "
              f"{worst:.1e})")
    detail = "" if verdict == PASSED else (f"first wrong step: link 0, from "
                                           f"d({chain.function}) to {chain.steps[0].expr}")
    return engine_check(f"{DIGITS} digits: first step", verdict, proved, worst, detail)


def _links(chain: Chain, points: list, sizes: dict) -> CheckResult | None:
    links = chain.links()
    if not links:
        return None
    variables = chain.all_variables()
    worst, wrong = 0.0, ""
    for index, lhs, rhs, _ in links:
        for env in points:
            a, b = evaluate(lhs, env, variables), evaluate(rhs, env, variables)
            error = _relative(a, b, max(_magnitude(a), _magnitude(b)))
            worst = max(worst, error)
            if error > LINK_RTOL and not wrong:
                wrong = f"first wrong step: link {index}, from {lhs} to {rhs}"
    proved = (f"every further link ({len(links)}) at the same points in {DIGITS}-digit "
              f"arithmetic (largest relative difference {worst:.1e})")
    return engine_check(f"{DIGITS} digits: links", FAILED if wrong else PASSED, proved, worst,
                        wrong)


def precise_checks(chain: Chain, sizes: dict, points: list) -> list:
    """The high-precision checks of ``chain`` at ``points`` (sympy matrices of 50-digit
    numbers at ``sizes``): a :class:`~matcalc.CheckResult` for link 0 and one for the other
    links.

    >>> from .chain import choose_points
    >>> from .expr import Expr, matrix
    >>> from .language import fro
    >>> from .result import Step
    >>> from .rewrites import differential_variable
    >>> X = matrix("X", "m", "n")
    >>> dX = differential_variable(X)
    >>> wrong = Chain(fro(X) ** 2, X, dX, (Step(Expr("frob", (X, dX)), "a factor 2 lost"),),
    ...               (), {"X": X})
    >>> sizes, points = choose_points(wrong, [{"m": 3, "n": 4}], "precise")
    >>> precise_checks(wrong, sizes, points)[0].verdict
    'FAILED'
    """
    out = [_first(chain, points, sizes)]
    links = _links(chain, points, sizes)
    return out + ([links] if links is not None else [])
