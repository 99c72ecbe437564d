"""Deciding whether a rational function of the entries is zero, within a bound on the work.

An expression is turned into a pair (p, q) of polynomials over the rationals (numerator and
denominator, not cancelled: p/q is zero exactly when p is the zero polynomial), bottom up,
each distinct subexpression once. Before every product of two polynomials the work it
costs (the product of their numbers of terms) is checked against a bound, and the deadline
between products; so the exact check never starts an expansion it cannot afford, and stops
between small steps when its time is up. (sympy cannot be interrupted inside one
expansion, and the engine uses neither threads nor signals.)

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> vanishes(x / (x - y) + y / (y - x) - 1)
True
>>> vanishes(x ** 2 - y)
False
>>> vanishes(sp.exp(x) - 1) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from typing import Any

__all__ = ["vanishes", "TooLarge", "WORK_LIMIT"]

#: The largest product (terms of one factor times terms of the other) computed at once,
#: and the total over one expression.
WORK_LIMIT = 300_000


class TooLarge(Exception):
    """The polynomials outgrew the bound on the work (or the time ran out).

    >>> str(TooLarge("x"))
    'x'
    """


class _NotRational(Exception):
    pass


class _Guard:
    def __init__(self, limit: int, deadline: Callable | None) -> None:
        self.limit, self.deadline, self.spent = limit, deadline, 0

    def product(self, a, b):
        work = max(len(a), 1) * max(len(b), 1)
        self.spent += work
        if work > self.limit or self.spent > 10 * self.limit:
            raise TooLarge(f"a product of polynomials of {len(a)} and {len(b)} terms")
        if self.deadline is not None and self.deadline():
            raise TooLarge("the time cap")
        return a * b


def _power(pair, k: int, guard: _Guard) -> tuple:
    p, q = pair
    if k < 0:
        if p == 0:
            raise _NotRational("division by zero")
        p, q, k = q, p, -k
    out_p, out_q = p.ring.one, q.ring.one
    for _ in range(k):
        out_p, out_q = guard.product(out_p, p), guard.product(out_q, q)
    return out_p, out_q


def _add(a: tuple, b: tuple, guard: _Guard) -> tuple:
    (p, q), (r, s) = a, b
    if q == s:
        return p + r, q
    return guard.product(p, s) + guard.product(r, q), guard.product(q, s)


def _pair(expr, ring, memo: dict, guard: _Guard) -> tuple:
    known = memo.get(expr)
    if known is not None:
        return known
    if expr.is_Rational:
        pair = (ring(expr.p), ring(expr.q))
    elif expr.is_Add:
        pair = reduce(lambda a, b: _add(a, b, guard),
                      (_pair(a, ring, memo, guard) for a in expr.args))
    elif expr.is_Mul:
        parts = [_pair(a, ring, memo, guard) for a in expr.args]
        pair = reduce(lambda a, b: (guard.product(a[0], b[0]), guard.product(a[1], b[1])),
                      parts)
    elif expr.is_Pow and expr.exp.is_Integer and abs(int(expr.exp)) <= 64:
        pair = _power(_pair(expr.base, ring, memo, guard), int(expr.exp), guard)
    else:
        raise _NotRational(type(expr).__name__)
    memo[expr] = pair
    return pair


def vanishes(expr: Any, limit: int = WORK_LIMIT,
             deadline: Callable | None = None) -> bool | None:
    """True if ``expr`` (a sympy expression) is identically zero as a rational function of
    its symbols, False if it is not, None if it is not a rational function (exp, log, a
    float, ...). Raises :class:`TooLarge` when deciding it would cost more than ``limit``
    or ``deadline()`` returns True.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> vanishes((x + 1) ** 2 - x ** 2 - 2 * x - 1)
    True
    """
    import sympy as sp
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    symbols = sorted(expr.free_symbols, key=str)
    if not symbols:
        return bool(expr.is_zero) if expr.is_Rational else None
    ring = sp.polys.rings.ring(symbols, sp.QQ)[0]
    memo = {s: (g, ring.one) for s, g in zip(symbols, ring.gens)}
    try:
        p, _ = _pair(expr, ring, memo, _Guard(limit, deadline))
    except _NotRational:
        return None
    return p == 0
