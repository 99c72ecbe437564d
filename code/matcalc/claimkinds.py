"""The checker of each kind of :class:`~matcalc.claim.Claim` (gathered in
:data:`matcalc.claimchecks.CHECKERS`).

A checker takes the claim, the kinds of its variables and whether to check exactly, and
returns the labelled results of its checks with one line saying how it checked:
``(claim, kinds, exact) -> (parts, how)``. It checks exactly at the claim's
``exact_sizes`` (generic symbolic matrices; a proof at those sizes) where that is feasible,
and numerically at the values of :mod:`matcalc.claimpoints`; gradients and differentials
are checked as one-step :class:`~matcalc.derivation.Derivation` objects.
:func:`matcalc.claimchecks.check_claim` assembles the parts, with the controls, into a
:class:`~matcalc.Report`.

>>> from matcalc.registry import get
>>> parts, how = check_gradient_claim(get("tr(AXB)"), {}, True)
>>> [label for label, _ in parts]
['exact', 'numeric']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .backend import is_symbolic, scalar, sizes_text
from .check import check_differential, check_gradient
from .claim import Claim
from .claimpoints import Kinds, bound, require_shape, symbols, upstream, values
from .derivation import Derivation, Step
from .frobenius import frob
from .hessian import check_hessian
from .jacobian import jacobian
from .report import Report
from .symbolic import gradient as symbolic_gradient
from .symbolic import matrix, verify
from .variables import Variables, call_by_name
from .vjp import check_jvp, check_vjp

if TYPE_CHECKING:
    from .report import Parts, Result
    from .types import Env

__all__ = ["CONTROL", "check_diagonal_claim", "check_differential_claim", "check_gradient_claim",
           "check_hessian_claim", "check_identity_claim", "check_jacobian_claim",
           "check_partials_claim", "check_vjp_claim"]

SYMMETRIC_KINDS = ("symmetric", "spd")
#: The label prefix of a part that must fail (a control): check_claim files it with them.
CONTROL = "control: "


def _projection(kinds: Kinds, var: str) -> Callable[[Any], Any] | None:
    if kinds.get(var) in SYMMETRIC_KINDS:
        return lambda V: (V + V.T) / 2
    return None


def _where(claim: Claim) -> str:
    return "the claim's points" if claim.point is not None else sizes_text(claim.numeric_sizes)


def _how(exact: Any, claim: Claim, numeric: Any) -> str:
    """One line: the exact result's status at its sizes (``exact`` has a ``status``, or is
    None) and the numeric error and method."""
    head = (f"exact: {exact.status} at {sizes_text(claim.exact_sizes)}" if exact is not None
            else "exact: not feasible")
    method = f", {numeric.method}" if getattr(numeric, "method", "") else ""
    return f"{head}; numeric: relative error {numeric.error:.0e} at {_where(claim)}{method}"


def _worst(results: Sequence[Any]) -> Any:
    return max(results, key=lambda r: (r.verdict != "PASSED", r.error))


def _derivation(claim: Claim, kinds: Kinds, exact: bool, step: Step) -> Derivation:
    return Derivation(claim.name, claim.shapes, claim.wrt, claim.function, [step], kinds=kinds,
                      exact_sizes=claim.exact_sizes if exact else None,
                      numeric_sizes=claim.numeric_sizes, start=rf"\d\,{claim.latex}")


def _first_link(derivation: Derivation) -> dict[str, Result]:
    """The checks of the derivation's link 0 (``"exact"``, when it ran, and ``"numeric"``)."""
    link = derivation.check().get("link 0")
    return dict(cast(Report, link).checks)


def _gradient_checks(claim: Claim, kinds: Kinds, envs: Sequence[Env],
                     value: Callable[[Env], Any], claimed: Callable[[Env], Any]) -> list[Any]:
    """check_gradient of ``value`` against ``claimed`` (functions of an env) at each env."""
    var, checks = claim.wrt[0], []
    what = "vector-Jacobian product" if claim.kind == "vjp" else "gradient"
    for seed, env in enumerate(envs):
        require_shape(claim, what, claimed(env), env[var], var)
        checks.append(check_gradient(lambda V, env=env: value({**env, var: V}),
                                     lambda V, env=env: claimed({**env, var: V}), env[var],
                                     seed=seed, project=_projection(kinds, var)))
    return checks


def _result(exact: Result | None, numeric: Result, how: str) -> tuple[Parts, str]:
    parts: Parts = () if exact is None else (("exact", exact),)
    return parts + (("numeric", numeric),), how


def _judged(claim: Claim, exact: Result | None, checks: Sequence[Any]) -> tuple[Parts, str]:
    """The exact result and the worst of the numeric ``checks``, with the line saying how."""
    worst = _worst(checks)
    return _result(exact, worst, _how(exact, claim, worst))


