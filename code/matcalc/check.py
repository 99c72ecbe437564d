"""Check a claimed gradient or differential against numerical directional derivatives.

A check compares, along a few random directions V at one point X, the claimed directional
derivative (G:V for a gradient G, dF(X, V) for a differential) with a numerical one
(:mod:`matcalc.directional`). Its cost does not depend on the size of X. The verdict is one
of PASSED, FAILED and UNRESOLVED, by the rule in :mod:`matcalc.compare`:

* FAILED only when the claim disagrees by more than the tolerance *and* by more than the
  numerical derivative can be off;
* UNRESOLVED (``passed`` is False) when the claim agrees within the numerical error but that
  error is coarser than the tolerance: the result says what accuracy was achievable and what
  to do (a better-conditioned point, or a looser ``rtol``);
* a claim at the rounding level of a function whose derivative is itself rounding (a zero
  gradient computed with rounding) passes.

Precision: the check detects the precision f computes in from the dtype of f(X) (and of the
claim). For float32 (or narrower) the rounding model uses that precision's epsilon and the
tolerance is raised to at least ``TOLERANCES["gradient_float32"]``; ``str(result)`` says so.

Exceptions raised by f at perturbed points (``LinAlgError`` when a Cholesky factorisation
leaves the positive-definite matrices, ``ValueError``) mean "outside f's domain", like NaN:
that step is skipped. An exception at X itself is an error naming it.
"""

import numpy as np

from ._inputs import as_real_array, require_finite, require_shape
from .backend import EPS, TOLERANCES, rng as seeded
from .compare import CheckResult, check_along_directions, random_direction
from .directional import directional_derivative, function_noise, precision_of, rms
from .frobenius import frob

__all__ = ["CheckResult", "DEFAULT_RTOL", "assert_gradient", "call_real", "check_differential", "check_gradient",
           "prepare", "precision_setting"]

DEFAULT_RTOL = TOLERANCES["gradient"]
CLAIM_ULPS = 16.0  # rounding error of a claimed G:V, in ulps of sum |G * V|


def call_real(fn, args, name, what):
    """``fn(*args)`` as a real array (its original dtype kept), or a ValueError naming ``name``.

    >>> call_real(lambda x: x + 1, (1.0,), "f", "its value")
    array(2.)
    """
    try:
        out = fn(*args)
    except Exception as exc:
        raise ValueError(f"{name} raised {type(exc).__name__} at X: {exc}") from exc
    try:
        arr = np.asarray(out)
    except Exception as exc:
        raise ValueError(f"{name} returned something that is not an array: {out!r}") from exc
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} returned complex values (dtype {arr.dtype}) at a real X; "
                         f"{what} must be real")
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} returned dtype {arr.dtype}; {what} must be real numbers")
    require_finite(arr.astype(np.float64), f"{name}(X)")
    return arr


def prepare(X, directions, rtol):
    """Validate the common arguments of a check; returns X as a float64 array.

    >>> prepare([[1, 2]], 3, 1e-8)
    array([[1., 2.]])
    """
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); there is nothing to differentiate")
    if int(directions) != directions or directions < 1:
        raise ValueError(f"directions must be a positive integer, got {directions!r}")
    if not (0 < rtol < 1):
        raise ValueError(f"rtol must lie strictly between 0 and 1, got {rtol!r}")
    return X


def precision_setting(rtol, *values):
    """``(eps, rtol, name)``: the precision the values were computed in and the tolerance a
    check can demand there (raised to ``TOLERANCES["gradient_float32"]`` below float64).

    >>> import numpy as np
    >>> precision_setting(1e-8, np.float32(1.0))[1:]
    (0.0005, 'float32')
    """
    eps = precision_of(*values)
    if eps <= EPS:
        return EPS, rtol, "float64"
    name = next(str(np.asarray(v).dtype) for v in values
                if np.asarray(v).dtype.kind == "f" and np.finfo(np.asarray(v).dtype).eps == eps)
    return eps, max(rtol, TOLERANCES["gradient_float32"]), name


def _numeric(F, X, out_shape, method, eps, noise):
    def estimate(V, resolution, relative):
        return directional_derivative(F, X, V, method=method, out_shape=out_shape,
                                      resolution=resolution, noise=noise, eps=eps,
                                      relative_resolution=relative)
    return estimate


def _noise(F, X, f0, eps, draw_first, method):
    if method == "complex":  # the complex step alone needs no rounding floor
        return 0.0, 0
    counter = [0]
    return function_noise(F, X, draw_first, f0, eps, counter), counter[0]


