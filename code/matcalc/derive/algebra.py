"""Canonical constructors: the product, sum, scaling, entrywise product and power of
already simplified expressions, built in the engine's normal form.

* ``product``: a flat chain of matrix factors; scalars pulled out, identities dropped,
  adjacent ``A^-1 A`` cancelled, ``1ᵀ 1 = k``, column sums of a column softmax are ones,
  Kronecker factors multiplied blockwise, ``vec(A)ᵀ vec(B) = A : B``;
* ``add``: flat, with like terms collected (``A + 2A = 3A``);
* ``scale``: a coefficient, scalar factors collected by base, at most one matrix;
* ``hadamard``: entrywise factors collected into powers (``A ∘ A = A^∘2``), ones dropped;
* ``power``: constant exponents, folded where exact.

Each is an identity for all values of the variables; the derivations that use them check
them anyway. These are the only builders of normal forms; the differential rewrites and
the Frobenius moves use them too.

>>> from .expr import matrix
>>> A, B = matrix("A", "m", "n"), matrix("B", "n", "p")
>>> str(add([product([A, B]), scale(2, [product([A, B])])]))
'3 A B'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .expr import SCALAR, Expr, const, dim, fold_power, is_scalar, number, ones, zero

__all__ = ["product", "add", "scale", "hadamard", "power", "split_scalars", "is_zero",
           "is_one", "symmetric"]


def is_zero(e: Expr) -> bool:
    """True for the zero matrix or the number 0.

    >>> is_zero(zero(("m", "n"))), is_zero(const(0)), is_zero(const(1))
    (True, True, False)
    """
    return e.op == "zero" or (e.op == "num" and e.data == 0)


def is_one(e: Expr) -> bool:
    """True for the number 1.

    >>> is_one(const(1))
    True
    """
    return e.op == "num" and e.data == 1


def symmetric(e: Expr) -> bool:
    """True when ``e`` is symmetric by construction (a declared symmetric variable, I,
    diag(x), a square matrix of ones or zeros, a scalar).

    >>> from .expr import matrix
    >>> symmetric(matrix("S", "n", "n", spd=True)), symmetric(matrix("A", "n", "n"))
    (True, False)
    """
    if is_scalar(e):
        return True
    square = e.shape[0] == e.shape[1]
    return bool(e.op == "var" and e.props & {"symmetric", "spd", "diagonal"}
                or e.op in ("eye", "diagm") or e.op in ("ones", "zero") and square)


def split_scalars(args: list) -> tuple:
    """(coefficient, scalar factors, matrix factors) of a list of factors.

    >>> from .expr import matrix, scalar
    >>> c, s, m = split_scalars([const(2), scalar("t"), matrix("A", "m", "n")])
    >>> c, [str(x) for x in s], [str(x) for x in m]
    (Fraction(2, 1), ['t'], ['A'])
    """
    coef: Any = Fraction(1)
    scalars: list[Expr] = []
    mats: list[Expr] = []
    for a in args:
        if a.op == "num":
            coef = coef * a.data
        elif a.op == "mul":
            coef = coef * a.data
            for x in a.args:
                (scalars if is_scalar(x) else mats).append(x)
        elif is_scalar(a):
            scalars.append(a)
        else:
            mats.append(a)
    return coef, scalars, mats


def product(args: list) -> Expr:
    """The matrix product of ``args`` (simplified expressions) in normal form.

    >>> from .expr import matrix, eye
    >>> from .language import inv
    >>> X = matrix("X", "n", "n")
    >>> str(product([inv(X), X, eye("n"), X]))
    'X'
    """
    chain: list[Expr] = []
    for a in args:
        chain.extend(a.args if a.op == "mm" else [a])
    shape = (chain[0].shape[0], chain[-1].shape[1])
    if any(is_zero(a) for a in chain):
        return zero(shape)
    coef, scalars, mats = split_scalars(chain)
    mats = [y for m in mats for y in (m.args if m.op == "mm" else [m]) if y.op != "eye"]
    mats, extra = _combine(mats)
    more, extra2, mats = split_scalars(mats)  # a combined Kronecker factor may carry scalars
    if any(is_zero(m) for m in mats):
        return zero(shape)
    coef, scalars = coef * more, scalars + extra + extra2
    if not mats:
        body = None if shape == SCALAR else Expr("eye", (), shape)
    elif len(mats) == 1:
        body = mats[0]
    else:
        body = Expr("mm", mats, (mats[0].shape[0], mats[-1].shape[1]))
    if body is not None and body.shape != shape:
        raise ValueError(f"internal: a product of shape {body.shape} where {shape} was due")
    return scale(coef, scalars + ([body] if body is not None else []))


def _combine(mats: list) -> tuple:
    """Adjacent factors multiplied out where a rule applies; (factors, scalars pulled out)."""
    out, scalars = [], []
    for m in mats:
        out.append(m)
        while len(out) >= 2:
            merged = _pair(out[-2], out[-1])
            if merged is None:
                break
            out[-2:] = []
            matrix, factor = merged
            if factor is not None:
                scalars.append(factor)
            if matrix is not None:
                out.append(matrix)
    return out, scalars


def _pair(a: Expr, b: Expr) -> tuple | None:
    """The product of two adjacent factors when it simplifies: (matrix or None for the
    identity or a scalar result, scalar factor or None); None when it does not."""
    if b.op == "inv" and b.args[0] == a or a.op == "inv" and a.args[0] == b:
        return None, None
    if a.op == "ones" and b.op == "ones":  # ones(r, c) ones(c, s) = c ones(r, s)
        out = ones(a.shape[0], b.shape[1])
        return (None if out.shape == SCALAR else out), dim(a.shape[1])
    if a.op == "ones" and b.op == "had" and b.shape[1] == "1" and len(b.args) == 2:
        out = ones(a.shape[0], "1")  # 1ᵀ(u ∘ v) = uᵀv for columns u, v
        return (None if out.shape == SCALAR else out), Expr("frob", b.args)
    if a.op == "ones" and b.op == "softmax" and b.data == 0:  # columns sum to one
        return ones(a.shape[0], b.shape[1]), None
    if b.op == "ones" and a.op == "softmax" and a.data == 1:  # rows sum to one
        return ones(a.shape[0], b.shape[1]), None
    if a.op == "kron" and b.op == "kron":
        (A, B), (C, D) = a.args, b.args
        if A.shape[1] == C.shape[0] and B.shape[1] == D.shape[0]:
            return kron_node(product([A, C]), product([B, D])), None
    if a.op == "T" and a.args[0].op == "vec" and b.op == "vec" \
            and a.args[0].args[0].shape == b.args[0].shape:
        return None, Expr("frob", (a.args[0].args[0], b.args[0]))
    return None


def kron_node(A: Expr, B: Expr) -> Expr:
    """A ⊗ B in normal form (scalars pulled out, 0 ⊗ B = 0).

    >>> from .expr import matrix, eye
    >>> str(kron_node(scale(2, [matrix("A", "m", "n")]), eye("p")))
    '2 A ⊗ I'
    """
    from .expr import dim_product
    shape = (dim_product(A.shape[0], B.shape[0]), dim_product(A.shape[1], B.shape[1]))
    if is_zero(A) or is_zero(B):
        return zero(shape)
    if is_scalar(A) or is_scalar(B):
        return scale(1, [A, B])
    ca, sa, ma = split_scalars([A])
    cb, sb, mb = split_scalars([B])
    return scale(ca * cb, sa + sb + [Expr("kron", (ma[0], mb[0]), shape)])


def _scalar_key(s: Expr) -> tuple:
    if s.op == "pow" and is_scalar(s):
        return s.args[0], s.data
    return s, Fraction(1)


def scale(coef: Any, args: list) -> Expr:
    """``coef`` times the scalar factors (collected by base) times at most one matrix.

    >>> from .expr import scalar, matrix
    >>> t = scalar("t")
    >>> str(scale(3, [t, power(t, -1), matrix("A", "m", "n")]))
    '3 A'
    """
    coef, scalars, mats = split_scalars([const(coef)] + list(args))
    if coef == 0 or any(is_zero(m) for m in mats):
        return zero(mats[0].shape if mats else SCALAR)
    if len(mats) > 1:
        raise ValueError(f"internal: a product with two matrix factors {mats}")
    powers: dict[tuple, Any] = {}
    order: list[Expr] = []
    for s in scalars:
        base, p = _scalar_key(s)
        if base.op == "num":
            coef = coef * fold_power(base.data, p)
            continue
        if base.key not in powers:
            order.append(base)
            powers[base.key] = Fraction(0)
        powers[base.key] += p
    factors = [base if powers[base.key] == 1 else Expr("pow", (base,), SCALAR,
                                                        powers[base.key])
               for base in order if powers[base.key] != 0]
    if mats and mats[0].op == "ones" and not factors and coef == 1:
        return mats[0]
    items = factors + mats
    if not items:
        return const(coef)
    if coef == 1 and len(items) == 1:
        return items[0]
    return Expr("mul", items, mats[0].shape if mats else SCALAR, coef)


def _term(t: Expr) -> tuple:
    """(coefficient, rest) of a sum's term."""
    if t.op == "num":
        return t.data, None
    if t.op == "mul":
        return t.data, scale(1, list(t.args))
    return Fraction(1), t


