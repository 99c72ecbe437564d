"""Check a claimed gradient or differential against numerical directional derivatives.

A check compares, along a few random directions V, the claimed directional derivative
(G:V for a gradient G, dF(X, V) for a differential) with a numerical one. Its cost does not
depend on the size of X. A claim passes when, in every direction,

    |claimed - numeric| <= rtol * max(|claimed|, |numeric|, SAFETY * resolution / rtol)

where ``resolution`` is the estimated error of the numerical derivative plus the rounding
error of the claimed value: below that level the two cannot be told apart.
"""

from dataclasses import dataclass, field

import numpy as np

from ._inputs import as_real_array, require_finite, require_shape
from .directional import EPS, directional_derivative
from .frobenius import frob

SAFETY = 10.0
DEFAULT_RTOL = 1e-8


@dataclass(frozen=True)
class Direction:
    """The comparison along one random direction."""

    claimed: object  # float for a gradient, array for a differential
    numeric: object
    numeric_error: float
    disagreement: float
    allowed: float
    method: str
    note: str


@dataclass(frozen=True)
class CheckResult:
    """Outcome of :func:`check_gradient` or :func:`check_differential`.

    ``passed`` is the verdict, ``error`` the largest relative disagreement measured (compare
    it with ``tolerance``), ``evaluations`` the number of calls of the function checked.
    ``bool(result)`` is ``result.passed``; ``str(result)`` shows claimed and numeric values
    side by side.
    """

    kind: str
    passed: bool
    error: float
    tolerance: float
    evaluations: int
    shape: tuple
    directions: tuple = field(repr=False)

    def __bool__(self):
        return self.passed

    @property
    def method(self):
        """The numerical method(s) used, e.g. ``'complex step'``."""
        return ", ".join(sorted({d.method for d in self.directions}))

    def __str__(self):
        verdict = "PASSED" if self.passed else "FAILED"
        rel = "<=" if self.passed else ">"
        lines = [f"{self.kind} check {verdict}: relative error {self.error:.2e} {rel} "
                 f"tolerance {self.tolerance:.0e} (variable of shape {self.shape}, "
                 f"{len(self.directions)} random directions, {self.evaluations} evaluations, "
                 f"{self.method})"]
        scalar = bool(self.directions) and np.ndim(self.directions[0].claimed) == 0
        if self.kind == "gradient" or (self.kind == "hessian" and scalar):
            label = "claimed G:V" if self.kind == "gradient" else "claimed W:H[V]"
            lines.append(f"  {'direction':>9}  {label:>22}  {'numeric':>22}  "
                         f"{'|difference|':>12}  {'allowed':>8}")
            for k, d in enumerate(self.directions, 1):
                lines.append(f"  {k:>9}  {d.claimed:>22.15e}  {d.numeric:>22.15e}  "
                             f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
        else:
            lines.append(f"  {'direction':>9}  {'worst entry':>12}  {'claimed dF':>22}  "
                         f"{'numeric':>22}  {'‖difference‖':>12}  {'allowed':>8}")
            for k, d in enumerate(self.directions, 1):
                c, n = np.atleast_1d(d.claimed), np.atleast_1d(d.numeric)
                i = np.unravel_index(int(np.argmax(np.abs(c - n))), c.shape)
                where = str(tuple(int(t) for t in i)) if np.ndim(d.claimed) else "()"
                lines.append(f"  {k:>9}  {where:>12}  {c[i]:>22.15e}  {n[i]:>22.15e}  "
                             f"{d.disagreement:>12.2e}  {d.allowed:>8.1e}")
        notes = sorted({d.note for d in self.directions if d.note})
        lines += [f"  note: {n}" for n in notes]
        return "\n".join(lines)

    __repr__ = __str__


def _compare(claimed, claim_rounding, estimate, rtol):
    diff = float(np.linalg.norm(np.ravel(np.asarray(claimed) - estimate.value)))
    size = max(float(np.linalg.norm(np.ravel(claimed))),
               float(np.linalg.norm(np.ravel(estimate.value))))
    num_err = float(np.linalg.norm(np.ravel(estimate.error)))
    scale = max(size, SAFETY * (num_err + claim_rounding) / rtol)
    rel = diff / scale if scale > 0 else 0.0
    note = estimate.note
    # An estimate whose error is neither small against the derivative nor at the rounding
    # floor says nothing: report it rather than pass on a meaningless comparison.
    unresolved = (num_err > 1e-2 * size and num_err > 1e3 * estimate.noise
                  and num_err > claim_rounding)
    if unresolved:
        note = (f"numeric derivative not resolved (estimated error {num_err:.1e} against a "
                f"derivative of size {size:.1e}); {note}")
        rel = np.inf
    claimed_out = float(claimed) if np.ndim(claimed) == 0 else np.asarray(claimed)
    numeric_out = float(estimate.value) if np.ndim(estimate.value) == 0 else estimate.value
    return Direction(claimed_out, numeric_out, num_err, diff, rtol * scale,
                     estimate.method, note), rel


def _call_real(fn, args, name, what):
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
    arr = arr.astype(np.float64)
    require_finite(arr, f"{name}(X)")
    return arr


def _prepare(X, seed, directions, rtol):
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); there is nothing to differentiate")
    if int(directions) != directions or directions < 1:
        raise ValueError(f"directions must be a positive integer, got {directions!r}")
    if not (0 < rtol < 1):
        raise ValueError(f"rtol must lie strictly between 0 and 1, got {rtol!r}")
    # Salted so the directions differ from arrays a caller drew with default_rng(seed).
    return X, np.random.default_rng([int(seed), 0x6D617463])


