"""The exact check of a chain: every link proved with sympy for all values of generic
symbolic matrices at small sizes, within a bound on the work and a deadline.

Each link's two sides are evaluated on generic symbolic matrices, and their difference is
decided as a rational function of the entries (:func:`matcalc.rational.vanishes`); link 0's
left side is the derivative d/dt F(X + t dX) at t = 0, computed by sympy. Polynomials grow
with the number of factors, the sizes and the inverses, and sympy cannot be interrupted
inside one expansion (the engine uses no threads or signals). So a rough size estimate first
keeps the check from starting on hopeless problems (:func:`cost`), every product of
polynomials is checked against a bound on the work before it is computed, and the deadline
is checked between products; a check stopped by either reports the links it proved.

>>> from .expr import matrix
>>> from .language import inv, tr
>>> X = matrix("X", "n", "n")
>>> cost(tr(inv(X)), {"n": 2}) < cost(tr(inv(X)), {"n": 3})
True
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .budget import Budget
from .chain import Chain, sizes_text
from .evaluate import Undefined, dimension_size, evaluate
from .expr import ELEMENTWISE, Expr
from .points import symbolic_point
from ..checkresult import FAILED, PASSED
from .result import engine_check

__all__ = ["cost", "exact_check", "COST_CAP", "NOT_RATIONAL"]

#: Above this estimate of its polynomials' size the exact check is not even set up (the
#: estimate is rough; the bound on the work in matcalc.rational.WorkBound decides the rest).
COST_CAP = 1_000_000
#: Operations whose exact check sympy cannot decide quickly (not rational functions).
NOT_RATIONAL = ELEMENTWISE + ("softmax",)


def _product_cost(parts: list) -> tuple:
    t = q = 1.0
    for a, b in parts:
        t, q = t * a, q * b
    return t, q


def _node_cost(e: Expr, args: list, sizes: dict) -> tuple:
    op = e.op
    n = dimension_size(e.args[0].shape[0], sizes) if e.args else 1
    if op in NOT_RATIONAL or op == "pow" and float(e.data) != int(e.data):
        return math.inf, math.inf
    if op == "mm":
        t, q = _product_cost(args)
        for a in e.args[:-1]:
            t *= dimension_size(a.shape[1], sizes)
        return t, q
    if op in ("mul", "had", "kron", "frob"):
        t, q = _product_cost(args)
        return (t * dimension_size(e.args[0].shape[0], sizes)
                * dimension_size(e.args[0].shape[1], sizes) if op == "frob" else t), q
    if op == "add":
        qs = {b for _, b in args}
        if len(qs) == 1:
            return sum(a for a, _ in args), qs.pop()
        return sum(a * math.prod(b for _, b in args) / b for a, b in args), math.prod(qs)
    if op in ("inv", "det", "logdet"):
        (t, q), = args
        det = math.factorial(n) * t ** n
        return ((math.factorial(n - 1) * t ** (n - 1) * q, det) if op == "inv"
                else (det, q ** n))
    if op in ("tr", "sum", "fro"):
        (t, q), = args
        count = n if op == "tr" else n * dimension_size(e.args[0].shape[1], sizes)
        return t * count * (t if op == "fro" else 1), q
    if op == "pow":
        (t, q), = args
        p = abs(int(e.data))
        return (t ** p, q ** p) if e.data >= 0 else (q ** p, t ** p)
    return args[0] if args else (1.0, 1.0)


def cost(e: Expr, sizes: dict) -> float:
    """An estimate of the number of terms (numerator plus denominator) of the largest
    polynomial the exact check expands for ``e`` at ``sizes``; inf when ``e`` is not a
    rational function of the entries.

    >>> from .expr import matrix
    >>> from .language import exp
    >>> cost(exp(matrix("A", "m", "n")), {"m": 2, "n": 2})
    inf
    """
    memo: dict = {}

    def walk(node: Expr) -> tuple:
        if node.key not in memo:
            args = [walk(a) for a in node.args]
            try:
                t, q = _node_cost(node, args, sizes)
            except OverflowError:
                t = q = math.inf
            memo[node.key] = (min(t, 1e300), min(q, 1e300))
        return memo[node.key]

    t, q = walk(e)
    return math.inf if t >= 1e300 or q >= 1e300 else t + q


def _entries(value) -> list:
    return list(value) if hasattr(value, "rows") else [value]


def _differences(chain: Chain, env: dict, variables: dict, index: int, lhs, rhs,
                 memo: dict, deadline: Callable[[], bool]) -> list:
    """The entries of (left side - right side) of a link; for link 0 the left side is the
    derivative of the function along d<X> at t = 0, computed by sympy from F(X + t dX).
    The deadline is asked at every node of the expressions and between the terms of a sum
    that is differentiated (sympy cannot be interrupted inside one call): raises
    :class:`Undefined` when it has passed."""
    import sympy as sp
    stop = lambda node, out, vals, values: "(the time cap)" if deadline() else None
    right = evaluate(rhs, env, variables, inspect=stop, memo=memo)
    if index == 0:
        t = sp.Dummy("t")
        name = chain.variable.name
        moved = {**env, name: env[name] + t * env[chain.dvariable.name]}
        value = evaluate(chain.function, moved, variables, inspect=stop)
        left = [_derivative_at_zero(v, t, deadline) for v in _entries(value)]
    else:
        left = _entries(evaluate(lhs, env, variables, inspect=stop, memo=memo))
    return [a - b for a, b in zip(left, _entries(right))]


def _derivative_at_zero(value, t, deadline: Callable[[], bool]):
    """d/dt value at t = 0, a sum term by term, asking the deadline between terms."""
    import sympy as sp
    parts = []
    for term in (value.args if value.is_Add else (value,)):
        if deadline():
            raise Undefined("the exact check", "(the time cap)")
        parts.append(sp.diff(term, t).subs(t, 0))
    return sp.Add(*parts)


def _counter_example(difference) -> str:
    """A point of small integers where the difference is not zero, as text."""
    import random
    gen = random.Random(0)
    symbols = sorted(difference.free_symbols, key=str)
    for _ in range(10):
        point = {s: gen.choice((-3, -2, -1, 1, 2, 3, 5)) for s in symbols}
        try:
            value = difference.subs(point)
        except (ZeroDivisionError, ValueError):
            continue
        if value.is_number and value != 0 and value.is_finite:
            shown = ", ".join(f"{k}={v}" for k, v in list(point.items())[:6])
            return f"at {shown}{', ...' if len(point) > 6 else ''} the sides differ by {value}"
    return "no small integer point found where the sides differ"


def _decide(differences: list, deadline) -> tuple:
    """(verdict, detail): True (every entry vanishes), False (one does not, with a
    counter-example), None (undecided: not rational, or too large), with the reason.
    (matcalc.rational imports sympy, which ``import matcalc.derive`` does not.)"""
    from ..rational import TooLarge, vanishes
    for d in differences:
        try:
            zero = vanishes(d, deadline=deadline)
        except TooLarge as exc:
            return None, f"its polynomials grew too large ({exc})"
        if zero is None:
            return None, "not a rational function of the entries"
        if not zero:
            return False, _counter_example(d)
    return True, ""


def exact_check(chain: Chain, sizes: dict, budget: Budget, reserve: float = 1.0) -> tuple:
    """(CheckResult, reason): the exact check of every link at ``sizes`` (each letter 2), or
    (None, why it was not run or not decided). It stops when less than ``reserve`` seconds
    of ``budget`` are left, or when a polynomial would outgrow the bound on the work; the
    links proved until then are reported.

    >>> from .budget import Budget
    >>> from .expr import matrix
    >>> from .language import tr
    >>> from .result import Step
    >>> from .rewrites import differential_variable
    >>> X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
    >>> dX = differential_variable(X)
    >>> chain = Chain(tr(A @ X), X, dX, (Step(tr(A @ dX), "linearity"),), (), {"X": X, "A": A})
    >>> check, why = exact_check(chain, {"n": 2}, Budget(10))
    >>> check.verdict, check.what
    ('PASSED', 'every link (1) proved exactly for all values at n=2 (sympy)')
    """
    variables = chain.all_variables()
    env = symbolic_point(chain.expr_vars, sizes, [chain.variable.name])
    links = [(0, None, chain.steps[0].expr)] + [(k, a, b) for k, a, b, _ in chain.links()]
    deadline = lambda: budget.remaining() < reserve
    proved, reason = 0, ""
    memo: dict = {}
    for index, lhs, rhs in links:
        if deadline():
            reason = f"the time cap stopped it ({budget.cap:g} s)"
            break
        try:
            differences = _differences(chain, env, variables, index, lhs, rhs, memo, deadline)
        except Undefined as exc:
            reason = (f"the time cap stopped it ({budget.cap:g} s)" if deadline() else
                      f"link {index} could not be evaluated symbolically: {exc}")
            break
        zero, detail = _decide(differences, deadline)
        if zero is False:
            return engine_check("exact", FAILED, f"link {index} disproved exactly at "
                                f"{sizes_text(sizes)} (sympy)", 1.0,
                                f"first wrong step: link {index}, "
                                f"{_link_text(chain, index, lhs, rhs)}: {detail}"), ""
        if zero is None:
            reason = f"link {index} undecided at {sizes_text(sizes)}: {detail}"
            break
        proved += 1
    where = f"at {sizes_text(sizes)} (sympy)"
    if proved == len(links):
        return engine_check("exact", PASSED, f"every link ({len(links)}) proved exactly "
                                f"for all values {where}"), ""
    if proved == 0:
        return None, reason
    return engine_check("exact", PASSED, f"links 0 to {proved - 1} of {len(links)} proved "
                        f"exactly for all values {where} ({reason}, before the others)"), ""


def _link_text(chain: Chain, index: int, lhs, rhs) -> str:
    if index == 0:
        return f"from d({chain.function}) to {rhs}"
    return f"from {lhs} to {rhs}"
