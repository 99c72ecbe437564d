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

from ._inputs import as_real_array, require_shape
from .check import DEFAULT_RTOL, CheckResult, _compare, _direction, _result, check_differential
from .check import check_gradient
from .directional import EPS, directional_derivative
from .frobenius import frob

__all__ = ["check_hessian", "hvp_from_hessian"]


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
                  rtol=DEFAULT_RTOL, symmetry_rtol=1e-10):
    """Check a claimed Hessian of the scalar function ``f`` at ``X``.

    Give exactly one of ``hvp(X, V)`` and ``hessian(X)``; ``grad(X)`` is optional (faster and
    more accurate, and checked too). Returns a :class:`~matcalc.CheckResult` of kind
    ``"hessian"``; a non-symmetric claimed Hessian fails with a note.

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
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); there is nothing to differentiate")
    if not (0 < rtol < 1):
        raise ValueError(f"rtol must lie strictly between 0 and 1, got {rtol!r}")

    def claimed(Y, V):
        out = hvp(Y, V) if hvp is not None else hvp_from_hessian(hessian(Y), V)
        out = np.asarray(out, dtype=float)
        require_shape(out, X.shape, "H[V]", "X", "a Hessian-vector product has the shape "
                      "of the variable")
        return out

    f0 = np.asarray(f(X))
    if f0.shape != ():
        raise ValueError(f"f must return a real scalar, but f(X) has shape {f0.shape}")
    rng = np.random.default_rng([int(seed), 0x68657373])

    # Symmetry of the claimed map, on independent directions.
    V, W = rng.standard_normal(X.shape), rng.standard_normal(X.shape)
    a, b = frob(W, claimed(X, V)), frob(V, claimed(X, W))
    asym = abs(a - b) / max(abs(a), abs(b), 1e-300)
    symmetric = asym <= symmetry_rtol

    if grad is not None:
        gcheck = check_gradient(f, grad, X, seed=seed, directions=directions, rtol=rtol)
        dcheck = check_differential(grad, claimed, X, seed=seed, directions=directions,
                                    rtol=rtol)
        records = list(dcheck.directions)
        passed = gcheck.passed and dcheck.passed and symmetric
        notes = []
        if not gcheck.passed:
            notes.append(f"the gradient itself fails its check (error {gcheck.error:.1e})")
        evaluations = gcheck.evaluations + dcheck.evaluations
        error = max(dcheck.error, 0.0 if gcheck.passed else np.inf)
    else:
        records, errors, evaluations = [], [], 1
        for _ in range(int(directions)):
            V = _direction(rng, X.shape, None)
            W = _direction(rng, X.shape, None)
            HV = claimed(X, V)
            claim = frob(W, HV)
            count = [0]

            def first(Y, V=V):
                est = directional_derivative(f, Y, V, out_shape=())
                count[0] += est.evaluations
                return est.value

            est = directional_derivative(first, X, W, method="central", out_shape=(),
                                         resolution=0.1 * rtol * abs(claim))
            rounding = 16 * EPS * float(np.sum(np.abs(W * HV)))
            rec, rel = _compare(claim, rounding, est, rtol)
            records.append(rec)
            errors.append(rel)
            evaluations += count[0]
        result = _result("hessian", records, errors, rtol, evaluations, X.shape)
        passed, error, notes = result.passed and symmetric, result.error, []
    if not symmetric:
        notes.append(f"the claimed Hessian is not symmetric: W:H[V] = {a:.6e} but "
                     f"V:H[W] = {b:.6e} (relative difference {asym:.1e})")
    if notes:
        first = records[0]
        records[0] = dataclasses.replace(
            first, note="; ".join(notes + ([first.note] if first.note else [])))
    return CheckResult("hessian", bool(passed), float(error), rtol, int(evaluations),
                       tuple(X.shape), tuple(records))
