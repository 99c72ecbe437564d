"""Numerical directional derivatives with an estimate of their own error.

The derivative of F at X along V is estimated two ways:

* complex step, ``Im F(X + ihV) / h`` with ``h`` around 1e-20: no subtraction, so no
  cancellation, and accurate to rounding error, *if* F is complex-analytic as written;
* central differences ``(F(X + hV) - F(X - hV)) / 2h`` on a ladder of steps shrinking by 4,
  improved by Richardson extrapolation, whose disagreement between levels estimates the
  error (as in Numerical Recipes' ``dfridr``).

The complex step is accepted only where the central differences confirm it, so a function
that is not analytic (``abs``, ``slogdet``, a conjugate) falls back to central differences
instead of silently reporting a zero or a wrong derivative.
"""

import warnings
from dataclasses import dataclass

import numpy as np

EPS = np.finfo(np.float64).eps
COMPLEX_STEP = "complex step"
CENTRAL = "central differences"


@dataclass(frozen=True)
class Estimate:
    """A numerical directional derivative and its estimated absolute error (both arrays)."""

    value: np.ndarray
    error: np.ndarray
    noise: float  # rounding-error floor of the estimate
    method: str
    step: float
    evaluations: int
    note: str = ""


def rms(A):
    """Root mean square of the entries of A (0 for an empty array)."""
    A = np.asarray(A)
    return float(np.sqrt(np.mean(np.abs(A) ** 2))) if A.size else 0.0


def _evaluator(F, X, V, out_shape, counter):
    def phi(t):
        counter[0] += 1
        with np.errstate(all="ignore"):
            out = np.asarray(F(X + t * V))
        if out.shape != out_shape:
            raise ValueError(f"F returned shape {out.shape} at a perturbed point, but shape "
                             f"{out_shape} at X")
        if np.iscomplexobj(out) or not np.all(np.isfinite(out)):
            return None  # left the domain (log of a negative, a singular matrix, ...)
        return out.astype(np.float64)
    return phi


