"""The input and evaluation layer every checker shares: arguments are validated here, and
every call of a user's callable at the checker's point goes through :func:`call_at`.

What every checker (:func:`~matcalc.check_gradient`, :func:`~matcalc.check_differential`,
:func:`~matcalc.check_vjp`, :func:`~matcalc.check_jvp`, :func:`~matcalc.check_hessian`,
:func:`~matcalc.jacobian`, :func:`~matcalc.directional_derivative`) does with a user's
callable:

* **copies and refuses**: at the point X (and, for a claim, with the direction, tangent or
  upstream gradient) the callable receives fresh copies of the checker's arrays, which are
  compared with the originals after the call. A callable that changed one is refused with a
  ValueError naming it and the argument ("grad modified its argument W in place"). The
  caller's arrays are never handed to a callable at all;
* at a perturbed point ``X + tV`` the callable receives an array made for that one call, so
  an in-place update there cannot reach anything the check uses (it is not looked for);
* what a callable returns is copied (as float64) before it is used, so a callable cannot
  change a returned value afterwards, and it must be real and finite: a complex, NaN or inf
  value is refused by name, never cast or compared;
* the working precision is read from the dtypes of the values f and the claim return, by
  :func:`working_precision`, the one place that decides it.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .backend import EPS, TOLERANCES
from .types import Array, Function

__all__ = ["CallError", "PerturbedPointError", "as_real_array", "as_real_result", "call_at",
           "call_unchanged", "describe", "parameter_names", "require_callable",
           "require_directions", "require_finite", "require_method", "require_rtol",
           "require_shape", "tolerance_at", "working_precision"]

METHODS = ("auto", "complex", "central")


class CallError(ValueError):
    """A user's callable raised, modified an argument, or returned something that is not a
    real finite array (raised by :func:`call_unchanged` and :func:`as_real_result`).

    >>> issubclass(CallError, ValueError)
    True
    """


class PerturbedPointError(RuntimeError):
    """A callable raised an error (not ValueError/ArithmeticError, which mean "outside the
    domain") at a perturbed point ``X + step * direction``; both are attributes, so the
    failure can be reproduced with ``f(err.point)``.

    >>> from matcalc import check_gradient
    >>> def f(X):
    ...     if X[0] != 1.0:
    ...         raise KeyError("not at X")
    ...     return float(X @ X)
    >>> try:
    ...     check_gradient(f, lambda X: 2 * X, np.ones(2))
    ... except PerturbedPointError as err:
    ...     print(str(err)[:53], err.point.shape)
    f raised KeyError at a perturbed point X + tV, t = 2. (2,)
    """

    def __init__(self, message: str, point: Array, step: float, direction: Array) -> None:
        super().__init__(message)
        self.point, self.step, self.direction = point, step, direction

    @classmethod
    def at(cls, name: str, exc: Exception, X: Array, V: Array,
           t: float) -> PerturbedPointError:
        """The error for ``exc``, raised by the callable ``name`` at ``X + t V``."""
        rms = lambda A: float(np.sqrt(np.mean(np.square(A))))
        return cls(f"{name} raised {type(exc).__name__} at a perturbed point X + tV, t = "
                   f"{t:.3e}, at relative distance {abs(t) * rms(V) / (rms(X) or 1.0):.1e} "
                   f"from X (rms of tV over rms of X), along a random direction V of shape "
                   f"{V.shape} (rms {rms(V):.2e}); it did not raise at X: {exc}. The point "
                   f"and direction are the error's attributes .point, .step and .direction",
                   X + t * V, t, V)


def as_real_array(X: ArrayLike, name: str = "X") -> Array:
    """A float64 copy of ``X``, or ValueError naming what is wrong with it.

    >>> as_real_array([1, 2])
    array([1., 2.])
    """
    try:
        arr = np.asarray(X)
    except Exception as exc:  # e.g. ragged nested lists
        raise ValueError(f"{name} could not be turned into an array: {exc}") from exc
    if arr.dtype == object:
        raise ValueError(f"{name} has dtype object (ragged or non-numeric entries); "
                         f"pass a numeric array")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} is complex (dtype {arr.dtype}); matcalc checks real variables")
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} has dtype {arr.dtype}; pass a real numeric array")
    arr = np.array(arr, dtype=np.float64, copy=True)
    require_finite(arr, name)
    return arr


def require_finite(arr: Array, name: str) -> None:
    """Raise ValueError if ``arr`` holds NaN or inf, saying where and how many.

    >>> require_finite(np.ones(2), "X")
    """
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        raise ValueError(f"{name} (shape {arr.shape}) has {int(bad.sum())} non-finite "
                         f"value(s), e.g. {arr[first] if arr.ndim else arr} at index {first}")


def require_shape(arr: Array, shape: tuple, name: str, other: str, why: str = "") -> None:
    """Raise ValueError if ``arr.shape`` differs from ``shape`` (the shape of ``other``).

    >>> require_shape(np.ones(2), (2,), "G", "X")
    """
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}, but {other} has shape {tuple(shape)}"
                         + (f": {why}" if why else ""))


def require_callable(fn: object, role: str) -> None:
    """Raise TypeError unless ``fn`` can be called, naming its role.

    >>> require_callable(len, "f")
    """
    if not callable(fn):
        raise TypeError(f"{role} must be a callable (a function or lambda), got "
                        f"{type(fn).__name__} {fn!r:.60}")


def require_rtol(rtol: object, name: str = "rtol") -> float:
    """``rtol`` as a float strictly between 0 and 1, or ValueError naming ``name``.

    >>> require_rtol(1e-8)
    1e-08
    """
    value = float(rtol) if isinstance(rtol, numbers.Real) and not isinstance(rtol, bool) \
        else float("nan")
    if not 0 < value < 1:
        raise ValueError(f"{name} must be a number strictly between 0 and 1 (a relative "
                         f"tolerance such as 1e-8), got {rtol!r}")
    return value


def require_directions(directions: object) -> int:
    """``directions`` as a positive int, or ValueError naming it.

    >>> require_directions(3)
    3
    """
    value = float(directions) if isinstance(directions, numbers.Real) and not isinstance(
        directions, bool) else 0.0
    if not (value >= 1 and value == int(value)):
        raise ValueError(f"directions must be a positive integer, got {directions!r}")
    return int(value)


def require_settings(**settings: object) -> None:
    """ValueError naming a numerical setting of :func:`~matcalc.directional_derivative` that
    is not a finite number in its range: eps in (0, 1), the others >= 0 (None: not given,
    except for eps and resolution).

    >>> require_settings(eps=2.0)
    Traceback (most recent call last):
    ...
    ValueError: eps must be a number with 0 < eps < 1, got eps=2.0
    """
    for key, value in settings.items():
        if value is None and key not in ("eps", "resolution"):
            continue
        number = float(value) if isinstance(value, numbers.Real) \
            and not isinstance(value, bool) else float("nan")
        if not (np.isfinite(number) and (0 < number < 1 if key == "eps" else number >= 0)):
            allowed = "a number with 0 < eps < 1" if key == "eps" else \
                "a finite number >= 0" + ("" if key == "resolution" else ", or None")
            raise ValueError(f"{key} must be {allowed}, got {key}={value!r}")


def require_method(method: object) -> str:
    """Raise ValueError unless ``method`` is one of :data:`METHODS`.

    >>> require_method("auto")
    'auto'
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be 'auto', 'complex' or 'central', got {method!r}")
    return method


def working_precision(*values: object) -> tuple[float, str]:
    """``(eps, name)``: the least precise float type among the dtypes of ``values``
    (complex counts as its real part; integers and float64 or wider as float64). Every
    checker decides the precision a function computes in with this one function.

    >>> working_precision(np.float32(1.0), 2.0)[1]
    'float32'
    """
    eps, name = EPS, "float64"
    for v in values:
        dtype = v if isinstance(v, np.dtype) else np.asarray(v).dtype
        if dtype.kind in "fc" and float(np.finfo(dtype).eps) > eps:
            eps, name = float(np.finfo(dtype).eps), np.finfo(dtype).dtype.name
    return eps, name


def tolerance_at(rtol: float, precision: str) -> float:
    """The tolerance a check can demand of a function computing in ``precision``: ``rtol``
    in float64, at least ``TOLERANCES["gradient_<precision>"]`` below it.

    >>> tolerance_at(1e-8, "float32")
    0.0005
    """
    return rtol if precision == "float64" else max(rtol, TOLERANCES[f"gradient_{precision}"])


def describe(fn: object, role: str) -> str:
    """How errors name a callable: its role, and its own name if it has one.

    >>> describe(lambda X: X, "grad"), describe(np.tanh, "F")
    ('grad', 'F (tanh)')
    """
    own = getattr(fn, "__name__", "")
    return role if not own or own == "<lambda>" or own == role else f"{role} ({own})"


def parameter_names(fn: Function, defaults: Sequence[str]) -> list[str]:
    """The callable's own names for its positional parameters, where it has them, else
    ``defaults``.

    >>> parameter_names(lambda W, G: W, ("X", "G", "extra"))
    ['W', 'G', 'extra']
    """
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[k] if k < len(params) else d for k, d in enumerate(defaults)]


