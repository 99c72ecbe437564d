"""Questions about an expression tree, answered without recursion (deep trees are fine):
its nodes, variables, depth and size.

>>> from .expr import matrix
>>> sorted(variables(matrix("A", "m", "n") @ matrix("B", "n", "k")))
['A', 'B']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .expr import Expr

__all__ = ["walk", "variables", "contains", "depth", "size"]


def walk(e: Expr) -> Iterator[Expr]:
    """Every node of ``e``, each distinct node once (iteratively: deep trees are fine).

    >>> from .expr import matrix
    >>> sorted(n.op for n in walk(matrix("A", "m", "n").T))
    ['T', 'var']
    """
    seen, stack = set(), [e]
    while stack:
        node = stack.pop()
        if node.key in seen:
            continue
        seen.add(node.key)
        yield node
        stack.extend(node.args)


def variables(e: Expr) -> dict:
    """The variables of ``e`` by name (each name must have one shape and one set of
    properties; ValueError otherwise).

    >>> from .expr import matrix, vector
    >>> sorted(variables(matrix("A", "m", "n") @ vector("x", "n")))
    ['A', 'x']
    """
    found: dict[str, Expr] = {}
    for node in walk(e):
        if node.op == "var":
            old = found.setdefault(node.name, node)
            if old != node:
                raise ValueError(f"variable {node.name!r} is used with two shapes or property "
                                 f"sets: {old.shape[0]} x {old.shape[1]} {sorted(old.props)} "
                                 f"and {node.shape[0]} x {node.shape[1]} "
                                 f"{sorted(node.props)}")
    return found


def contains(e: Expr, var: Expr | str) -> bool:
    """True if the variable ``var`` (an Expr or a name) occurs in ``e``.

    >>> from .expr import matrix, vector
    >>> contains(matrix("A", "m", "n").T, "A")
    True
    """
    name = var if isinstance(var, str) else var.name
    return any(n.op == "var" and n.name == name for n in walk(e))


def depth(e: Expr) -> int:
    """The nesting depth of ``e`` (a variable has depth 1), computed iteratively.

    >>> from .expr import matrix, vector
    >>> depth(matrix("A", "n", "n").T.T)
    3
    """
    best, stack = 0, [(e, 1)]
    seen: dict[tuple, int] = {}
    while stack:
        node, d = stack.pop()
        if seen.get(node.key, 0) >= d:
            continue
        seen[node.key] = d
        best = max(best, d)
        stack.extend((a, d + 1) for a in node.args)
    return best


def size(e: Expr) -> int:
    """The number of distinct nodes of ``e``.

    >>> from .expr import matrix, vector
    >>> size(matrix("A", "n", "n") @ matrix("A", "n", "n"))
    2
    """
    return sum(1 for _ in walk(e))
