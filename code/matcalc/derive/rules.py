"""The differential rules of the engine, as data: one :class:`Rule` per operation, each with
the book's statement, the theorem it comes from, the rule itself and a deliberately wrong
variant (the tests show every wrong variant failing the engine's checks).

A rule maps the node, its arguments and their differentials (``None`` for a constant) to the
node's differential. :func:`differential_of` applies them recursively.

>>> from .expr import matrix, SCALAR
>>> from .simplify import simplify
>>> X = matrix("X", "n", "n")
>>> dX = differential_variable(X)
>>> D, used = differential_of(simplify(X @ X), "X", dX)
>>> str(simplify(D)), used
('dX X + X dX', ['product rule'])
"""

from dataclasses import dataclass, replace
from fractions import Fraction

from .expr import Expr, const, is_scalar, ones
from .language import fro, frob, inv, sigmoid, sum as total, tr

__all__ = ["Rule", "RULES", "differential_of", "differential_variable", "corrupted"]


@dataclass(frozen=True)
class Rule:
    """A differential rule: ``apply(node, args, dargs)`` returns d(node).

    >>> RULES["inv"].name, RULES["inv"].theorem
    ('d(X^-1)', 'thm-inverse')
    """

    op: str
    name: str  # what the step says
    statement: str  # LaTeX, as in the differentials chapter
    theorem: str  # label of the book's theorem
    apply: object
    wrong: object  # a deliberately wrong variant (same signature)


