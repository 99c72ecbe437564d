"""Simplification to what a person would write: transposes pushed to the leaves
((AB)ᵀ = BᵀAᵀ), identities, ones and zeros removed, scalar factors pulled to the front, like
terms collected, and common factors taken out of sums.

Every rewrite here is an identity for all values of the variables (given their declared
properties); the derivations that use the result check it anyway.

>>> from .expr import matrix
>>> A, B = matrix("A", "m", "n"), matrix("B", "n", "p")
>>> str(simplify((A @ B).T))
'B^T A^T'
>>> str(simplify(A @ B + 2 * (A @ B) - A @ B))
'2 A B'
"""

from fractions import Fraction

from .expr import SCALAR, Expr, const, is_scalar, ones, zero

__all__ = ["simplify", "transpose", "factor", "name_repeated"]

_ENTRYWISE_T = ("exp", "log", "tanh", "sigmoid", "softplus")


def simplify(e):
    """The simplified form of ``e`` (bottom-up, to a fixed point of the local rules).

    >>> from .expr import matrix
    >>> S = matrix("S", "n", "n", symmetric=True)
    >>> str(simplify(S.T @ S.T))
    'S^2'
    """
    memo = {}

    def walk(node):
        k = node.key
        if k not in memo:
            args = [walk(a) for a in node.args]
            memo[k] = _rewrite(node, args)
        return memo[k]

    return walk(e)


def _is_zero(e):
    return e.op == "zero" or (e.op == "num" and e.data == 0)


def _is_one(e):
    return e.op == "num" and e.data == 1


def _symmetric(e):
    return e.op == "var" and e.props & {"symmetric", "spd", "diagonal"} or e.op in (
        "eye", "diagm") or (e.op == "ones" and e.shape[0] == e.shape[1])


def transpose(e):
    """Eᵀ with the transpose pushed to the leaves (``e`` already simplified).

    >>> from .expr import matrix
    >>> str(transpose(matrix("A", "m", "n") @ matrix("B", "n", "p")))
    'B^T A^T'
    """
    op = e.op
    if is_scalar(e) or _symmetric(e) or op == "zero" and e.shape[0] == e.shape[1]:
        return e
    if op == "T":
        return e.args[0]
    if op == "zero":
        return zero(e.shape[::-1])
    if op == "ones":
        return ones(e.shape[1], e.shape[0])
    if op == "mm":
        return _mm([transpose(a) for a in reversed(e.args)])
    if op == "add":
        return _add([transpose(a) for a in e.args])
    if op == "mul":
        return _mul(e.data, [transpose(a) for a in e.args])
    if op in ("had", "kron"):
        args = [transpose(a) for a in e.args]
        return _had(args) if op == "had" else Expr("kron", args, e.shape[::-1])
    if (op == "pow" or op in _ENTRYWISE_T) and e.args[0].op in ("var", "T"):
        inner = transpose(e.args[0])
        return _rewrite(Expr(op, (inner,), inner.shape, e.data), [inner])
    if op == "inv":
        return Expr("inv", (transpose(e.args[0]),), e.shape)
    return Expr("T", (e,), e.shape[::-1])


def _rewrite(e, args):
    op = e.op
    if op == "T":
        return transpose(args[0])
    if op == "mm":
        return _mm(args)
    if op == "add":
        return _add(args)
    if op == "mul":
        return _mul(e.data, args)
    if op == "had":
        return _had(args)
    if op == "pow":
        return _pow(args[0], e.data)
    if op == "inv":
        a = args[0]
        if a.op == "inv":
            return a.args[0]
        if a.op == "eye":
            return a
        if a.op == "mul" and all(is_scalar(x) for x in a.args[:-1]) and not is_scalar(
                a.args[-1]):
            scal = _mul(a.data, a.args[:-1])
            return _mul(Fraction(1), [_pow(scal, Fraction(-1)), Expr("inv", (a.args[-1],),
                                                                     e.shape)])
        return Expr("inv", (a,), e.shape)
    if op in ("tr", "sum", "frob", "det", "logdet", "fro"):
        return _scalar_function(op, args, e)
    if op in ("diagm", "diagv") and _is_zero(args[0]):
        return zero(e.shape)
    if op == "kron" and any(_is_zero(a) for a in args):
        return zero(e.shape)
    return Expr(op, args, e.shape, e.data)


