"""Numerical directional derivatives with a conservative estimate of their own error.

The derivative of F at X along V is estimated two ways:

* complex step, ``Im F(X + ihV) / h`` with ``h = COMPLEX_STEP_SIZE`` (relative to X and V):
  no subtraction, so no cancellation, and accurate to rounding error, *if* F is
  complex-analytic as written;
* central differences ``(F(X + hV) - F(X - hV)) / 2h`` on a ladder of steps shrinking by 4,
  improved by Richardson extrapolation. The error of a level is the disagreement of its
  extrapolants with each other and with the previous level, plus the rounding error at that
  step, and it is raised whenever a *later* (smaller-step) level disagrees with it by more
  than that later level's own error: a value that looked settled at coarse steps (an
  eigenvector sign flip, a step across a singularity) loses to the finer steps. The ladder
  stops when the error is small enough for the caller, or when rounding dominates and
  ``patience`` further levels did not improve on the best; never merely because coarse
  levels agree.

The complex step is trusted only where central differences confirm it to ``CONFIRM`` relative
accuracy (or to their rounding floor), and even then it is credited with an error no smaller
than its observed distance to them: a function that numpy does not compute complex-analytically
(``abs``, ``eigh``, ``svd``, ``cholesky``, ``slogdet``, a conjugate) falls back to central
differences instead of silently reporting something else.

Evaluations of F that raise ``ValueError`` (``LinAlgError`` is one) or ``ArithmeticError``, or
return NaN, inf or complex values, leave F's domain: that step is skipped. Any other exception
at a perturbed point is re-raised as a ``PerturbedPointError`` saying where. Rounding errors
scale with ``eps``, the machine epsilon of the precision F computes in, and are never taken
below ``QUANTUM`` (values that underflow are not exact). Every step is relative to rms(X) /
rms(V) and norms are binary-scaled (:mod:`matcalc.scaled`): F and X multiplied by powers of 2
multiply every number here exactly, while values stay normal.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import (PerturbedPointError, as_real_array, call_at, require_callable,
                      require_method, require_settings, require_shape)
from .backend import EPS
from .scaled import rms
from .types import Array, Function

__all__ = ["Estimate", "central_difference", "complex_step", "directional_derivative",
           "function_noise"]

COMPLEX_STEP = "complex step"
CENTRAL = "central differences"
#: The one complex-step size, relative to rms(X) / rms(V).
COMPLEX_STEP_SIZE = 1e-20
#: A confirmed complex step is credited with at least this many ulps of relative error.
COMPLEX_STEP_ULPS = 100.0
#: A confirmed complex step is credited with at least 1/CS_GAIN of the error of the central
#: differences that confirmed it (and at least its distance to them).
CS_GAIN = 10.0
#: Central differences must agree with the complex step to this relative accuracy (or to
#: their own rounding floor) before the complex step is trusted.
CONFIRM = 1e-10
#: An error within this factor of the rounding floor is "rounding-limited": smaller steps
#: cannot improve it.
ROUNDING_LIMITED = 30.0
#: Rounding at a step is counted this many times the measured noise over the step: the
#: measured noise is one sample, and extrapolation amplifies it (calibrated in
#: tests/test_checker_hard.py on log|det|, inverse and solve at condition 1e2..1e8).
NOISE_SAFETY = 12.0
#: Below float64 (float32 functions), the rounding of the *input* to the function's precision
#: dominates; it is decorrelated between nearby points, so the measured noise is
#: representative and a smaller factor suffices (calibrated on a float32 MLP loss).
NOISE_SAFETY_LOW_PRECISION = 1.0
#: The disagreement between extrapolants is counted twice: it estimates the truncation error
#: of the less accurate of them, and underestimated it by up to 1.4x in that calibration.
TRUNCATION_SAFETY = 2.0
#: Exceptions that mean "F is not defined there" at a perturbed point.
DOMAIN_ERRORS = (ValueError, ArithmeticError)
#: The widest relative step at which the noise of F is measured.
MAX_NOISE_STEP = 0.2
#: The spacing of the smallest float64 values: no value is known better than this.
QUANTUM = float(np.finfo(np.float64).smallest_subnormal)


@dataclass(frozen=True)
class Estimate:
    """A numerical directional derivative and its estimated absolute error.

    ``noise`` is the rounding floor at the step used; ``rounding_limited`` says that the
    error is at that floor (a smaller step would not help).
    """

    value: np.ndarray
    error: np.ndarray
    noise: float
    method: str
    step: float
    evaluations: int
    note: str = ""

    @property
    def rounding_limited(self):
        return float(np.max(self.error, initial=0.0)) <= ROUNDING_LIMITED * self.noise


def _evaluator(F, X, V, out_shape, counter, name="F"):
    def phi(t):
        counter[0] += 1
        point = X + t * V  # a new array for this call: F may do what it likes with it
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = np.asarray(F(point))
        except DOMAIN_ERRORS:
            return None  # left the domain: cholesky of a non-SPD matrix, a singular solve...
        except PerturbedPointError:
            raise
        except Exception as exc:
            raise PerturbedPointError.at(name, exc, X, V, t) from exc
        if out.shape != out_shape:
            raise ValueError(f"F returned shape {out.shape} at a perturbed point, but shape "
                             f"{out_shape} at X")
        if np.iscomplexobj(out) or out.dtype.kind not in "fiub" or not np.all(np.isfinite(out)):
            return None  # left the domain: log of a negative, a singular matrix, ...
        return out.astype(np.float64)
    return phi


def function_noise(F: Function, X: Array, V: Array, f0: ArrayLike, eps: float = EPS,
                   counter: list | None = None, name: str = "F") -> float:
    """Measured rounding noise of F near X (absolute, a float).

    F is evaluated at ``X + t V`` for ``t = ±δ, ±2δ``, ``δ`` a thousand ulps of X (sqrt(eps)/4
    relative if smaller), widened until F responds at all (a float32 computation inside a
    float64 function); the second differences there are rounding (the curvature term ~δ² is
    negligible): "the rounding level of the computation" of ``tr(X^-1 A X) - tr(A)``, say.

    >>> import numpy as np
    >>> X = np.eye(2)
    >>> function_noise(lambda Z: np.sum(Z ** 2), X, X, 2.0) < 1e-13
    True
    """
    counter = [0] if counter is None else counter
    phi = _evaluator(F, X, V, np.shape(f0), counter, name)
    f0 = np.asarray(f0, dtype=float)
    # A function that computes in lower precision than its input and output show (a float32
    # cast inside) does not move at all at a thousand float64 ulps: its values only change
    # at the precision it computes in. Widen the step until F responds, so that the noise
    # measured is that of the computation (at most 2.2e-4 relative for a float64 F: the
    # curvature term stays negligible). The first step is a thousand ulps, or sqrt(eps) / 4
    # relative where that is smaller (float16: a thousand ulps would be the whole of X).
    base = min(1e3 * eps, float(np.sqrt(eps)) / 4)
    for widen in (w for w in (1.0, 1e3, 1e6, 1e9) if w == 1.0 or w * base <= MAX_NOISE_STEP):
        delta = widen * base * (rms(X) or 1.0) / rms(V)
        values = [phi(t) for t in (delta, -delta, 2 * delta, -2 * delta)]
        if any(v is None for v in values):
            return max(float(eps * np.max(np.abs(f0), initial=0.0)), QUANTUM)
        if any(np.any(v != f0) for v in values):
            break
    p1, m1, p2, m2 = values
    second = np.maximum(np.abs(p1 + m1 - 2 * f0), np.abs(p2 + m2 - 2 * f0))
    noise = max(np.max(second, initial=0.0), eps * np.max(np.abs(f0), initial=0.0), QUANTUM)
    moves = np.abs(np.stack(values) - f0)
    if widen > 1.0 and np.any(moves > 0):
        # Values quantized at a lower precision: a second difference can vanish by chance
        # (the four values happen to lie on a line), but every change is a whole quantum.
        noise = max(noise, np.min(moves[moves > 0]))
    return float(noise)


def complex_step(F: Function, X: Array, V: Array, h: float,
                 out_shape: tuple) -> tuple[Array | None, str]:
    """``Im F(X + ihV) / h``, or ``(None, reason)`` when F cannot be evaluated that way.

    >>> import numpy as np
    >>> value, why_not = complex_step(lambda Z: np.sum(Z ** 2), np.ones(2), np.ones(2), 1e-20, ())
    >>> float(value), why_not
    (4.0, '')
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(F(X + 1j * h * V))
        except Exception as exc:  # any failure means "not usable"
            return None, f"F failed on a complex argument ({type(exc).__name__})"
    if not np.iscomplexobj(out):
        return None, ("F returned real values for a complex argument (abs, eigh, svd, a cast "
                      "inside it), so it is not complex-analytic as written")
    if out.shape != out_shape:
        return None, f"F returned shape {out.shape} for a complex argument, not {out_shape}"
    if not np.all(np.isfinite(out)):
        return None, "F returned non-finite values for a complex argument"
    return out.imag / h, ""


