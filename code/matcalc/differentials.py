"""The rules of differential calculus for matrices, as checked claims.

Each rule is a :class:`~matcalc.claim.Claim` of kind ``"differential"``: a function and its
claimed differential, checked exactly against the true differential at small sizes (sympy)
and numerically with :func:`~matcalc.check_differential` at larger rectangular sizes, with
the plausible wrong rule beside it where there is a famous one ("the square like a scalar").
The chapter on differentials states them as theorems and checks these objects; the tests
import the same ones. :data:`DIFFERENTIAL_RULES` maps a short key to each rule,
:data:`FALSE_DIFFERENTIALS` the plausible wrong rules, as claims of their own that fail.

:func:`taylor_remainder` makes the defining property of the differential visible: the
remainder ``F(X + tV) - F(X) - t dF(X; V)`` shrinks like ``t**2``; with a wrong ``dF`` it
shrinks only like ``t``.

>>> DIFFERENTIAL_RULES["inverse"].check().passed
True
>>> FALSE_DIFFERENTIALS["inverse like a scalar"].check().passed
False
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._inputs import as_real_array, require_shape
from .claim import Claim
from .ops import det, exp, hadamard, inv, kron, logdet, ones_like, sigmoid, tr
from .registry import register_all

if TYPE_CHECKING:
    from .types import Array, ArrayLike, Function, Sizes

__all__ = ["DIFFERENTIAL_RULES", "FALSE_DIFFERENTIALS", "SECTION", "remainder_slope",
           "taylor_remainder"]

#: The registry section of the rules.
SECTION = "Rules of differentials"
# Square rules are proved at 3 x 3 (at 2 x 2 alone, coincidences such as Cayley-Hamilton
# could make a false rule look true) and evaluated at 5 x 5.
_SQUARE, _SQUARE_NUMERIC = {"n": 3}, {"n": 5}
_RECT, _RECT_NUMERIC = {"m": 2, "n": 3, "p": 2, "q": 3}, {"m": 4, "n": 5, "p": 3, "q": 2}


def _rule(key: str, latex: str, shapes: Mapping[str, str], wrt: str | Sequence[str],
          function: Function, result: str, differential: Function, *,
          exact: Sizes | None = None, wrong: Function | None = None, mistake: str = "") -> Claim:
    square = all(r == c == "n" for r, c in map(tuple, shapes.values()))
    exact = exact or (_SQUARE if square else _RECT)
    numeric = _SQUARE_NUMERIC if square else _RECT_NUMERIC
    letters = {d for s in shapes.values() for d in s}
    return Claim(name=f"{key} rule", kind="differential", latex=latex, result=result, shapes=shapes,
                 wrt=wrt, function=function, claim=differential, wrong=wrong, mistake=mistake,
                 exact_sizes={k: v for k, v in exact.items() if k in letters},
                 numeric_sizes={k: v for k, v in numeric.items() if k in letters})


def _rules() -> tuple[Claim, ...]:
    mn, np_, nn = "mn", "np", "nn"
    return (
        _rule("sum", "X + Y", {"X": mn, "Y": mn}, ("X", "Y"), lambda X, Y: X + Y,
              r"\d X + \d Y", lambda dX, dY: dX + dY),
        _rule("scalar multiple", "cX", {"c": "11", "X": mn}, "X", lambda c, X: c[0, 0] * X,
              r"c\,\d X", lambda c, dX: c[0, 0] * dX),
        _rule("product", "XY", {"X": mn, "Y": np_}, ("X", "Y"), lambda X, Y: X @ Y,
              r"\d X\,Y + X\,\d Y", lambda X, Y, dX, dY: dX @ Y + X @ dY),
        _rule("transpose", r"X^\T", {"X": mn}, "X", lambda X: X.T, r"(\d X)^\T",
              lambda dX: dX.T),
        _rule("trace", r"\tr X", {"X": nn}, "X", lambda X: tr(X), r"\tr(\d X)",
              lambda dX: tr(dX)),
        _rule("inverse", "X^{-1}", {"X": nn}, "X", lambda X: inv(X), r"-X^{-1}\,\d X\,X^{-1}",
              lambda X, dX: -inv(X) @ dX @ inv(X), wrong=lambda X, dX: -inv(X) @ inv(X) @ dX,
              mistake="-X^{-2} dX, the inverse like a scalar"),
        _rule("determinant", r"\det X", {"X": nn}, "X", lambda X: det(X),
              r"\det(X)\,\tr(X^{-1}\d X)", lambda X, dX: det(X) * tr(inv(X) @ dX),
              exact={"n": 3}, wrong=lambda X, dX: tr(inv(X) @ dX),
              mistake="tr(X^{-1} dX) without the factor det X"),
        _rule("log-determinant", r"\log\lvert\det X\rvert", {"X": nn}, "X",
              lambda X: logdet(X), r"\tr(X^{-1}\d X)", lambda X, dX: tr(inv(X) @ dX)),
        _rule("hadamard", r"X \had Y", {"X": mn, "Y": mn}, ("X", "Y"),
              lambda X, Y: hadamard(X, Y), r"\d X \had Y + X \had \d Y",
              lambda X, Y, dX, dY: hadamard(dX, Y) + hadamard(X, dY)),
        _rule("exp", r"\exp(X)", {"X": mn}, "X", lambda X: exp(X), r"\exp(X) \had \d X",
              lambda X, dX: hadamard(exp(X), dX)),
        _rule("sigmoid", r"\sigma(X)", {"X": mn}, "X", lambda X: sigmoid(X),
              r"\sigma(X) \had (1 - \sigma(X)) \had \d X",
              lambda X, dX: hadamard(hadamard(sigmoid(X), ones_like(X) - sigmoid(X)), dX)),
        _rule("kronecker", r"X \kron Y", {"X": mn, "Y": "pq"}, ("X", "Y"),
              lambda X, Y: kron(X, Y), r"\d X \kron Y + X \kron \d Y",
              lambda X, Y, dX, dY: kron(dX, Y) + kron(X, dY)),
        _rule("square", "X^2", {"X": nn}, "X", lambda X: X @ X, r"\d X\,X + X\,\d X",
              lambda X, dX: dX @ X + X @ dX, exact={"n": 3}, wrong=lambda X, dX: 2 * X @ dX,
              mistake="2X dX, the square like a scalar"),
        _rule("cube", "X^3", {"X": nn}, "X", lambda X: X @ X @ X,
              r"\d X\,X^2 + X\,\d X\,X + X^2\,\d X",
              lambda X, dX: dX @ X @ X + X @ dX @ X + X @ X @ dX),
        _rule("gram", r"X^\T X", {"X": mn}, "X", lambda X: X.T @ X,
              r"(\d X)^\T X + X^\T \d X", lambda X, dX: dX.T @ X + X.T @ dX,
              wrong=lambda X, dX: 2 * X.T @ dX, mistake="2X^T dX, the transpose dropped"),
    )


def _false(key: str, name: str, result: str) -> Claim:
    """The plausible wrong rule stored as the wrong variant of rule ``key``, as a claim of
    its own (not registered): its check fails."""
    rule = DIFFERENTIAL_RULES[key]
    if rule.wrong is None:
        raise ValueError(f"rule {key!r} stores no wrong variant")
    return dataclasses.replace(rule, name=name, claim=rule.wrong, wrong=None, mistake="",
                               result=result)


#: The rules of the chapter on differentials, by key (registered in :data:`SECTION`).
DIFFERENTIAL_RULES = {c.name.removesuffix(" rule"): c for c in register_all(SECTION, _rules())}
#: Plausible rules that are wrong (each the wrong variant of a rule above): checks that fail.
FALSE_DIFFERENTIALS = {name: _false(key, name, result) for key, name, result in (
    ("square", "square like a scalar", r"2X\,\d X"),
    ("inverse", "inverse like a scalar", r"-X^{-2}\,\d X"),
    ("determinant", "determinant without det X", r"\tr(X^{-1}\d X)"),
    ("gram", "gram without the transpose", r"2X^\T \d X"))}


def taylor_remainder(F: Callable[[Array], Any], dF: Callable[[Array, Array], Any],
                     X: ArrayLike, V: ArrayLike, steps: Iterable[float]) -> Array:
    """``||F(X + tV) - F(X) - t dF(X, V)||`` (Frobenius norm) for each t in ``steps``, as an
    array. For the true differential this is O(t^2); for a wrong one it is of order t.
    Raises ValueError, naming what is wrong, when ``X`` or ``V`` is not a real numeric
    array, ``V`` does not have the shape of ``X``, or ``dF(X, V)`` not that of ``F(X)``.

    >>> import numpy as np
    >>> X, V = np.diag([2.0, 3.0]), np.ones((2, 2))
    >>> r = taylor_remainder(lambda X: X @ X, lambda X, V: V @ X + X @ V, X, V, [1e-1, 1e-2])
    >>> bool(0.009 < r[1] / r[0] < 0.011)   # t ten times smaller, remainder 100 times
    True
    """
    x, v = as_real_array(X, "X"), as_real_array(V, "V")
    require_shape(v, x.shape, "V", "X", "a direction has the shape of the variable")
    F0 = np.asarray(F(x), dtype=np.float64)
    D = np.asarray(dF(x, v), dtype=np.float64)
    require_shape(D, F0.shape, "dF(X, V)", "F(X)", "a differential has the shape of F")
    out = []
    for t in steps:
        moved = np.asarray(F(x + t * v), dtype=np.float64)
        out.append(float(np.linalg.norm(moved - F0 - t * D)))
    return np.array(out)


def remainder_slope(steps: ArrayLike, remainders: ArrayLike) -> float:
    """Least-squares slope of log(remainder) against log(t), rounded to 6 decimals: 2 for a
    differential. Raises ValueError, naming the shapes or the smallest values, for fewer
    than two steps, one remainder per step missing, or values that are not positive.

    >>> remainder_slope([1e-1, 1e-2], [1e-2, 1e-4])
    2.0
    """
    t, r = np.asarray(steps, np.float64), np.asarray(remainders, np.float64)
    if t.shape != r.shape or t.size < 2:
        raise ValueError(f"need at least two steps and one remainder per step, got "
                         f"{t.shape} and {r.shape}")
    if np.any(r <= 0) or np.any(t <= 0):
        raise ValueError(f"steps and remainders must be positive for a log-log slope, got "
                         f"min step {t.min()}, min remainder {r.min()}")
    slope = np.polyfit(np.log(t), np.log(r), 1)[0]
    return round(float(slope), 6)
