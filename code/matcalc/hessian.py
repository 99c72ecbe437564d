"""Check a claimed Hessian along random directions, at a cost independent of the size of X.

The Hessian of a scalar f at X is the linear map V -> H[V] with
``d^2 f = dX : H[dX]``; ``H[V]`` is the directional derivative of the gradient along V. It
can be given three ways, all of the shape conventions of this package:

* ``hvp(X, V)``: the Hessian-vector product H[V], an array of X's shape;
* ``hessian(X)``: an array of shape ``X.shape + X.shape`` (entry ``[i, j, k, l]`` is
  d^2 f / dX_ij dX_kl), or the ``N x N`` matrix acting on the column-major vec of X.

With ``grad`` (the gradient, itself checked first), H[V] is compared with the numerical
derivative of the gradient along V, entry by entry. Without it, ``W : H[V]`` is compared
with the mixed second derivative of ``f(X + sV + tW)`` at 0, computed by nesting two
directional derivatives (complex step inside where f allows it). Either way the claimed map
must also be symmetric, ``W : H[V] = V : H[W]``.

Arguments: f, grad, hvp and hessian get fresh copies of X (and of V) at the point and are
refused by name if they modify one in place; a claimed Hessian must be real and finite (a
complex, NaN or inf claim is refused, never cast), and an hvp or hessian that raises is
named in the error. The precision is read from the dtypes of the functions differentiated
(f, and grad if given), as in every checker, and the one reported is f's; a claim in a
lower precision is credited with its rounding error.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import (call_at, require_callable, require_rtol, require_shape, tolerance_at,
                      working_precision)
from .backend import TOLERANCES, rng as seeded
from .check import differential_check, gradient_check, prepare, zero_rule
from .checkresult import FAILED, PASSED, CheckResult
from .compare import check_along_directions
from .compare import random_direction, verdict_of
from .directional import COMPLEX_STEP, directional_derivative, function_noise
from .scaled import inner
from .types import Array, Function

__all__ = ["check_hessian", "hvp_from_hessian"]

#: The noise of an inner derivative is its fresh rounding amplified by 1/h at every point,
#: so the measured value is representative (see matcalc.directional.NOISE_SAFETY).
NESTED_NOISE_SAFETY = 2.0


def hvp_from_hessian(H: ArrayLike, V: ArrayLike) -> Array:
    """H[V] for a Hessian given as an array (``X.shape * 2``) or as a matrix on vec(X).

    >>> import numpy as np
    >>> A = np.array([[2., 1.], [1., 3.]])
    >>> hvp_from_hessian(A, np.array([1., 0.]))
    array([2., 1.])
    """
    H, V = np.asarray(H, dtype=float), np.asarray(V, dtype=float)
    if H.shape == V.shape * 2:
        return np.tensordot(H, V, axes=V.ndim)
    if H.shape == (V.size, V.size):
        return (H @ V.reshape(-1, order="F")).reshape(V.shape, order="F")
    raise ValueError(f"a Hessian for a variable of shape {V.shape} has shape {V.shape * 2} "
                     f"(array) or {(V.size, V.size)} (matrix on vec), got {H.shape}")


def _arguments(f: Function, X: ArrayLike, hvp: Function | None, hessian: Function | None,
               grad: Function | None, directions: int, rtol: float | None, seed: int,
               symmetry_rtol: float) -> tuple[np.ndarray, float]:
    """check_hessian's arguments checked (ValueError or TypeError naming the argument): X
    as an array, and the tolerance (by default, that of a gradient with ``grad`` and that of
    a nested numerical derivative without)."""
    if (hvp is None) == (hessian is None):
        raise ValueError("give exactly one of hvp=(X, V) -> H[V] and hessian=X -> array")
    if rtol is None:
        rtol = TOLERANCES["gradient"] if grad is not None else TOLERANCES["hessian_nested"]
    X = prepare(X, directions, rtol, "auto", seed)
    require_rtol(symmetry_rtol, "symmetry_rtol")
    require_callable(f, "f")
    if grad is not None:
        require_callable(grad, "grad")
    return X, rtol


def check_hessian(f: Function, X: ArrayLike, *, hvp: Function | None = None,
                  hessian: Function | None = None, grad: Function | None = None, seed: int = 0,
                  directions: int = 3, rtol: float | None = None,
                  symmetry_rtol: float = 1e-10) -> CheckResult:
    """Check a claimed Hessian of the scalar function ``f`` at ``X``.

    Give exactly one of ``hvp(X, V)`` and ``hessian(X)``; ``grad(X)`` is optional (faster and
    more accurate, and checked too). Returns a :class:`~matcalc.CheckResult` of kind
    ``"hessian"``; a non-symmetric claimed Hessian fails with a note. The default ``rtol`` is
    ``TOLERANCES["gradient"]`` with ``grad`` and ``TOLERANCES["hessian_nested"]`` without it
    (a derivative of a numerical derivative cannot resolve 1e-8). Raises ValueError for a
    claim that is complex, NaN or of the wrong shape, a callable that raises at X or
    modifies its argument, or an argument out of range (named); ``hvp``, ``hessian`` and
    ``grad`` are keywords (``check_hessian(f, hvp, X)`` is a TypeError).

    >>> import numpy as np
    >>> A = np.array([[2., 1.], [0., 3.]])
    >>> f = lambda x: x @ A @ x
    >>> check_hessian(f, np.array([1., 2.]), hessian=lambda x: A + A.T).passed
    True
    >>> check_hessian(f, np.array([1., 2.]), hessian=lambda x: 2 * A).passed   # A not symmetric
    False
    """
    X, rtol = _arguments(f, X, hvp, hessian, grad, directions, rtol, seed, symmetry_rtol)
    claimed, role = _claimed_map(hvp, hessian, X.shape)
    f0, f_dtype = call_at(f, (X,), "f", ("X",), "its value")
    if f0.shape != ():
        raise ValueError(f"f must return a real scalar, but f(X) has shape {f0.shape}")
    gen = seeded("hessian", seed)
    asymmetric, notes = _symmetry(claimed, X, gen, symmetry_rtol)
    if grad is not None:
        gcheck = gradient_check(f, grad, X, seed=seed, directions=directions, rtol=rtol)
        result = differential_check(grad, claimed, X, seed=seed, directions=directions,
                                    rtol=rtol, roles=("grad", role))
        if not gcheck.passed:
            notes.append(f"the gradient itself is {gcheck.verdict} (error {gcheck.error:.1e})")
        statuses, precision = [result.verdict, gcheck.verdict], gcheck.precision  # f's
        evaluations, error = gcheck.evaluations + result.evaluations, max(
            result.error, gcheck.error if gcheck.verdict == FAILED else 0.0)
    else:
        result = _mixed_second_derivatives(f, X, claimed, gen, directions, rtol, f0, f_dtype)
        statuses, evaluations, error = [result.verdict], result.evaluations, result.error
        precision = result.precision
    if asymmetric:
        statuses.append(FAILED)
    verdict = verdict_of(statuses)
    records = list(result.directions)
    own = records[0].note  # kept on the first direction unless another shows it too
    if notes:
        notes += [own] if own and all(d.note != own for d in records[1:]) else []
        records[0] = dataclasses.replace(records[0], note="; ".join(notes))
    return CheckResult("hessian", verdict == PASSED, float(error), result.tolerance,
                       int(evaluations), tuple(X.shape), tuple(records), verdict,
                       precision)


def _claimed_map(hvp, hessian, shape):
    """``(claimed(Y, V) -> H[V] in the claim's dtype, the claim's role)``, every call
    through :func:`~matcalc._inputs.call_at`."""
    role = "hvp" if hvp is not None else "hessian"
    require_callable(hvp if hvp is not None else hessian, role)

    def claimed(Y, V):
        if hvp is not None:
            out, dtype = call_at(hvp, (Y, V), "hvp", ("X", "V"), "a Hessian-vector product")
        else:
            H, dtype = call_at(hessian, (Y,), "hessian", ("X",), "a Hessian")
            try:
                out = hvp_from_hessian(H, V)
            except ValueError as exc:
                raise ValueError(f"hessian(X) has the wrong shape: {exc}") from exc
        require_shape(out, shape, f"{role}'s H[V]", "X", "a Hessian-vector product has the "
                      "shape of the variable")
        return out.astype(dtype)
    return claimed, role


def _symmetry(claimed, X, gen, symmetry_rtol):
    """Whether the claimed map is not symmetric on two independent directions (by more than
    ``symmetry_rtol`` and more than the rounding of a claim in its own precision), and the
    note that says so."""
    V, W = gen.standard_normal(X.shape), gen.standard_normal(X.shape)
    HV, HW = claimed(X, V), claimed(X, W)
    a, b = inner(W, HV), inner(V, HW)
    top = max(abs(a), abs(b))
    if top == 0:
        return False, []
    asym = abs(a / top - b / top)
    rounding = 16 * working_precision(HV, HW)[0] * (
        inner(np.abs(W), np.abs(HV)) + inner(np.abs(V), np.abs(HW))) / top
    if asym <= max(symmetry_rtol, rounding):
        return False, []
    return True, [f"the claimed Hessian is not symmetric: W:H[V] = {a:.6e} but "
                  f"V:H[W] = {b:.6e} (relative difference {asym:.1e})"]


def _mixed_second_derivatives(f, X, claimed, gen, directions, rtol, f0, f_dtype):
    """W:H[V] against the numerical derivative along W of the derivative along V.

    The inner derivative uses the complex step if it is confirmed at X (then only the
    complex step, one evaluation per point), else central differences.
    """
    drawn = [(random_direction(gen, X.shape), random_direction(gen, X.shape))
             for _ in range(int(directions))]
    HVs = [claimed(X, V) for V, _ in drawn]
    eps, precision = working_precision(f_dtype)
    claim_eps = max(eps, working_precision(*HVs)[0])
    count = [0]
    noise_f = function_noise(f, X, np.ones_like(X), f0, eps, counter=count, name="f")
    noise_evaluations = count[0]  # 4, or more when f computes below float64

    def estimate(VW, resolution, relative):
        V, W = VW
        start = count[0]
        probe = directional_derivative(f, X, V, out_shape=(), noise=noise_f, eps=eps, name="f")
        count[0] += probe.evaluations
        if probe.method == COMPLEX_STEP:
            def first(Y):
                est = directional_derivative(f, Y, V, method="complex", out_shape=(), name="f")
                count[0] += est.evaluations
                return est.value
        else:  # a fixed stencil, so that the inner derivative is a smooth function of Y
            h = probe.step

            def first(Y):
                count[0] += 4
                g = lambda t: float(f(Y + t * V))
                return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)

        name = "f (inside the derivative of f along V)"
        noise = function_noise(first, X, W, probe.value, eps, name=name)
        est = directional_derivative(first, X, W, method="central", out_shape=(),
                                     resolution=resolution, noise=noise, eps=eps,
                                     relative_resolution=relative,
                                     noise_safety=NESTED_NOISE_SAFETY, name=name)
        return dataclasses.replace(est, evaluations=count[0] - start)

    claims = [(inner(W, HV), 16 * claim_eps * inner(np.abs(W), np.abs(HV)), 0.0)
              for (_, W), HV in zip(drawn, HVs)]
    result = check_along_directions("hessian", X.shape, drawn=drawn, claims=claims,
                                    estimate=estimate, rtol=tolerance_at(rtol, precision),
                                    evaluations=1, precision=precision,
                                    zero=zero_rule(noise_f, precision))
    return dataclasses.replace(result, evaluations=result.evaluations + noise_evaluations)