def _scalar_function(op, args, e):
    a = args[0]
    if op in ("tr", "sum", "frob") and any(_is_zero(x) for x in args):
        return const(0)
    if is_scalar(a) and op in ("tr", "sum", "det"):
        return a if op != "frob" else _mul(Fraction(1), args)
    if op == "frob":
        if is_scalar(a):
            return _mul(Fraction(1), args)
        # pull scalar factors out of both sides: (cA) : B = c (A : B)
        outs, inner = [], []
        coef = Fraction(1)
        for x in args:
            if x.op == "mul" and not is_scalar(x):
                coef *= x.data
                outs += [y for y in x.args if is_scalar(y)]
                mats = [y for y in x.args if not is_scalar(y)]
                inner.append(mats[0])
            else:
                inner.append(x)
        if _has_differential(inner[0]) and not _has_differential(inner[1]) or (
                _has_differential(inner[0]) == _has_differential(inner[1])
                and str(inner[0].key) > str(inner[1].key)):
            inner = inner[::-1]
        if outs or coef != 1:
            return _mul(coef, outs + [Expr("frob", inner)])
        return Expr("frob", inner)
    if op in ("tr", "sum"):
        if a.op == "add":
            return _add([_scalar_function(op, [t], e) for t in a.args])
        if a.op == "mul":
            mats = [y for y in a.args if not is_scalar(y)]
            return _mul(a.data, [y for y in a.args if is_scalar(y)]
                        + [_scalar_function(op, mats, e)])
    return Expr(op, args)


def _has_differential(e):
    if e.op == "var":
        return "differential" in e.props
    return any(_has_differential(a) for a in e.args)


def _split_scalars(args):
    coef, scalars, mats = Fraction(1), [], []
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


def _mm(args):
    flat = []
    for a in args:
        flat.extend(a.args if a.op == "mm" else [a])
    shape = (flat[0].shape[0], flat[-1].shape[1])
    if any(_is_zero(a) for a in flat):
        return zero(shape)
    coef, scalars, mats = _split_scalars(flat)
    mats = _cancel_inverses(
        [y for m in mats for y in (m.args if m.op == "mm" else [m]) if y.op != "eye"])
    if len(mats) == 0:
        body = None
    elif len(mats) == 1:
        body = mats[0]
    else:
        body = Expr("mm", mats, (mats[0].shape[0], mats[-1].shape[1]))
    if body is not None and body.shape != shape:  # only eyes removed: keep one
        body = None
    if body is None and shape != SCALAR:
        body = Expr("eye", (), shape)
    return _mul(coef, scalars + ([body] if body is not None else []))


def _cancel_inverses(mats):
    """A^-1 A = A A^-1 = I for adjacent factors."""
    out = []
    for m in mats:
        if out and (m.op == "inv" and m.args[0] == out[-1]
                    or out[-1].op == "inv" and out[-1].args[0] == m):
            out.pop()
            continue
        out.append(m)
    return out


def _scalar_key(s):
    if s.op == "pow" and is_scalar(s):
        return s.args[0], s.data
    return s, Fraction(1)


def _mul(coef, args):
    """coef times the scalar factors (collected by base) times at most one matrix."""
    coef, scalars, mats = _split_scalars([const(coef)] + list(args))
    if coef == 0 or any(_is_zero(m) for m in mats):
        shape = mats[0].shape if mats else SCALAR
        return zero(shape)
    if len(mats) > 1:
        raise ValueError(f"internal: a product with two matrix factors {mats}")
    powers = {}
    order = []
    for s in scalars:
        base, p = _scalar_key(s)
        if base.op == "num":
            coef = coef * _num_pow(base.data, p)
            continue
        if base.key not in powers:
            order.append(base)
            powers[base.key] = 0
        powers[base.key] += p
    factors = []
    for base in order:
        p = powers[base.key]
        if p != 0:
            factors.append(base if p == 1 else Expr("pow", (base,), SCALAR, p))
    if mats and mats[0].op == "ones" and not factors and coef == 1:
        return mats[0]
    items = factors + mats
    shape = mats[0].shape if mats else SCALAR
    if not items:
        return const(coef)
    if coef == 1 and len(items) == 1:
        return items[0]
    return Expr("mul", items, shape, coef)


def _num_pow(value, p):
    if isinstance(p, Fraction) and p.denominator == 1 and isinstance(value, Fraction):
        if value == 0 and p < 0:
            raise ValueError("division by zero in a constant")
        return value ** int(p)
    return float(value) ** float(p)


def _term(t):
    """(coefficient, rest) of a sum's term."""
    if t.op == "num":
        return t.data, None
    if t.op == "mul":
        rest = _mul(Fraction(1), t.args)
        return t.data, rest
    return Fraction(1), t


