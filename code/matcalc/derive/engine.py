"""derive: the book's method applied to a reader's scalar expression, every step written out
and checked before anything is returned.

1. take the differential, one rewrite per operation (:mod:`.rewrites`), and simplify it;
2. move everything to the form G : dX, one Frobenius move per term per round
   (:mod:`.moves`), collect the terms and find the shortest form (:mod:`.factor`);
3. for a symmetric variable, G : dX = sym(G) : dX on symmetric directions;
4. check the chain (:mod:`.checks`): numerically at sizes chosen so that every inverse
   exists, and exactly with sympy at size 2 where that is rational and small enough, all
   within a time cap. A failed check raises :class:`DerivationFailed`; an expression that
   cannot be checked is refused with the reason.

>>> from .expr import matrix
>>> from .language import fro
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> r = derive(0.5 * fro(W @ X - Y) ** 2, wrt="W")
>>> str(r.gradient)
'(W X - Y) X^T'
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from fractions import Fraction

from .algebra import add, scale
from .budget import DEFAULT_CAP, Budget
from .chain import Chain
from .checks import DerivationFailed, run_checks
from .expr import NONSMOOTH, Expr, const, depth, is_scalar, size, variables, walk, zero
from .factor import tidy
from .language import frob
from .moves import frobenius_moves
from .naming import name_repeated
from .result import Derived, Step
from .rewrites import differential_of, differential_variable
from .simplify import simplify, transpose
from .sizing import exact_sizes, numeric_sizes, validate_sizes
from ..report import Report

__all__ = ["derive", "DerivationFailed", "variable_of", "prepare_problem", "size_candidates",
           "MAX_DEPTH", "MAX_NODES", "engine_limits", "nonsmooth_note"]

MAX_DEPTH = 250  # deeper expressions are refused (the engine's walks are recursive)
MAX_NODES = 2500  # expressions with more distinct nodes are refused


def variable_of(L: Expr, wrt: object) -> tuple:
    """(the variables of L by name, the variable ``wrt`` names); ValueError naming the
    variables when ``wrt`` is not one of them.

    >>> from .expr import matrix
    >>> variable_of(matrix("A", "m", "n").T, "A")[1].shape
    ('m', 'n')
    """
    expr_vars = variables(L)
    name = wrt.name if isinstance(wrt, Expr) else wrt
    if not isinstance(name, str) or name not in expr_vars:
        raise ValueError(f"wrt={name!r} is not a variable of {L}; its variables are "
                         f"{sorted(expr_vars)}")
    if "d" + name in expr_vars:
        raise ValueError(f"a variable is named d{name}, the name of the differential of "
                         f"{name}; rename it")
    return expr_vars, expr_vars[name]


def prepare_problem(L: object, wrt: object, exact: object, sizes: object,
                    what: str) -> tuple:
    """Validated inputs: (L, the variables, the variable, the sizes given); ValueError
    naming the argument and the allowed values.

    >>> from .expr import vector
    >>> prepare_problem(vector("x", "n"), "x", None, {"n": 4}, "differential")[3]
    {'n': 4}
    """
    if not isinstance(L, Expr):
        raise ValueError(f"{what} needs a matrix expression built from matrix()/vector()/"
                         f"scalar() and the functions of matcalc.derive, got "
                         f"{type(L).__name__} {L!r:.60}")
    if exact not in (None, True, False):
        raise ValueError(f"exact must be None (automatic), True or False, got {exact!r}")
    engine_limits(L)
    expr_vars, var = variable_of(L, wrt)
    letters = {p for v in expr_vars.values() for d in v.shape for p in d.split("*")} - {"1"}
    return L, expr_vars, var, validate_sizes(sizes, letters)


def engine_limits(e: Expr) -> None:
    """ValueError when ``e`` is deeper or larger than the engine takes.

    >>> from .expr import matrix
    >>> engine_limits(matrix("A", "n", "n"))
    """
    d, n = depth(e), size(e)
    if d > MAX_DEPTH:
        raise ValueError(f"not supported: the expression nests {d} levels deep; the engine "
                         f"takes at most {MAX_DEPTH}")
    if n > MAX_NODES:
        raise ValueError(f"not supported: the expression has {n} distinct parts; the engine "
                         f"takes at most {MAX_NODES}")


@contextmanager
def deep_walks():
    """A context with room for the recursive walks of deep (but allowed) expressions; a
    RecursionError inside becomes a ValueError naming the depth limit.

    >>> with deep_walks():
    ...     sys.getrecursionlimit() >= 20 * MAX_DEPTH
    True
    """
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20 * MAX_DEPTH + 1000))
    try:
        yield
    except RecursionError:
        raise ValueError(f"not supported: the expression is too deeply nested for the "
                         f"engine (at most {MAX_DEPTH} levels)") from None
    finally:
        sys.setrecursionlimit(old)


def nonsmooth_note(e: Expr) -> str:
    """Where the expression is not differentiable (abs, relu), or "".

    >>> from .expr import matrix
    >>> from .language import abs
    >>> nonsmooth_note(abs(matrix("A", "m", "n")))
    'abs(A) is not differentiable where an entry of A is 0; the result holds off that set'
    """
    parts = [f"{n} is not differentiable where an entry of {n.args[0]} is 0"
             for n in walk(e) if n.op in NONSMOOTH]
    return "; ".join(parts) + ("; the result holds off that set" if parts else "")


def size_candidates(exprs: list, expr_vars: dict, given: dict) -> list:
    """The sizes to try, in order: sizes meeting every rank requirement of ``exprs`` (with
    ``given`` kept), then every letter equal.

    >>> from .expr import matrix
    >>> size_candidates([], {"A": matrix("A", "m", "n")}, {})
    [{'m': 3, 'n': 4}, {'m': 4, 'n': 4}]
    """
    letters = {p for v in expr_vars.values() for d in v.shape for p in d.split("*")} - {"1"}
    first = numeric_sizes(exprs, letters, given)
    top = max(first.values(), default=3)
    square = {x: given.get(x, top) for x in sorted(letters)}
    return [first] + ([square] if square != first else [])


def _gradient_steps(L: Expr, var: Expr, dvar: Expr, rewrites, moves, budget) -> tuple:
    """(steps, G) of the derivation of the gradient of L."""
    D, used = differential_of(simplify(L), var.name, dvar, rewrites)
    D = simplify(D) if D is not None else const(0)
    budget.check("the differential")
    steps = [Step(D, "; ".join(used) or "the expression does not depend on " + var.name)]
    if D.op == "num" and D.data == 0:
        return steps, zero(var.shape)
    rounds, pairs = frobenius_moves(D, dvar, moves, deadline=budget.check)
    steps += [Step(s, "; ".join(names)) for s, names in rounds]
    G = tidy(simplify(add([A for A, _ in pairs])))
    budget.check("simplifying the gradient")
    if len(pairs) > 1:
        steps.append(Step(frob(G, dvar), "collecting the terms: A : C + B : C = (A + B) : C"))
    if "symmetric" in var.props:
        Gs = tidy(simplify(scale(Fraction(1, 2), [add([G, transpose(G)])])))
        if Gs != G:
            G = Gs
            steps.append(Step(frob(G, dvar), f"d{var.name} symmetric: G : d{var.name} = "
                                             f"sym(G) : d{var.name}"))
    return steps, G


def derive(L: Expr, wrt: Expr | str, *, exact: bool | None = None, sizes: dict | None = None,
           time_cap: float = DEFAULT_CAP, rewrites: dict | None = None,
           moves: dict | None = None) -> Derived:
    """The gradient of the scalar expression ``L`` with respect to ``wrt`` (a variable or its
    name), derived step by step and checked before it is returned (module docstring).

    ``exact``: None (default) runs the exact check where it is rational and small enough;
    True forces it, False switches it off. ``sizes`` fixes the numeric checks' sizes of some
    letters (e.g. ``{"k": 5}``); the others are chosen so that the expression is defined.
    ``time_cap`` (seconds) bounds the whole call. ``rewrites``/``moves`` replace the
    differential rewrites or Frobenius moves (for tests: ``rewrites.corrupted``). Raises
    ValueError for bad input or an expression that cannot be checked (naming why), and
    DerivationFailed when a check fails.

    >>> from .expr import vector, matrix
    >>> x, A = vector("x", "n"), matrix("A", "n", "n")
    >>> str(derive(x.T @ A @ x, "x").gradient)
    '(A + A^T) x'
    """
    budget = Budget(time_cap)
    L, expr_vars, var, given = prepare_problem(L, wrt, exact, sizes, "derive")
    if not is_scalar(L):
        raise ValueError(f"derive needs a scalar expression, but {L} is {L.shape[0]} x "
                         f"{L.shape[1]}; use differential() for a matrix-valued one")
    if "diagonal" in var.props:
        raise ValueError(f"not supported: the gradient with respect to the diagonal variable "
                         f"{var.name}; declare a vector {var.name.lower()}_ and write "
                         f"diag({var.name.lower()}_)")
    dvar = differential_variable(var)
    with deep_walks():
        steps, G = _gradient_steps(L, var, dvar, rewrites, moves, budget)
        identities = ((steps[-1].expr, frob(G, dvar), "identification: G : dX"),) \
            if steps[-1].expr != frob(G, dvar) and G.op != "zero" else ()
        chain = Chain(L, var, dvar, tuple(steps), identities, expr_vars, G,
                      "symmetric" in var.props)
        candidates = size_candidates(chain.expressions(), expr_vars, given)
        letters = set(candidates[0])
        checks, skipped, used = run_checks(chain, candidates, exact_sizes(letters), budget,
                                           exact)
        shown, names = name_repeated(G, [s.expr for s in steps], tuple(expr_vars))
    note = nonsmooth_note(L)
    if "symmetric" in var.props:
        note = "; ".join(x for x in (
            f"{var.name} is symmetric: this is the gradient along symmetric directions, "
            f"sym(G) = (G + G^T)/2 of the unconstrained G (not 2G - diag(G))", note) if x)
    return Derived("gradient", L, var, G, tuple(steps),
                   Report(title=f"derivation of the gradient of {L} in {var.name}",
                          checks=tuple((c.kind, c) for c in checks)),
                   tuple(skipped), dvar, note=note, names=tuple(names), named_answer=shown,
                   sizes=used, variables=expr_vars)
