"""Check a claimed vector-Jacobian product (backward rule) or Jacobian-vector product.

A layer ``Y = F(X)`` has a differential ``dY = J(dX)`` (the JVP) and, for an upstream
gradient ``G`` of Y's shape, a VJP ``J*(G)``: the gradient of ``X -> <G, F(X)>``, the
adjoint of J under the Frobenius product. Both are checked by reduction to the gradient and
differential checks of :mod:`matcalc.check`: the VJP as the gradient of ``X -> G : F(X)``
for a random ``G``, the JVP as the differential of F. The cost does not depend on the
sizes: a few evaluations of F per random direction and per input.

Several inputs (a layer of ``(X, W, b)``) are passed as a tuple of arrays. Then
``vjp(X, W, b, G)`` returns a tuple of gradients, one per input, and ``jvp(X, W, b, dX, dW,
db)`` returns dY. The result is a :class:`~matcalc.Report` with one check per input,
labelled by the input's name, so ``result.failed`` names the inputs whose rule is wrong.

Arguments: F, vjp and jvp get fresh copies of the inputs (and of G and the tangents) at the
point, and are refused by name if they modify one in place ("vjp modified its argument W in
place"); at perturbed points every input is a new array. The precision is read from the
dtype of F's output (:func:`~matcalc._inputs.working_precision`), as in every checker, and
shown in the report; a claim in a lower precision is credited with its rounding error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import (as_real_array, as_real_result, call_at, call_unchanged, parameter_names,
                      require_callable, require_shape, working_precision)
from .backend import TOLERANCES, rng
from .check import differential_check, gradient_check, prepare
from .report import Report
from .scaled import inner
from .types import Function

__all__ = ["check_jvp", "check_vjp"]


def _as_inputs(X, names, F):
    single = not isinstance(X, tuple)
    arrays = (X,) if single else X
    if not arrays:
        raise ValueError("X is an empty tuple: pass at least one input array")
    arrays = tuple(as_real_array(A, f"input {k + 1}") for k, A in enumerate(arrays))
    for k, A in enumerate(arrays):
        if A.size == 0:
            raise ValueError(f"input {k + 1} is empty (shape {A.shape})")
    if names is None:
        default = ["X"] if single else [f"input {k + 1}" for k in range(len(arrays))]
        params = parameter_names(F, default + ["extra"])  # "extra": F takes more arguments
        names = params[:-1] if params[-1] == "extra" else default
    if len(names) != len(arrays) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must be {len(arrays)} strings, one per input, got {names!r}")
    return single, arrays, tuple(names)


def _start(F, rule, role, X, names, options):
    """Validate everything; returns ``(single, arrays, names, Y, Y's dtype)``."""
    require_callable(F, "F")
    require_callable(rule, role)
    single, arrays, names = _as_inputs(X, names, F)
    for A in arrays:
        prepare(A, options["directions"], options["rtol"], options["method"], options["seed"])
    Y, dtype = call_at(F, arrays, "F", names, "a layer's output")
    if Y.size == 0:
        raise ValueError(f"F(X) is empty (shape {Y.shape}): there is no derivative to check "
                         f"(every claim would agree with nothing)")
    return single, arrays, names, Y, dtype


def _claimed_vjp(vjp, arrays, G, single, names):
    out = call_unchanged(vjp, arrays + (G,), "vjp", names + ("G",))
    outs = (out,) if single else out
    if not isinstance(outs, (tuple, list)) or len(outs) != len(arrays):
        got = type(out).__name__ if not isinstance(out, (tuple, list)) else f"{len(out)} items"
        raise ValueError(f"vjp must return a tuple of {len(arrays)} gradients (one per input "
                         f"{', '.join(names)}), got {got}")
    grads = []
    for name, A, g in zip(names, arrays, outs):
        g, dtype = as_real_result(g, f"vjp's gradient for input {name!r}", "a gradient")
        require_shape(g, A.shape, f"vjp's gradient for input {name!r}", f"input {name!r}",
                      "a gradient has the shape of its input")
        grads.append((g, dtype))
    return grads


def _replace(arrays, k, value):
    return arrays[:k] + (value,) + arrays[k + 1:]


def _fresh(arrays):
    return tuple(np.array(A, copy=True) for A in arrays)


def _report(kind, parts, out_shape, precision):
    what = "upstream gradient G" if kind == "VJP" else "output"
    where = "" if precision == "float64" else f"; F computes in {precision}"
    return Report(title=f"{kind} check", checks=tuple(parts),
                  note=f"{len(parts)} input(s), {what} of shape {tuple(out_shape)}, one check "
                       f"per input{where}")


def check_vjp(F: Function, vjp: Function, X: ArrayLike | tuple, *, seed: int = 0,
              directions: int = 3, rtol: float = TOLERANCES["gradient"], method: str = "auto",
              names: Sequence[str] | None = None) -> Report:
    """Check that ``vjp(X, G)`` is the gradient of ``<G, F(X)>`` with respect to ``X``.

    A random upstream gradient ``G`` of F(X)'s shape is drawn; for each input the claimed
    ``vjp`` is checked as the gradient of ``X -> G : F(X)`` along ``directions`` random
    directions (:func:`~matcalc.check_gradient`). For several inputs pass a tuple ``X = (X, W, b)``;
    then ``vjp(X, W, b, G)`` returns a tuple of gradients. ``names`` labels the inputs in
    the report (default: F's parameter names). Returns a :class:`~matcalc.Report` with one
    check per input (``.passed``, ``.error``, ``.failed`` names the wrong inputs). Raises
    ValueError for a gradient of the wrong shape, a tuple of the wrong length, NaN/inf or
    complex values, an empty F(X), or an F or vjp that modifies an argument in place.

    >>> import numpy as np
    >>> X, W = np.ones((4, 3)), np.arange(6.0).reshape(2, 3)
    >>> F = lambda X, W: X @ W.T
    >>> check_vjp(F, lambda X, W, G: (G @ W, G.T @ X), (X, W)).passed
    True
    >>> check_vjp(F, lambda X, W, G: (G @ W, 2 * G.T @ X), (X, W)).failed
    ('W',)
    """
    options = {"seed": seed, "directions": directions, "rtol": rtol, "method": method}
    single, arrays, names, Y, y_dtype = _start(F, vjp, "vjp", X, names, options)
    G = rng("directions", seed).standard_normal(Y.shape)
    grads = _claimed_vjp(vjp, arrays, G, single, names)
    precision = working_precision(y_dtype)
    parts = []
    for k, (name, (grad, dtype)) in enumerate(zip(names, grads)):
        def f(Xk, k=k):
            return inner(G, F(*_replace(_fresh(arrays), k, Xk)))
        claimed = grad.astype(dtype)  # exact: the values were computed in that dtype
        result = gradient_check(f, lambda Xk, g=claimed: g, arrays[k], seed=seed + k,
                                directions=directions, rtol=rtol, method=method,
                                roles=("F", "vjp"), precision=precision, kind="VJP")
        parts.append((name, result))
    return _report("VJP", parts, Y.shape, precision[1])


def check_jvp(F: Function, jvp: Function, X: ArrayLike | tuple, *, seed: int = 0,
              directions: int = 3, rtol: float = TOLERANCES["gradient"], method: str = "auto",
              names: Sequence[str] | None = None) -> Report:
    """Check that ``jvp(X, V)`` is the differential of ``F`` at ``X`` in the direction ``V``.

    ``jvp(X, V)`` returns an array of F(X)'s shape, linear in V. For several inputs pass a
    tuple ``X = (X, W, b)``; then ``jvp(X, W, b, dX, dW, db)`` returns dF, and each input is
    checked with the tangents of the others set to zero (:func:`~matcalc.check_differential`).
    Returns a :class:`~matcalc.Report` with one check per input, as :func:`check_vjp`.

    >>> import numpy as np
    >>> X = np.arange(6.0).reshape(2, 3)
    >>> check_jvp(np.tanh, lambda X, V: V * (1 - np.tanh(X) ** 2), X).passed
    True
    >>> check_jvp(np.tanh, lambda X, V: V * (1 - np.tanh(X)), X).passed
    False
    """
    options = {"seed": seed, "directions": directions, "rtol": rtol, "method": method}
    _, arrays, names, Y, y_dtype = _start(F, jvp, "jvp", X, names, options)
    tangent_names = tuple("d" + n if n.isidentifier() else f"tangent of {n}" for n in names)
    parts = []
    for k, name in enumerate(names):
        def Fk(Xk, k=k):
            return F(*_replace(_fresh(arrays), k, Xk))

        def dFk(Xk, Vk, k=k):
            tangents = tuple(np.zeros_like(A) for A in arrays)
            out, dtype = call_at(jvp, _replace(arrays, k, Xk) + _replace(tangents, k, Vk),
                                 "jvp", names + tangent_names, "the differential")
            return out.astype(dtype)
        result = differential_check(Fk, dFk, arrays[k], seed=seed + k, directions=directions,
                                    rtol=rtol, method=method, roles=("F", "jvp"), kind="JVP")
        parts.append((name, result))
    return _report("JVP", parts, Y.shape, working_precision(y_dtype)[1])
