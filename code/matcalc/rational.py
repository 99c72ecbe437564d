"""Rational functions as numerator and denominator polynomials, built without cancelling.

The exact checks decide whether a rational function of the entries of generic matrices is
identically zero: p/q is zero exactly when the polynomial p is, whatever q is, as long as q
is not the zero polynomial. So every distinct subexpression is turned once into a pair
(p, q) of polynomials over the rationals, sums and products are formed as for fractions on
paper (a common denominator is reused when the two are equal), and nothing is cancelled
(why, measured: ``benchmarks/README.md``). :mod:`matcalc.symbolic` converts without a
bound; the derivation engine's exact check (``matcalc.derive.exact``) passes a
:class:`WorkBound`, which checks the work of every product of two polynomials before it
starts, and a deadline between products: sympy cannot be interrupted inside one
expansion, and the engine uses neither threads nor signals.

>>> x, y = sp.symbols("x y")
>>> vanishes(x / (x - y) + y / (y - x) - 1)
True
>>> vanishes(x ** 2 - y)
False
>>> vanishes(sp.exp(x) - 1) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from operator import mul
from typing import Any

import sympy as sp

__all__ = ["NotRational", "TooLarge", "WorkBound", "WORK_LIMIT", "MAX_EXPONENT", "fractions",
           "vanishes"]

#: A numerator and a denominator, elements of a polynomial ring.
NumDen = tuple["sp.polys.rings.PolyElement", "sp.polys.rings.PolyElement"]

#: The largest product (terms of one factor times terms of the other) a default
#: :class:`WorkBound` computes at once; ten times it is the total over one conversion.
WORK_LIMIT = 300_000

#: The largest integer exponent a :class:`WorkBound` expands (by repeated products).
MAX_EXPONENT = 64


class NotRational(ValueError):
    """An expression that is not a rational function with rational coefficients (a float,
    a sqrt, an exp), or that divides by a polynomial that is identically zero.

    >>> try:
    ...     fractions([sp.sqrt(sp.Symbol("x"))], [sp.Symbol("x")])
    ... except NotRational as error:
    ...     print(error)
    not a rational function with rational coefficients in the given symbols: Pow sqrt(x)
    """


class TooLarge(Exception):
    """A conversion outgrew its :class:`WorkBound` (the work, an exponent, or the time).

    >>> str(TooLarge("the time cap"))
    'the time cap'
    """


class WorkBound:
    """A bound on the work of one conversion: no single product of two polynomials with
    more than ``limit`` pairs of terms, no more than ``10 * limit`` pairs in all, no
    exponent above :data:`MAX_EXPONENT`, and a stop as soon as ``deadline()`` returns True
    (asked before every product). Exceeding any of them raises :class:`TooLarge`.

    >>> x, y = sp.symbols("x y")
    >>> try:
    ...     fractions([(x + y + 1) ** 40], [x, y], WorkBound(limit=100))
    ... except TooLarge as error:
    ...     print(error)
    a product of polynomials of 36 and 3 terms would be over the bound of 100 pairs of terms
    """

    def __init__(self, limit: int = WORK_LIMIT, deadline: Callable[[], bool] | None = None
                 ) -> None:
        self.limit, self.deadline, self.spent = limit, deadline, 0

    def product(self, a: Any, b: Any) -> Any:
        """a * b, after checking what it costs against the bound and the deadline."""
        work = max(len(a), 1) * max(len(b), 1)
        self.spent += work
        if work > self.limit:
            raise TooLarge(f"a product of polynomials of {len(a)} and {len(b)} terms would "
                           f"be over the bound of {self.limit} pairs of terms")
        if self.spent > 10 * self.limit:
            raise TooLarge(f"the products' total work is over {10 * self.limit} pairs of terms")
        if self.deadline is not None and self.deadline():
            raise TooLarge("the time cap")
        return a * b

    def power(self, p: Any, k: int) -> Any:
        """p ** k (k ≥ 0) by repeated checked products."""
        if k > MAX_EXPONENT:
            raise TooLarge(f"the exponent {k} is over {MAX_EXPONENT}")
        return reduce(self.product, [p] * k, p.ring.one)


def fractions(exprs: Iterable[sp.Expr], symbols: Sequence[sp.Symbol],
              bound: WorkBound | None = None
              ) -> tuple[sp.polys.rings.PolyRing, list[NumDen]]:
    """The ring of polynomials over the rationals in ``symbols`` and one pair
    ``(numerator, denominator)`` of its elements per expression in ``exprs`` (sympy
    expressions, or anything sympify takes), not cancelled (equal as rational functions to
    the expression). Raises :class:`NotRational` for an expression that is not a rational
    function of ``symbols`` with rational coefficients, or that divides by zero; with a
    ``bound``, :class:`TooLarge` when the conversion would exceed it.

    >>> x, y = sp.symbols("x y")
    >>> ring, [(p, q)] = fractions([x / (x - y) + y / (y - x) - 1], [x, y])
    >>> p == 0, q
    (True, -x**2 + 2*x*y - y**2)
    """
    ring, *gens = sp.polys.rings.ring(list(symbols), sp.QQ)
    memo = dict(zip(symbols, ((g, ring.one) for g in gens)))
    convert = _Conversion(ring, memo, bound)
    return ring, [convert.pair(sp.sympify(e)) for e in exprs]


class _Conversion:
    """One conversion's ring, memo of converted subexpressions and optional bound."""

    def __init__(self, ring: Any, memo: dict[Any, NumDen], bound: WorkBound | None) -> None:
        self.ring, self.memo, self.bound = ring, memo, bound
        self.times = bound.product if bound is not None else mul

    def pair(self, expr: Any) -> NumDen:
        """(p, q) for expr, each distinct subexpression converted once."""
        known = self.memo.get(expr)
        if known is not None:
            return known
        if expr.is_Rational:
            pair = (self.ring(expr.p), self.ring(expr.q))
        elif expr.is_Add:
            pair = reduce(self.add, (self.pair(a) for a in expr.args))
        elif expr.is_Mul:
            pair = reduce(self.multiply, (self.pair(a) for a in expr.args))
        elif expr.is_Pow and expr.exp.is_Integer:
            pair = self.power(expr.base, int(expr.exp))
        else:
            raise NotRational(f"not a rational function with rational coefficients in the "
                              f"given symbols: {type(expr).__name__} {expr}")
        self.memo[expr] = pair
        return pair

    def add(self, a: NumDen, b: NumDen) -> NumDen:
        (p, q), (r, s) = a, b
        if q == s:
            return p + r, q
        return self.times(p, s) + self.times(r, q), self.times(q, s)

    def multiply(self, a: NumDen, b: NumDen) -> NumDen:
        return self.times(a[0], b[0]), self.times(a[1], b[1])

    def power(self, base: Any, k: int) -> NumDen:
        p, q = self.pair(base)
        if k < 0:
            if p == 0:
                raise NotRational(f"division by {base}, which is identically zero")
            p, q, k = q, p, -k
        if self.bound is None:
            return p**k, q**k
        return self.bound.power(p, k), self.bound.power(q, k)


def vanishes(expr: Any, limit: int = WORK_LIMIT,
             deadline: Callable[[], bool] | None = None) -> bool | None:
    """True if ``expr`` (a sympy expression) is identically zero as a rational function of
    its symbols, False if it is not, None if it is not a rational function (exp, log, a
    float, a division by zero, ...). Raises :class:`TooLarge` when deciding it would cost
    more than a ``WorkBound(limit, deadline)``.

    >>> x = sp.Symbol("x")
    >>> vanishes((x + 1) ** 2 - x ** 2 - 2 * x - 1)
    True
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    symbols = sorted(expr.free_symbols, key=str)
    if not symbols:
        return bool(expr.is_zero) if expr.is_Rational else None
    try:
        _, [(p, _)] = fractions([expr], symbols, WorkBound(limit, deadline))
    except NotRational:
        return None
    return p == 0
