"""How each kind of catalogue entry is checked: :data:`CHECKERS` maps an entry's ``kind``
to one checker function ``(entry, kinds, exact) -> EntryResult``.

``kinds`` are the conditions to check under (the entry's own, or fewer when
:meth:`Entry.check <matcalc.catalogue.entry.Entry.check>` tries the entry without them);
``exact=False`` skips the symbolic part. Each checker proves the entry exactly at the
entry's ``exact_sizes`` where that is feasible and tests it numerically at its
``numeric_sizes`` (or at the values ``entry.point(seed)`` for entries whose variables are
not matrices of dimension letters). Random points of the checks other than gradients and
differentials come from ``rng("catalogue", seed)``; gradients and differentials are checked
as one-step :class:`~matcalc.derivation.Derivation` objects, which draw from
``rng("points", seed)``.

>>> sorted(CHECKERS)  # doctest: +NORMALIZE_WHITESPACE
['diagonal-gradient', 'differential', 'gradient', 'hessian', 'jacobian',
 'symmetric-partials', 'vjp']
"""

import numpy as np

from ..backend import TOLERANCES, is_symbolic, rng, scalar, sizes_text
from ..check import check_differential, check_gradient
from ..derivation import Derivation, Step
from ..frobenius import frob
from ..hessian import check_hessian
from ..jacobian import jacobian
from ..symbolic import gradient as symbolic_gradient
from ..symbolic import matrix, verify
from ..variables import Variables, call_by_name
from .results import EntryResult, describe

__all__ = ["CHECKERS", "SEEDS", "require_shape", "symbols", "values"]

#: Seeds of the random points of the numeric checks (Jacobians and Hessians use the first
#: two, as they always have).
SEEDS = (0, 1, 2)
SYMMETRIC_KINDS = ("symmetric", "spd")


def _variables(entry, kinds):
    return Variables(entry.shapes, kinds, (entry.variable,))


def values(entry, kinds, seed=0):
    """Random values of the entry's variables (and ``d<variable>``) at its numeric sizes,
    or ``entry.point(seed)`` when the entry gives its own points.

    >>> from matcalc.catalogue import find
    >>> sorted(values(find("101")[0], {}))
    ['A', 'B', 'X', 'dX']
    """
    if entry.point is not None:
        return dict(entry.point(seed))
    return _variables(entry, kinds).numbers(entry.numeric_sizes,
                                            generator=rng("catalogue", seed))


def symbols(entry, kinds):
    """Generic symbolic matrices for the entry's variables at its exact sizes.

    >>> from matcalc.catalogue import find
    >>> symbols(find("101")[0], {})["X"].shape
    (3, 2)
    """
    return _variables(entry, kinds).symbols(entry.exact_sizes)


def require_shape(entry, what, claimed, expected, of):
    """Raise ValueError if the claimed derivative's shape differs from the shape it must have
    (a 1 x 1 matrix and a scalar count as the same shape).

    >>> from matcalc.catalogue import find
    >>> require_shape(find("101")[0], "gradient", np.ones((2, 3)), np.ones((3, 2)), "X")
    Traceback (most recent call last):
    ...
    ValueError: entry 'tr(AXB)': the claimed gradient has shape (2, 3), but X has shape (3, 2)
    """
    got, want = np.shape(claimed), np.shape(expected)
    if got != want and not (np.size(claimed) == 1 == np.size(expected)):
        raise ValueError(f"entry {entry.name!r}: the claimed {what} has shape {got}, but "
                         f"{of} has shape {want}")


def _projection(kinds, var):
    if kinds.get(var) in SYMMETRIC_KINDS:
        return lambda V: (V + V.T) / 2
    return None


def _sizes_or_points(entry):
    return "the entry's points" if entry.point is not None else entry.numeric_sizes


def _derivation(entry, kinds, exact, step):
    return Derivation(entry.name, entry.shapes, entry.variable, entry.f, [step], kinds=kinds,
                      exact_sizes=entry.exact_sizes if exact else None,
                      numeric_sizes=entry.numeric_sizes, start=rf"\d\,{entry.latex}")


def _gradient_checks(entry, kinds, envs, value, claim):
    """check_gradient of ``value`` against ``claim`` (functions of an env) at each env."""
    var, checks = entry.variable, []
    for seed, env in enumerate(envs):
        require_shape(entry, "gradient" if entry.kind != "vjp" else "vector-Jacobian product",
                      claim(env), env[var], var)
        checks.append(check_gradient(lambda V, env=env: value({**env, var: V}),
                                     lambda V, env=env: claim({**env, var: V}), env[var],
                                     seed=seed, project=_projection(kinds, var)))
    return checks


