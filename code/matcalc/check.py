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
* a zero claim where the numerical derivative is at the rounding level (a zero gradient
  computed with rounding) passes; a nonzero claim at that level is UNRESOLVED, and nothing
  passes that way when that level is an underflow (:func:`zero_rule`).

Precision: the check reads the precision f computes in from the dtype of f(X)
(:func:`~matcalc._inputs.working_precision`, the same for every checker). Below float64 the
rounding model uses that precision's epsilon and the tolerance is raised to at least
``TOLERANCES["gradient_float32"]`` (``"gradient_float16"``); ``str(result)`` says so. A
claim returned in a lower precision than f (a gradient cast to float32) is credited with
its own rounding error, but does not lower the tolerance: casting a wrong gradient to
float32 does not get it accepted.

Arguments: f, grad, F and dF each get fresh copies of X (and of the direction) and are
refused by name if they modify one in place (:mod:`matcalc._inputs`); the caller's X is never
passed to them. Exceptions raised by f at perturbed points (``LinAlgError`` when a Cholesky
factorisation leaves the positive-definite matrices, ``ValueError``) mean "outside f's
domain", like NaN: that step is skipped; any other exception there is re-raised saying at
which perturbed point. An exception at X itself is an error naming the callable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import (as_real_array, call_at, require_callable, require_directions,
                      require_method, require_rtol, require_shape, tolerance_at,
                      working_precision)
from .backend import TOLERANCES, rng as seeded
from .checkresult import CheckResult
from .compare import check_along_directions, random_direction
from .directional import directional_derivative, function_noise
from .scaled import inner, norm, rms
from .types import Array, Function

__all__ = ["DEFAULT_RTOL", "assert_gradient", "check_differential",
           "check_gradient", "differential_check", "gradient_check", "prepare",
           "precision_setting", "zero_rule"]

DEFAULT_RTOL = TOLERANCES["gradient"]
CLAIM_ULPS = 16.0  # rounding error of a claimed G:V, in ulps of sum |G * V|


def prepare(X: ArrayLike, directions: int, rtol: float, method: str = "auto",
            seed: int = 0) -> Array:
    """Validate the common arguments of a check, naming any that is wrong; returns X as a
    float64 array (a copy: the caller's array is never passed to a callable).

    >>> prepare([[1, 2]], 3, 1e-8)
    array([[1., 2.]])
    """
    require_rtol(rtol)
    require_directions(directions)
    require_method(method)
    seeded("directions", seed)  # raises for a seed that is not a non-negative integer
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); there is nothing to differentiate")
    return X


def precision_setting(rtol: float, *values: object) -> tuple[float, float, str]:
    """``(eps, rtol, name)``: the precision the values were computed in and the tolerance a
    check can demand there (raised to ``TOLERANCES["gradient_<name>"]`` below float64).

    >>> import numpy as np
    >>> precision_setting(1e-8, np.float32(1.0))[1:]
    (0.0005, 'float32')
    """
    eps, name = working_precision(*values)
    return eps, tolerance_at(rtol, name), name


def zero_rule(noise: float, precision: str, method: str = "auto") -> str:
    """Whether a zero claim at the rounding level may pass as zero
    (:data:`~matcalc.compare.ZERO_RULES`): ``"underflow"`` if the rounding level ``noise``
    of f is below the smallest normal number of ``precision`` (underflowed values agree
    with anything), else ``"exact"``. With the complex step alone no noise is measured:
    ``"exact"``.

    >>> zero_rule(1e-15, "float64"), zero_rule(5e-324, "float64")
    ('exact', 'underflow')
    """
    if method != "complex" and noise < float(np.finfo(precision).tiny):
        return "underflow"
    return "exact"


def _numeric(F, X, out_shape, method, eps, noise, name):
    def estimate(V, resolution, relative):
        return directional_derivative(F, X, V, method=method, out_shape=out_shape,
                                      resolution=resolution, noise=noise, eps=eps,
                                      relative_resolution=relative, name=name)
    return estimate


def _noise(F, X, f0, eps, method, name):
    if method == "complex":  # the complex step alone needs no rounding floor
        return 0.0, 0
    counter = [0]
    return function_noise(F, X, np.ones_like(X), f0, eps, counter, name), counter[0]


def check_gradient(f: Function, grad: Function, X: ArrayLike, *, seed: int = 0,
                   directions: int = 3, rtol: float = DEFAULT_RTOL, method: str = "auto",
                   project: Function | None = None) -> CheckResult:
    """Check that ``grad(X)`` is the gradient of the real scalar function ``f`` at ``X``.

    The gradient has the shape of X. Along each of ``directions`` random directions V the
    claimed ``G:V`` is compared with a numerical derivative of ``t -> f(X + tV)``. Raises
    ValueError for a non-scalar ``f``, a gradient of the wrong shape, NaN/inf/complex values,
    an argument out of range (naming it), or an ``f`` or ``grad`` that modifies its argument
    in place (each gets its own copy of X; see :mod:`matcalc._inputs`). ``project``
    restricts the directions to a subspace (for instance symmetric matrices,
    ``project=lambda V: (V + V.T) / 2``): then only ``G:V`` for V in that subspace is checked.

    >>> import numpy as np
    >>> X = np.arange(6.0).reshape(2, 3)
    >>> check_gradient(lambda X: np.sum(X ** 2), lambda X: 2 * X, X).passed
    True
    >>> check_gradient(lambda X: np.sum(X ** 2), lambda X: X, X).passed  # factor 2 lost
    False
    """
    return gradient_check(f, grad, X, seed=seed, directions=directions, rtol=rtol,
                          method=method, project=project)