def _richardson_row(D, prev_row, ratio, max_order):
    """Extrapolants of one level and their internal errors: [(value, error array)]."""
    row, candidates = [D], []
    if prev_row is None:
        return row, candidates
    candidates.append((D, np.abs(D - prev_row[0])))
    for j in range(1, min(len(prev_row), max_order) + 1):
        fac = ratio ** (2 * j)
        row.append(row[j - 1] + (row[j - 1] - prev_row[j - 1]) / (fac - 1))
        err = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - prev_row[j - 1]))
        candidates.append((row[j], err))
    return row, candidates


def central_difference(phi: Callable, h0: float, *, noise: float = 0.0, eps: float = EPS,
                       resolution: float = 0.0, good_enough: Callable | None = None,
                       ratio: float = 4.0, max_steps: int = 20, max_order: int = 3,
                       patience: int = 3, relative_resolution: float | None = None,
                       noise_safety: float | None = None) -> tuple:
    """Richardson-extrapolated central differences of ``phi`` at 0, steps ``h0 / ratio**k``.

    Returns ``(value, error, noise, step)``; ``value`` is None if no step could be evaluated.
    ``noise`` is the measured rounding noise of ``phi`` (``function_noise``),
    ``resolution`` an absolute error below which refining is pointless (``relative_resolution``
    the same relative to the value found, so that a small value that looks settled at coarse
    steps is refined further); ``good_enough(value, error, noise)`` may stop the ladder earlier.

    >>> import numpy as np
    >>> value, error, noise, step = central_difference(np.exp, 0.1)
    >>> bool(abs(value - 1) <= error < 1e-9)
    True
    """
    levels: list = []  # [value, error array, noise floor, step] per evaluated level
    if noise_safety is None:
        noise_safety = NOISE_SAFETY if eps <= EPS else NOISE_SAFETY_LOW_PRECISION
    prev_row, best = None, None
    for k in range(max_steps):
        h = h0 / ratio ** k
        fp, fm = phi(h), phi(-h)
        if fp is None or fm is None:
            prev_row = None
            continue
        floor = np.maximum(eps * (np.abs(fp) + np.abs(fm)), noise) / (2 * h)
        prev_row, candidates = _richardson_row((fp - fm) / (2 * h), prev_row, ratio, max_order)
        if not candidates:
            continue
        value, err = min(((v, TRUNCATION_SAFETY * e + noise_safety * floor)
                          for v, e in candidates),
                         key=lambda c: float(np.max(c[1], initial=0.0)))
        # Earlier levels that disagree with this one by more than its error were wrong; the
        # level just before is off by at least its distance to this one.
        for level in levels:
            level[1] = np.maximum(level[1], np.abs(level[0] - value) - err)
        if levels:
            levels[-1][1] = np.maximum(levels[-1][1], np.abs(levels[-1][0] - value))
        levels.append([value, err, float(np.max(floor, initial=0.0)), h])
        best = min(range(len(levels)), key=lambda i: float(np.max(levels[i][1], initial=0.0)))
        b_value, b_err, b_noise, _ = levels[best]
        b_scalar = float(np.max(b_err, initial=0.0))
        if good_enough is not None and good_enough(b_value, b_err, b_noise):
            break
        # Resolved: a level already checked against a finer one is accurate enough.
        checked = min(range(len(levels) - 1), default=None,
                      key=lambda i: float(np.max(levels[i][1], initial=0.0)))
        if checked is not None and float(np.max(levels[checked][1], initial=0.0)) <= _enough(
                resolution, relative_resolution, levels[checked][0]):
            best = checked
            break
        if len(levels) - 1 - best >= patience and b_scalar <= ROUNDING_LIMITED * b_noise:
            break
    if best is None:
        return None, None, 0.0, h0
    value, err, noise_floor, step = levels[best]
    return value, err, noise_floor, step