def _add(args):
    flat = []
    for a in args:
        flat.extend(a.args if a.op == "add" else [a])
    shape = flat[0].shape
    coefs, order = {}, []
    for t in flat:
        if _is_zero(t):
            continue
        c, rest = _term(t)
        k = None if rest is None else rest.key
        if k not in coefs:
            order.append(rest)
            coefs[k] = 0
        coefs[k] += c
    terms = []
    for rest in order:
        c = coefs[None if rest is None else rest.key]
        if c == 0:
            continue
        terms.append(const(c) if rest is None else _mul(c, [rest]))
    if not terms:
        return zero(shape)
    if len(terms) == 1:
        return terms[0]
    return Expr("add", terms, shape)


def _had(args):
    flat = []
    for a in args:
        flat.extend(a.args if a.op == "had" else [a])
    shape = flat[0].shape
    if any(_is_zero(a) for a in flat):
        return zero(shape)
    coef, scalars, mats = Fraction(1), [], []
    for a in flat:
        if a.op == "mul":
            coef *= a.data
            scalars += [x for x in a.args if is_scalar(x)]
            inner = [x for x in a.args if not is_scalar(x)]
            mats += [y for x in inner for y in (x.args if x.op == "had" else [x])]
        else:
            mats.append(a)
    powers, order = {}, []
    for m in mats:
        base, p = (m.args[0], m.data) if m.op == "pow" else (m, Fraction(1))
        if base.op == "ones":
            continue
        if base.key not in powers:
            order.append(base)
            powers[base.key] = 0
        powers[base.key] += p
    factors = []
    for base in order:
        p = powers[base.key]
        if p != 0:
            factors.append(base if p == 1 else Expr("pow", (base,), shape, p))
    if not factors:
        body = ones(*shape)
    elif len(factors) == 1:
        body = factors[0]
    else:
        body = Expr("had", factors, shape)
    return _mul(coef, scalars + [body])


def _pow(a, p):
    if p == 1:
        return a
    if p == 0:
        return const(1) if is_scalar(a) else ones(*a.shape)
    if a.op == "num":
        return const(_num_pow(a.data, p))
    if a.op == "ones":
        return a
    if a.op == "pow" and isinstance(p, Fraction) and p.denominator == 1:
        return _pow(a.args[0], a.data * p)
    if is_scalar(a) and a.op == "mul" and isinstance(p, Fraction) and p.denominator == 1:
        return _mul(_num_pow(a.data, p), [_pow(x, p) for x in a.args])
    if not is_scalar(a) and a.op == "had" and isinstance(p, Fraction) and p.denominator == 1:
        return _had([_pow(x, p) for x in a.args])
    if a.op == "fro" and p == 2:
        return Expr("frob", (a.args[0], a.args[0]))
    return Expr("pow", (a,), a.shape, p)


def factor(e):
    """Take common factors out of the sums in ``e`` (innermost first): a common right or left
    matrix factor, AC + BC = (A + B)C, or common entrywise factors,
    A ∘ C + B ∘ C = (A + B) ∘ C.

    >>> from .expr import matrix
    >>> A, B, C = matrix("A", "m", "n"), matrix("B", "m", "n"), matrix("C", "n", "p")
    >>> str(factor(simplify(A @ C + B @ C)))
    '(A + B) C'
    >>> str(factor(simplify(A * B - 2 * (B * B))))
    'B ∘ (A - 2 B)'
    """
    if not e.args:
        return e
    args = [factor(a) for a in e.args]
    if any(a is not b for a, b in zip(args, e.args)):
        e = Expr(e.op, args, e.shape, e.data)
    return _factor_sum(e) if e.op == "add" else e


def _factor_sum(e):
    for side in (-1, 0):
        parts = [_edge(t, side) for t in e.args]
        if all(p is not None for p in parts) and len({p[0].key for p in parts}) == 1:
            common = parts[0][0]
            rest = factor(_add([p[1] for p in parts]))
            return _mm([rest, common] if side == -1 else [common, rest])
    parts = [_entrywise_factors(t) for t in e.args]
    if any(p is None for p in parts):
        return e
    common = []
    for f in parts[0][2]:  # a multiset intersection: B ∘ B and B share one B
        if f.op != "ones" and all(sum(g == f for g in p[2]) > sum(g == f for g in common)
                                  for p in parts):
            common.append(f)
    if not common or all(len(p[2]) == len(common) for p in parts):
        return e
    rests = []
    for coef, scalars, factors in parts:
        left = list(factors)
        for f in common:
            left.remove(f)
        body = _had(left) if left else ones(*e.shape)
        rests.append(_mul(coef, scalars + [body]))
    return _had(common + [factor(_add(rests))])


