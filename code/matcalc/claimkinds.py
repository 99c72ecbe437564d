"""The checker of each kind of :class:`~matcalc.claim.Claim` (:data:`CHECKERS`), and the
values a claim is checked at (:func:`values`, :func:`symbols`).

A checker takes the claim, the kinds of its variables and whether to check exactly, and
returns the labelled results of its checks with one line saying how it checked:
``(claim, kinds, exact) -> (parts, how)``. :func:`matcalc.claimchecks.check_claim` assembles
them, with the controls, into a :class:`~matcalc.Report`.

Where each kind is checked: exactly at the claim's ``exact_sizes`` (generic symbolic
matrices; a proof at those sizes) where that is feasible, and numerically at its
``numeric_sizes`` or at ``claim.point(seed)`` for each of its seeds. Random values come from
``rng("catalogue", seed)``; gradients and differentials are checked as one-step
:class:`~matcalc.derivation.Derivation` objects, which draw from ``rng("points", seed)``.

>>> from matcalc.registry import get
>>> parts, how = CHECKERS["gradient"](get("tr(AXB)"), {}, True)
>>> [label for label, _ in parts]
['exact', 'numeric']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from .backend import Comparison, is_symbolic, rng, scalar, sizes_text
from .check import check_differential, check_gradient
from .claim import Claim
from .derivation import Derivation, Step
from .frobenius import frob
from .hessian import check_hessian
from .jacobian import jacobian
from .symbolic import gradient as symbolic_gradient
from .symbolic import matrix, verify
from .variables import Variables, call_by_name
from .vjp import check_jvp, check_vjp

__all__ = ["CHECKERS", "require_shape", "symbols", "values"]

SYMMETRIC_KINDS = ("symmetric", "spd")
Parts = list  # [(label, result)]


def values(claim: Claim, kinds: dict, seed: int = 0) -> dict:
    """Random values of the claim's variables (and ``d<wrt>``) at its numeric sizes, or
    ``claim.point(seed)`` when the claim gives its own points.

    >>> from matcalc.registry import get
    >>> sorted(values(get("tr(AXB)"), {}))
    ['A', 'B', 'X', 'dX']
    """
    if claim.point is not None:
        return dict(claim.point(seed))
    return Variables(claim.shapes, kinds, claim.varying).numbers(
        claim.numeric_sizes, generator=rng("catalogue", seed))


def symbols(claim: Claim, kinds: dict) -> dict:
    """Generic symbolic matrices for the claim's variables at its exact sizes.

    >>> from matcalc.registry import get
    >>> symbols(get("tr(AXB)"), {})["X"].shape
    (3, 2)
    """
    return Variables(claim.shapes, kinds, claim.varying).symbols(claim.exact_sizes)


def require_shape(claim: Claim, what: str, claimed, expected, of: str) -> None:
    """ValueError if the claimed value's shape differs from the shape it must have (a 1 x 1
    matrix and a scalar count as the same shape)."""
    got, want = np.shape(claimed), np.shape(expected)
    if got != want and not (np.size(claimed) == 1 == np.size(expected)):
        raise ValueError(f"claim {claim.name!r}: the claimed {what} has shape {got}, but "
                         f"{of} has shape {want}")


def _projection(kinds: dict, var: str) -> Callable | None:
    if kinds.get(var) in SYMMETRIC_KINDS:
        return lambda V: (V + V.T) / 2
    return None


def _where(claim: Claim) -> str:
    return "the claim's points" if claim.point is not None else sizes_text(claim.numeric_sizes)


def _how(exact, claim: Claim, numeric) -> str:
    """One line: the exact result's status at its sizes and the numeric error and method."""
    head = (f"exact: {exact.status} at {sizes_text(claim.exact_sizes)}" if exact is not None
            else "exact: not feasible")
    method = f", {numeric.method}" if hasattr(numeric, "method") else ""
    return f"{head}; numeric: relative error {numeric.error:.0e} at {_where(claim)}{method}"


def _worst(results: list):
    return max(results, key=lambda r: (r.verdict != "PASSED", r.error))


def _derivation(claim: Claim, kinds: dict, exact: bool, step: Step) -> Derivation:
    return Derivation(claim.name, claim.shapes, claim.wrt, claim.function, [step], kinds=kinds,
                      exact_sizes=claim.exact_sizes if exact else None,
                      numeric_sizes=claim.numeric_sizes, start=rf"\d\,{claim.latex}")