def _terms(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = Expr("add", (out, p), out.shape)
    return out


def _ew(F, dA):
    """F ∘ dA (entrywise), or F dA for scalars."""
    if is_scalar(dA):
        return Expr("mul", (F, dA), dA.shape, Fraction(1))
    return Expr("had", (F, dA), dA.shape)


def _scale(c, A):
    return Expr("mul", (A,), A.shape, Fraction(c))


def _times(s, A):
    return Expr("mul", (s, A), A.shape, Fraction(1))


def _chain(args):
    out = args[0]
    for a in args[1:]:
        out = Expr("mm", (out, a), (out.shape[0], a.shape[1]))
    return out


def _product_terms(build, args, dargs, only_first=False):
    out = []
    for i, d in enumerate(dargs):
        if d is None:
            continue
        out.append(build(args[:i] + [d] + args[i + 1:]))
        if only_first:
            break
    return _terms(out)


def _mm(e, args, dargs):
    return _product_terms(_chain, list(args), dargs)


def _mm_wrong(e, args, dargs):
    return _product_terms(_chain, list(args), dargs, only_first=True)


def _mul_build(e):
    return lambda a: Expr("mul", a, e.shape, e.data)


def _mul(e, args, dargs):
    return _product_terms(_mul_build(e), list(args), dargs)


def _mul_wrong(e, args, dargs):
    return _product_terms(_mul_build(e), list(args), dargs, only_first=True)


def _had_build(e):
    return lambda a: Expr("had", a, e.shape)


def _had(e, args, dargs):
    return _product_terms(_had_build(e), list(args), dargs)


def _had_wrong(e, args, dargs):
    return _product_terms(_had_build(e), list(args), dargs, only_first=True)


def _add(e, args, dargs):
    return _terms(dargs)


def _add_wrong(e, args, dargs):
    return _terms([d for d in dargs if d is not None][:1])


def _pow(e, args, dargs):
    A, p = args[0], e.data
    return _ew(_scale(p, A ** (p - 1)), dargs[0])


def _pow_wrong(e, args, dargs):
    return _ew(_scale(e.data, args[0] ** e.data), dargs[0])


def _elementwise(derivative):
    return lambda e, args, dargs: _ew(derivative(args[0], e), dargs[0])


def _one(A):
    return const(1) if is_scalar(A) else ones(*A.shape)


RULES_DATA = [
    ("mm", "product rule", r"\d(AB) = \d A\,B + A\,\d B", "thm-product-rule", _mm, _mm_wrong),
    ("mul", "product rule", r"\d(cA) = \d c\,A + c\,\d A", "thm-product-rule", _mul,
     _mul_wrong),
    ("had", "product rule", r"\d(A \had B) = \d A \had B + A \had \d B", "thm-product-rule",
     _had, _had_wrong),
    ("add", "linearity", r"\d(A + B) = \d A + \d B", "thm-linear-rules", _add, _add_wrong),
    ("pow", "chain rule through elementwise functions",
     r"\d(A^{\circ p}) = p A^{\circ(p-1)} \had \d A", "thm-elementwise", _pow, _pow_wrong),
    ("exp", "chain rule through elementwise functions", r"\d\exp(Z) = \exp(Z) \had \d Z",
     "thm-elementwise", _elementwise(lambda A, e: e), lambda e, a, d: d[0]),
    ("log", "chain rule through elementwise functions",
     r"\d\log(Z) = Z^{\circ -1} \had \d Z", "thm-elementwise",
     _elementwise(lambda A, e: A ** -1), _elementwise(lambda A, e: A)),
    ("tanh", "chain rule through elementwise functions",
     r"\d\tanh(Z) = (1 - \tanh(Z)^{\circ 2}) \had \d Z", "thm-elementwise",
     _elementwise(lambda A, e: _one(A) - e ** 2), _elementwise(lambda A, e: _one(A) + e ** 2)),
    ("sigmoid", "chain rule through elementwise functions",
     r"\d\sigma(Z) = \sigma(Z) \had (1 - \sigma(Z)) \had \d Z", "thm-elementwise",
     _elementwise(lambda A, e: e * (_one(A) - e)), _elementwise(lambda A, e: e)),
    ("softplus", "chain rule through elementwise functions",
     r"\d\operatorname{softplus}(Z) = \sigma(Z) \had \d Z", "thm-elementwise",
     _elementwise(lambda A, e: sigmoid(A)), _elementwise(lambda A, e: sigmoid(-A))),
    ("softmax", "d softmax (column-wise)",
     r"\d P = P \had \d Z - P \had (\mathbf 1\mathbf 1^\T (P \had \d Z))", "thm-elementwise",
     lambda e, a, d: e * d[0] - e * (ones(e.shape[0], e.shape[0]) @ (e * d[0])),
     lambda e, a, d: e * d[0]),
    ("T", "linearity", r"\d(A^\T) = (\d A)^\T", "thm-linear-rules",
     lambda e, a, d: d[0].T, lambda e, a, d: d[0]),
    ("inv", "d(X^-1)", r"\d(X^{-1}) = -X^{-1}\,\d X\,X^{-1}", "thm-inverse",
     lambda e, a, d: -(e @ d[0] @ e), lambda e, a, d: -(e @ e @ d[0])),
    ("det", "d det", r"\d\det X = \det(X)\tr(X^{-1}\d X)", "thm-determinant",
     lambda e, a, d: _times(e, tr(inv(a[0]) @ d[0])),
     lambda e, a, d: _times(e, tr(inv(a[0]).T @ d[0]))),
    ("logdet", "d log det", r"\d\log\det X = \tr(X^{-1}\d X)", "thm-determinant",
     lambda e, a, d: tr(inv(a[0]) @ d[0]), lambda e, a, d: tr(inv(a[0]).T @ d[0])),
    ("tr", "linearity", r"\d\tr A = \tr\d A", "thm-linear-rules",
     lambda e, a, d: tr(d[0]), lambda e, a, d: total(d[0])),
    ("sum", "linearity", r"\d\operatorname{sum}(A) = \operatorname{sum}(\d A)",
     "thm-linear-rules", lambda e, a, d: total(d[0]), lambda e, a, d: _scale(2, total(d[0]))),
    ("frob", "product rule", r"\d(\frob{A}{B}) = \frob{\d A}{B} + \frob{A}{\d B}",
     "thm-product-rule",
     lambda e, a, d: _terms([None if d[0] is None else frob(d[0], a[1]),
                             None if d[1] is None else frob(a[0], d[1])]),
     lambda e, a, d: _terms([None if d[0] is None else frob(d[0], a[1])]
                            or [None if d[1] is None else frob(a[0], d[1])])),
    ("fro", "d of the Frobenius norm", r"\d\fnorm{A} = \frob{A}{\d A} / \fnorm{A}",
     "thm-product-rule", lambda e, a, d: _times(fro(a[0]) ** -1, frob(a[0], d[0])),
     lambda e, a, d: frob(a[0], d[0])),
    ("diagm", "linearity", r"\d\diag(x) = \diag(\d x)", "thm-linear-rules",
     lambda e, a, d: Expr("diagm", (d[0],), e.shape),
     lambda e, a, d: _scale(2, Expr("diagm", (d[0],), e.shape))),
    ("diagv", "linearity", r"\d\diag(A) = \diag(\d A)", "thm-linear-rules",
     lambda e, a, d: Expr("diagv", (d[0],), e.shape),
     lambda e, a, d: _scale(2, Expr("diagv", (d[0],), e.shape))),
    ("kron", "product rule", r"\d(A \kron B) = \d A \kron B + A \kron \d B", "thm-product-rule",
     lambda e, a, d: _terms([None if d[0] is None else Expr("kron", (d[0], a[1]), e.shape),
                             None if d[1] is None else Expr("kron", (a[0], d[1]), e.shape)]),
     lambda e, a, d: _terms([None if d[0] is None else Expr("kron", (d[0], a[1]), e.shape)])),
]

#: The rules by operation.
RULES = {op: Rule(op, name, statement, theorem, apply, wrong)
         for op, name, statement, theorem, apply, wrong in RULES_DATA}
_CONSTANTS = ("num", "ones", "eye", "zero", "comm")


def corrupted(op, rules=None):
    """The rules with ``op``'s rule replaced by its wrong variant (for tests and the book).

    >>> corrupted("inv")["inv"].apply is RULES["inv"].wrong
    True
    """
    rules = dict(rules or RULES)
    if op not in rules:
        raise ValueError(f"no rule for {op!r}; rules are {sorted(rules)}")
    rules[op] = replace(rules[op], apply=rules[op].wrong)
    return rules


def differential_variable(var):
    """The differential d<name> of a variable: same shape and properties.

    >>> from .expr import matrix
    >>> differential_variable(matrix("W", "m", "n")).name
    'dW'
    """
    return Expr("var", (), var.shape, ("d" + var.name, var.props | {"differential"}))


def differential_of(e, wrt, dvar, rules=None):
    """(d e, the names of the rules used): the differential of ``e`` when the variable named
    ``wrt`` moves by ``dvar`` (an expression of its shape). ``None`` when ``e`` is constant.

    >>> from .expr import matrix
    >>> A = matrix("A", "n", "n")
    >>> differential_of(A, "X", differential_variable(matrix("X", "n", "n")))
    (None, [])
    """
    rules = rules or RULES
    used, memo = [], {}

    def walk(node):
        if node.key in memo:
            return memo[node.key]
        if node.op == "var":
            out = dvar if node.name == wrt else None
        elif node.op in _CONSTANTS:
            out = None
        else:
            dargs = [walk(a) for a in node.args]
            if all(d is None for d in dargs):
                out = None
            else:
                rule = rules.get(node.op)
                if rule is None:
                    raise ValueError(f"not supported: no differential rule for {node.op!r} "
                                     f"(in {node})")
                out = rule.apply(node, list(node.args), dargs)
                if rule.name not in used:
                    used.append(rule.name)
        memo[node.key] = out
        return out

    return walk(e), used