def _entrywise_factors(t):
    """(coefficient, scalar factors, entrywise factors) of a term, or None."""
    coef, scalars, mats = _split_scalars([t])
    if len(mats) != 1 or is_scalar(mats[0]):
        return None
    m = mats[0]
    factors = list(m.args) if m.op == "had" else [m]
    # powers count as repeated factors: B^2 = B ∘ B
    out = []
    for f in factors:
        if f.op == "pow" and isinstance(f.data, Fraction) and f.data.denominator == 1 \
                and 1 < f.data <= 4:
            out += [f.args[0]] * int(f.data)
        else:
            out.append(f)
    return coef, scalars, out


def _edge(t, side):
    """(edge factor, the rest) of a product term, or None."""
    coef, scalars, mats = _split_scalars([t])
    if len(mats) != 1 or mats[0].op != "mm":
        return None
    factors = list(mats[0].args)
    edge = factors[side]
    rest = factors[:-1] if side == -1 else factors[1:]
    body = rest[0] if len(rest) == 1 else Expr("mm", rest, (rest[0].shape[0], rest[-1].shape[1]))
    return edge, _mul(coef, scalars + [body])


def name_repeated(exprs, taken=(), min_size=3):
    """Name the compound subexpressions (of at least ``min_size`` nodes) that occur more
    than once within one of ``exprs``: returns (the expressions with the names substituted,
    [(name, definition), ...]).

    >>> from .expr import matrix
    >>> from .language import tanh
    >>> A = matrix("A", "m", "n")
    >>> H = tanh(A @ A.T)
    >>> out, defs = name_repeated([simplify(H @ H)])
    >>> str(out[0]), [(n, str(d)) for n, d in defs]
    ('H^2', [('H', 'tanh(A A^T)')])
    """
    from .expr import variables
    counts, nodes = {}, {}

    def visit(node, inside_repeat=False):
        if node.op in ("var", "num", "ones", "eye", "zero", "pow", "T", "inv"):
            for a in node.args:
                visit(a)
            return
        counts[node.key] = counts.get(node.key, 0) + 1
        nodes[node.key] = node
        for a in node.args:
            visit(a)

    best = {}
    for x in exprs:
        counts.clear()
        visit(x)
        for k, c in counts.items():
            best[k] = max(best.get(k, 0), c)
    counts = best
    taken = set(taken)
    for x in exprs:
        taken |= set(variables(x))
    pool = [n for n in "RHPQUVZEFGM" if n not in taken]
    small = [n for n in "stuvqr" if n not in taken]
    defs, subst = [], {}
    # outermost first: a repeated node whose parent is repeated as often is not named
    repeated = sorted((k for k, c in counts.items() if c > 1 and _size(nodes[k]) >= min_size
                       and nodes[k].op in _NAMEABLE and not _has_differential(nodes[k])),
                      key=lambda k: -_size(nodes[k]))
    for k in repeated:
        names = small if is_scalar(nodes[k]) else pool
        if not names or any(_inside(nodes[k], nodes[j]) and counts[j] >= counts[k]
                            for j in subst):
            continue
        prefer = _PREFERRED.get(nodes[k].op)
        name = names.pop(0) if prefer not in names else (names.remove(prefer) or prefer)
        subst[k] = Expr("var", (), nodes[k].shape, (name, frozenset({"named"})))
        defs.append((name, nodes[k]))

    def replace(node):
        if node.key in subst:
            return subst[node.key]
        if not node.args:
            return node
        return Expr(node.op, [replace(a) for a in node.args], node.shape, node.data)

    out = [replace(x) for x in exprs]
    defs = [(n, replace_inner(d, subst, n)) for n, d in defs]
    return out, defs[::-1]


_PREFERRED = {"tanh": "H", "sigmoid": "H", "softmax": "P"}
#: Operations whose repeated results get a name: sums, function applications, products.
_NAMEABLE = ("add", "mm", "tanh", "sigmoid", "softmax", "exp", "log", "softplus", "inv", "det",
             "logdet", "tr", "frob", "fro", "sum")


def replace_inner(d, subst, own):
    def replace(node, top=False):
        if not top and node.key in subst:
            return subst[node.key]
        if not node.args:
            return node
        return Expr(node.op, [replace(a) for a in node.args], node.shape, node.data)

    return replace(d, True)


def _size(e):  # number of nodes
    return 1 + sum(_size(a) for a in e.args)


def _inside(small, big):
    if small.key == big.key:
        return False
    stack = [big]
    while stack:
        n = stack.pop()
        if n.key == small.key:
            return True
        stack.extend(n.args)
    return False