def _gradient_checks(claim: Claim, kinds: dict, envs: list, value, claimed) -> list:
    """check_gradient of ``value`` against ``claimed`` (functions of an env) at each env."""
    var, checks = claim.wrt[0], []
    what = "vector-Jacobian product" if claim.kind == "vjp" else "gradient"
    for seed, env in enumerate(envs):
        require_shape(claim, what, claimed(env), env[var], var)
        checks.append(check_gradient(lambda V, env=env: value({**env, var: V}),
                                     lambda V, env=env: claimed({**env, var: V}), env[var],
                                     seed=seed, project=_projection(kinds, var)))
    return checks


def _result(exact, numeric, how: str) -> tuple[Parts, str]:
    parts = [] if exact is None else [("exact", exact)]
    return parts + [("numeric", numeric)], how


def check_gradient_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """A gradient ``G``: exactly, the true differential against ``G : dX``; numerically,
    :func:`~matcalc.check_gradient` (and the first step at three random points)."""
    var, G = claim.wrt[0], claim.claim
    if claim.point is not None:
        checks = _gradient_checks(claim, kinds, [values(claim, kinds, s) for s in claim.seeds],
                                  lambda env: call_by_name(claim.function, env),
                                  lambda env: call_by_name(G, env))
        worst = _worst(checks)
        return _result(None, worst, _how(None, claim, worst))
    env = Variables(claim.shapes, kinds, claim.wrt).numbers(claim.numeric_sizes, seed=0)
    grad, = _gradient_checks(claim, kinds, [env], lambda e: call_by_name(claim.function, e),
                             lambda e: call_by_name(G, e))
    step = Step(rf"{claim.result} : \d {var}",
                lambda **e: frob(call_by_name(G, e), e["d" + var]))
    link = _derivation(claim, kinds, exact, step).check().links[0]
    return _result(link.exact, grad, _how(link.exact, claim, grad))


def check_differential_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """A differential ``dF``: exactly against the true differential; numerically with
    :func:`~matcalc.check_differential` at three random points (or the claim's points)."""
    D = claim.claim
    if claim.point is not None and len(claim.wrt) > 1:
        checks = []
        for seed in claim.seeds:
            env = values(claim, kinds, seed)
            inputs = tuple(env[v] for v in claim.wrt)
            tangents = tuple("d" + v for v in claim.wrt)
            checks.append(check_jvp(_bound(claim, claim.function, env, ()),
                                    _bound(claim, D, env, tangents), inputs, seed=seed,
                                    names=claim.wrt))
        worst = _worst(checks)
        return _result(None, worst, _how(None, claim, worst))
    if claim.point is not None:
        var, dvar, checks = claim.wrt[0], "d" + claim.wrt[0], []
        for seed in claim.seeds:
            env = values(claim, kinds, seed)
            checks.append(check_differential(
                lambda V, env=env: call_by_name(claim.function, {**env, var: V}),
                lambda V, dV, env=env: call_by_name(D, {**env, var: V, dvar: dV}),
                env[var], seed=seed, project=_projection(kinds, var)))
        worst = _worst(checks)
        return _result(None, worst, _how(None, claim, worst))
    env = Variables(claim.shapes, kinds, claim.wrt).numbers(claim.numeric_sizes, seed=0)
    require_shape(claim, "differential", call_by_name(D, env), call_by_name(claim.function, env),
                  "the function's value")
    result = _derivation(claim, kinds, exact, Step(str(claim.result), D)).check()
    link, numeric = result.links[0], result.differential_check
    return _result(link.exact, numeric, _how(link.exact, claim, numeric))


def check_jacobian_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """A Jacobian array: every entry against numerical derivatives at two random points
    (numeric only)."""
    from .backend import compare

    var, worst = claim.wrt[0], None
    for seed in claim.seeds[:2]:
        env = values(claim, kinds, seed)
        J = jacobian(lambda V, env=env: call_by_name(claim.function, {**env, var: V}), env[var])
        claimed = np.asarray(call_by_name(claim.claim, env), dtype=float)
        require_shape(claim, "Jacobian", claimed, J, "the function's Jacobian")
        got = compare(claimed, J, what="every entry of the Jacobian array",
                      tolerance=1e-6, sizes=None if claim.point else claim.numeric_sizes)
        worst = got if worst is None or got.error > worst.error else worst
    how = (f"numeric: every entry of the Jacobian array at {_where(claim)}, two random "
           f"points, relative error {worst.error:.0e}")
    return [("numeric", worst)], how