def _max(A):
    return float(np.max(np.abs(A), initial=0.0))


def _enough(resolution, relative_resolution, value):
    """The absolute error at which refining stops: ``resolution``, or less for a value
    smaller than the claim (so that a small value settled at coarse steps is refined)."""
    if relative_resolution is None:
        return resolution
    return min(resolution, relative_resolution * _max(value))


def _confirms(cs, value, err, floor):
    """Central differences (value, err) confirm the complex step: they agree within 3
    errors, and the error is below CONFIRM relative or at the rounding floor."""
    err_max = _max(err)
    agree = _max(cs - value) <= 3 * err_max
    return agree and (err_max <= CONFIRM * max(_max(value), _max(cs))
                      or err_max <= ROUNDING_LIMITED * floor)


def _cs_estimate(cs, err, noise, h, evaluations, note):
    return Estimate(cs, np.broadcast_to(np.asarray(err, dtype=float), np.shape(cs)), noise,
                    COMPLEX_STEP, h, evaluations, note)


def directional_derivative(F: Function, X: ArrayLike, V: ArrayLike, *, method: str = "auto",
                           resolution: float = 0.0, out_shape: tuple | None = None,
                           noise: float | None = None, eps: float = EPS,
                           relative_resolution: float | None = None,
                           noise_safety: float | None = None, name: str = "F") -> Estimate:
    """Estimate the derivative of ``F`` at ``X`` along ``V`` (arrays), with its error.

    ``method``: ``"auto"`` (complex step where central differences confirm it, else central),
    ``"complex"`` (trusts that F is analytic) or ``"central"``. Optional: ``out_shape``
    (F(X)'s shape), ``noise`` (F's rounding noise near X, see function_noise), ``eps`` (F's
    machine epsilon), ``noise_safety`` (the factor on the measured noise), ``name`` (F in
    errors). ValueError names a zero V or one not of X's shape (never broadcast), non-finite
    or complex X or V, a setting out of range, and an F that raises or changes X in place.

    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> est = directional_derivative(lambda Z: np.sum(Z ** 3), X, np.ones_like(X))
    >>> round(float(est.value), 10), est.method
    (90.0, 'complex step')
    """
    Xa, Va = _arguments(F, X, V, method, name)
    require_settings(resolution=resolution, noise=noise, eps=eps, noise_safety=noise_safety,
                     relative_resolution=relative_resolution)
    counter, f0 = [0], None
    if out_shape is None or (noise is None and method != "complex"):
        counter[0] += 1
        f0 = call_at(F, (Xa,), name, ("X",), "its value")[0]
        if out_shape is not None:
            require_shape(f0, tuple(out_shape), f"{name}(X)", "out_shape", "it was given")
        out_shape = f0.shape
    scale, vscale = rms(Xa) or 1.0, rms(Va)
    if vscale == 0:
        raise ValueError(f"the direction V (shape {np.shape(Va)}) is zero")
    h_cs = COMPLEX_STEP_SIZE * scale / vscale
    cs, why_not = None, "not tried (method='central')"
    if method != "central":
        counter[0] += 1
        cs, why_not = complex_step(F, Xa, Va, h_cs, out_shape)
        if method == "complex":
            return _complex_only(cs, why_not, eps, h_cs, counter[0])
    if noise is None:  # then f0 was computed above
        noise = function_noise(F, Xa, Va, np.asarray(f0), eps, counter, name)
    h0 = 0.1 * scale / vscale
    value, err, floor, step = central_difference(
        _evaluator(F, Xa, Va, out_shape, counter, name), h0, noise=noise, eps=eps,
        ratio=4.0 if eps <= EPS else 2.0, resolution=0.0 if cs is not None else resolution,
        good_enough=_settled(cs, resolution, relative_resolution),
        relative_resolution=relative_resolution, noise_safety=noise_safety)
    if value is None:
        raise ValueError(f"{name} could not be evaluated at any perturbed point X + hV "
                         f"(h from {h0:.1e} down by factors of 4): every value was NaN, inf "
                         "or complex, or F raised an error")
    if cs is not None and _confirms(cs, value, err, floor):
        # Trusted at most CS_GAIN times beyond what central differences verified.
        cs_err = np.maximum.reduce([
            np.full(np.shape(cs), COMPLEX_STEP_ULPS * eps * _max(cs)), np.abs(cs - value),
            err / CS_GAIN])
        return _cs_estimate(cs, cs_err, floor, h_cs, counter[0],
                            "confirmed by central differences")
    return Estimate(value, err, floor, CENTRAL, step, counter[0],
                    _why_central(cs, why_not, value, err))