def check_gradient_entry(entry, kinds, exact):
    """A gradient ``G``: exactly, the true differential against ``G : dX``; numerically,
    that differential at three random points and :func:`~matcalc.check_gradient`."""
    var, dvar, G = entry.variable, "d" + entry.variable, entry.derivative
    if entry.point is not None:
        checks = _gradient_checks(entry, kinds, [values(entry, kinds, s) for s in SEEDS],
                                  lambda env: call_by_name(entry.f, env),
                                  lambda env: call_by_name(G, env))
        worst = max(checks, key=lambda c: c.error)
        return EntryResult(all(c.passed for c in checks), None, worst,
                           describe(None, None, worst, _sizes_or_points(entry)))
    env = _variables(entry, kinds).numbers(entry.numeric_sizes, seed=0)
    grad, = _gradient_checks(entry, kinds, [env], lambda e: call_by_name(entry.f, e),
                             lambda e: call_by_name(G, e))
    step = Step(rf"{entry.result} : \d {var}",
                lambda **e: frob(call_by_name(G, e), e[dvar]))
    result = _derivation(entry, kinds, exact, step).check()
    link = result.links[0]
    return EntryResult(result.passed and grad.passed, link.exact, grad,
                       describe(link.exact, entry.exact_sizes, grad, entry.numeric_sizes))


def check_differential_entry(entry, kinds, exact):
    """A differential ``dF``: exactly against the true differential; numerically with
    :func:`~matcalc.check_differential` at three random points."""
    var, dvar, D = entry.variable, "d" + entry.variable, entry.derivative
    if entry.point is not None:
        checks = []
        for seed in SEEDS:
            env = values(entry, kinds, seed)
            checks.append(check_differential(
                lambda V, env=env: call_by_name(entry.f, {**env, var: V}),
                lambda V, dV, env=env: call_by_name(D, {**env, var: V, dvar: dV}),
                env[var], seed=seed, project=_projection(kinds, var)))
        worst = max(checks, key=lambda c: c.error)
        return EntryResult(all(c.passed for c in checks), None, worst,
                           describe(None, None, worst, _sizes_or_points(entry)))
    env = _variables(entry, kinds).numbers(entry.numeric_sizes, seed=0)
    require_shape(entry, "differential", call_by_name(D, env), call_by_name(entry.f, env),
                  "the function's value")
    result = _derivation(entry, kinds, exact, Step(entry.result, D)).check()
    link, numeric = result.links[0], result.differential_check
    return EntryResult(result.passed, link.exact, numeric,
                       describe(link.exact, entry.exact_sizes, numeric, entry.numeric_sizes))


def check_jacobian_entry(entry, kinds, exact):
    """A Jacobian array: every entry against numerical derivatives, at two random points
    (numeric only: no exact check)."""
    errors, var = [], entry.variable
    for seed in SEEDS[:2]:
        env = values(entry, kinds, seed)
        J = jacobian(lambda V, env=env: call_by_name(entry.f, {**env, var: V}), env[var])
        claimed = np.asarray(call_by_name(entry.derivative, env), dtype=float)
        require_shape(entry, "Jacobian", claimed, J, "the function's Jacobian")
        errors.append(float(np.max(np.abs(claimed - J)) / max(np.max(np.abs(J)), 1e-300)))
    error = max(errors)
    where = ("at the entry's points" if entry.point is not None
             else f"at {sizes_text(entry.numeric_sizes)}")
    how = (f"numeric: every entry of the Jacobian array {where}, two random points, "
           f"relative error {error:.0e}")
    return EntryResult(error <= TOLERANCES["jacobian"], None, error, how)


def check_hessian_entry(entry, kinds, exact):
    """A Hessian as the map ``V -> H[V]`` (with its gradient): exactly, the mixed second
    derivative of ``f(X + sV + tW)`` against ``W : H[V]``; numerically with
    :func:`~matcalc.check_hessian` at two random points."""
    import sympy as sp

    var, ident = entry.variable, None
    if exact and entry.exact_sizes is not None:
        sym = symbols(entry, kinds)
        s, t = sp.Dummy("s"), sp.Dummy("t")
        V = matrix("V", *sym[var].shape)
        W = matrix("W", *sym[var].shape)
        moved = {**sym, var: sym[var] + s * V + t * W}
        second = sp.diff(scalar(call_by_name(entry.f, moved)), s, t).subs({s: 0, t: 0})
        ident = verify(second, frob(W, call_by_name(entry.derivative, {**sym, "V": V})))
    checks = []
    for seed in SEEDS[:2]:
        env = values(entry, kinds, seed)
        require_shape(entry, "Hessian-vector product H[V]",
                      call_by_name(entry.derivative, {**env, "V": env[var]}), env[var], var)
        checks.append(check_hessian(
            lambda Y, env=env: call_by_name(entry.f, {**env, var: Y}), env[var],
            hvp=lambda Y, V, env=env: call_by_name(entry.derivative, {**env, var: Y, "V": V}),
            grad=lambda Y, env=env: call_by_name(entry.gradient, {**env, var: Y}), seed=seed))
    worst = max(checks, key=lambda c: c.error)
    passed = all(c.passed for c in checks) and (ident is None or ident.passed)
    return EntryResult(passed, ident, worst,
                       describe(ident, entry.exact_sizes if exact else None, worst,
                                entry.numeric_sizes))


