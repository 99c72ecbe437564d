"""The exact check of a chain: every link proved with sympy for all values of generic
symbolic matrices at small sizes, within a cap on the size of the problem and a deadline.

sympy expands polynomials; their size grows with the number of factors, the sizes and the
inverses, and one expansion cannot be interrupted without threads or signals. So the size
of the largest polynomial of the chain is estimated before anything is expanded
(:func:`cost`), and the check is not started above :data:`COST_CAP` terms; between links
the deadline is checked, and a check stopped by it reports the links it proved.

>>> from .expr import matrix
>>> from .language import inv, tr
>>> X = matrix("X", "n", "n")
>>> cost(tr(inv(X)), {"n": 2}) < cost(tr(inv(X)), {"n": 3})
True
"""

from __future__ import annotations

import math

from .budget import Budget
from .chain import Chain, sizes_text
from .evaluate import dimension_size, evaluate
from .expr import ELEMENTWISE, Expr
from .points import symbolic_point
from .result import FAILED, PASSED, Check

__all__ = ["cost", "exact_check", "COST_CAP", "NOT_RATIONAL"]

#: The largest estimated polynomial (numerator plus denominator terms) the exact check
#: expands; above it the numeric checks decide alone.
COST_CAP = 4000
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


def _link_check(chain: Chain, env: dict, variables: dict, index: int, lhs, rhs):
    """The IdentityResult of one link (0: the first step is the differential)."""
    from ..symbolic import verify, verify_differential
    right = evaluate(rhs, env, variables)
    if index == 0:
        X, dX = env[chain.variable.name], env[chain.dvariable.name]
        left = evaluate(chain.function, env, variables)
        return verify_differential(left, zip(list(X), list(dX)), right)
    return verify(evaluate(lhs, env, variables), right)


def exact_check(chain: Chain, sizes: dict, budget: Budget, reserve: float = 1.0) -> tuple:
    """(Check, reason): the exact check of every link at ``sizes`` (each letter 2), or
    (None, why it was not run or not decided). It stops when less than ``reserve``
    seconds of ``budget`` are left; the links proved until then are reported.

    >>> from .budget import Budget
    >>> from .expr import matrix
    >>> from .language import tr
    >>> from .result import Step
    >>> from .rewrites import differential_variable
    >>> X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
    >>> dX = differential_variable(X)
    >>> chain = Chain(tr(A @ X), X, dX, (Step(tr(A @ dX), "linearity"),), (), {"X": X, "A": A})
    >>> check, why = exact_check(chain, {"n": 2}, Budget(10))
    >>> check.verdict, check.proved
    ('PASSED', 'every link (1) proved exactly for all values at n=2 (sympy)')
    """
    variables = chain.all_variables()
    env = symbolic_point(chain.expr_vars, sizes, [chain.variable.name])
    links = [(0, None, chain.steps[0].expr)] + [(k, a, b) for k, a, b, _ in chain.links()]
    proved = 0
    for index, lhs, rhs in links:
        if budget.remaining() < reserve:
            break
        result = _link_check(chain, env, variables, index, lhs, rhs)
        if result.status == "disproved":
            return Check("exact", FAILED, f"link {index} disproved exactly at "
                         f"{sizes_text(sizes)} (sympy)", 1.0,
                         f"first wrong step: link {index}, "
                         f"{_link_text(chain, index, lhs, rhs)}\n{result}"), ""
        if not result.passed:
            return None, (f"sympy could not decide link {index} at {sizes_text(sizes)} "
                          f"(not a rational function)")
        proved += 1
    where = f"at {sizes_text(sizes)} (sympy)"
    if proved == len(links):
        return Check("exact", PASSED, f"every link ({len(links)}) proved exactly for all "
                     f"values {where}"), ""
    if proved == 0:
        return None, f"the time cap left no time for it ({budget.cap:g} s)"
    return Check("exact", PASSED, f"links 0 to {proved - 1} of {len(links)} proved exactly "
                 f"for all values {where}; the time cap stopped it before the others"), ""


def _link_text(chain: Chain, index: int, lhs, rhs) -> str:
    if index == 0:
        return f"from d({chain.function}) to {rhs}"
    return f"from {lhs} to {rhs}"
