"""Check a claimed vector-Jacobian product (backward rule) or Jacobian-vector product.

A layer ``Y = F(X)`` has a differential ``dY = J(dX)`` (the JVP) and, for an upstream
gradient ``G`` of Y's shape, a VJP ``J*(G)``: the gradient of ``X -> <G, F(X)>``, the
adjoint of J under the Frobenius product. Both are checked by reduction to the public
checks: the VJP with :func:`~matcalc.check_gradient` on ``X -> G : F(X)`` for a random
``G``, the JVP with :func:`~matcalc.check_differential`. The cost does not depend on the
sizes: a few evaluations of F per random direction and per input.

Several inputs (a layer of ``(X, W, b)``) are passed as a tuple of arrays. Then
``vjp(X, W, b, G)`` returns a tuple of gradients, one per input, and ``jvp(X, W, b, dX, dW,
db)`` returns dY; each input is checked separately and the report names the one that failed.
"""

import inspect
from dataclasses import dataclass, field

import numpy as np

from ._inputs import as_real_array, require_finite
from .backend import TOLERANCES, rng
from .check import CheckResult, check_differential, check_gradient
from .frobenius import frob

__all__ = ["VJPResult", "check_jvp", "check_vjp"]


@dataclass(frozen=True)
class VJPResult(CheckResult):
    """Outcome of :func:`~matcalc.check_vjp` or :func:`~matcalc.check_jvp`: one
    :class:`~matcalc.CheckResult` per input.

    ``passed``, ``error`` and ``evaluations`` summarize the parts; ``parts`` holds
    ``(input name, CheckResult)`` pairs; ``failed`` names the inputs whose check failed.

    >>> import numpy as np
    >>> r = check_vjp(lambda X, b: X + b, lambda X, b, G: (G, G[0]), (np.ones((3, 2)), np.ones(2)))
    >>> r.passed, r.failed, [name for name, part in r.parts]
    (False, ('b',), ['X', 'b'])
    """

    parts: tuple = field(default=(), repr=False)
    cotangent_shape: tuple = ()

    @property
    def failed(self):
        """Names of the inputs whose check failed."""
        return tuple(name for name, part in self.parts if not part.passed)

    def __str__(self):
        verdict = "PASSED" if self.passed else "FAILED"
        rel = "<=" if self.passed else ">"
        what = ("upstream gradient G of shape" if self.kind == "VJP"
                else "output of shape")
        head = (f"{self.kind} check {verdict}: relative error {self.error:.2e} {rel} "
                f"tolerance {self.tolerance:.0e} ({len(self.parts)} input(s), {what} "
                f"{self.cotangent_shape}, {self.evaluations} evaluations in all)")
        lines = [head]
        if self.failed:
            lines.append(f"  wrong for input(s): {', '.join(self.failed)}")
        for name, part in self.parts:
            lines.append(f"  input {name!r}, shape {part.shape}: " + str(part).replace(
                "\n", "\n    "))
        return "\n".join(lines)

    __repr__ = __str__


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
        try:
            params = [p for p, q in inspect.signature(F).parameters.items()
                      if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            params = []
        names = params if len(params) == len(arrays) else [
            f"input {k + 1}" for k in range(len(arrays))]
    if len(names) != len(arrays):
        raise ValueError(f"names has {len(names)} entries but there are {len(arrays)} inputs")
    return single, arrays, tuple(names)


def _evaluate(F, arrays):
    try:
        Y = np.asarray(F(*arrays))
    except Exception as exc:
        raise ValueError(f"F raised {type(exc).__name__} at the inputs of shapes "
                         f"{[A.shape for A in arrays]}: {exc}") from exc
    if np.iscomplexobj(Y) or Y.dtype.kind not in "fiub":
        raise ValueError(f"F returned dtype {Y.dtype}; a layer's output must be real")
    Y = Y.astype(np.float64)
    require_finite(Y, "F(X)")
    return Y


def _claimed_vjp(vjp, arrays, G, single, names):
    try:
        out = vjp(*arrays, G)
    except Exception as exc:
        raise ValueError(f"vjp raised {type(exc).__name__} for an upstream G of shape "
                         f"{G.shape}: {exc}") from exc
    outs = (out,) if single else out
    if not isinstance(outs, (tuple, list)) or len(outs) != len(arrays):
        got = type(out).__name__ if not isinstance(out, (tuple, list)) else f"{len(out)} items"
        raise ValueError(f"vjp must return a tuple of {len(arrays)} gradients (one per input "
                         f"{', '.join(names)}), got {got}")
    grads = []
    for name, A, g in zip(names, arrays, outs):
        g = np.asarray(g, dtype=np.float64) if np.isrealobj(g) else np.asarray(g)
        if np.iscomplexobj(g):
            raise ValueError(f"vjp returned complex values for input {name!r}")
        if g.shape != A.shape:
            raise ValueError(f"vjp returned shape {g.shape} for input {name!r}, but that "
                             f"input has shape {A.shape}: a gradient has the shape of its "
                             f"input")
        require_finite(g, f"vjp for input {name!r}")
        grads.append(g)
    return grads


def _replace(arrays, k, value):
    return arrays[:k] + (value,) + arrays[k + 1:]


def _summary(kind, parts, rtol, out_shape):
    results = [r for _, r in parts]
    shape = results[0].shape if len(results) == 1 else tuple(r.shape for r in results)
    return VJPResult(kind=kind, passed=all(r.passed for r in results),
                     error=float(max(r.error for r in results)), tolerance=rtol,
                     evaluations=sum(r.evaluations for r in results), shape=shape,
                     directions=tuple(d for r in results for d in r.directions),
                     parts=tuple(parts), cotangent_shape=tuple(out_shape))


def check_vjp(F, vjp, X, *, seed=0, directions=3, rtol=TOLERANCES["gradient"], method="auto",
              names=None):
    """Check that ``vjp(X, G)`` is the gradient of ``<G, F(X)>`` with respect to ``X``.

    A random upstream gradient ``G`` of F(X)'s shape is drawn; for each input the claimed
    ``vjp`` is checked as the gradient of ``X -> G : F(X)`` along ``directions`` random
    directions (:func:`~matcalc.check_gradient`). For several inputs pass a tuple ``X = (X, W, b)``;
    then ``vjp(X, W, b, G)`` returns a tuple of gradients. ``names`` labels the inputs in
    the report (default: F's parameter names). Raises ValueError for a gradient of the
    wrong shape, a tuple of the wrong length, or NaN/inf values.

    >>> import numpy as np
    >>> X, W = np.ones((4, 3)), np.arange(6.0).reshape(2, 3)
    >>> F = lambda X, W: X @ W.T
    >>> check_vjp(F, lambda X, W, G: (G @ W, G.T @ X), (X, W)).passed
    True
    >>> check_vjp(F, lambda X, W, G: (G @ W, 2 * G.T @ X), (X, W)).failed
    ('W',)
    """
    single, arrays, names = _as_inputs(X, names, F)
    Y = _evaluate(F, arrays)
    G = rng("directions", seed).standard_normal(Y.shape)
    grads = _claimed_vjp(vjp, arrays, G, single, names)
    parts = []
    for k, (name, grad) in enumerate(zip(names, grads)):
        def f(Xk, k=k):
            return frob(G, F(*_replace(arrays, k, Xk)))
        result = check_gradient(f, lambda Xk, grad=grad: grad, arrays[k], seed=seed + k,
                                directions=directions, rtol=rtol, method=method)
        parts.append((name, result))
    return _summary("VJP", parts, rtol, Y.shape)


def check_jvp(F, jvp, X, *, seed=0, directions=3, rtol=TOLERANCES["gradient"], method="auto",
              names=None):
    """Check that ``jvp(X, V)`` is the differential of ``F`` at ``X`` in the direction ``V``.

    ``jvp(X, V)`` returns an array of F(X)'s shape, linear in V. For several inputs pass a
    tuple ``X = (X, W, b)``; then ``jvp(X, W, b, dX, dW, db)`` returns dF, and each input is
    checked with the tangents of the others set to zero (:func:`~matcalc.check_differential`).

    >>> import numpy as np
    >>> X = np.arange(6.0).reshape(2, 3)
    >>> check_jvp(np.tanh, lambda X, V: V * (1 - np.tanh(X) ** 2), X).passed
    True
    >>> check_jvp(np.tanh, lambda X, V: V * (1 - np.tanh(X)), X).passed
    False
    """
    _, arrays, names = _as_inputs(X, names, F)
    Y = _evaluate(F, arrays)
    parts = []
    for k, name in enumerate(names):
        def Fk(Xk, k=k):
            return F(*_replace(arrays, k, Xk))

        def dFk(Xk, Vk, k=k, name=name):
            tangents = tuple(np.zeros_like(A) for A in arrays)
            return _call_jvp(jvp, _replace(arrays, k, Xk), _replace(tangents, k, Vk), name)
        result = check_differential(Fk, dFk, arrays[k], seed=seed + k, directions=directions,
                                    rtol=rtol, method=method)
        parts.append((name, result))
    return _summary("JVP", parts, rtol, Y.shape)


def _call_jvp(jvp, arrays, tangents, name):
    try:
        return jvp(*arrays, *tangents)
    except Exception as exc:
        raise ValueError(f"jvp raised {type(exc).__name__} for a tangent of input {name!r}: "
                         f"{exc}") from exc
