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
"""

import dataclasses

import numpy as np

from ._inputs import require_shape
from .backend import EPS, TOLERANCES, rng as seeded
from .check import call_real, check_differential, check_gradient, prepare
from .compare import FAILED, PASSED, CheckResult, check_along_directions
from .compare import random_direction, verdict_of
from .directional import COMPLEX_STEP, directional_derivative, function_noise
from .frobenius import frob

__all__ = ["check_hessian", "hvp_from_hessian"]

#: The noise of an inner derivative is its fresh rounding amplified by 1/h at every point,
#: so the measured value is representative (see matcalc.directional.NOISE_SAFETY).
NESTED_NOISE_SAFETY = 2.0


def hvp_from_hessian(H, V):
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


def check_hessian(f, X, *, hvp=None, hessian=None, grad=None, seed=0, directions=3,
                  rtol=None, symmetry_rtol=1e-10):
    """Check a claimed Hessian of the scalar function ``f`` at ``X``.

    Give exactly one of ``hvp(X, V)`` and ``hessian(X)``; ``grad(X)`` is optional (faster and
    more accurate, and checked too). Returns a :class:`~matcalc.CheckResult` of kind
    ``"hessian"``; a non-symmetric claimed Hessian fails with a note. The default ``rtol`` is
    ``TOLERANCES["gradient"]`` with ``grad`` and ``TOLERANCES["hessian_nested"]`` without it
    (a derivative of a numerical derivative cannot resolve 1e-8).

    >>> import numpy as np
    >>> A = np.array([[2., 1.], [0., 3.]])
    >>> f = lambda x: x @ A @ x
    >>> check_hessian(f, np.array([1., 2.]), hessian=lambda x: A + A.T).passed
    True
    >>> check_hessian(f, np.array([1., 2.]), hessian=lambda x: 2 * A).passed   # A not symmetric
    False
    """
    if (hvp is None) == (hessian is None):
        raise ValueError("give exactly one of hvp=(X, V) -> H[V] and hessian=X -> array")
    if rtol is None:
        rtol = TOLERANCES["gradient"] if grad is not None else TOLERANCES["hessian_nested"]
    X = prepare(X, directions, rtol)

    def claimed(Y, V):
        out = hvp(Y, V) if hvp is not None else hvp_from_hessian(hessian(Y), V)
        out = np.asarray(out, dtype=float)
        require_shape(out, X.shape, "H[V]", "X", "a Hessian-vector product has the shape "
                      "of the variable")
        return out

    f0 = call_real(f, (X,), "f", "its value")
    if f0.shape != ():
        raise ValueError(f"f must return a real scalar, but f(X) has shape {f0.shape}")
    gen = seeded("hessian", seed)

    # Symmetry of the claimed map, on independent directions.
    V, W = gen.standard_normal(X.shape), gen.standard_normal(X.shape)
    a, b = frob(W, claimed(X, V)), frob(V, claimed(X, W))
    asym = abs(a - b) / max(abs(a), abs(b), 1e-300)
    notes = []
    if asym > symmetry_rtol:
        notes.append(f"the claimed Hessian is not symmetric: W:H[V] = {a:.6e} but "
                     f"V:H[W] = {b:.6e} (relative difference {asym:.1e})")

    if grad is not None:
        gcheck = check_gradient(f, grad, X, seed=seed, directions=directions, rtol=rtol)
        result = check_differential(grad, claimed, X, seed=seed, directions=directions,
                                    rtol=rtol)
        if not gcheck.passed:
            notes.append(f"the gradient itself is {gcheck.verdict} (error {gcheck.error:.1e})")
        statuses = [result.verdict, gcheck.verdict]
        precision = gcheck.precision  # the precision f computes in
        evaluations = gcheck.evaluations + result.evaluations
        error = max(result.error, 0.0 if gcheck.verdict != FAILED else np.inf)
    else:
        result = _mixed_second_derivatives(f, X, claimed, gen, directions, rtol,
                                           float(f0))
        statuses, evaluations, error = [result.verdict], result.evaluations, result.error
        precision = result.precision
    if asym > symmetry_rtol:
        statuses.append(FAILED)
    verdict = verdict_of(statuses)
    records = list(result.directions)
    if notes:
        first = records[0]
        records[0] = dataclasses.replace(
            first, note="; ".join(notes + ([first.note] if first.note else [])))
    return CheckResult("hessian", verdict == PASSED, float(error), result.tolerance,
                       int(evaluations), tuple(X.shape), tuple(records), verdict,
                       precision)


def _mixed_second_derivatives(f, X, claimed, gen, directions, rtol, f0):
    """W:H[V] against the numerical derivative along W of the derivative along V.

    The inner derivative uses the complex step if it is confirmed at X (then only the
    complex step, one evaluation per point), else central differences.
    """
    count = [0]
    noise_f = function_noise(f, X, np.ones_like(X), f0, counter=count)
    noise_evaluations = count[0]  # 4, or more when f computes below float64

    def claim(VW):
        V, W = VW
        HV = claimed(X, V)
        return frob(W, HV), 16 * EPS * float(np.sum(np.abs(W * HV))), 0.0

    def estimate(VW, resolution, relative):
        V, W = VW
        start = count[0]
        probe = directional_derivative(f, X, V, out_shape=(), noise=noise_f)
        count[0] += probe.evaluations
        if probe.method == COMPLEX_STEP:
            def first(Y):
                est = directional_derivative(f, Y, V, method="complex", out_shape=())
                count[0] += est.evaluations
                return est.value
        else:  # a fixed stencil, so that the inner derivative is a smooth function of Y
            h = probe.step

            def first(Y):
                count[0] += 4
                g = lambda t: float(f(Y + t * V))
                return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)

        noise = function_noise(first, X, W, probe.value)
        est = directional_derivative(first, X, W, method="central", out_shape=(),
                                     resolution=resolution, noise=noise,
                                     relative_resolution=relative,
                                     noise_safety=NESTED_NOISE_SAFETY)
        return dataclasses.replace(est, evaluations=count[0] - start)

    draw = lambda: (random_direction(gen, X.shape), random_direction(gen, X.shape))
    result = check_along_directions("hessian", X.shape, directions=directions, draw=draw,
                                    claim=claim, estimate=estimate, rtol=rtol, evaluations=1)
    return dataclasses.replace(result, evaluations=result.evaluations + noise_evaluations)