def _modified(label, name, original, given):
    if given.shape != original.shape or given.dtype != original.dtype:
        return (f"{label} modified its argument {name} in place (shape {original.shape} "
                f"{original.dtype} became {given.shape} {given.dtype})")
    changed = given != original
    if given.dtype.kind in "fc":
        changed &= ~(np.isnan(given) & np.isnan(original))
    if not changed.any():
        return ""
    first = tuple(int(i) for i in np.argwhere(changed)[0]) if changed.ndim else ()
    return (f"{label} modified its argument {name} in place ({int(changed.sum())} of "
            f"{changed.size} entries changed, e.g. at index {first}: {original[first]} -> "
            f"{given[first]}). A function that is checked must not change its arguments: "
            f"work on a copy ({name} = {name} * 2 rather than {name} *= 2, or {name} = "
            f"{name}.copy() first)")


def _refuse_modified(label, named_pairs):
    """CallError for the first (name, original, copy given to the callable) that changed."""
    for name, original, given in named_pairs:
        message = _modified(label, name, original, given)
        if message:
            raise CallError(message)


def call_unchanged(fn: Function, args: Sequence[Array], role: str,
                   arg_names: Sequence[str]) -> object:
    """``fn(*copies of args)``, its output as it is; ValueError naming ``fn`` (by ``role``)
    if it raises or modifies one of its arguments in place (named as ``fn`` names its
    parameters, else by ``arg_names``).

    >>> def grad(W):
    ...     W *= 3
    ...     return W
    >>> call_unchanged(grad, (np.ones(2),), "grad", ("X",))
    Traceback (most recent call last):
    ...
    matcalc._inputs.CallError: grad modified its argument W in place (2 of 2 entries changed, e.g. at index (0,): 1.0 -> 3.0). A function that is checked must not change its arguments: work on a copy (W = W * 2 rather than W *= 2, or W = W.copy() first)
    """
    label = describe(fn, role)
    copies = [np.array(a, copy=True) for a in args]
    try:
        with np.errstate(all="ignore"):
            out = fn(*copies)
    except CallError:
        raise  # a callable inside fn was refused: that error names it already
    except Exception as exc:
        raise CallError(f"{label} raised {type(exc).__name__} at X: {exc}") from exc
    _refuse_modified(label, zip(parameter_names(fn, arg_names), args, copies))
    return out


