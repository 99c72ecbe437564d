"""Sizes for the dimension letters that make an expression defined at random points.

An inverse, determinant or log-determinant of an n x n matrix needs that matrix to have
rank n. The rank of a product is at most its smallest dimension, so ``inv(Xᵀ X)`` with
``X`` of shape k x n needs k >= n: each such requirement is read from the expression
(:func:`requirements`), and the letters are ordered so that every requirement holds, with
distinct sizes wherever the requirements allow (rectangular sizes catch a transpose put in
the wrong place). A requirement no sizes can meet (the n x n matrix ``x xᵀ`` has rank 1) is
reported by name.

>>> from .expr import matrix
>>> from .language import inv
>>> X = matrix("X", "k", "n")
>>> numeric_sizes([inv(X.T @ X)], {"k", "n"})
{'n': 3, 'k': 4}
"""

from __future__ import annotations

from numbers import Integral

from .expr import Expr, walk

__all__ = ["rank_bound", "requirements", "numeric_sizes", "exact_sizes", "validate_sizes",
           "EXACT_SIZE", "FIRST_SIZE", "MAX_SIZE"]

EXACT_SIZE = 2  # every letter's size in the exact check (the smallest that proves anything)
FIRST_SIZE = 3  # the smallest size of the numeric checks; letters get 3, 4, 5, ...
MAX_SIZE = 12  # the largest size a letter gets by itself in the numeric checks


def rank_bound(e: Expr) -> frozenset | None:
    """Letters whose smallest size bounds the rank of ``e`` (None: full rank generically).

    >>> from .expr import matrix, vector
    >>> sorted(rank_bound(matrix("X", "k", "n").T @ matrix("X", "k", "n")))
    ['k', 'n']
    >>> sorted(rank_bound(vector("x", "n") @ vector("x", "n").T))
    ['1', 'n']
    """
    op = e.op
    if op == "var":
        if e.props & {"invertible", "spd"}:
            return None
        dims = {d for d in e.shape if "*" not in d}
        return frozenset(dims) if dims else None
    if op in ("ones", "zero"):
        return frozenset({"1"})
    if op in ("T", "vec", "unvec"):
        return rank_bound(e.args[0]) if op == "T" else None
    if op == "mm":
        bounds = [rank_bound(a) for a in e.args]
        found = frozenset().union(*(b for b in bounds if b is not None))
        return found or None
    if op == "mul":
        mats = [a for a in e.args if a.shape != ("1", "1")]
        return rank_bound(mats[0]) if mats else None
    return None


def requirements(exprs: list) -> list:
    """(letter that must be at least as large, the matrix's dimension, the node) for every
    inverse, determinant and log-determinant in ``exprs``; ValueError when no sizes can make
    one invertible.

    >>> from .expr import matrix
    >>> from .language import logdet
    >>> X = matrix("X", "k", "n")
    >>> [(a, b) for a, b, _ in requirements([logdet(X.T @ X)])]
    [('k', 'n')]
    """
    out, seen = [], set()
    for e in exprs:
        for node in walk(e):
            if node.op not in ("inv", "det", "logdet") or node.key in seen:
                continue
            seen.add(node.key)
            n = node.args[0].shape[0]
            bound = rank_bound(node.args[0])
            if bound is None or n == "1" or "*" in n:
                continue
            if "1" in bound:
                raise ValueError(f"not defined: {_what(node)} of {node.args[0]}, an {n} x {n} "
                                 f"matrix of rank at most 1, which is singular for every "
                                 f"size n >= 2")
            out += [(a, n, node) for a in sorted(bound) if a != n]
    return out


def _what(node: Expr) -> str:
    return {"inv": "the inverse", "det": "the determinant (its gradient needs the inverse)",
            "logdet": "log det"}[node.op]


def _order(letters: set, edges: list) -> list:
    """Groups of letters that must be equal, smallest first, respecting a >= b edges."""
    above = {x: {x} for x in letters}  # letters reachable upwards (a >= b: b reaches a)
    for _ in letters:
        for a, b in edges:
            if a in letters and b in letters:
                above[b] |= above[a]
    groups, placed = [], set()
    for x in sorted(letters, key=lambda x: (-len(above[x]), x)):
        if x in placed:
            continue
        group = sorted(y for y in above[x] if x in above[y])
        placed |= set(group)
        groups.append(group)
    return groups


def numeric_sizes(exprs: list, letters: set, given: dict | None = None) -> dict:
    """Sizes 3, 4, 5, ... for ``letters`` meeting every requirement of ``exprs``, with the
    sizes in ``given`` kept (and the other letters ordered around them).

    >>> numeric_sizes([], {"m", "n"}, {"m": 5})
    {'m': 5, 'n': 6}
    """
    given = dict(given or {})
    edges = [(a, b) for a, b, _ in requirements(exprs)]
    out, size = {}, FIRST_SIZE
    for group in _order(set(letters), edges):
        fixed = [given[x] for x in group if x in given]
        value = max(fixed) if fixed else min(size, MAX_SIZE)
        out.update({x: given.get(x, value) for x in group})
        size = max(size, value) + 1
    return out


def exact_sizes(letters: set) -> dict:
    """Every letter at 2: equal sizes meet every requirement, and 2 is the smallest size at
    which transposes and products do not commute.

    >>> exact_sizes({"n", "m"})
    {'m': 2, 'n': 2}
    """
    return {x: EXACT_SIZE for x in sorted(letters)}


def validate_sizes(sizes: object, letters: set) -> dict:
    """``sizes`` checked: a dict from the expression's dimension letters to integers >= 1;
    ValueError naming the argument, the letter and the allowed values otherwise.

    >>> validate_sizes({"m": 4}, {"m", "n"})
    {'m': 4}
    >>> validate_sizes({"m": 0}, {"m"})
    Traceback (most recent call last):
    ...
    ValueError: sizes['m'] = 0: a size is an integer >= 1 (>= 2 for a check that means anything)
    """
    if sizes is None:
        return {}
    if not isinstance(sizes, dict):
        raise ValueError(f"sizes must be a dict from dimension letters to integers, e.g. "
                         f"{{'m': 5}}, got {type(sizes).__name__}")
    unknown = sorted(str(k) for k in sizes if k not in letters)
    if unknown:
        raise ValueError(f"sizes has the letters {unknown}, which are not dimensions of the "
                         f"expression; its dimensions are {sorted(letters)}")
    for k, v in sizes.items():
        if isinstance(v, bool) or not isinstance(v, Integral) or int(v) < 1:
            raise ValueError(f"sizes[{k!r}] = {v!r}: a size is an integer >= 1 (>= 2 for a "
                             f"check that means anything)")
        if int(v) > 64:
            raise ValueError(f"sizes[{k!r}] = {v}: the checks run at sizes up to 64")
    return {k: int(v) for k, v in sizes.items()}