def _complex_only(cs, why_not, eps, h_cs, evaluations):
    """The estimate of ``method="complex"``: the complex step, not validated."""
    if cs is None:
        raise ValueError(f"method='complex' cannot be used: {why_not}")
    err = COMPLEX_STEP_ULPS * eps * float(np.max(np.abs(cs), initial=0.0))
    return _cs_estimate(cs, err, err, h_cs, evaluations, "not validated (method='complex')")


def _settled(cs, resolution, relative_resolution):
    """When central differences may stop: the complex step is confirmed, or clearly rejected
    and the estimate accurate enough (None without a complex step)."""
    if cs is None:
        return None
    return lambda value, err, floor: _confirms(cs, value, err, floor) or (
        _max(cs - value) > 3 * _max(err)
        and _max(err) <= _enough(resolution, relative_resolution, value))


def _arguments(F, X, V, method, name):
    """X and V of :func:`directional_derivative` as float64 arrays of one shape, or an error
    naming the argument."""
    require_method(method)
    require_callable(F, name)
    X, V = as_real_array(X, "X"), as_real_array(V, "the direction V")
    require_shape(V, X.shape, "the direction V", "X", "a direction has the shape of the "
                  "point (it is never broadcast)")
    return X, V


def _why_central(cs, why_not, value, err):
    """The note of an estimate by central differences: why the complex step was not used."""
    if cs is None:
        return f"complex step not used: {why_not}"
    if _max(cs - value) > 3 * _max(err):
        return ("complex step not used: it differs from central differences (F is not "
                "complex-analytic as written)")
    return ("complex step not used: central differences could not confirm it to "
            f"{CONFIRM:.0e} relative accuracy")