def check_hessian_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """A Hessian as the map ``V -> H[V]`` (with its gradient): exactly, the mixed second
    derivative of ``f(X + sV + tW)`` against ``W : H[V]``; numerically with
    :func:`~matcalc.check_hessian` at two random points."""
    import sympy as sp

    var, ident = claim.wrt[0], None
    if exact and claim.exact_sizes is not None:
        sym = symbols(claim, kinds)
        s, t = sp.Dummy("s"), sp.Dummy("t")
        V, W = matrix("V", *sym[var].shape), matrix("W", *sym[var].shape)
        moved = {**sym, var: sym[var] + s * V + t * W}
        second = sp.diff(scalar(call_by_name(claim.function, moved)), s, t).subs({s: 0, t: 0})
        ident = verify(second, frob(W, call_by_name(claim.claim, {**sym, "V": V})))
    checks = []
    for seed in claim.seeds[:2]:
        env = values(claim, kinds, seed)
        require_shape(claim, "Hessian-vector product H[V]",
                      call_by_name(claim.claim, {**env, "V": env[var]}), env[var], var)
        checks.append(check_hessian(
            lambda Y, env=env: call_by_name(claim.function, {**env, var: Y}), env[var],
            hvp=lambda Y, V, env=env: call_by_name(claim.claim, {**env, var: Y, "V": V}),
            grad=lambda Y, env=env: call_by_name(claim.gradient, {**env, var: Y}), seed=seed))
    worst = _worst(checks)
    return _result(ident, worst, _how(ident, claim, worst))


def check_partials_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """Partial derivatives by the distinct entries of a symmetric variable: proved exactly;
    the same matrix as a gradient along symmetric directions must FAIL (a check that it is
    *not* a gradient, reported as a passed comparison)."""
    var = claim.wrt[0]
    env = values(claim, kinds)
    parts: Parts = []
    if exact:
        sym = Variables(claim.shapes, {**kinds, var: "symmetric"},
                        claim.wrt).symbols(claim.exact_sizes)
        value = scalar(call_by_name(claim.function, sym))
        parts.append(("exact", verify(symbolic_gradient(value, sym[var]),
                                      call_by_name(claim.claim, sym))))
    as_gradient = check_gradient(lambda Y: call_by_name(claim.function, {**env, var: Y}),
                                 lambda Y: call_by_name(claim.claim, {**env, var: Y}),
                                 env[var], project=lambda V: (V + V.T) / 2)
    parts.append(("not a gradient", Comparison(not as_gradient.passed, as_gradient.error, 0.0,
                                               "as a gradient along symmetric directions")))
    how = (f"exact: proved at {sizes_text(claim.exact_sizes)} as partial derivatives by the "
           f"distinct entries; as a gradient along symmetric directions it FAILS (relative "
           f"error {as_gradient.error:.1e}), as it should")
    return parts, how


def check_diagonal_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """The gradient on the diagonal matrices: checked along diagonal directions at a
    diagonal point (numeric)."""
    var = claim.wrt[0]
    env = values(claim, kinds)

    def diag(V):
        return np.diag(np.diag(V))

    result = check_gradient(lambda Y: call_by_name(claim.function, {**env, var: Y}),
                            lambda Y: call_by_name(claim.claim, {**env, var: Y}),
                            diag(env[var]), project=diag)
    how = (f"numeric: gradient along diagonal directions at "
           f"{sizes_text(claim.numeric_sizes)}, relative error {result.error:.0e}")
    return [("numeric", result)], how


def _pair(G, out):
    """``G : out`` for arrays of any shape, sympy matrices or scalars."""
    if is_symbolic(G, out):
        import sympy as sp
        if isinstance(G, sp.MatrixBase) and isinstance(out, sp.MatrixBase):
            return frob(G, out)
        return G * scalar(out)
    return float(np.sum(np.asarray(G) * np.asarray(out)))