def call_keywords_unchanged(fn: Function, kwargs: Mapping[str, Any], role: str) -> object:
    """``fn(**kwargs)`` with copies of the numpy arrays among ``kwargs``; CallError naming
    ``fn`` (by ``role``) and the argument (by its keyword) if ``fn`` modifies one of them in
    place, so a function cannot move the point it is evaluated at, or change a constant, for
    the calls after it. Other values are passed as they are; exceptions propagate.

    >>> def claim(X, A):
    ...     A[...] = 1.0
    ...     return A.T
    >>> call_keywords_unchanged(claim, {"X": np.zeros(2), "A": np.zeros(2)}, "claim")
    Traceback (most recent call last):
    ...
    matcalc._inputs.CallError: claim modified its argument A in place (2 of 2 entries changed, e.g. at index (0,): 0.0 -> 1.0). A function that is checked must not change its arguments: work on a copy (A = A * 2 rather than A *= 2, or A = A.copy() first)
    """
    copies = {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v
              for k, v in kwargs.items()}
    out = fn(**copies)
    _refuse_modified(describe(fn, role), ((name, original, copies[name])
                                          for name, original in kwargs.items()
                                          if isinstance(original, np.ndarray)))
    return out


def as_real_result(out: object, label: str, what: str) -> tuple[Array, np.dtype]:
    """``(float64 copy, original dtype)`` of a callable's output ``out``, or ValueError
    naming ``label`` (e.g. ``"grad(X)"``) if it is not a real finite array.

    >>> as_real_result(np.float32(2), "f(X)", "its value")
    (array(2.), dtype('float32'))
    """
    try:
        arr = np.asarray(out)
    except Exception as exc:
        raise CallError(f"{label} is not an array: {out!r:.80}") from exc
    if np.iscomplexobj(arr):
        raise CallError(f"{label} has complex values (dtype {arr.dtype}) at a real X; "
                         f"{what} must be real")
    if arr.dtype.kind not in "fiub":
        raise CallError(f"{label} has dtype {arr.dtype}; {what} must be real numbers")
    values = np.array(arr, dtype=np.float64, copy=True)
    try:
        require_finite(values, label)
    except ValueError as exc:
        raise CallError(str(exc)) from None
    return values, arr.dtype


def call_at(fn: Function, args: Sequence[Array], role: str, arg_names: Sequence[str],
            what: str) -> tuple[Array, np.dtype]:
    """``fn(*copies of args)`` at the checker's point, as ``(float64 copy, original dtype)``:
    :func:`call_unchanged`, then :func:`as_real_result`. ``role`` names the callable in
    errors ("grad"), ``arg_names`` its arguments, ``what`` the value it returns.

    >>> call_at(lambda x: x + 1, (np.ones(2),), "f", ("X",), "its value")
    (array([2., 2.]), dtype('float64'))
    >>> call_at(lambda x: x + 1j, (np.ones(2),), "f", ("X",), "its value")
    Traceback (most recent call last):
    ...
    matcalc._inputs.CallError: f(X) has complex values (dtype complex128) at a real X; its value must be real
    """
    out = call_unchanged(fn, args, role, arg_names)
    return as_real_result(out, f"{describe(fn, role)}({', '.join(arg_names)})", what)