def add(args: list) -> Expr:
    """The sum of ``args`` with like terms collected.

    >>> from .expr import matrix
    >>> A = matrix("A", "m", "n")
    >>> str(add([A, scale(-1, [A])])), str(add([A, A]))
    ('0', '2 A')
    """
    flat: list[Expr] = []
    for a in args:
        flat.extend(a.args if a.op == "add" else [a])
    shape = flat[0].shape
    coefs: dict[tuple | None, Any] = {}
    order: list[Expr | None] = []
    for t in flat:
        if is_zero(t):
            continue
        c, rest = _term(t)
        k = None if rest is None else rest.key
        if k not in coefs:
            order.append(rest)
            coefs[k] = Fraction(0)
        coefs[k] += c
    terms = [const(coefs[None]) if rest is None else scale(coefs[rest.key], [rest])
             for rest in order if coefs[None if rest is None else rest.key] != 0]
    if not terms:
        return zero(shape)
    return terms[0] if len(terms) == 1 else Expr("add", terms, shape)


def _entrywise_parts(flat: list) -> tuple:
    coef: Any = Fraction(1)
    scalars: list[Expr] = []
    mats: list[Expr] = []
    for a in flat:
        if a.op == "mul":
            coef *= a.data
            scalars += [x for x in a.args if is_scalar(x)]
            inner = [x for x in a.args if not is_scalar(x)]
            mats += [y for x in inner for y in (x.args if x.op == "had" else [x])]
        else:
            mats.append(a)
    return coef, scalars, mats


