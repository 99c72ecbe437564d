"""Names for repeated subexpressions of an answer, only where a name shortens it.

A compound subexpression that occurs at least twice in the answer gets a name (H for a
hidden layer, P for a softmax, R, Q, U, ... otherwise) when the answer written with the name
plus the definition is shorter than the answer without it. Every definition printed is used
by the answer; the steps use the same names where they contain the same subexpressions.

>>> from .expr import matrix
>>> from .language import tanh
>>> from .simplify import simplify
>>> A, B = matrix("A", "m", "n"), matrix("B", "n", "n")
>>> H = tanh(A @ B)
>>> out, defs = name_repeated(simplify(H @ H.T @ H), [])
>>> str(out), [(n, str(d)) for n, d in defs]
('H H^T H', [('H', 'tanh(A B)')])
"""

from __future__ import annotations

from .expr import Expr, is_scalar, variables, walk
from .latex import plain
from .simplify import has_differential

__all__ = ["name_repeated", "substitute"]

_PREFERRED = {"tanh": "H", "sigmoid": "H", "softmax": "P", "inv": "M"}
_POOL = "RQUVHPMEFGZ"
_SMALL = "stuvqr"
#: Operations whose repeated results may get a name: sums, function applications, products.
_NAMEABLE = ("add", "mm", "tanh", "sigmoid", "softmax", "exp", "log", "softplus", "inv", "det",
             "logdet", "tr", "frob", "fro", "sum", "sqrt", "had", "kron")
_CANDIDATES = 8  # at most this many (the largest) repeated subexpressions are tried
#: A name given only to shorten the steps must save at least this many characters there.
STEP_SAVING = 100
_STEP_NAMES = 3  # at most this many such names


def _occurrences(e: Expr) -> dict:
    """How often each node occurs in the tree (counting every path, not distinct nodes)."""
    counts: dict[tuple, int] = {}
    nodes: dict[tuple, Expr] = {}
    stack = [e]
    while stack:
        node = stack.pop()
        counts[node.key] = counts.get(node.key, 0) + 1
        nodes[node.key] = node
        stack.extend(node.args)
    return {k: (nodes[k], c) for k, c in counts.items()}


def _size(e: Expr) -> int:
    return sum(1 for _ in walk(e))


def substitute(e: Expr, subst: dict) -> Expr:
    """``e`` with every node whose key is in ``subst`` replaced by ``subst[key]``.

    >>> from .expr import matrix
    >>> A, B = matrix("A", "m", "n"), matrix("B", "m", "n")
    >>> str(substitute(A + A.T.T, {A.key: B}))
    'B + (B^T)^T'
    """
    memo: dict = {}

    def rebuild(node: Expr) -> Expr:
        if node.key in subst:
            return subst[node.key]
        if node.key not in memo:
            args = [rebuild(a) for a in node.args]
            memo[node.key] = node if all(a is b for a, b in zip(args, node.args)) else Expr(
                node.op, args, node.shape, node.data)
        return memo[node.key]

    return rebuild(e)


def _name_for(node: Expr, free: list, small: list) -> str | None:
    pool = small if is_scalar(node) else free
    if not pool:
        return None
    prefer = _PREFERRED.get(node.op)
    name = prefer if prefer in pool else pool[0]
    pool.remove(name)
    return name


def name_repeated(answer: Expr, others: list, taken: tuple = ()) -> tuple:
    """(the answer with names substituted, [(name, definition), ...]): a repeated
    subexpression of ``answer`` is named when that shortens the answer plus its definition;
    then a subexpression of the answer that the steps ``others`` repeat is named when that
    shortens the steps by at least STEP_SAVING characters (a network's softmax, written out
    in every step). No name is taken from the variables of the answer, the steps or ``taken``.

    >>> from .expr import matrix
    >>> A = matrix("A", "m", "n")
    >>> name_repeated(A @ A.T, [])[1]
    []
    """
    names_used = set(taken) | set(variables(answer))
    for x in others:
        names_used |= set(variables(x))
    free = [n for n in _POOL if n not in names_used]
    small = [n for n in _SMALL if n not in names_used]
    found = _occurrences(answer)
    candidates = sorted((k for k, (node, c) in found.items()
                         if c > 1 and node.op in _NAMEABLE and _size(node) >= 3
                         and not has_differential(node)),
                        key=lambda k: -_size(found[k][0]))[:_CANDIDATES]
    subst, nodes, current = {}, {}, answer
    for k in candidates:
        node = found[k][0]
        if _occurrences(current).get(k, (None, 0))[1] < 2:
            continue  # inside a subexpression named already
        name = _name_for(node, free, small)
        if name is None:
            break
        symbol = Expr("var", (), node.shape, (name, frozenset({"named"})))
        trial = substitute(current, {k: symbol})
        if len(plain(trial)) + len(plain(node)) + len(name) + 8 < len(plain(current)):
            subst[k], current, nodes[k] = symbol, trial, node
        else:
            (small if is_scalar(node) else free).insert(0, name)
    steps = [substitute(x, subst) for x in others]
    for _ in range(_STEP_NAMES):
        named = _name_for_steps(current, steps, free, small)
        if named is None:
            break
        k, node, symbol = named
        subst[k], nodes[k] = symbol, node
        current = substitute(current, {k: symbol})
        steps = [substitute(x, {k: symbol}) for x in steps]
    return current, _definitions(subst, nodes)


def _name_for_steps(answer: Expr, steps: list, free: list, small: list) -> tuple | None:
    """(key, node, named symbol) of the subexpression of ``answer`` whose name would shorten
    ``steps`` most, if by at least STEP_SAVING characters after its definition; else None."""
    counts: dict = {}
    for x in steps:
        for k, (_, c) in _occurrences(x).items():
            counts[k] = counts.get(k, 0) + c
    best, saving = None, STEP_SAVING
    for k, (node, _) in _occurrences(answer).items():
        if node.op in _NAMEABLE and _size(node) >= 3 and not has_differential(node):
            length = len(plain(node))
            gain = counts.get(k, 0) * (length - 1) - length - 9
            if gain >= saving:
                best, saving = node, gain
    if best is None:
        return None
    name = _name_for(best, free, small)
    if name is None:
        return None
    return best.key, best, Expr("var", (), best.shape, (name, frozenset({"named"})))


def _definitions(subst: dict, nodes: dict) -> list:
    """(name, definition) pairs, each definition written with the other names, those it
    uses first."""
    defs = {subst[k].name: substitute(nodes[k], {j: s for j, s in subst.items() if j != k})
            for k in subst}
    ordered: list = []
    while len(ordered) < len(defs):
        for name, d in defs.items():
            uses = set(variables(d)) & set(defs)
            if name not in (n for n, _ in ordered) and uses <= {n for n, _ in ordered}:
                ordered.append((name, d))
    return ordered