def _direction(rng, shape, project):
    V = rng.standard_normal(shape)
    if project is None:
        return V
    P = np.asarray(project(V), dtype=float)
    require_shape(P, shape, "project(V)", "X", "a projected direction has the shape of X")
    if not np.any(P):
        raise ValueError("project(V) returned zero: the allowed directions are empty")
    return P


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
    X, rng = _prepare(X, seed, directions, rtol)
    f0 = _call_real(f, (X,), "f", "its value")
    if f0.shape != ():
        raise ValueError(f"f must return a real scalar, but f(X) has shape {f0.shape} for X "
                         f"of shape {X.shape}; for a matrix-valued function use "
                         f"check_differential")
    G = _call_real(grad, (X,), "grad", "the gradient")
    require_shape(G, X.shape, "grad(X)", "X", "a gradient has the shape of its variable")
    records, errors, evaluations = [], [], 1
    for _ in range(int(directions)):
        V = _direction(rng, X.shape, project)
        claimed = frob(G, V)
        claim_rounding = 16 * EPS * float(np.sum(np.abs(G * V)))
        est = directional_derivative(f, X, V, method=method, out_shape=(),
                                     resolution=0.1 * rtol * abs(claimed) + claim_rounding)
        rec, rel = _compare(claimed, claim_rounding, est, rtol)
        records.append(rec)
        errors.append(rel)
        evaluations += est.evaluations
    return _result("gradient", records, errors, rtol, evaluations, X.shape)


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
    X, rng = _prepare(X, seed, directions, rtol)
    Y0 = _call_real(F, (X,), "F", "its values")
    records, errors, evaluations = [], [], 1
    for _ in range(int(directions)):
        V = _direction(rng, X.shape, project)
        claimed = _call_real(dF, (X, V), "dF", "the differential")
        require_shape(claimed, Y0.shape, "dF(X, dX)", "F(X)",
                      "a differential has the shape of the function's value")
        est = directional_derivative(
            F, X, V, method=method, out_shape=Y0.shape,
            resolution=0.1 * rtol * float(np.max(np.abs(claimed), initial=0.0)))
        rec, rel = _compare(claimed, 0.0, est, rtol)
        records.append(rec)
        errors.append(rel)
        evaluations += est.evaluations
    return _result("differential", records, errors, rtol, evaluations, X.shape)


def _result(kind, records, errors, rtol, evaluations, shape):
    error = float(max(errors))
    passed = all(r.disagreement <= r.allowed and np.isfinite(e)
                 for r, e in zip(records, errors))
    return CheckResult(kind, passed, error, rtol, evaluations, tuple(shape), tuple(records))