def check_gradient_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """A gradient ``G``: exactly, the true differential against ``G : dX``; numerically,
    :func:`~matcalc.check_gradient` (and the first step at three random points), or at each
    of the claim's points. Returns the labelled parts and the line saying how; raises
    ValueError (see :func:`~matcalc.claimpoints.require_shape`) for a claimed gradient of the wrong shape.

    >>> from matcalc.registry import get
    >>> parts, how = check_gradient_claim(get("tr(AXB)"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('numeric', 'PASSED')]
    """
    var, G = claim.wrt[0], claim.claim
    if claim.point is not None:
        checks = _gradient_checks(claim, kinds, [values(claim, kinds, s) for s in claim.seeds],
                                  lambda env: call_by_name(claim.function, env),
                                  lambda env: call_by_name(G, env, "claim"))
        return _judged(claim, None, checks)
    env = Variables(claim.shapes, kinds, claim.wrt).numbers(claim.numeric_sizes, seed=0)
    grad, = _gradient_checks(claim, kinds, [env], lambda e: call_by_name(claim.function, e),
                             lambda e: call_by_name(G, e, "claim"))
    step = Step(rf"{claim.result} : \d {var}",
                lambda **e: frob(call_by_name(G, e, "claim"), e["d" + var]))
    link = _first_link(_derivation(claim, kinds, exact, step))
    return _result(link.get("exact"), grad, _how(link.get("exact"), claim, grad))


def _jvp_checks(claim: Claim, kinds: Kinds) -> list[Any]:
    """:func:`~matcalc.check_jvp` of a differential in several inputs at each point."""
    checks = []
    for seed in claim.seeds:
        env = values(claim, kinds, seed)
        inputs = tuple(env[v] for v in claim.wrt)
        tangents = tuple("d" + v for v in claim.wrt)
        checks.append(check_jvp(bound(claim, claim.function, env, ()),
                                bound(claim, claim.claim, env, tangents), inputs, seed=seed,
                                names=claim.wrt))
    return checks


def check_differential_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """A differential ``dF``: exactly against the true differential; numerically with
    :func:`~matcalc.check_differential` at three random points, or at each of the claim's
    points (:func:`~matcalc.check_jvp` when it has several inputs). Returns the labelled
    parts and the line saying how; raises ValueError for a claimed differential whose shape
    is not the function's.

    >>> from matcalc.registry import get
    >>> parts, how = check_differential_claim(get("inverse rule"), {}, exact=True)
    >>> [(label, result.verdict) for label, result in parts]
    [('exact', 'PASSED'), ('numeric', 'PASSED')]
    """
    D = claim.claim
    if claim.point is not None and len(claim.wrt) > 1:
        return _judged(claim, None, _jvp_checks(claim, kinds))
    if claim.point is not None:
        var, dvar, checks = claim.wrt[0], "d" + claim.wrt[0], []
        for seed in claim.seeds:
            env = values(claim, kinds, seed)
            checks.append(check_differential(
                lambda V, env=env: call_by_name(claim.function, {**env, var: V}),
                lambda V, dV, env=env: call_by_name(D, {**env, var: V, dvar: dV}, "claim"),
                env[var], seed=seed, project=_projection(kinds, var)))
        return _judged(claim, None, checks)
    env = Variables(claim.shapes, kinds, claim.wrt).numbers(claim.numeric_sizes, seed=0)
    require_shape(claim, "differential", call_by_name(D, env, "claim"),
                  call_by_name(claim.function, env),
                  "the function's value")
    link = _first_link(_derivation(claim, kinds, exact, Step(str(claim.result), D)))
    ident, numeric = link.get("exact"), link["numeric"]
    return _result(ident, numeric, _how(ident, claim, numeric))


def check_jacobian_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """A Jacobian array: every entry against numerical derivatives at the first two seeds'
    points (numeric only; ``exact`` is ignored). Returns the labelled parts and the line
    saying how; raises ValueError for a claimed array of the wrong shape.

    >>> from matcalc.registry import get
    >>> parts, how = check_jacobian_claim(get("d(XA)_ij/dX_mn"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('numeric', 'PASSED')]
    """
    from .backend import compare

    var, worst = claim.wrt[0], None
    for seed in claim.seeds[:2]:
        env = values(claim, kinds, seed)
        J = jacobian(lambda V, env=env: call_by_name(claim.function, {**env, var: V}), env[var])
        claimed = np.asarray(call_by_name(claim.claim, env, "claim"), dtype=float)
        require_shape(claim, "Jacobian", claimed, J, "the function's Jacobian")
        got = compare(claimed, J, what="every entry of the Jacobian array",
                      tolerance=1e-6, sizes=None if claim.point else claim.numeric_sizes)
        worst = got if worst is None or got.error > worst.error else worst
    if worst is None:
        raise ValueError(f"claim {claim.name!r} has no seeds")
    how = (f"numeric: every entry of the Jacobian array at {_where(claim)}, two random "
           f"points, relative error {worst.error:.0e}")
    return (("numeric", worst),), how