def complex_step(F, X, V, h, out_shape):
    """``Im F(X + ihV) / h``, or ``(None, reason)`` when F cannot be evaluated that way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(F(X + 1j * h * V))
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
            return None, f"F failed on a complex argument ({type(exc).__name__}: {exc})"
    if not np.iscomplexobj(out):
        return None, ("F returned real values for a complex argument (abs, real parts or a "
                      "cast inside it), so it is not complex-analytic as written")
    if out.shape != out_shape:
        return None, f"F returned shape {out.shape} for a complex argument, not {out_shape}"
    if not np.all(np.isfinite(out)):
        return None, "F returned non-finite values for a complex argument"
    return out.imag / h, ""


def central_difference(phi, h0, *, resolution=0.0, good_enough=None, ratio=4.0,
                       max_steps=16, max_order=3, patience=3):
    """Richardson-extrapolated central differences of ``phi`` at 0, steps ``h0 / ratio**k``.

    Returns ``(value, error, noise, step)``; ``value`` is None if no step could be evaluated.
    ``resolution`` is an absolute error below which refining further is pointless;
    ``good_enough(value, error)`` may stop the ladder earlier.
    """
    prev_row = None
    best = None  # (scalar error, value, error array, noise, step)
    since_best = 0
    for k in range(max_steps):
        h = h0 / ratio ** k
        fp, fm = phi(h), phi(-h)
        if fp is None or fm is None:
            prev_row = None
            continue
        row = [(fp - fm) / (2 * h)]
        noise = 2 * EPS * (np.abs(fp) + np.abs(fm)) / (2 * h)
        candidates = []
        if prev_row is not None:
            candidates.append((row[0], np.abs(row[0] - prev_row[0])))
            for j in range(1, min(len(prev_row), max_order) + 1):
                fac = ratio ** (2 * j)
                row.append(row[j - 1] + (row[j - 1] - prev_row[j - 1]) / (fac - 1))
                err = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - prev_row[j - 1]))
                candidates.append((row[j], err))
        prev_row = row
        since_best += 1
        noise_max = float(np.max(noise, initial=0.0))
        for value, err in candidates:
            err = err + 2 * noise
            scalar = float(np.max(err, initial=0.0))
            if best is None or scalar < best[0]:
                best = (scalar, value, err, noise_max, h)
                since_best = 0
        if best is None:
            continue
        scalar, value, err, noise_max, _ = best
        if scalar <= resolution or (good_enough is not None and good_enough(value, err)):
            break
        size = float(np.max(np.abs(value), initial=0.0))
        resolved = scalar <= 1e-2 * size or scalar <= 1e3 * noise_max
        if since_best >= patience and resolved:
            break
    if best is None:
        return None, None, 0.0, h0
    _, value, err, noise_max, step = best
    return value, err, noise_max, step


def directional_derivative(F, X, V, *, method="auto", resolution=0.0, out_shape=None):
    """Estimate the derivative of ``F`` at ``X`` along ``V`` (arrays), with its error.

    ``method``: ``"auto"`` (complex step where central differences confirm it, else central
    differences), ``"complex"`` (complex step only: trusts that F is analytic) or
    ``"central"``. Pass ``out_shape`` (the shape of F(X)) if known, to save one evaluation;
    ``evaluations`` counts every call of F made here.

    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> est = directional_derivative(lambda Z: np.sum(Z ** 3), X, np.ones_like(X))
    >>> round(float(est.value), 10), est.method
    (90.0, 'complex step')
    """
    if method not in ("auto", "complex", "central"):
        raise ValueError(f"method must be 'auto', 'complex' or 'central', got {method!r}")
    counter = [0]
    if out_shape is None:
        counter[0] += 1
        with np.errstate(all="ignore"):
            out_shape = np.asarray(F(X)).shape
    scale = rms(X) or 1.0
    vscale = rms(V)
    if vscale == 0:
        raise ValueError(f"the direction V (shape {V.shape}) is zero")

    cs, why_not = None, "not tried (method='central')"
    if method in ("auto", "complex"):
        counter[0] += 1
        cs, why_not = complex_step(F, X, V, 1e-20 * scale / vscale, out_shape)
        if method == "complex":
            if cs is None:
                raise ValueError(f"method='complex' cannot be used: {why_not}")
            err = np.full(cs.shape, 1e3 * EPS * float(np.max(np.abs(cs), initial=0.0)))
            return Estimate(cs, err, float(err.max(initial=0.0)), COMPLEX_STEP,
                            1e-20 * scale / vscale, counter[0], "not validated (method='complex')")

    def confirms_cs(value, err):
        size = max(float(np.max(np.abs(value), initial=0.0)),
                   float(np.max(np.abs(cs), initial=0.0)))
        return (float(np.max(np.abs(cs - value), initial=0.0)) <= 3 * float(np.max(err, initial=0.0))
                and float(np.max(err, initial=0.0)) <= max(1e-4 * size, resolution))

    phi = _evaluator(F, X, V, out_shape, counter)
    value, err, noise, step = central_difference(
        phi, 0.1 * scale / vscale, resolution=resolution,
        good_enough=confirms_cs if cs is not None else None)
    if value is None:
        raise ValueError("F could not be evaluated at any perturbed point X + hV "
                         f"(h from {0.1 * scale / vscale:.1e} down by factors of 4): every "
                         "value was NaN, inf or complex")
    if cs is not None:
        size = float(np.max(np.abs(value), initial=0.0))
        err_max = float(np.max(err, initial=0.0))
        gap = float(np.max(np.abs(cs - value), initial=0.0))
        if err_max > 0.5 * size and err_max > 1e3 * noise and err_max > resolution:
            note = "complex step not used: central differences too inaccurate to confirm it"
        elif gap <= 3 * err_max:
            cs_err = np.full(cs.shape, 1e3 * EPS * float(np.max(np.abs(cs), initial=0.0)))
            return Estimate(cs, cs_err, float(cs_err.max(initial=0.0)), COMPLEX_STEP,
                            1e-20 * scale / vscale, counter[0],
                            "confirmed by central differences")
        else:
            note = (f"complex step rejected: it differs from central differences by {gap:.3e}, "
                    f"more than their error {err_max:.1e} (F is not complex-analytic as "
                    f"written)")
    else:
        note = f"complex step not used: {why_not}"
    return Estimate(value, err, noise, CENTRAL, step, counter[0], note)
