"""Rational functions as numerator and denominator polynomials, built without cancelling.

The exact checks in :mod:`matcalc.symbolic` decide whether a rational function of the
entries of generic matrices is identically zero: p/q is zero exactly when the polynomial p
is, whatever q is, as long as q is not the zero polynomial. So every distinct
subexpression is turned once into a pair (p, q) of polynomials over the rationals, sums
and products are formed as for fractions on paper (a common denominator is reused when the
two are equal), and nothing is cancelled (why, measured: ``benchmarks/README.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import mul
import sympy as sp

__all__ = ["NotRational", "fractions"]

#: A numerator and a denominator, elements of a polynomial ring.
NumDen = tuple["sp.polys.rings.PolyElement", "sp.polys.rings.PolyElement"]


class NotRational(ValueError):
    """An expression that is not a rational function with rational coefficients (a float,
    a sqrt, an exp), or that divides by a polynomial that is identically zero.

    >>> try:
    ...     fractions([sp.sqrt(sp.Symbol("x"))], [sp.Symbol("x")])
    ... except NotRational as error:
    ...     print(error)
    not a rational function with rational coefficients in the given symbols: Pow sqrt(x)
    """


def fractions(exprs: Iterable[sp.Expr], symbols: Sequence[sp.Symbol]
              ) -> tuple[sp.polys.rings.PolyRing, list[NumDen]]:
    """The ring of polynomials over the rationals in ``symbols`` and one pair
    ``(numerator, denominator)`` of its elements per expression in ``exprs`` (sympy
    expressions, or anything sympify takes), not cancelled (equal as rational functions to
    the expression). Raises :class:`NotRational` for an expression that is not a rational
    function of ``symbols`` with rational coefficients, or that divides by zero.

    >>> x, y = sp.symbols("x y")
    >>> ring, [(p, q)] = fractions([x / (x - y) + y / (y - x) - 1], [x, y])
    >>> p == 0, q
    (True, -x**2 + 2*x*y - y**2)
    """
    ring, *gens = sp.polys.rings.ring(list(symbols), sp.QQ)
    memo = dict(zip(symbols, ((g, ring.one) for g in gens)))
    return ring, [_pair(sp.sympify(e), ring, memo) for e in exprs]


def _pair(expr: sp.Expr, ring: sp.polys.rings.PolyRing,
          memo: dict[sp.Expr, NumDen]) -> NumDen:
    """(p, q) for expr, each distinct subexpression converted once (``memo``)."""
    known = memo.get(expr)
    if known is not None:
        return known
    if expr.is_Rational:
        pair = (ring(expr.p), ring(expr.q))
    elif expr.is_Add:
        pair = reduce(_add, (_pair(a, ring, memo) for a in expr.args))
    elif expr.is_Mul:
        parts = [_pair(a, ring, memo) for a in expr.args]
        pair = (reduce(mul, (p for p, _ in parts)), reduce(mul, (q for _, q in parts)))
    elif expr.is_Pow and expr.exp.is_Integer:
        p, q = _pair(expr.base, ring, memo)
        k = int(expr.exp)
        if k < 0:
            if p == 0:
                raise NotRational(f"division by {expr.base}, which is identically zero")
            p, q, k = q, p, -k
        pair = (p**k, q**k)
    else:
        raise NotRational(f"not a rational function with rational coefficients in the "
                          f"given symbols: {type(expr).__name__} {expr}")
    memo[expr] = pair
    return pair


def _add(a: NumDen, b: NumDen) -> NumDen:
    (p, q), (r, s) = a, b
    return (p + r, q) if q == s else (p * s + r * q, q * s)