def hadamard(args: list) -> Expr:
    """The entrywise product of ``args`` with equal factors collected into powers.

    >>> from .expr import matrix
    >>> A = matrix("A", "m", "n")
    >>> str(hadamard([A, A, power(A, -1)]))
    'A'
    """
    flat: list[Expr] = []
    for a in args:
        flat.extend(a.args if a.op == "had" else [a])
    shape = flat[0].shape
    if any(is_zero(a) for a in flat):
        return zero(shape)
    coef, scalars, mats = _entrywise_parts(flat)
    powers: dict[tuple, Any] = {}
    order: list[Expr] = []
    for m in mats:
        base, p = (m.args[0], m.data) if m.op == "pow" else (m, Fraction(1))
        if base.op == "ones":
            continue
        if base.key not in powers:
            order.append(base)
            powers[base.key] = Fraction(0)
        powers[base.key] += p
    factors = [base if powers[base.key] == 1 else Expr("pow", (base,), shape, powers[base.key])
               for base in order if powers[base.key] != 0]
    if not factors:
        body = ones(*shape)
    elif len(factors) == 1:
        body = factors[0]
    else:
        body = Expr("had", factors, shape)
    return scale(coef, scalars + [body])


def power(a: Expr, p: Any) -> Expr:
    """``a`` to the constant entrywise power ``p`` (for a scalar: the ordinary power).

    >>> from .expr import matrix
    >>> str(power(power(matrix("A", "m", "n"), 2), 3))
    'A^∘6'
    """
    p = number(p)
    if p == 1:
        return a
    if p == 0:
        return const(1) if is_scalar(a) else ones(*a.shape)
    if a.op == "num":
        return const(fold_power(a.data, p))
    if a.op == "ones":
        return a
    integer = isinstance(p, Fraction) and p.denominator == 1
    if a.op == "pow" and integer:
        return power(a.args[0], a.data * p)
    if is_scalar(a) and a.op == "mul" and integer:
        return scale(fold_power(a.data, p), [power(x, p) for x in a.args])
    if not is_scalar(a) and a.op == "had" and integer:
        return hadamard([power(x, p) for x in a.args])
    if a.op == "fro" and p == 2:
        return Expr("frob", (a.args[0], a.args[0]))
    return Expr("pow", (a,), a.shape, p)