def _exact_hessian(claim: Claim, kinds: Kinds) -> Result:
    """The mixed second derivative of ``f(X + sV + tW)`` against ``W : H[V]``, exactly."""
    import sympy as sp

    var, sym = claim.wrt[0], symbols(claim, kinds)
    s, t = sp.Dummy("s"), sp.Dummy("t")
    V, W = matrix("V", *sym[var].shape), matrix("W", *sym[var].shape)
    moved = {**sym, var: sym[var] + s * V + t * W}
    second = sp.diff(scalar(call_by_name(claim.function, moved)), s, t).subs({s: 0, t: 0})
    return verify(second, frob(W, call_by_name(claim.claim, {**sym, "V": V}, "claim")))


def check_hessian_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """A Hessian as the map ``V -> H[V]`` (with its gradient): exactly, the mixed second
    derivative of ``f(X + sV + tW)`` against ``W : H[V]``; numerically with
    :func:`~matcalc.check_hessian` at the first two seeds' points. Returns the labelled
    parts and the line saying how; raises ValueError when ``H[V]`` has the wrong shape.

    >>> from matcalc.registry import get
    >>> parts, how = check_hessian_claim(get("x^T A x + b^T x"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('numeric', 'PASSED')]
    """
    var, gradient = claim.wrt[0], claim.gradient
    if gradient is None:
        raise ValueError(f"claim {claim.name!r}: a Hessian claim needs its gradient")
    ident = _exact_hessian(claim, kinds) if exact and claim.exact_sizes is not None else None
    checks = []
    for seed in claim.seeds[:2]:
        env = values(claim, kinds, seed)
        require_shape(claim, "Hessian-vector product H[V]",
                      call_by_name(claim.claim, {**env, "V": env[var]}, "claim"), env[var], var)
        checks.append(check_hessian(
            lambda Y, env=env: call_by_name(claim.function, {**env, var: Y}), env[var],
            hvp=lambda Y, V, env=env: call_by_name(claim.claim, {**env, var: Y, "V": V}, "claim"),
            grad=lambda Y, env=env: call_by_name(gradient, {**env, var: Y}, "claim"), seed=seed))
    return _judged(claim, ident, checks)


def check_partials_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """Partial derivatives by the distinct entries of a symmetric variable: proved exactly
    (when ``exact``); the same matrix as a gradient along symmetric directions must FAIL:
    that check is a control, labelled ``"control: as a gradient"``
    (:func:`~matcalc.claimchecks.check_claim` puts it with the controls). Returns the
    labelled parts and the line saying how.

    >>> from matcalc.registry import get
    >>> parts, how = check_partials_claim(get("tr(AX), X symmetric"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('control: as a gradient', 'FAILED')]
    """
    var = claim.wrt[0]
    env = values(claim, kinds)
    parts: Parts = ()
    if exact and claim.exact_sizes is not None:
        sym = Variables(claim.shapes, {**kinds, var: "symmetric"},
                        claim.wrt).symbols(claim.exact_sizes)
        value = scalar(call_by_name(claim.function, sym))
        parts += (("exact", verify(symbolic_gradient(value, sym[var]),
                                   call_by_name(claim.claim, sym, "claim"))),)
    as_gradient = check_gradient(lambda Y: call_by_name(claim.function, {**env, var: Y}),
                                 lambda Y: call_by_name(claim.claim, {**env, var: Y}, "claim"),
                                 env[var], project=lambda V: (V + V.T) / 2)
    parts += ((CONTROL + "as a gradient", as_gradient),)
    how = (f"exact: proved at {sizes_text(claim.exact_sizes)} as partial derivatives by the "
           f"distinct entries; as a gradient along symmetric directions it FAILS (relative "
           f"error {as_gradient.error:.1e}), as it should")
    return parts, how


def check_diagonal_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """The gradient on the diagonal matrices: checked along diagonal directions at a
    diagonal point (numeric only; ``exact`` is ignored). Returns the labelled parts and the
    line saying how.

    >>> from matcalc.registry import get
    >>> parts, how = check_diagonal_claim(get("tr(AX), X diagonal"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('numeric', 'PASSED')]
    """
    var = claim.wrt[0]
    env = values(claim, kinds)

    def diag(V: np.ndarray) -> np.ndarray:
        return np.diag(np.diag(V))

    result = check_gradient(lambda Y: call_by_name(claim.function, {**env, var: Y}),
                            lambda Y: call_by_name(claim.claim, {**env, var: Y}, "claim"),
                            diag(env[var]), project=diag)
    how = (f"numeric: gradient along diagonal directions at "
           f"{sizes_text(claim.numeric_sizes)}, relative error {result.error:.0e}")
    return (("numeric", result),), how


