"""differential (a matrix-valued function's dF, with its vec form) and hessian (the map
V -> H[V], with its vec form), both checked before they are returned, both results of the
one class :class:`.result.Derived`.

A differential's vec form is its Jacobian J, vec(dF) = J vec(dX); a Hessian's is the
matrix of H on vec(X). Both are found term by term (:mod:`.vecform`) and checked as one
more link of the chain, vec(dF) = J vec(dX).

>>> from .expr import matrix
>>> from .language import inv
>>> X = matrix("X", "n", "n")
>>> d = differential(inv(X), wrt="X")
>>> str(d.answer), str(d.vec_form)
('-X^-1 dX X^-1', '-X^-T ⊗ X^-1')
"""

from __future__ import annotations

from .budget import DEFAULT_CAP, Budget
from .chain import Chain
from .checks import run_checks
from .engine import deep_walks, derive, nonsmooth_note, prepare_problem, size_candidates
from .expr import Expr, zero
from .factor import tidy
from .language import vec
from .naming import substitute
from .result import Derived, Step
from .rewrites import differential_of, differential_variable
from .simplify import simplify
from .sizing import exact_sizes
from .vecform import vec_matrix
from ..report import Report

__all__ = ["differential", "hessian"]


def _checked(F: Expr, var: Expr, dvar: Expr, D: Expr, why: str, expr_vars: dict,
             given: dict, budget: Budget, exact: bool | None) -> tuple:
    """(the vec form, why none, checks, skipped, sizes) of the chain d(F) = D."""
    J, note = vec_matrix(D, dvar) if D.op != "zero" else (None, "the differential is 0")
    identities = ((vec(D), simplify(Expr("mm", (J, vec(dvar)), (J.shape[0], "1"))),
                   "vec form: vec(dF) = J vec(dX)"),) if J is not None else ()
    chain = Chain(F, var, dvar, (Step(D, why),), identities, expr_vars, None,
                  "symmetric" in var.props)
    candidates = size_candidates(chain.expressions(), expr_vars, given)
    checks, skipped, sizes = run_checks(chain, candidates, exact_sizes(set(candidates[0])),
                                        budget, exact)
    return J, note, checks, skipped, sizes


def differential(F: Expr, wrt: Expr | str, *, exact: bool | None = None,
                 sizes: dict | None = None, time_cap: float = DEFAULT_CAP,
                 rewrites: dict | None = None) -> Derived:
    """dF for an expression F (matrix-valued or not), linear in d<wrt>, checked, with its
    vec form (the Jacobian) when one exists. Arguments as for :func:`derive`.

    >>> from .expr import matrix
    >>> A, X = matrix("A", "m", "n"), matrix("X", "n", "k")
    >>> d = differential(A @ X, "X")
    >>> str(d.answer), str(d.vec_form), d.passed
    ('A dX', 'I ⊗ A', True)
    """
    budget = Budget(time_cap)
    F, expr_vars, var, given = prepare_problem(F, wrt, exact, sizes, "differential")
    dvar = differential_variable(var)
    with deep_walks():
        D, used = differential_of(simplify(F), var.name, dvar, rewrites)
        D = tidy(simplify(D)) if D is not None else zero(F.shape)
        J, why, checks, skipped, used_sizes = _checked(
            F, var, dvar, D, "; ".join(used) or "constant", expr_vars, given, budget, exact)
    return Derived("differential", F, var, D, (Step(D, "; ".join(used) or "constant"),),
                   Report(title=f"derivation of d({F})",
                          checks=tuple((c.kind, c) for c in checks)),
                   tuple(skipped), dvar, J, why, nonsmooth_note(F), sizes=used_sizes,
                   variables=expr_vars)


def _direction(expr_vars: dict, var: Expr) -> Expr:
    for n in ("V", "U", "E", "Dir"):
        if n not in expr_vars:
            return Expr("var", (), var.shape, (n, var.props - {"spd", "invertible",
                                                               "positive"}))
    raise ValueError("no free name for the direction (V, U, E and Dir are all variables)")


def hessian(L: Expr, wrt: Expr | str, *, exact: bool | None = None,
            sizes: dict | None = None, time_cap: float = DEFAULT_CAP) -> Derived:
    """The Hessian of the scalar L as the linear map V -> H[V] (the differential of the
    gradient, which is derived and checked first), with its vec form when one exists. For
    a symmetric variable it is the Hessian on the symmetric matrices. Arguments as for
    :func:`derive`.

    >>> from .expr import matrix
    >>> from .language import fro
    >>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
    >>> h = hessian(0.5 * fro(W @ X - Y) ** 2, "W")
    >>> str(h.answer), str(h.vec_form)
    ('V X X^T', '(X X^T) ⊗ I')
    """
    budget = Budget(time_cap)  # the gradient's derivation and the Hessian's share the cap
    r = derive(L, wrt, exact=exact, sizes=sizes, time_cap=max(0.0, budget.remaining()))
    var, expr_vars, G = r.variable, r.variables, r.gradient
    dvar = differential_variable(var)
    V = _direction(expr_vars, var)
    with deep_walks():
        D, used = differential_of(G, var.name, dvar)
        HdX = tidy(simplify(D)) if D is not None else zero(var.shape)
        J, why, checks, skipped, used_sizes = _checked(
            G, var, dvar, HdX, "; ".join(used) or "constant", expr_vars, dict(r.sizes),
            budget, exact)
    HV = substitute(HdX, {dvar.key: V})
    report = Report(title=f"derivation of the Hessian of {L} in {var.name}",
                    checks=(("gradient", r.checks),) + tuple((c.kind, c) for c in checks))
    note = "; ".join(x for x in (r.note, f"H[{V.name}] is the derivative of the gradient "
                                         f"along {V.name}") if x)
    return Derived("hessian", L, var, HV, (Step(HdX, "; ".join(used) or "constant"),), report,
                   tuple(skipped), V, J, why, note, sizes=used_sizes, variables=expr_vars)
