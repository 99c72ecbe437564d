"""The rules of differential calculus for matrices, as data that is checked.

Each rule is a one-step :class:`~matcalc.derivation.Derivation`: a function and its claimed
differential, checked exactly against the true differential at small sizes (sympy) and
numerically with :func:`~matcalc.check_differential` at larger rectangular sizes. The
chapter on differentials states them as theorems and runs these objects; the tests import
the same ones. ``FALSE_DIFFERENTIALS`` holds plausible rules that are wrong.

:func:`taylor_remainder` makes the defining property of the differential visible: the
remainder ``F(X + tV) - F(X) - t dF(X; V)`` shrinks like ``t**2``; with a wrong ``dF`` it
shrinks only like ``t``.
"""

import numpy as np

from ._inputs import as_real_array, require_shape
from .derivation import Derivation, Step
from .ops import det, exp, hadamard, inv, kron, logdet, ones_like, sigmoid, tr

__all__ = ["DIFFERENTIAL_RULES", "FALSE_DIFFERENTIALS", "taylor_remainder", "remainder_slope"]

# Square rules are proved at 3 x 3 (at 2 x 2 alone, coincidences such as Cayley-Hamilton
# could make a false rule look true) and evaluated at 5 x 5.
_SQUARE = {"n": 3}
_SQUARE_NUMERIC = {"n": 5}
_RECT = {"m": 2, "n": 3, "p": 2, "q": 3}
_RECT_NUMERIC = {"m": 4, "n": 5, "p": 3, "q": 2}


def _rule(name, shapes, wrt, function, latex, differential, *, exact=None, numeric=None,
          why=""):
    square = all(r == c == "n" for r, c in map(tuple, shapes.values()))
    exact = exact or (_SQUARE if square else _RECT)
    numeric = numeric or (_SQUARE_NUMERIC if square else _RECT_NUMERIC)
    letters = {d for s in shapes.values() for d in s}
    return Derivation(name, shapes, wrt, function, [Step(latex, differential, why)],
                      exact_sizes={k: v for k, v in exact.items() if k in letters},
                      numeric_sizes={k: v for k, v in numeric.items() if k in letters},
                      start=rf"\d({name})")


def _rules():
    mn, np_, nn = "mn", "np", "nn"
    rules = {
        "sum": _rule("X + Y", {"X": mn, "Y": mn}, ("X", "Y"), lambda X, Y: X + Y,
                     r"\d X + \d Y", lambda dX, dY: dX + dY),
        "scalar multiple": _rule("cX", {"c": "11", "X": mn}, "X", lambda c, X: c[0, 0] * X,
                                 r"c\,\d X", lambda c, dX: c[0, 0] * dX),
        "product": _rule("XY", {"X": mn, "Y": np_}, ("X", "Y"), lambda X, Y: X @ Y,
                         r"\d X\,Y + X\,\d Y", lambda X, Y, dX, dY: dX @ Y + X @ dY),
        "transpose": _rule(r"X^\T", {"X": mn}, "X", lambda X: X.T, r"(\d X)^\T",
                           lambda dX: dX.T),
        "trace": _rule(r"\tr X", {"X": nn}, "X", lambda X: tr(X), r"\tr(\d X)",
                       lambda dX: tr(dX)),
        "inverse": _rule("X^{-1}", {"X": nn}, "X", lambda X: inv(X), r"-X^{-1}\,\d X\,X^{-1}",
                         lambda X, dX: -inv(X) @ dX @ inv(X)),
        "determinant": _rule(r"\det X", {"X": nn}, "X", lambda X: det(X),
                             r"\det(X)\,\tr(X^{-1}\d X)", lambda X, dX: det(X) * tr(inv(X) @ dX),
                             exact={"n": 3}),
        "log-determinant": _rule(r"\log\lvert\det X\rvert", {"X": nn}, "X", lambda X: logdet(X),
                                 r"\tr(X^{-1}\d X)", lambda X, dX: tr(inv(X) @ dX)),
        "hadamard": _rule(r"X \had Y", {"X": mn, "Y": mn}, ("X", "Y"),
                          lambda X, Y: hadamard(X, Y), r"\d X \had Y + X \had \d Y",
                          lambda X, Y, dX, dY: hadamard(dX, Y) + hadamard(X, dY)),
        "exp": _rule(r"\exp(X)", {"X": mn}, "X", lambda X: exp(X), r"\exp(X) \had \d X",
                     lambda X, dX: hadamard(exp(X), dX)),
        "sigmoid": _rule(r"\sigma(X)", {"X": mn}, "X", lambda X: sigmoid(X),
                         r"\sigma(X) \had (1 - \sigma(X)) \had \d X",
                         lambda X, dX: hadamard(hadamard(sigmoid(X), ones_like(X) - sigmoid(X)), dX)),
        "kronecker": _rule(r"X \kron Y", {"X": mn, "Y": "pq"}, ("X", "Y"),
                           lambda X, Y: kron(X, Y), r"\d X \kron Y + X \kron \d Y",
                           lambda X, Y, dX, dY: kron(dX, Y) + kron(X, dY)),
        "square": _rule("X^2", {"X": nn}, "X", lambda X: X @ X, r"\d X\,X + X\,\d X",
                        lambda X, dX: dX @ X + X @ dX, exact={"n": 3}),
        "cube": _rule("X^3", {"X": nn}, "X", lambda X: X @ X @ X,
                      r"\d X\,X^2 + X\,\d X\,X + X^2\,\d X",
                      lambda X, dX: dX @ X @ X + X @ dX @ X + X @ X @ dX),
        "gram": _rule(r"X^\T X", {"X": mn}, "X", lambda X: X.T @ X,
                      r"(\d X)^\T X + X^\T \d X", lambda X, dX: dX.T @ X + X.T @ dX),
    }
    return rules