def check_gradient(f, grad, X, *, seed=0, directions=3, rtol=DEFAULT_RTOL, method="auto",
                   project=None):
    """Check that ``grad(X)`` is the gradient of the real scalar function ``f`` at ``X``.

    The gradient has the shape of X. Along each of ``directions`` random directions V the
    claimed ``G:V`` is compared with a numerical derivative of ``t -> f(X + tV)``. Raises
    ValueError for a non-scalar ``f``, a gradient of the wrong shape, or NaN/inf values.
    ``project`` restricts the directions to a subspace (for instance symmetric matrices,
    ``project=lambda V: (V + V.T) / 2``): then only ``G:V`` for V in that subspace is checked.

    >>> import numpy as np
    >>> X = np.arange(6.0).reshape(2, 3)
    >>> check_gradient(lambda X: np.sum(X ** 2), lambda X: 2 * X, X).passed
    True
    >>> check_gradient(lambda X: np.sum(X ** 2), lambda X: X, X).passed  # factor 2 lost
    False
    """
    X = prepare(X, directions, rtol)
    gen = seeded("directions", seed)
    f0 = call_real(f, (X,), "f", "its value")
    if f0.shape != ():
        raise ValueError(f"f must return a real scalar, but f(X) has shape {f0.shape} for X "
                         f"of shape {X.shape}; for a matrix-valued function use "
                         f"check_differential")
    G = call_real(grad, (X,), "grad", "the gradient")
    require_shape(G, X.shape, "grad(X)", "X", "a gradient has the shape of its variable")
    eps, rtol, precision = precision_setting(rtol, f0, G)
    G = G.astype(np.float64)
    noise, evaluations = _noise(f, X, f0.astype(np.float64), eps, np.ones_like(X), method)

    def claim(V):
        return (frob(G, V), CLAIM_ULPS * eps * float(np.sum(np.abs(G * V))),
                float(np.linalg.norm(G)) * rms(V))

    return check_along_directions(
        "gradient", X.shape, directions=directions, draw=lambda: random_direction(gen, X.shape, project),
        claim=claim, estimate=_numeric(f, X, (), method, eps, noise), rtol=rtol,
        evaluations=1 + evaluations, precision=precision)


def check_differential(F, dF, X, *, seed=0, directions=3, rtol=DEFAULT_RTOL, method="auto",
                       project=None):
    """Check that ``dF(X, dX)`` is the differential of the array function ``F`` at ``X``.

    ``dF(X, dX)`` must return an array of F(X)'s shape, linear in dX. Along random
    directions V, ``dF(X, V)`` is compared entrywise with a numerical derivative of
    ``t -> F(X + tV)``. ``project`` restricts the directions, as in :func:`check_gradient`.

    >>> import numpy as np
    >>> X = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> check_differential(lambda X: X @ X, lambda X, dX: dX @ X + X @ dX, X).passed
    True
    >>> check_differential(lambda X: X @ X, lambda X, dX: 2 * X @ dX, X).passed
    False
    """
    X = prepare(X, directions, rtol)
    gen = seeded("directions", seed)
    Y0 = call_real(F, (X,), "F", "its values")
    if Y0.size == 0:
        raise ValueError(f"F(X) is empty (shape {Y0.shape}); there is no differential to check")
    eps, rtol, precision = precision_setting(rtol, Y0)
    noise, evaluations = _noise(F, X, Y0.astype(np.float64), eps, np.ones_like(X), method)

    def claim(V):
        out = call_real(dF, (X, V), "dF", "the differential")
        require_shape(out, Y0.shape, "dF(X, dX)", "F(X)",
                      "a differential has the shape of the function's value")
        return out.astype(np.float64), 0.0, 0.0

    return check_along_directions(
        "differential", X.shape, directions=directions,
        draw=lambda: random_direction(gen, X.shape, project), claim=claim,
        estimate=_numeric(F, X, Y0.shape, method, eps, noise), rtol=rtol,
        evaluations=1 + evaluations, precision=precision)


def assert_gradient(f, grad, X, **options):
    """:func:`check_gradient` for a test suite: raises AssertionError with the side-by-side
    table unless the check PASSED (an UNRESOLVED check raises too, saying what to do).

    >>> import numpy as np
    >>> assert_gradient(lambda X: np.sum(X ** 2), lambda X: 2 * X, np.ones((2, 2)))
    >>> try:
    ...     assert_gradient(lambda X: np.sum(X ** 2), lambda X: X, np.ones((2, 2)))
    ... except AssertionError as err:
    ...     print(str(err).splitlines()[0][:29])
    gradient check FAILED: relati
    """
    result = check_gradient(f, grad, X, **options)
    if not result.passed:
        raise AssertionError(str(result))
    return None