def _pair(G: Any, out: Any) -> Any:
    """``G : out`` for arrays of any shape, sympy matrices or scalars."""
    if is_symbolic(G, out):
        import sympy as sp
        if isinstance(G, sp.MatrixBase) and isinstance(out, sp.MatrixBase):
            return frob(G, out)
        return G * scalar(out)
    return float(np.sum(np.asarray(G) * np.asarray(out)))


def _exact_vjp(claim: Claim, kinds: Kinds) -> Result:
    import sympy as sp

    sym, var = symbols(claim, kinds), claim.wrt[0]
    out = call_by_name(claim.function, sym)
    G = (matrix("G", *out.shape) if isinstance(out, sp.MatrixBase)
         else sp.Symbol("G", real=True))
    t = sp.Dummy("t")
    moved = {**sym, var: sym[var] + t * sym["d" + var]}
    true = sp.diff(_pair(G, call_by_name(claim.function, moved)), t).subs(t, 0)
    claimed = call_by_name(claim.claim, {**sym, "G": G}, "claim")
    require_shape(claim, "vector-Jacobian product", claimed, sym[var], var)
    return verify(true, frob(claimed, sym["d" + var]))


def check_vjp_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """A vector-Jacobian product: numerically :func:`~matcalc.check_vjp` at each seed's
    point (several inputs checked one by one); exactly (when ``exact_sizes`` is given)
    ``d(G : f)`` against ``vjp(G) : dX`` for a symbolic ``G``. Returns the labelled parts
    and the line saying how; raises ValueError for a claimed VJP of the wrong shape.

    >>> from matcalc.registry import get
    >>> parts, how = check_vjp_claim(get("ReLU"), {}, exact=False)
    >>> [(label, result.verdict) for label, result in parts]
    [('numeric', 'PASSED')]
    """
    ident = None
    if exact and claim.exact_sizes is not None and len(claim.wrt) == 1:
        ident = _exact_vjp(claim, kinds)
    if len(claim.wrt) == 1:  # the gradient of X -> G : f(X), along allowed directions
        envs = [upstream(claim, kinds, seed) for seed in claim.seeds]
        checks = _gradient_checks(claim, kinds, envs,
                                  lambda env: _pair(env["G"], call_by_name(claim.function, env)),
                                  lambda env: call_by_name(claim.claim, env, "claim"))
        return _judged(claim, ident, checks)
    checks = []
    for seed in claim.seeds:
        env = values(claim, kinds, seed)
        inputs = tuple(env[v] for v in claim.wrt)
        checks.append(check_vjp(bound(claim, claim.function, env, ()),
                                bound(claim, claim.claim, env, ("G",)),
                                inputs if len(inputs) > 1 else inputs[0],
                                seed=seed, names=claim.wrt))
    return _judged(claim, ident, checks)


def check_identity_claim(claim: Claim, kinds: Kinds, exact: bool) -> tuple[Parts, str]:
    """An identity ``function == claim``: exactly, both sides expanded at ``exact_sizes``;
    numerically, both sides at random values at ``numeric_sizes`` (relative difference).
    Returns the labelled parts and the line saying how; raises ValueError, naming both
    shapes, when the two sides differ in shape.

    >>> from matcalc.registry import get
    >>> parts, how = check_identity_claim(get("trace form"), {}, exact=True)
    >>> [(label, result.verdict) for label, result in parts]
    [('exact', 'PASSED'), ('numeric', 'PASSED')]
    """
    from .backend import compare

    ident = None
    if exact and claim.exact_sizes is not None:
        sym = symbols(claim, kinds)
        ident = dataclasses.replace(verify(call_by_name(claim.function, sym),
                                           call_by_name(claim.claim, sym, "claim")),
                                    sizes=dict(claim.exact_sizes))
    env = values(claim, kinds, 0)
    left = np.asarray(call_by_name(claim.function, env), dtype=float)
    right = np.asarray(call_by_name(claim.claim, env, "claim"), dtype=float)
    if left.shape != right.shape:
        raise ValueError(f"claim {claim.name!r}: the left side has shape {left.shape}, the "
                         f"right side {right.shape} at sizes {_where(claim)}")
    numeric = compare(left, right, what=f"identity {claim.name!r}",
                      sizes=None if claim.point else claim.numeric_sizes)
    return _result(ident, numeric, _how(ident, claim, numeric))