def _false_rules():
    nn = "nn"
    return {
        "square like a scalar": _rule("X^2", {"X": nn}, "X", lambda X: X @ X, r"2X\,\d X",
                                      lambda X, dX: 2 * X @ dX),
        "inverse like a scalar": _rule("X^{-1}", {"X": nn}, "X", lambda X: inv(X),
                                       r"-X^{-2}\,\d X",
                                       lambda X, dX: -inv(X) @ inv(X) @ dX),
        "determinant without det X": _rule(r"\det X", {"X": nn}, "X", lambda X: det(X),
                                           r"\tr(X^{-1}\d X)", lambda X, dX: tr(inv(X) @ dX)),
        "gram without the transpose": _rule(r"X^\T X", {"X": "mn"}, "X", lambda X: X.T @ X,
                                            r"2X^\T \d X", lambda X, dX: 2 * X.T @ dX),
    }


DIFFERENTIAL_RULES = _rules()
FALSE_DIFFERENTIALS = _false_rules()


def taylor_remainder(F, dF, X, V, steps):
    """``||F(X + tV) - F(X) - t dF(X, V)||`` for each t in ``steps``.

    For the true differential this is O(t^2); for a wrong one it is of order t.

    >>> import numpy as np
    >>> X, V = np.diag([2.0, 3.0]), np.ones((2, 2))
    >>> r = taylor_remainder(lambda X: X @ X, lambda X, V: V @ X + X @ V, X, V, [1e-1, 1e-2])
    >>> bool(0.009 < r[1] / r[0] < 0.011)   # t ten times smaller, remainder 100 times
    True
    """
    X, V = as_real_array(X, "X"), as_real_array(V, "V")
    require_shape(V, X.shape, "V", "X", "a direction has the shape of the variable")
    F0 = np.asarray(F(X), dtype=float)
    D = np.asarray(dF(X, V), dtype=float)
    require_shape(D, F0.shape, "dF(X, V)", "F(X)", "a differential has the shape of F")
    out = []
    for t in steps:
        out.append(float(np.linalg.norm(np.asarray(F(X + t * V), dtype=float) - F0 - t * D)))
    return np.array(out)


def remainder_slope(steps, remainders):
    """Least-squares slope of log(remainder) against log(t): 2 for a differential.

    >>> remainder_slope([1e-1, 1e-2], [1e-2, 1e-4])
    2.0
    """
    steps, remainders = np.asarray(steps, float), np.asarray(remainders, float)
    if steps.shape != remainders.shape or steps.size < 2:
        raise ValueError(f"need at least two steps and one remainder per step, got "
                         f"{steps.shape} and {remainders.shape}")
    if np.any(remainders <= 0) or np.any(steps <= 0):
        raise ValueError(f"steps and remainders must be positive for a log-log slope, got "
                         f"min step {steps.min()}, min remainder {remainders.min()}")
    slope = np.polyfit(np.log(steps), np.log(remainders), 1)[0]
    return round(float(slope), 6)
