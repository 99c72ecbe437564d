"""What the checks check: a :class:`Chain` of equalities, and random points where every
member of the chain is defined.

The chain of a derivation is ``d(function) = steps[0] = steps[1] = ...``, plus further
identities (the vec form, the identification ``G : dX``). Link 0 says that the first step
is the differential of the function; each later link is an equality of two expressions.

A point is usable when every expression of the chain evaluates to finite numbers there and
every inverted matrix is well conditioned. When no point of the sizes and samples tried is
usable, :func:`choose_points` names the operation that is undefined, rather than letting a
check fail for a fault of the point.

>>> from .expr import matrix
>>> from .language import logdet
>>> from .rewrites import differential_variable
>>> X = matrix("X", "k", "n")
>>> chain = Chain(logdet(X.T @ X), X, differential_variable(X), (), (), {"X": X})
>>> choose_points(chain, [{"k": 3, "n": 4}], "float")
Traceback (most recent call last):
...
ValueError: not defined at any point tried: log det(X^T X) has a singular matrix (condition number 1e+16 or more) at k=3, n=4; give sizes= where it is defined (e.g. sizes={'k': 4, 'n': 3}) or declare the variables' properties (spd, positive, ...)
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .evaluate import evaluate
from .expr import Expr
from .points import float_point, positive_variables, precise_point

__all__ = ["Chain", "choose_points", "undefined", "sizes_text", "SEEDS"]

SEEDS = (0, 1, 2)  # the random points of the numeric checks
_COND = 1e12  # a matrix inverted with a larger condition number counts as singular


def sizes_text(sizes: dict) -> str:
    """``m=3, n=4`` (letters sorted).

    >>> sizes_text({"n": 4, "m": 3})
    'm=3, n=4'
    """
    return ", ".join(f"{k}={v}" for k, v in sorted(sizes.items()) if k != "1")


@dataclass(frozen=True)
class Chain:
    """The equalities a derivation claims (see the module docstring). ``identities`` are
    (lhs, rhs, why) triples; ``gradient`` (the claimed gradient of a scalar function) is
    also checked against numerical derivatives; ``symmetric`` restricts the directions to
    symmetric matrices.

    >>> from .expr import matrix
    >>> X = matrix("X", "n", "n")
    >>> len(Chain(X, X, X, (), (), {"X": X}).links())
    0
    """

    function: Expr
    variable: Expr
    dvariable: Expr
    steps: tuple
    identities: tuple
    expr_vars: dict
    gradient: Expr | None = None
    symmetric: bool = False

    def links(self) -> list:
        """(index, lhs, rhs, why) for every link after link 0."""
        out = [(k, self.steps[k - 1].expr, self.steps[k].expr, self.steps[k].why)
               for k in range(1, len(self.steps))]
        base = len(self.steps)
        out += [(base + i, lhs, rhs, why) for i, (lhs, rhs, why) in enumerate(self.identities)]
        return out

    def expressions(self) -> list:
        """Every expression of the chain."""
        out = [self.function] + [s.expr for s in self.steps]
        out += [x for lhs, rhs, _ in self.identities for x in (lhs, rhs)]
        return out + ([self.gradient] if self.gradient is not None else [])

    def all_variables(self) -> dict:
        """The variables and the differential, by name."""
        return {**self.expr_vars, self.dvariable.name: self.dvariable}


def _inspect(node: Expr, value: Any, args: list, B: Any) -> str | None:
    """Why the value of ``node`` makes the point unusable, or None (see evaluate)."""
    if node.op in ("inv", "det", "logdet") and node.args[0].shape[0] != "1":
        cond = _condition(args[0], B)
        if cond > _COND:
            return f"has a singular matrix (condition number {min(cond, 1e16):.0e} or more)"
    if not _finite(value, B):
        return {"log": "is the logarithm of an entry <= 0",
                "sqrt": "is the square root of a negative entry",
                "pow": "is a power that is undefined or infinite here (a fractional power of "
                       "a negative entry, a negative power of 0, or an overflow)",
                "logdet": "is the logarithm of a zero determinant"}.get(
            node.op, "is not a finite number of a size the float64 checks can square here "
                     "(above 1e150, an overflow, or 0/0)")
    return None


def _condition(A: Any, B: Any) -> float:
    """The condition number of a numpy matrix; for 50-digit sympy numbers, the reciprocal
    of |det A| / prod of the row norms (Hadamard's ratio, 1 for orthogonal rows)."""
    if hasattr(B, "np"):
        with B.np.errstate(all="ignore"):
            c = float(B.np.linalg.cond(B.mat(A)))
        return c if math.isfinite(c) else math.inf
    M = B.mat(A)
    rows = [math.sqrt(sum(float(abs(x)) ** 2 for x in M.row(i))) for i in range(M.rows)]
    scale = math.prod(rows)
    det = abs(complex(M.det()))
    return math.inf if det == 0 or scale == 0 else scale / det


_LARGE = 1e150  # float64 values above this overflow when the checks square them


def _finite(value: Any, B: Any) -> bool:
    if hasattr(B, "np"):
        np = B.np
        with np.errstate(all="ignore"):
            v = np.asarray(value, dtype=complex)
            return bool(np.all(np.isfinite(v)) and np.all(np.abs(v) < _LARGE))
    items = list(value) if hasattr(value, "rows") else [value]
    for x in items:
        try:
            z = complex(x)
        except (TypeError, ValueError):
            return False
        if not (math.isfinite(z.real) and math.isfinite(z.imag)) or abs(z.imag) > 0:
            return False
    return True


def undefined(chain: Chain, env: dict) -> str | None:
    """Why the point ``env`` is unusable for ``chain`` (the first undefined operation), or
    None when every expression is defined there.

    >>> import numpy as np
    >>> from .expr import matrix
    >>> from .language import log
    >>> A = matrix("A", "m", "n")
    >>> chain = Chain(log(A), A, A, (), (), {"A": A})
    >>> undefined(chain, {"A": -np.ones((2, 2))})
    'log(A) is the logarithm of an entry <= 0'
    """
    from .evaluate import Undefined
    variables = chain.all_variables()
    for e in chain.expressions():
        try:
            evaluate(e, env, variables, inspect=_inspect)
        except Undefined as exc:
            return str(exc)
    return None


def choose_points(chain: Chain, candidates: list, kind: str, seeds: tuple = SEEDS) -> tuple:
    """(sizes, points) for the first of the ``candidates`` sizes (and of two kinds of
    sample: normal, then positive entries for the variables under log, sqrt or fractional
    powers) at which every point is usable; ``kind`` is "float" (numpy) or "precise"
    (50-digit sympy numbers). ValueError naming the undefined operation otherwise.

    >>> from .expr import matrix
    >>> X = matrix("X", "m", "n")
    >>> chain = Chain(X.T @ X, X, X, (), (), {"X": X})
    >>> sizes, points = choose_points(chain, [{"m": 3, "n": 4}], "float")
    >>> sizes, len(points)
    ({'m': 3, 'n': 4}, 3)
    """
    make = float_point if kind == "float" else precise_point
    positive = positive_variables(chain.expressions())
    varying = [chain.variable.name]
    first: tuple | None = None
    for sizes in candidates:
        samples: list[Collection[str]] = [frozenset()] + ([positive] if positive else [])
        for pos in samples:
            points = [make(chain.expr_vars, sizes, varying, seed, pos) for seed in seeds]
            reason = next((r for r in (undefined(chain, p) for p in points) if r), None)
            if reason is None:
                return sizes, points
            first = first or (reason, sizes)
    assert first is not None, "no sizes were tried"
    reason, sizes = first
    hint = _hint(candidates[0], chain)
    raise ValueError(f"not defined at any point tried: {reason} at {sizes_text(sizes)}; "
                     f"give sizes= where it is defined{hint} or declare the variables' "
                     f"properties (spd, positive, ...)")


def _hint(sizes: dict, chain: Chain) -> str:
    letters = sorted(sizes)
    if len(letters) < 2:
        return ""
    swapped = dict(zip(letters, sorted(sizes.values(), reverse=True)))
    return f" (e.g. sizes={swapped})"