def gradient_check(f: Function, grad: Function, X: ArrayLike, *, seed: int = 0,
                   directions: int = 3, rtol: float = DEFAULT_RTOL, method: str = "auto",
                   project: Function | None = None, roles: tuple[str, str] = ("f", "grad"),
                   precision: tuple[float, str] | None = None,
                   kind: str = "gradient") -> CheckResult:
    """:func:`check_gradient`, with the names errors give f and grad (``roles``), the
    ``precision`` ``(eps, name)`` of the function if the caller has read it already
    (:func:`~matcalc.check_vjp` reads it from F) and the ``kind`` the result reports.

    >>> import numpy as np
    >>> gradient_check(lambda X: np.sum(X), np.ones_like, np.ones(2), kind="VJP").kind
    'VJP'
    """
    X = prepare(X, directions, rtol, method, seed)
    require_callable(f, roles[0])
    require_callable(grad, roles[1])
    gen = seeded("directions", seed)
    f0, f_dtype = call_at(f, (X,), roles[0], ("X",), "its value")
    if f0.shape != ():
        raise ValueError(f"{roles[0]} must return a real scalar, but {roles[0]}(X) has shape "
                         f"{f0.shape} for X of shape {X.shape}; for a matrix-valued function "
                         f"use check_differential")
    G, g_dtype = call_at(grad, (X,), roles[1], ("X",), "the gradient")
    require_shape(G, X.shape, f"{roles[1]}(X)", "X", "a gradient has the shape of its variable")
    eps, name = working_precision(f_dtype) if precision is None else precision
    rtol = tolerance_at(rtol, name)
    claim_eps = max(eps, working_precision(g_dtype)[0])
    noise, evaluations = _noise(f, X, f0, eps, method, roles[0])
    drawn = [random_direction(gen, X.shape, project) for _ in range(int(directions))]
    claims = [(inner(G, V), CLAIM_ULPS * claim_eps * inner(np.abs(G), np.abs(V)),
               norm(G) * rms(V)) for V in drawn]
    return check_along_directions(
        kind, X.shape, drawn=drawn, claims=claims,
        estimate=_numeric(f, X, (), method, eps, noise, roles[0]), rtol=rtol,
        evaluations=1 + evaluations, precision=name, zero=zero_rule(noise, name, method))


def check_differential(F: Function, dF: Function, X: ArrayLike, *, seed: int = 0,
                       directions: int = 3, rtol: float = DEFAULT_RTOL, method: str = "auto",
                       project: Function | None = None) -> CheckResult:
    """Check that ``dF(X, dX)`` is the differential of the array function ``F`` at ``X``.

    ``dF(X, dX)`` must return an array of F(X)'s shape, linear in dX. Along random
    directions V, ``dF(X, V)`` is compared entrywise with a numerical derivative of
    ``t -> F(X + tV)``. ``project`` restricts the directions, as in :func:`check_gradient`.
    F and dF each get their own copies of X and dX and are refused if they modify them.

    >>> import numpy as np
    >>> X = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> check_differential(lambda X: X @ X, lambda X, dX: dX @ X + X @ dX, X).passed
    True
    >>> check_differential(lambda X: X @ X, lambda X, dX: 2 * X @ dX, X).passed
    False
    """
    return differential_check(F, dF, X, seed=seed, directions=directions, rtol=rtol,
                              method=method, project=project)


def differential_check(F: Function, dF: Function, X: ArrayLike, *, seed: int = 0,
                       directions: int = 3, rtol: float = DEFAULT_RTOL, method: str = "auto",
                       project: Function | None = None, roles: tuple[str, str] = ("F", "dF"),
                       kind: str = "differential") -> CheckResult:
    """:func:`check_differential`, with the names errors give F and dF (``roles``) and the
    ``kind`` the result reports. The precision is read from F(X); claimed values in a lower
    precision are credited with their rounding error.

    >>> import numpy as np
    >>> differential_check(np.sin, lambda X, V: np.cos(X) * V, np.ones(2), kind="JVP").kind
    'JVP'
    """
    X = prepare(X, directions, rtol, method, seed)
    require_callable(F, roles[0])
    require_callable(dF, roles[1])
    gen = seeded("directions", seed)
    Y0, y_dtype = call_at(F, (X,), roles[0], ("X",), "its values")
    if Y0.size == 0:
        raise ValueError(f"{roles[0]}(X) is empty (shape {Y0.shape}); there is no "
                         f"differential to check")
    drawn = [random_direction(gen, X.shape, project) for _ in range(int(directions))]
    outs = [call_at(dF, (X, V), roles[1], ("X", "dX"), "the differential") for V in drawn]
    for out, _ in outs:
        require_shape(out, Y0.shape, f"{roles[1]}(X, dX)", f"{roles[0]}(X)",
                      "a differential has the shape of the function's value")
    eps, name = working_precision(y_dtype)
    rtol = tolerance_at(rtol, name)
    claim_eps = working_precision(*(dtype for _, dtype in outs))[0]
    noise, evaluations = _noise(F, X, Y0, eps, method, roles[0])
    claims = [(out, CLAIM_ULPS * claim_eps * norm(out) if claim_eps > eps else 0.0, 0.0)
              for out, _ in outs]
    return check_along_directions(
        kind, X.shape, drawn=drawn, claims=claims,
        estimate=_numeric(F, X, Y0.shape, method, eps, noise, roles[0]), rtol=rtol,
        evaluations=1 + evaluations, precision=name, zero=zero_rule(noise, name, method))


def assert_gradient(f: Function, grad: Function, X: ArrayLike, **options: Any) -> None:
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
