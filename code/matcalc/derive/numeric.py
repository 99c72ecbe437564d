"""The numeric checks of a chain (with numpy, in float64), at random points:

* link 0: the first step against numerical derivatives of the function
  (:func:`matcalc.check_differential`, complex step or extrapolated differences);
* every later link: both sides evaluated, relative difference at most 1e-9;
* a claimed gradient against numerical derivatives (:func:`matcalc.check_gradient`).

Directions are symmetric when the variable is. A point where a numerical derivative cannot
reach the tolerance (an ill-conditioned point) decides nothing: link 0 is confirmed when
no point fails and at least one passes.

>>> from .chain import Chain, choose_points
>>> from .expr import matrix
>>> from .language import tr
>>> from .result import Step
>>> from .rewrites import differential_variable
>>> X, A = matrix("X", "m", "n"), matrix("A", "n", "m")
>>> dX = differential_variable(X)
>>> chain = Chain(tr(A @ X), X, dX, (Step(tr(A @ dX), "linearity"),), (), {"X": X, "A": A})
>>> sizes, points = choose_points(chain, [{"m": 3, "n": 4}], "float")
>>> [c.verdict for c in numeric_checks(chain, sizes, points)]
['PASSED']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..checkresult import FAILED, PASSED, UNRESOLVED, CheckResult
from .chain import Chain, sizes_text
from .evaluate import evaluate, function
from .result import engine_check

if TYPE_CHECKING:
    from .expr import Expr

__all__ = ["numeric_checks", "link_difference"]

LINK_RTOL = 1e-9  # two closed forms at one point: only rounding separates them


def _terms_scale(e, value_of) -> float:
    """The largest magnitude among the terms of a sum (the scale of its rounding)."""
    import numpy as np
    terms = e.args if e.op == "add" else (e,)
    return max(float(np.max(np.abs(value_of(t)))) for t in terms)


def link_difference(lhs: Expr, rhs: Expr, env: dict, variables: dict) -> float:
    """The relative difference of two expressions at ``env``, relative to the largest of
    their values and of their terms (so that terms cancelling to a small value are judged
    at the size of the terms).

    >>> import numpy as np
    >>> from .expr import matrix
    >>> A = matrix("A", "m", "n")
    >>> link_difference(A + A, 2 * A, {"A": np.ones((2, 2))}, {"A": A})
    0.0
    """
    import numpy as np
    value_of = lambda e: np.asarray(evaluate(e, env, variables), dtype=float)
    a, b = value_of(lhs), value_of(rhs)
    scale = max(_terms_scale(lhs, value_of), _terms_scale(rhs, value_of), 1e-300)
    return float(np.max(np.abs(a - b))) / scale


def _project(chain: Chain):
    return (lambda V: (V + V.T) / 2) if chain.symmetric else None


def _differential(chain: Chain, points: list, sizes: dict) -> CheckResult:
    import numpy as np

    from ..check import check_differential
    name, dname = chain.variable.name, chain.dvariable.name
    F, dF = function(chain.function, chain.expr_vars), chain.steps[0].expr
    variables = chain.all_variables()
    results = []
    for env in points:
        f = lambda X: np.asarray(F(**{**env, name: X}))
        claimed = lambda X, V: np.asarray(
            evaluate(dF, {**env, name: X, dname: V}, variables)).reshape(np.shape(f(X)))
        results.append(check_differential(f, claimed, env[name], project=_project(chain)))
    failed = [r for r in results if r.verdict == FAILED]
    confirmed = [r for r in results if r.passed]
    verdict = FAILED if failed else PASSED if confirmed else UNRESOLVED
    worst = max(failed or confirmed or results, key=lambda r: r.error)
    proved = (f"the first step against numerical derivatives at {len(points)} random points, "
              f"{sizes_text(sizes)} (relative error {worst.error:.1e})")
    open_ = [r for r in results if r.verdict == UNRESOLVED]
    detail = "" if verdict == PASSED else (
        f"first wrong step: link 0, from d({chain.function}) to {dF}\n{worst}"
        if verdict == FAILED else f"not confirmed at any point:\n{worst}")
    if verdict == PASSED and open_:  # an ill-conditioned point decides nothing: say so
        detail = (f"confirmed at {len(confirmed)} of {len(results)} points; at the other "
                  f"{len(open_)} the numerical derivative is accurate only to "
                  f"{max(r.achievable for r in open_):.1e}")
    return engine_check("numeric: first step", verdict, proved, worst.error, detail)


def _links(chain: Chain, points: list, sizes: dict) -> CheckResult | None:
    links = chain.links()
    if not links:
        return None
    variables = chain.all_variables()
    worst, wrong = 0.0, None
    for index, lhs, rhs, _ in links:
        error = max(link_difference(lhs, rhs, env, variables) for env in points)
        worst = max(worst, error)
        if error > LINK_RTOL and wrong is None:
            wrong = f"first wrong step: link {index}, from {lhs} to {rhs} (relative " \
                    f"difference {error:.1e})"
    proved = (f"every further link ({len(links)}) at the same points (largest relative "
              f"difference {worst:.1e})")
    return engine_check("numeric: links", FAILED if wrong else PASSED, proved, worst,
                        wrong or "")


def _gradient(chain: Chain, points: list, sizes: dict) -> CheckResult:
    import numpy as np

    from ..check import check_gradient
    assert chain.gradient is not None, "a chain without a gradient has no gradient check"
    name = chain.variable.name
    f, g = function(chain.function, chain.expr_vars), function(chain.gradient, chain.expr_vars)

    def run(env: dict) -> Any:
        shape = env[name].shape
        return check_gradient(
            lambda X: np.asarray(f(**{**env, name: X})).reshape(())[()],
            lambda X: np.broadcast_to(np.asarray(g(**{**env, name: X})), shape).copy(),
            env[name], project=_project(chain))

    result = run(points[0])
    for env in points[1:]:  # an unresolved point decides nothing: try the next
        if result.verdict != UNRESOLVED:
            break
        result = run(env)
    proved = (f"the gradient against numerical derivatives ({result.method}; relative "
              f"error {result.error:.1e})")
    return engine_check("gradient", result.verdict, proved, result.error,
                        "" if result.passed else str(result))


def numeric_checks(chain: Chain, sizes: dict, points: list) -> list:
    """The numeric checks of ``chain`` at ``points`` (numpy arrays at ``sizes``): a
    :class:`~matcalc.CheckResult` for link 0, one for the other links (if any) and one for
    the gradient (if the chain claims one).

    >>> from .chain import choose_points
    >>> from .expr import Expr, matrix
    >>> from .language import fro
    >>> from .result import Step
    >>> from .rewrites import differential_variable
    >>> X = matrix("X", "m", "n")
    >>> dX = differential_variable(X)
    >>> wrong = Chain(fro(X) ** 2, X, dX, (Step(Expr("frob", (X, dX)), "a factor 2 lost"),),
    ...               (), {"X": X})
    >>> sizes, points = choose_points(wrong, [{"m": 3, "n": 4}], "float")
    >>> numeric_checks(wrong, sizes, points)[0].verdict
    'FAILED'
    """
    out = [_differential(chain, points, sizes)]
    links = _links(chain, points, sizes)
    if links is not None:
        out.append(links)
    if chain.gradient is not None:
        out.append(_gradient(chain, points, sizes))
    return out
