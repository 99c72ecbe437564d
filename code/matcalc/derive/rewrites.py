"""The differential of each operation, as a rewrite registered next to its definition.

A :class:`Rewrite` maps a node, its arguments and their differentials (``None`` for a
constant) to the node's differential, with the book's statement, the theorem it comes from
and a deliberately wrong variant (the tests show every wrong variant failing the engine's
checks). :func:`differential_of` applies them recursively.

>>> from .expr import matrix
>>> from .simplify import simplify
>>> X = matrix("X", "n", "n")
>>> dX = differential_variable(X)
>>> D, used = differential_of(simplify(X @ X), "X", dX)
>>> str(simplify(D)), used
('dX X + X dX', ['product rule'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from .algebra import add, hadamard, power, product, scale
from .expr import Expr, const, is_scalar, ones, zero
from .language import frob, inv, sigmoid, tr
from .language import sum as total

__all__ = ["Rewrite", "REWRITES", "rewrite", "differential_of", "differential_variable",
           "corrupted", "CONSTANTS"]

#: Operations without a differential (constants of the language).
CONSTANTS = ("num", "ones", "eye", "zero", "comm", "dim")


@dataclass(frozen=True)
class Rewrite:
    """A differential rewrite: ``apply(node, args, dargs)`` returns d(node); ``wrong`` is a
    deliberately wrong variant with the same signature.

    >>> REWRITES["inv"].name, REWRITES["inv"].theorem
    ('d(X^-1)', 'thm-inverse')
    """

    op: str
    name: str  # what the step says
    statement: str  # LaTeX, as in the differentials chapter
    theorem: str  # label of the book's theorem (its proof, for softmax)
    apply: Callable
    wrong: Callable


#: The differential rewrite of each operation.
REWRITES: dict[str, Rewrite] = {}


def rewrite(op: str, name: str, statement: str, theorem: str, wrong: Callable) -> Callable:
    """Register the decorated function as the differential rewrite of ``op``.

    >>> "kron" in REWRITES and REWRITES["kron"].name
    'product rule'
    """
    def register(apply: Callable) -> Callable:
        REWRITES[op] = Rewrite(op, name, statement, theorem, apply, wrong)
        return apply

    return register


def _sum(parts: list) -> Expr | None:
    parts = [p for p in parts if p is not None]
    return add(parts) if parts else None


def _ew(F: Expr, dA: Expr) -> Expr:
    """F ∘ dA (entrywise), or F dA for scalars."""
    return scale(1, [F, dA]) if is_scalar(dA) else hadamard([F, dA])


def _one(A: Expr) -> Expr:
    return const(1) if is_scalar(A) else ones(*A.shape)


def _product_terms(build: Callable, args: list, dargs: list, first_only: bool = False):
    out = []
    for i, d in enumerate(dargs):
        if d is not None:
            out.append(build(args[:i] + [d] + args[i + 1:]))
            if first_only:
                break
    return _sum(out)


def _each(build: Callable) -> tuple:
    right = lambda e, a, d: _product_terms(build(e), list(a), d)
    wrong = lambda e, a, d: _product_terms(build(e), list(a), d, first_only=True)
    return right, wrong


_MM = _each(lambda e: product)
_MUL = _each(lambda e: lambda xs: scale(e.data, xs))
_HAD = _each(lambda e: hadamard)
_KRON = _each(lambda e: lambda xs: Expr("kron", xs, e.shape))

rewrite("mm", "product rule", r"\d(AB) = \d A\,B + A\,\d B", "thm-product-rule",
        _MM[1])(_MM[0])
rewrite("mul", "product rule", r"\d(cA) = \d c\,A + c\,\d A", "thm-product-rule",
        _MUL[1])(_MUL[0])
rewrite("had", "product rule", r"\d(A \had B) = \d A \had B + A \had \d B",
        "thm-product-rule", _HAD[1])(_HAD[0])
rewrite("kron", "product rule", r"\d(A \kron B) = \d A \kron B + A \kron \d B",
        "thm-product-rule", _KRON[1])(_KRON[0])


@rewrite("add", "linearity", r"\d(A + B) = \d A + \d B", "thm-linear-rules",
         wrong=lambda e, a, d: _sum([x for x in d if x is not None][:1]))
def _d_add(e: Expr, args: list, dargs: list) -> Expr | None:
    return _sum(dargs)


@rewrite("pow", "chain rule through elementwise functions",
         r"\d(A^{\circ p}) = p A^{\circ(p-1)} \had \d A", "thm-elementwise",
         wrong=lambda e, a, d: _ew(scale(e.data, [power(a[0], e.data)]), d[0]))
def _d_pow(e: Expr, args: list, dargs: list) -> Expr:
    return _ew(scale(e.data, [power(args[0], e.data - 1)]), dargs[0])


def _elementwise(op: str, statement: str, derivative: Callable, wrong: Callable,
                 name: str = "chain rule through elementwise functions") -> None:
    rewrite(op, name, statement, "thm-elementwise",
            wrong=lambda e, a, d: _ew(wrong(a[0], e), d[0]))(
        lambda e, a, d: _ew(derivative(a[0], e), d[0]))


_elementwise("exp", r"\d\exp(Z) = \exp(Z) \had \d Z", lambda A, e: e, lambda A, e: _one(A))
_elementwise("log", r"\d\log(Z) = Z^{\circ -1} \had \d Z", lambda A, e: power(A, -1),
             lambda A, e: A)
_elementwise("tanh", r"\d\tanh(Z) = (1 - \tanh(Z)^{\circ 2}) \had \d Z",
             lambda A, e: add([_one(A), scale(-1, [power(e, 2)])]),
             lambda A, e: add([_one(A), power(e, 2)]))
_elementwise("sigmoid", r"\d\sigma(Z) = \sigma(Z) \had (1 - \sigma(Z)) \had \d Z",
             lambda A, e: hadamard([e, add([_one(A), scale(-1, [e])])]), lambda A, e: e)
_elementwise("softplus", r"\d\operatorname{softplus}(Z) = \sigma(Z) \had \d Z",
             lambda A, e: sigmoid(A), lambda A, e: sigmoid(scale(-1, [A])))
_elementwise("sqrt", r"\d\sqrt{Z} = \tfrac12 \sqrt{Z}^{\circ -1} \had \d Z",
             lambda A, e: scale(Fraction(1, 2), [power(e, -1)]), lambda A, e: power(e, -1))
_elementwise("abs", r"\d|Z| = \operatorname{sign}(Z) \had \d Z \text{ where } Z \ne 0",
             lambda A, e: Expr("sign", (A,), A.shape), lambda A, e: _one(A))
_elementwise("relu", r"\d\operatorname{relu}(Z) = \operatorname{step}(Z) \had \d Z "
             r"\text{ where } Z \ne 0", lambda A, e: Expr("step", (A,), A.shape),
             lambda A, e: e)
for _op in ("sign", "step"):
    rewrite(_op, "constant away from 0", rf"\d\operatorname{{{_op}}}(Z) = 0 \text{{ where }} "
            r"Z \ne 0", "thm-elementwise", wrong=lambda e, a, d: d[0])(
        lambda e, a, d: zero(e.shape))


@rewrite("softmax", "d softmax", r"\d P = P \had \d Z - P \had (\mathbf 1\mathbf 1^\T "
         r"(P \had \d Z))", "thm-softmax-gradient",
         wrong=lambda e, a, d: hadamard([e, d[0]]))
def _d_softmax(e: Expr, args: list, dargs: list) -> Expr:
    PdZ = hadamard([e, dargs[0]])
    if e.data == 0:  # columns: subtract each column's P-weighted mean
        sums = product([ones(e.shape[0], e.shape[0]), PdZ])
    else:
        sums = product([PdZ, ones(e.shape[1], e.shape[1])])
    return add([PdZ, scale(-1, [hadamard([e, sums])])])


def _linear(op: str, statement: str, build: Callable, theorem: str = "thm-linear-rules",
            name: str = "linearity") -> None:
    rewrite(op, name, statement, theorem, wrong=lambda e, a, d: scale(2, [build(e, d[0])]))(
        lambda e, a, d: build(e, d[0]))


_linear("T", r"\d(A^\T) = (\d A)^\T", lambda e, dA: Expr("T", (dA,), e.shape))
_linear("tr", r"\d\tr A = \tr\d A", lambda e, dA: tr(dA))
_linear("sum", r"\d\operatorname{sum}(A) = \operatorname{sum}(\d A)", lambda e, dA: total(dA))
_linear("diagm", r"\d\diag(x) = \diag(\d x)", lambda e, dA: Expr("diagm", (dA,), e.shape))
_linear("diagv", r"\d\diag(A) = \diag(\d A)", lambda e, dA: Expr("diagv", (dA,), e.shape))
for _op in ("vec", "unvec", "rearr"):
    _linear(_op, rf"\d\operatorname{{{_op}}}(A) = \operatorname{{{_op}}}(\d A)",
            lambda e, dA: Expr(e.op, (dA,), e.shape, e.data))


@rewrite("inv", "d(X^-1)", r"\d(X^{-1}) = -X^{-1}\,\d X\,X^{-1}", "thm-inverse",
         wrong=lambda e, a, d: scale(-1, [product([e, e, d[0]])]))
def _d_inv(e: Expr, args: list, dargs: list) -> Expr:
    return scale(-1, [product([e, dargs[0], e])])


@rewrite("det", "d det", r"\d\det X = \det(X)\tr(X^{-1}\d X)", "thm-determinant",
         wrong=lambda e, a, d: scale(1, [e, tr(product([inv(a[0]).T, d[0]]))]))
def _d_det(e: Expr, args: list, dargs: list) -> Expr:
    return scale(1, [e, tr(product([inv(args[0]), dargs[0]]))])


@rewrite("logdet", "d log det", r"\d\log\det X = \tr(X^{-1}\d X)", "thm-determinant",
         wrong=lambda e, a, d: tr(product([inv(a[0]).T, d[0]])))
def _d_logdet(e: Expr, args: list, dargs: list) -> Expr:
    return tr(product([inv(args[0]), dargs[0]]))


@rewrite("frob", "product rule", r"\d(\frob{A}{B}) = \frob{\d A}{B} + \frob{A}{\d B}",
         "thm-product-rule",
         wrong=lambda e, a, d: _sum([frob(d[0], a[1]) if d[0] is not None
                                     else frob(a[0], d[1])]))
def _d_frob(e: Expr, args: list, dargs: list) -> Expr | None:
    return _sum([None if dargs[0] is None else frob(dargs[0], args[1]),
                 None if dargs[1] is None else frob(args[0], dargs[1])])


@rewrite("fro", "d of the Frobenius norm", r"\d\fnorm{A} = \frob{A}{\d A} / \fnorm{A}",
         "thm-product-rule", wrong=lambda e, a, d: frob(a[0], d[0]))
def _d_fro(e: Expr, args: list, dargs: list) -> Expr:
    return scale(1, [power(e, -1), frob(args[0], dargs[0])])


def corrupted(op: str, rewrites: dict | None = None) -> dict:
    """The rewrites with ``op``'s replaced by its wrong variant (for tests and the book).

    >>> corrupted("inv")["inv"].apply is REWRITES["inv"].wrong
    True
    """
    rewrites = dict(rewrites or REWRITES)
    if op not in rewrites:
        raise ValueError(f"no rewrite for {op!r}; rewrites are {sorted(rewrites)}")
    rewrites[op] = replace(rewrites[op], apply=rewrites[op].wrong)
    return rewrites


def differential_variable(var: Expr) -> Expr:
    """The differential d<name> of a variable: same shape and properties.

    >>> from .expr import matrix
    >>> differential_variable(matrix("W", "m", "n")).name
    'dW'
    """
    return Expr("var", (), var.shape, ("d" + var.name, var.props | {"differential"}))


def differential_of(e: Expr, wrt: str, dvar: Expr, rewrites: dict | None = None) -> tuple:
    """(d e, the names of the rewrites used): the differential of ``e`` when the variable
    named ``wrt`` moves by ``dvar`` (an expression of its shape); ``None`` when ``e`` is
    constant. Raises ValueError naming an operation without a rewrite.

    >>> from .expr import matrix
    >>> A = matrix("A", "n", "n")
    >>> differential_of(A, "X", differential_variable(matrix("X", "n", "n")))
    (None, [])
    """
    rewrites = rewrites or REWRITES
    used: list[str] = []
    memo: dict[tuple, Expr | None] = {}

    def walk(node: Expr) -> Expr | None:
        if node.key in memo:
            return memo[node.key]
        if node.op == "var":
            out = dvar if node.name == wrt else None
        elif node.op in CONSTANTS:
            out = None
        else:
            dargs = [walk(a) for a in node.args]
            out = None if all(d is None for d in dargs) else _apply(node, dargs)
        memo[node.key] = out
        return out

    def _apply(node: Expr, dargs: list) -> Expr:
        rule = rewrites.get(node.op)
        if rule is None:
            raise ValueError(f"not supported: no differential rewrite for {node.op!r} "
                             f"(in {node})")
        if rule.name not in used:
            used.append(rule.name)
        return rule.apply(node, list(node.args), dargs)

    return walk(e), used
