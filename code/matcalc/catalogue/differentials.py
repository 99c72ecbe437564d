"""Differentials: products, powers, transposes, determinants and similarity transforms."""

from ..ops import det, inv, logdet, matrix_power, tr
from .entry import differential
from .functions import square

SECTION = "Differentials"
ENTRIES = (
    differential(
        name="d(XY)",
        latex="XY",
        result=r"\d X\,Y + X\,\d Y",
        shapes={"X": "mn", "Y": "np"},
        f=lambda X, Y: X @ Y,
        diff=lambda X, Y, dX: dX @ Y,
        note="with $Y$ constant; "
             "see the chapter on differentials for both varying",
    ),
    differential(
        name="d(X^2)",
        latex="X^2",
        result=r"\d X\,X + X\,\d X",
        shapes={"X": "nn"},
        f=lambda X: square(X),
        diff=lambda X, dX: dX @ X + X @ dX,
    ),
    differential(
        name="d(X^T X)",
        latex=r"X^\T X",
        result=r"(\d X)^\T X + X^\T\d X",
        shapes={"X": "mn"},
        f=lambda X: X.T @ X,
        diff=lambda X, dX: dX.T @ X + X.T @ dX,
    ),
    differential(
        name="d(X X^T)",
        latex=r"XX^\T",
        result=r"\d X\,X^\T + X(\d X)^\T",
        shapes={"X": "mn"},
        f=lambda X: X @ X.T,
        diff=lambda X, dX: dX @ X.T + X @ dX.T,
    ),
    differential(
        name="d det X",
        cookbook="46",
        latex=r"\det X",
        result=r"\det(X)\tr(X^{-1}\d X)",
        shapes={"X": "nn"},
        f=lambda X: det(X),
        diff=lambda X, dX: det(X) * tr(inv(X) @ dX),
        note="the Cookbook states it for $\\partial\\det(Y)/\\partial x$",
    ),
    differential(
        name="d log|det X|",
        latex=r"\log\lvert\det X\rvert",
        result=r"\tr(X^{-1}\d X)",
        shapes={"X": "nn"},
        f=lambda X: logdet(X),
        diff=lambda X, dX: tr(inv(X) @ dX),
    ),
    differential(
        name="d(X^-1 A X)",
        latex=r"X^{-1}AX",
        result=r"X^{-1}A\,\d X - X^{-1}\d X\,X^{-1}AX",
        shapes={"X": "nn", "A": "nn"},
        f=lambda X, A: inv(X) @ A @ X,
        diff=lambda X, A, dX: inv(X) @ A @ dX - inv(X) @ dX @ inv(X) @ A @ X,
    ),
    differential(
        name="d(X^3)",
        latex="X^3",
        result=r"\d X\,X^2 + X\,\d X\,X + X^2\d X",
        shapes={"X": "nn"},
        f=lambda X: matrix_power(X, 3),
        diff=lambda X, dX: dX @ square(X) + X @ dX @ X + square(X) @ dX,
    ),
)
