"""The shortest form of a simplified expression: common factors taken out of sums, and sums
of products expanded where terms cancel.

* ``factor``: AC + BC = (A + B)C, CA + CB = C(A + B), A ∘ C + B ∘ C = (A + B) ∘ C;
* ``expand``: products and entrywise products distributed over sums (bounded);
* ``tidy``: the shortest of the simplified, the factored and the expanded-then-factored
  forms, by printed length: this is where cancellations are found, e.g. the logistic
  residual y ∘ (1 - σ) - (1 - y) ∘ σ = y - σ.

>>> from .expr import matrix
>>> from .simplify import simplify
>>> A, B, C = matrix("A", "m", "n"), matrix("B", "m", "n"), matrix("C", "n", "p")
>>> str(factor(simplify(A @ C + B @ C)))
'(A + B) C'
"""

from __future__ import annotations

import math
from fractions import Fraction

from .algebra import add, hadamard, product, scale, split_scalars
from .expr import Expr, is_scalar, ones
from .simplify import simplify

__all__ = ["factor", "expand", "tidy"]

_MAX_TERMS = 48  # expand gives up beyond this many terms


def factor(e: Expr) -> Expr:
    """Take common factors out of the sums in ``e`` (innermost first).

    >>> from .expr import matrix
    >>> from .simplify import simplify
    >>> A, B = matrix("A", "m", "n"), matrix("B", "m", "n")
    >>> str(factor(simplify(A * B - 2 * (B * B))))
    'B ∘ (A - 2 B)'
    """
    if not e.args:
        return e
    args = [factor(a) for a in e.args]
    if any(a is not b for a, b in zip(args, e.args)):
        e = simplify(Expr(e.op, args, e.shape, e.data))
    return _factor_sum(e) if e.op == "add" else e


def _common_coefficient(e: Expr) -> Expr | None:
    """2A - 4B = 2 (A - 2B): a common numeric factor of every term taken out."""
    coefs = [split_scalars([t])[0] for t in e.args]
    if not all(isinstance(c, Fraction) for c in coefs):
        return None
    common = Fraction(math.gcd(*(c.numerator for c in coefs)),
                      math.lcm(*(c.denominator for c in coefs)))
    if all(c < 0 for c in coefs):
        common = -common
    same_denominator = len({c.denominator for c in coefs}) == 1
    if abs(common) == 1 or abs(common.numerator) == 1 and not same_denominator:
        return None  # 1/5 (5 A + B) is not shorter than A + 1/5 B
    inner = add([scale(1 / common, [t]) for t in e.args])
    return scale(common, [_factor_sum(inner)]) if inner.op == "add" else None


def _factor_sum(e: Expr) -> Expr:
    pulled = _common_coefficient(e)
    if pulled is not None:
        return pulled
    for side in (-1, 0):
        edges = [_edge(t, side) for t in e.args]
        found = [p for p in edges if p is not None]
        if len(found) == len(edges) and len({p[0].key for p in found}) == 1:
            rest = factor(add([p[1] for p in found]))
            return product([rest, found[0][0]] if side == -1 else [found[0][0], rest])
    candidates = [_entrywise_factors(t) for t in e.args]
    parts = [p for p in candidates if p is not None]
    if len(parts) != len(candidates):
        return e
    common: list[Expr] = []
    for f in parts[0][2]:  # a multiset intersection: B ∘ B and B share one B
        if f.op != "ones" and all(sum(g == f for g in p[2]) > sum(g == f for g in common)
                                  for p in parts):
            common.append(f)
    if not common or all(len(p[2]) == len(common) for p in parts):
        return e
    rests: list[Expr] = []
    for coef, scalars, factors in parts:
        left = list(factors)
        for f in common:
            left.remove(f)
        rests.append(scale(coef, scalars + [hadamard(left) if left else ones(*e.shape)]))
    return hadamard(common + [factor(add(rests))])


def _entrywise_factors(t: Expr) -> tuple | None:
    """(coefficient, scalar factors, entrywise factors) of a term, or None."""
    coef, scalars, mats = split_scalars([t])
    if len(mats) != 1 or is_scalar(mats[0]):
        return None
    m = mats[0]
    out = []
    for f in (m.args if m.op == "had" else [m]):
        if f.op == "pow" and isinstance(f.data, Fraction) and f.data.denominator == 1 \
                and 1 < f.data <= 4:  # powers count as repeated factors: B^2 = B ∘ B
            out += [f.args[0]] * int(f.data)
        else:
            out.append(f)
    return coef, scalars, out


def _edge(t: Expr, side: int) -> tuple | None:
    """(edge factor, the rest) of a product term, or None."""
    coef, scalars, mats = split_scalars([t])
    if len(mats) != 1 or mats[0].op != "mm":
        return None
    factors = list(mats[0].args)
    rest = factors[:-1] if side == -1 else factors[1:]
    return factors[side], scale(coef, scalars + [product(rest)])


def expand(e: Expr) -> Expr | None:
    """``e`` with products, scalings and entrywise products distributed over sums, or None
    when that gives more than 48 terms.

    >>> from .expr import matrix
    >>> A, B, C = matrix("A", "m", "n"), matrix("B", "m", "n"), matrix("C", "m", "n")
    >>> str(expand(simplify(A * (B + C))))
    'A ∘ B + A ∘ C'
    """
    try:
        return simplify(_expand(e))
    except _TooLarge:
        return None


class _TooLarge(Exception):
    pass


def _terms(e: Expr) -> list:
    return list(e.args) if e.op == "add" else [e]


_LINEAR = ("T", "vec", "unvec", "rearr", "tr", "sum", "diagm", "diagv")


def _expand(e: Expr) -> Expr:
    if not e.args or e.op not in ("add", "mm", "had", "mul") + _LINEAR:
        return e
    args = [_expand(a) for a in e.args]
    if e.op == "add":
        return add(args)
    if e.op in _LINEAR:  # their simplifiers distribute them over sums
        return simplify(Expr(e.op, (args[0],), e.shape, e.data))
    combos: list[list[Expr]] = [[]]
    for a in args:
        combos = [c + [t] for c in combos for t in _terms(a)]
        if len(combos) > _MAX_TERMS:
            raise _TooLarge
    build = {"mm": product, "had": hadamard, "mul": lambda xs: scale(e.data, xs)}[e.op]
    return add([build(c) for c in combos])


def tidy(e: Expr) -> Expr:
    """The shortest (by printed length) of ``e`` factored and ``e`` expanded then factored:
    terms that cancel only after expanding are found here.

    >>> from .expr import matrix
    >>> y, s = matrix("y", "1", "k"), matrix("s", "1", "k")
    >>> one = ones("1", "k")
    >>> str(tidy(simplify(y * (one - s) - (one - y) * s)))
    'y - s'
    """
    from .latex import plain
    candidates = [factor(e)]
    expanded = expand(e)
    if expanded is not None:
        candidates.append(factor(expanded))
    return min(candidates, key=lambda x: len(plain(x)))