def _upstream(claim: Claim, kinds: dict, seed: int) -> dict:
    """A random point and a random upstream gradient ``G`` of the output's shape."""
    env = values(claim, kinds, seed)
    out = np.asarray(call_by_name(claim.function, env))
    return {**env, "G": rng("catalogue", seed + 1000).standard_normal(out.shape)}


def _exact_vjp(claim: Claim, kinds: dict):
    import sympy as sp

    sym, var = symbols(claim, kinds), claim.wrt[0]
    out = call_by_name(claim.function, sym)
    G = (matrix("G", *out.shape) if isinstance(out, sp.MatrixBase)
         else sp.Symbol("G", real=True))
    t = sp.Dummy("t")
    moved = {**sym, var: sym[var] + t * sym["d" + var]}
    true = sp.diff(_pair(G, call_by_name(claim.function, moved)), t).subs(t, 0)
    claimed = call_by_name(claim.claim, {**sym, "G": G})
    require_shape(claim, "vector-Jacobian product", claimed, sym[var], var)
    return verify(true, frob(claimed, sym["d" + var]))


def _bound(claim: Claim, fn: Callable, env: dict, extra: tuple) -> Callable:
    """``fn`` as a positional function of the inputs (then ``extra`` names), the other
    values of ``env`` fixed."""
    names = claim.wrt + extra

    def bound(*args):
        return call_by_name(fn, {**env, **dict(zip(names, args))})
    return bound


def check_vjp_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """A vector-Jacobian product: numerically :func:`~matcalc.check_vjp` at each seed's
    point (several inputs checked one by one); exactly (when ``exact_sizes`` is given)
    ``d(G : f)`` against ``vjp(G) : dX`` for a symbolic ``G``."""
    ident = None
    if exact and claim.exact_sizes is not None and len(claim.wrt) == 1:
        ident = _exact_vjp(claim, kinds)
    if len(claim.wrt) == 1:  # the gradient of X -> G : f(X), along allowed directions
        envs = [_upstream(claim, kinds, seed) for seed in claim.seeds]
        checks = _gradient_checks(claim, kinds, envs,
                                  lambda env: _pair(env["G"], call_by_name(claim.function, env)),
                                  lambda env: call_by_name(claim.claim, env))
        worst = _worst(checks)
        return _result(ident, worst, _how(ident, claim, worst))
    checks = []
    for seed in claim.seeds:
        env = values(claim, kinds, seed)
        inputs = tuple(env[v] for v in claim.wrt)
        checks.append(check_vjp(_bound(claim, claim.function, env, ()),
                                _bound(claim, claim.claim, env, ("G",)),
                                inputs if len(inputs) > 1 else inputs[0],
                                seed=seed, names=claim.wrt))
    worst = _worst(checks)
    return _result(ident, worst, _how(ident, claim, worst))


def check_identity_claim(claim: Claim, kinds: dict, exact: bool) -> tuple[Parts, str]:
    """An identity ``function == claim``: exactly, both sides expanded at ``exact_sizes``;
    numerically, both sides at random values at ``numeric_sizes`` (relative difference)."""
    from .backend import compare

    ident = None
    if exact and claim.exact_sizes is not None:
        sym = symbols(claim, kinds)
        ident = dataclasses.replace(verify(call_by_name(claim.function, sym),
                                           call_by_name(claim.claim, sym)),
                                    sizes=dict(claim.exact_sizes))
    env = values(claim, kinds, 0)
    left = np.asarray(call_by_name(claim.function, env), dtype=float)
    right = np.asarray(call_by_name(claim.claim, env), dtype=float)
    if left.shape != right.shape:
        raise ValueError(f"claim {claim.name!r}: the left side has shape {left.shape}, the "
                         f"right side {right.shape} at sizes {_where(claim)}")
    numeric = compare(left, right, what=f"identity {claim.name!r}",
                      sizes=None if claim.point else claim.numeric_sizes)
    return _result(ident, numeric, _how(ident, claim, numeric))


#: The checker of each kind of claim: ``(claim, kinds, exact) -> (parts, how)``.
CHECKERS = {
    "gradient": check_gradient_claim,
    "differential": check_differential_claim,
    "jacobian": check_jacobian_claim,
    "hessian": check_hessian_claim,
    "symmetric-partials": check_partials_claim,
    "diagonal-gradient": check_diagonal_claim,
    "vjp": check_vjp_claim,
    "identity": check_identity_claim,
}
