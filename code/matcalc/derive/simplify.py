"""Simplification to what a person would write, one registered rewrite per operation.

Each simplifier is registered next to its definition with ``@simplifies("op")``: it takes a
node whose arguments are already simplified and returns the node in normal form. The
products, sums and powers are built by :mod:`.algebra`; the rest is here: transposes pushed
to the leaves (``(AB)ᵀ = BᵀAᵀ``), traces and sums that are linear, ``tr(I) = n``, inverses
and traces of Kronecker products, ``vec``/``unvec`` and Van Loan's rearrangement undone,
``σ(-Z) = 1 - σ(Z)``, and ``exp(z) / (1ᵀ exp(z))`` recognised as ``softmax(z)``.

Every rewrite is an identity for all values of the variables (given their declared
properties); the derivations that use the result check it anyway.

>>> from .expr import matrix
>>> A, B = matrix("A", "m", "n"), matrix("B", "n", "p")
>>> str(simplify((A @ B).T))
'B^T A^T'
>>> str(simplify(A @ B + 2 * (A @ B) - A @ B))
'2 A B'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from fractions import Fraction

from .algebra import (add, hadamard, is_zero, kron_node, power, product, scale, split_scalars,
                      symmetric)
from .expr import ELEMENTWISE, SCALAR, Expr, const, dim, dim_product, is_scalar, ones, zero

__all__ = ["simplify", "transpose", "SIMPLIFIERS", "simplifies", "has_differential"]

#: The simplifier of each operation: a function of the node (arguments simplified).
SIMPLIFIERS: dict[str, Callable[[Expr], Expr]] = {}


def simplifies(*ops: str) -> Callable:
    """Register the decorated function as the simplifier of the operations ``ops``.

    >>> sorted(op for op in SIMPLIFIERS if op in ("mm", "add"))
    ['add', 'mm']
    """
    def register(f: Callable[[Expr], Expr]) -> Callable[[Expr], Expr]:
        for op in ops:
            SIMPLIFIERS[op] = f
        return f

    return register


def simplify(e: Expr) -> Expr:
    """The simplified form of ``e`` (bottom-up, each distinct node once).

    >>> from .expr import matrix
    >>> S = matrix("S", "n", "n", symmetric=True)
    >>> str(simplify(S.T @ S.T))
    'S^2'
    """
    memo: dict = {}

    def walk(node: Expr) -> Expr:
        k = node.key
        if k not in memo:
            args = [walk(a) for a in node.args]
            rebuilt = node if all(a is b for a, b in zip(args, node.args)) else Expr(
                node.op, args, node.shape, node.data)
            rule = SIMPLIFIERS.get(node.op)
            memo[k] = rule(rebuilt) if rule is not None else rebuilt
        return memo[k]

    return walk(e)


SIMPLIFIERS.update({
    "mm": lambda e: product(list(e.args)),
    "add": lambda e: add(list(e.args)),
    "had": lambda e: _recognise_softmax_matrix(hadamard(list(e.args))),
    "pow": lambda e: power(e.args[0], e.data),
    "T": lambda e: transpose(e.args[0]),
    "kron": lambda e: kron_node(*e.args),
})


@simplifies("mul")
def _mul(e: Expr) -> Expr:
    return _recognise_softmax_vector(scale(e.data, list(e.args)))


def transpose(e: Expr) -> Expr:
    """Eᵀ with the transpose pushed to the leaves (``e`` already simplified).

    >>> from .expr import matrix
    >>> str(transpose(matrix("A", "m", "n") @ matrix("B", "n", "p")))
    'B^T A^T'
    """
    op = e.op
    if symmetric(e):
        return e
    if op == "T":
        return e.args[0]
    if op in ("zero", "ones"):
        return Expr(op, (), e.shape[::-1])
    if op == "mm":
        return product([transpose(a) for a in reversed(e.args)])
    if op == "add":
        return add([transpose(a) for a in e.args])
    if op == "mul":
        return scale(e.data, [transpose(a) for a in e.args])
    if op == "had":
        return hadamard([transpose(a) for a in e.args])
    if op == "kron":
        return kron_node(*(transpose(a) for a in e.args))
    if op == "softmax":  # softmax(Z)ᵀ = softmax(Zᵀ) along the other axis, if not longer
        inside = Expr("softmax", (transpose(e.args[0]),), e.shape[::-1], 1 - e.data)
        outside = Expr("T", (e,), e.shape[::-1])
        return inside if _length(inside) <= _length(outside) else outside
    if op == "pow" or op in ELEMENTWISE:  # f(A)ᵀ = f(Aᵀ), where that is not longer
        inner = transpose(e.args[0])
        inside = simplify(Expr(op, (inner,), inner.shape, e.data))
        outside = Expr("T", (e,), e.shape[::-1])
        return inside if _length(inside) <= _length(outside) else outside
    if op == "inv":
        return Expr("inv", (transpose(e.args[0]),), e.shape)
    return Expr("T", (e,), e.shape[::-1])


@simplifies("inv")
def _inverse(e: Expr) -> Expr:
    a = e.args[0]
    if a.op == "inv":
        return a.args[0]
    if a.op == "eye":
        return a
    if a.op == "kron":
        return kron_node(simplify(Expr("inv", (a.args[0],), a.args[0].shape)),
                         simplify(Expr("inv", (a.args[1],), a.args[1].shape)))
    coef, scalars, mats = split_scalars([a])
    if a.op == "mul" and mats:
        return scale(Fraction(1), [power(scale(coef, scalars), Fraction(-1)),
                                   Expr("inv", (mats[0],), e.shape)])
    return e


def _linear(op: str, a: Expr, e: Expr) -> Expr | None:
    """tr and sum through sums and scalar multiples."""
    if a.op == "add":
        return add([simplify(Expr(op, (t,), SCALAR)) for t in a.args])
    if a.op == "mul":
        coef, scalars, mats = split_scalars([a])
        return scale(coef, scalars + [simplify(Expr(op, (mats[0],), SCALAR))])
    return None


@simplifies("tr")
def _trace(e: Expr) -> Expr:
    a = e.args[0]
    if is_zero(a) or is_scalar(a):
        return const(0) if is_zero(a) else a
    if a.op in ("eye", "ones"):
        return dim(a.shape[0])
    if a.op == "kron":
        return scale(1, [_trace(Expr("tr", (x,))) for x in a.args])
    if a.op == "mm" and a.args[0].shape[1] == "1":  # tr(u vᵀ ...) = vᵀ ... u
        return product(list(a.args[1:]) + [a.args[0]])
    out = _linear("tr", a, e)
    return e if out is None else out


@simplifies("sum")
def _sum(e: Expr) -> Expr:
    a = e.args[0]
    if is_zero(a) or is_scalar(a):
        return const(0) if is_zero(a) else a
    if a.op == "ones":
        return dim(dim_product(*a.shape))
    if a.op == "softmax":  # each column (row) sums to one
        return dim(a.shape[1 - a.data])
    out = _linear("sum", a, e)
    return e if out is None else out


@simplifies("frob")
def _frob(e: Expr) -> Expr:
    """A : B with scalars pulled out and the differential (if any) on the right."""
    if any(is_zero(x) for x in e.args):
        return const(0)
    if is_scalar(e.args[0]):
        return scale(1, list(e.args))
    coef: Any = Fraction(1)
    outs: list[Expr] = []
    inner: list[Expr] = []
    for x in e.args:
        c, s, m = split_scalars([x])
        coef, outs = coef * c, outs + s
        inner.append(m[0])
    a, b = inner
    if has_differential(a) and not has_differential(b) or (
            has_differential(a) == has_differential(b) and str(a.key) > str(b.key)):
        a, b = b, a
    return scale(coef, outs + [Expr("frob", (a, b))])


@simplifies("det", "logdet", "fro")
def _scalar_of_scalar(e: Expr) -> Expr:
    a = e.args[0]
    if e.op == "det" and is_scalar(a):
        return a
    if e.op in ("det", "logdet") and a.op == "eye":
        return const(1 if e.op == "det" else 0)
    return e


@simplifies("diagm", "diagv")
def _diag(e: Expr) -> Expr:
    a = e.args[0]
    if is_zero(a):
        return zero(e.shape)
    if e.op == "diagv" and a.op == "diagm":
        return a.args[0]
    return e


@simplifies("vec", "unvec", "rearr")
def _vec(e: Expr) -> Expr:
    """vec, unvec and R are linear and undo each other; R(A ⊗ B) = vec(A) vec(B)ᵀ."""
    a = e.args[0]
    if is_zero(a):
        return zero(e.shape)
    if e.op == "vec" and a.op == "unvec" or e.op == "unvec" and a.op == "vec":
        return a.args[0]
    if e.op == "rearr" and a.op == "kron" and (a.args[0].shape, a.args[1].shape) == e.data:
        A, B = a.args
        return product([simplify(Expr("vec", (A,), (dim_product(*A.shape), "1"))),
                        transpose(simplify(Expr("vec", (B,), (dim_product(*B.shape), "1"))))])
    if a.op == "add":
        return add([simplify(Expr(e.op, (t,), e.shape, e.data)) for t in a.args])
    if a.op == "mul":
        coef, scalars, mats = split_scalars([a])
        if mats:
            return scale(coef, scalars + [simplify(Expr(e.op, (mats[0],), e.shape, e.data))])
    return e


@simplifies("sigmoid")
def _sigmoid(e: Expr) -> Expr:
    a = e.args[0]
    if a.op == "mul" and a.data == -1 and len(a.args) == 1:  # σ(-Z) = 1 - σ(Z)
        inner = Expr("sigmoid", (a.args[0],), e.shape)
        one = const(1) if is_scalar(e) else ones(*e.shape)
        return add([one, scale(-1, [inner])])
    return e


def _recognise_softmax_vector(e: Expr) -> Expr:
    """(1ᵀ exp(z))⁻¹ exp(z) = softmax(z) for a column z (axis 0) or a row z (axis 1)."""
    if e.op != "mul" or len(e.args) != 2:
        return e
    s, m = e.args
    if m.op == "exp" and "1" in m.shape and s.op == "pow" and s.data == -1 \
            and s.args[0].op == "sum" and s.args[0].args[0] == m:
        axis = 0 if m.shape[1] == "1" else 1
        return scale(e.data, [Expr("softmax", (m.args[0],), m.shape, axis)])
    return e


def _recognise_softmax_matrix(e: Expr) -> Expr:
    """exp(Z) ∘ (1 1ᵀ exp(Z))^∘-1 = softmax(Z) (columns); exp(Z) ∘ (exp(Z) 1 1ᵀ)^∘-1 by rows."""
    if e.op != "had" or len(e.args) != 2:
        return e
    a, b = e.args
    if b.op == "exp":
        a, b = b, a
    if a.op != "exp" or b.op != "pow" or b.data != -1 or b.args[0].op != "mm":
        return e
    chain = b.args[0].args
    if len(chain) == 2 and chain[0].op == "ones" and chain[1] == a:
        return Expr("softmax", (a.args[0],), a.shape, 0)
    if len(chain) == 2 and chain[1].op == "ones" and chain[0] == a:
        return Expr("softmax", (a.args[0],), a.shape, 1)
    return e


def _length(e: Expr) -> int:
    from .latex import plain
    return len(plain(e))


def has_differential(e: Expr) -> bool:
    """True if ``e`` contains a differential variable (d<name>).

    >>> from .expr import matrix
    >>> has_differential(matrix("A", "m", "n"))
    False
    """
    from .expr import walk
    return any(n.op == "var" and "differential" in n.props for n in walk(e))
