"""Differentials: products, powers, transposes, determinants and similarity transforms."""

from ..ops import det, inv, logdet, matrix_power, tr
from ..claim import Claim
from ..registry import register_all
from .functions import square

SECTION = "Differentials"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="differential",
        name="d(XY)",
        latex="XY",
        result=r"\d X\,Y + X\,\d Y",
        shapes={"X": "mn", "Y": "np"},
        function=lambda X, Y: X @ Y,
        claim=lambda X, Y, dX: dX @ Y,
        note="with $Y$ constant; "
             "see the chapter on differentials for both varying",
    ),
    Claim(
        kind="differential",
        name="d(X^2)",
        latex="X^2",
        result=r"\d X\,X + X\,\d X",
        shapes={"X": "nn"},
        function=lambda X: square(X),
        claim=lambda X, dX: dX @ X + X @ dX,
        wrong=lambda X, dX: 2 * X @ dX,  # as if matrices commuted
    ),
    Claim(
        kind="differential",
        name="d(X^T X)",
        latex=r"X^\T X",
        result=r"(\d X)^\T X + X^\T\d X",
        shapes={"X": "mn"},
        function=lambda X: X.T @ X,
        claim=lambda X, dX: dX.T @ X + X.T @ dX,
    ),
    Claim(
        kind="differential",
        name="d(X X^T)",
        latex=r"XX^\T",
        result=r"\d X\,X^\T + X(\d X)^\T",
        shapes={"X": "mn"},
        function=lambda X: X @ X.T,
        claim=lambda X, dX: dX @ X.T + X @ dX.T,
    ),
    Claim(
        kind="differential",
        name="d det X",
        cookbook="46",
        latex=r"\det X",
        result=r"\det(X)\tr(X^{-1}\d X)",
        shapes={"X": "nn"},
        function=lambda X: det(X),
        claim=lambda X, dX: det(X) * tr(inv(X) @ dX),
        note="the Cookbook states it for $\\partial\\det(Y)/\\partial x$",
    ),
    Claim(
        kind="differential",
        name="d log|det X|",
        latex=r"\log\lvert\det X\rvert",
        result=r"\tr(X^{-1}\d X)",
        shapes={"X": "nn"},
        function=lambda X: logdet(X),
        claim=lambda X, dX: tr(inv(X) @ dX),
    ),
    Claim(
        kind="differential",
        name="d(X^-1 A X)",
        latex=r"X^{-1}AX",
        result=r"X^{-1}A\,\d X - X^{-1}\d X\,X^{-1}AX",
        shapes={"X": "nn", "A": "nn"},
        function=lambda X, A: inv(X) @ A @ X,
        claim=lambda X, A, dX: inv(X) @ A @ dX - inv(X) @ dX @ inv(X) @ A @ X,
    ),
    Claim(
        kind="differential",
        name="d(X^3)",
        latex="X^3",
        result=r"\d X\,X^2 + X\,\d X\,X + X^2\d X",
        shapes={"X": "nn"},
        function=lambda X: matrix_power(X, 3),
        claim=lambda X, dX: dX @ square(X) + X @ dX @ X + square(X) @ dX,
    ),
))