def check_partials_entry(entry, kinds, exact):
    """Partial derivatives with respect to the distinct entries of a symmetric variable:
    proved exactly; the same matrix as a gradient along symmetric directions must FAIL."""
    var = entry.variable
    env = values(entry, kinds)
    ident = None
    if exact:
        sym = _variables(entry, {**kinds, var: "symmetric"}).symbols(entry.exact_sizes)
        value = scalar(call_by_name(entry.f, sym))
        ident = verify(symbolic_gradient(value, sym[var]), call_by_name(entry.derivative, sym))
    as_gradient = check_gradient(lambda Y: call_by_name(entry.f, {**env, var: Y}),
                                 lambda Y: call_by_name(entry.derivative, {**env, var: Y}),
                                 env[var], project=lambda V: (V + V.T) / 2)
    passed = (ident is None or ident.passed) and not as_gradient.passed
    how = (f"exact: proved at {sizes_text(entry.exact_sizes)} as partial derivatives with "
           f"respect to the distinct entries; as a gradient along symmetric directions "
           f"it FAILS (relative error {as_gradient.error:.1e}), as it should")
    return EntryResult(passed, ident, as_gradient, how)


def check_diagonal_entry(entry, kinds, exact):
    """The gradient on the diagonal matrices: checked along diagonal directions at a
    diagonal point (numeric)."""
    var = entry.variable
    env = values(entry, kinds)

    def diag(V):
        return np.diag(np.diag(V))

    result = check_gradient(lambda Y: call_by_name(entry.f, {**env, var: Y}),
                            lambda Y: call_by_name(entry.derivative, {**env, var: Y}),
                            diag(env[var]), project=diag)
    how = (f"numeric: gradient along diagonal directions at "
           f"{sizes_text(entry.numeric_sizes)}, relative error {result.error:.0e}")
    return EntryResult(result.passed, None, result, how)


def _pair(G, out):
    """``G : out`` for arrays of any shape, sympy matrices or scalars."""
    if is_symbolic(G, out):
        import sympy as sp
        if isinstance(G, sp.MatrixBase) and isinstance(out, sp.MatrixBase):
            return frob(G, out)
        return G * scalar(out)
    return float(np.sum(np.asarray(G) * np.asarray(out)))


def _upstream(entry, kinds, seed):
    """A random point and a random upstream gradient ``G`` of the output's shape."""
    gen = rng("catalogue", seed)
    if entry.point is not None:
        env = values(entry, kinds, seed)
    else:
        env = _variables(entry, kinds).numbers(entry.numeric_sizes, generator=gen)
    out = np.asarray(call_by_name(entry.f, env))
    return {**env, "G": gen.standard_normal(out.shape)}


def _exact_vjp(entry, kinds):
    import sympy as sp

    sym = symbols(entry, kinds)
    var = entry.variable
    out = call_by_name(entry.f, sym)
    G = (matrix("G", *out.shape) if isinstance(out, sp.MatrixBase)
         else sp.Symbol("G", real=True))
    t = sp.Dummy("t")
    moved = {**sym, var: sym[var] + t * sym["d" + var]}
    true = sp.diff(_pair(G, call_by_name(entry.f, moved)), t).subs(t, 0)
    claimed = call_by_name(entry.derivative, {**sym, "G": G})
    require_shape(entry, "vector-Jacobian product", claimed, sym[var], var)
    return verify(true, frob(claimed, sym["d" + var]))


def check_vjp_entry(entry, kinds, exact):
    """A vector-Jacobian product ``G -> grad_X <G, f(X)>``: numerically, the gradient of
    ``X -> G : f(X)`` at three random points, each with its own random ``G``; exactly (when
    ``exact_sizes`` is given) ``d(G : f)`` against ``vjp(G) : dX`` for a symbolic ``G``."""
    ident = None
    if exact and entry.exact_sizes is not None and entry.point is None:
        ident = _exact_vjp(entry, kinds)
    envs = [_upstream(entry, kinds, seed) for seed in SEEDS]
    checks = _gradient_checks(entry, kinds, envs,
                              lambda env: _pair(env["G"], call_by_name(entry.f, env)),
                              lambda env: call_by_name(entry.derivative, env))
    worst = max(checks, key=lambda c: c.error)
    passed = all(c.passed for c in checks) and (ident is None or ident.passed)
    return EntryResult(passed, ident, worst,
                       describe(ident, entry.exact_sizes, worst, _sizes_or_points(entry)))


#: The checker of each kind of entry.
CHECKERS = {
    "gradient": check_gradient_entry,
    "differential": check_differential_entry,
    "jacobian": check_jacobian_entry,
    "hessian": check_hessian_entry,
    "symmetric-partials": check_partials_entry,
    "diagonal-gradient": check_diagonal_entry,
    "vjp": check_vjp_entry,
}
