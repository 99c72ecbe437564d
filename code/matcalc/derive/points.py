"""Values of the variables for the checks: generic symbolic matrices (exact checks), random
float64 arrays (numeric checks, with numpy) and random 50-digit sympy numbers (the
high-precision checks that run without numpy), each respecting the declared properties.

A symmetric or spd variable gets a symmetric value (spd: A Aᵀ/n + I) and a symmetric
direction; a diagonal one a diagonal value; a positive one entries in [1/2, 3/2] (also used,
on request, for the variables under a logarithm or a square root).

>>> from .expr import matrix
>>> env = symbolic_point({"S": matrix("S", "n", "n", symmetric=True)}, {"n": 2}, ["S"])
>>> env["S"][0, 1] == env["S"][1, 0], env["dS"][0, 1] == env["dS"][1, 0]
(True, True)
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import TYPE_CHECKING

from .backends import DIGITS
from .evaluate import SIZES_KEY, dimension_size

if TYPE_CHECKING:
    from .expr import Expr

__all__ = ["symbolic_point", "float_point", "precise_point", "positive_variables", "kind_of",
           "POSITIVE_KEY"]

#: The key under which a point lists the general variables given positive entries.
POSITIVE_KEY = "#positive"


def kind_of(var: Expr) -> str:
    """The kind of random value a variable gets, from its properties.

    >>> from .expr import matrix
    >>> kind_of(matrix("S", "n", "n", spd=True)), kind_of(matrix("A", "m", "n"))
    ('spd', 'general')
    """
    for prop in ("spd", "symmetric", "diagonal", "positive"):
        if prop in var.props:
            return prop
    return "general"


def positive_variables(exprs: list) -> set:
    """Names of the variables that occur under log, sqrt or a non-integer power.

    >>> from .expr import matrix
    >>> from .language import log
    >>> positive_variables([log(matrix("A", "m", "n") * 2)])
    {'A'}
    """
    from .expr import walk
    out = set()
    for e in exprs:
        for node in walk(e):
            fractional = node.op == "pow" and float(node.data) != int(node.data)
            if node.op in ("log", "sqrt") or fractional:
                out |= {n.name for n in walk(node.args[0]) if n.op == "var"}
    return out


def _shape(var, sizes: dict) -> tuple:
    return tuple(dimension_size(d, sizes) for d in var.shape)


def symbolic_point(expr_vars: dict, sizes: dict, varying: list) -> dict:
    """Generic sympy matrices for the variables (and d<name> for those in ``varying``).

    >>> from .expr import matrix
    >>> symbolic_point({"A": matrix("A", "m", "n")}, {"m": 2, "n": 3}, [])["A"].shape
    (2, 3)
    """
    import sympy as sp
    env: dict = {SIZES_KEY: dict(sizes)}
    for name, var in expr_vars.items():
        names = [name] + (["d" + name] if name in varying else [])
        for label in names:
            env[label] = _generic(sp, label, _shape(var, sizes), kind_of(var))
    return env


def _generic(sp, name: str, shape: tuple, kind: str):
    rows, cols = shape

    def entry(i: int, j: int):
        if kind in ("symmetric", "spd") and i > j:
            i, j = j, i
        if kind == "diagonal" and i != j:
            return sp.Integer(0)
        return sp.Symbol(f"{name}_{i + 1}_{j + 1}", real=True)

    return sp.Matrix(rows, cols, entry)


def _sample(draw, shape: tuple, kind: str, direction: bool) -> list:
    """Rows of a random value of ``kind`` (``draw()`` gives a standard normal number)."""
    rows, cols = shape
    A = [[draw() for _ in range(cols)] for _ in range(rows)]
    if kind in ("symmetric", "spd") and direction or kind == "symmetric":
        return [[(A[i][j] + A[j][i]) / 2 for j in range(cols)] for i in range(rows)]
    if kind == "spd":
        return [[sum(A[i][k] * A[j][k] for k in range(cols)) / cols + (i == j)
                 for j in range(cols)] for i in range(rows)]
    if kind == "diagonal":
        return [[(abs(A[i][j]) + 0.5 if not direction else A[i][j]) if i == j else 0.0
                 for j in range(cols)] for i in range(rows)]
    if kind == "positive" and not direction:
        return [[0.5 + abs(x) % 1.0 for x in row] for row in A]
    return A


def _values(expr_vars: dict, sizes: dict, varying: list, seed: int,
            positive: Collection[str]) -> dict:
    gen = random.Random(f"matcalc.derive {seed}")
    out = {}
    for name in sorted(expr_vars):
        var = expr_vars[name]
        kind = kind_of(var)
        if name in positive and kind == "general":
            kind = "positive"
        shape = _shape(var, sizes)
        out[name] = _sample(lambda: gen.gauss(0.0, 1.0), shape, kind, False)
        if name in varying:
            out["d" + name] = _sample(lambda: gen.gauss(0.0, 1.0), shape, kind, True)
    return out


def float_point(expr_vars: dict, sizes: dict, varying: list, seed: int = 0,
                positive: Collection[str] = frozenset()) -> dict:
    """Random float64 arrays (numpy) for the variables and the directions d<name>.

    >>> from .expr import matrix
    >>> float_point({"A": matrix("A", "m", "n")}, {"m": 2, "n": 3}, ["A"])["dA"].shape
    (2, 3)
    """
    import numpy as np
    out = {k: np.array(v, dtype=float) for k, v in
           _values(expr_vars, sizes, varying, seed, positive).items()}
    return {**out, SIZES_KEY: dict(sizes), POSITIVE_KEY: _positive(expr_vars, positive)}


def precise_point(expr_vars: dict, sizes: dict, varying: list, seed: int = 0,
                  positive: Collection[str] = frozenset()) -> dict:
    """Random sympy matrices of 50-digit numbers (no numpy needed), as float_point's.

    >>> from .expr import matrix
    >>> precise_point({"A": matrix("A", "m", "n")}, {"m": 2, "n": 3}, [])["A"].shape
    (2, 3)
    """
    import sympy as sp
    out = {k: sp.Matrix([[sp.Float(x, DIGITS) for x in row] for row in v])
           for k, v in _values(expr_vars, sizes, varying, seed, positive).items()}
    return {**out, SIZES_KEY: dict(sizes), POSITIVE_KEY: _positive(expr_vars, positive)}


def _positive(expr_vars: dict, positive: Collection[str]) -> tuple:
    """The general variables that were given positive entries (for log, sqrt, ...)."""
    return tuple(sorted(n for n in positive if n in expr_vars
                        and kind_of(expr_vars[n]) == "general"))
