"""Quadratic forms: x^T B x, b^T X^T D X c, weighted least squares in each of its
variables (Matrix Cookbook 2.4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..frobenius import frob
from ..claim import Claim
from ..registry import register_all

if TYPE_CHECKING:
    from ..types import Matrix, Scalar

SECTION = "Quadratic forms"

#: The variables of the weighted least-squares entries (84), (87), (88).
WLS = {"x": "m1", "A": "mn", "s": "n1", "W": "mm"}


def weighted_residual(x: Matrix, A: Matrix, s: Matrix, W: Matrix) -> Scalar:
    """(x - As)^T W (x - As), the function of the weighted least-squares entries: a scalar,
    for columns x (m x 1) and s (n x 1), A (m x n) and W (m x m).

    >>> import numpy as np
    >>> float(weighted_residual(np.ones((2, 1)), np.eye(2), np.zeros((2, 1)), np.eye(2)))
    2.0
    """
    r = x - A @ s
    return (r.T @ W @ r)[0, 0]

CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="b^T X^T X c",
        cookbook="77",
        latex=r"b^\T X^\T X c",
        result=r"X(bc^\T + cb^\T)",
        shapes={"b": "n1", "X": "mn", "c": "n1"},
        function=lambda b, X, c: (b.T @ X.T @ X @ c)[0, 0],
        claim=lambda b, X, c: X @ (b @ c.T + c @ b.T),
    ),
    Claim(
        kind="gradient",
        name="(Bx + b)^T C (Dx + d)",
        cookbook="78",
        latex=r"(Bx + b)^\T C(Dx + d)",
        result=r"B^\T C(Dx + d) + D^\T C^\T(Bx + b)",
        shapes={"x": "n1", "B": "mn", "b": "m1", "C": "mp", "D": "pn", "d": "p1"},
        wrt="x",
        function=lambda x, B, b, C, D, d: ((B @ x + b).T @ C @ (D @ x + d))[0, 0],
        claim=lambda x, B, b, C, D, d: B.T @ C @ (D @ x + d) + D.T @ C.T @ (B @ x + b),
    ),
    Claim(
        kind="differential",
        name="d(X^T B X)",
        cookbook="80",
        latex=r"X^\T BX",
        result=r"(\d X)^\T BX + X^\T B\,\d X",
        shapes={"X": "mn", "B": "mm"},
        function=lambda X, B: X.T @ B @ X,
        claim=lambda X, B, dX: dX.T @ B @ X + X.T @ B @ dX,
        note="the Cookbook gives the derivative by one entry: $\\d X = J^{ij}$",
    ),
    Claim(
        kind="gradient",
        name="x^T B x",
        cookbook="81",
        latex=r"x^\T Bx",
        result=r"(B + B^\T)x",
        shapes={"x": "n1", "B": "nn"},
        wrt="x",
        function=lambda x, B: (x.T @ B @ x)[0, 0],
        claim=lambda x, B: (B + B.T) @ x,
        wrong=lambda x, B: 2 * B @ x,  # true for symmetric B only
    ),
    Claim(
        kind="gradient",
        name="b^T X^T D X c",
        cookbook="82",
        latex=r"b^\T X^\T DXc",
        result=r"D^\T Xbc^\T + DXcb^\T",
        shapes={"b": "n1", "X": "mn", "D": "mm", "c": "n1"},
        function=lambda b, X, D, c: (b.T @ X.T @ D @ X @ c)[0, 0],
        claim=lambda b, X, D, c: D.T @ X @ b @ c.T + D @ X @ c @ b.T,
    ),
    Claim(
        kind="gradient",
        name="(Xb + c)^T D (Xb + c)",
        cookbook="83",
        latex=r"(Xb + c)^\T D(Xb + c)",
        result=r"(D + D^\T)(Xb + c)b^\T",
        shapes={"X": "mn", "b": "n1", "c": "m1", "D": "mm"},
        function=lambda X, b, c, D: ((X @ b + c).T @ D @ (X @ b + c))[0, 0],
        claim=lambda X, b, c, D: (D + D.T) @ (X @ b + c) @ b.T,
    ),
    Claim(
        kind="gradient",
        name="weighted LS in s",
        cookbook="84",
        latex=r"(x - As)^\T W(x - As)",
        result=r"-2A^\T W(x - As)",
        shapes=WLS,
        wrt="s",
        kinds={"W": "symmetric"},
        conditions="$W$ symmetric",
        function=weighted_residual,
        claim=lambda x, A, s, W: -2 * A.T @ W @ (x - A @ s),
    ),
    Claim(
        kind="gradient",
        name="weighted LS in s, general W",
        latex=r"(x - As)^\T W(x - As)",
        result=r"-A^\T(W + W^\T)(x - As)",
        shapes=WLS,
        wrt="s",
        function=weighted_residual,
        claim=lambda x, A, s, W: -A.T @ (W + W.T) @ (x - A @ s),
    ),
    Claim(
        kind="gradient",
        name="weighted distance in x",
        cookbook="85",
        latex=r"(x - s)^\T W(x - s)",
        result=r"2W(x - s)",
        shapes={"x": "m1", "s": "m1", "W": "mm"},
        wrt="x",
        kinds={"W": "symmetric"},
        conditions="$W$ symmetric",
        function=lambda x, s, W: ((x - s).T @ W @ (x - s))[0, 0],
        claim=lambda x, s, W: 2 * W @ (x - s),
    ),
    Claim(
        kind="gradient",
        name="weighted distance in s",
        cookbook="86",
        latex=r"(x - s)^\T W(x - s)",
        result=r"-2W(x - s)",
        shapes={"x": "m1", "s": "m1", "W": "mm"},
        wrt="s",
        kinds={"W": "symmetric"},
        conditions="$W$ symmetric",
        function=lambda x, s, W: ((x - s).T @ W @ (x - s))[0, 0],
        claim=lambda x, s, W: -2 * W @ (x - s),
    ),
    Claim(
        kind="gradient",
        name="weighted LS in x",
        cookbook="87",
        latex=r"(x - As)^\T W(x - As)",
        result=r"2W(x - As)",
        shapes=WLS,
        wrt="x",
        kinds={"W": "symmetric"},
        conditions="$W$ symmetric",
        function=weighted_residual,
        claim=lambda x, A, s, W: 2 * W @ (x - A @ s),
    ),
    Claim(
        kind="gradient",
        name="weighted LS in A",
        cookbook="88",
        latex=r"(x - As)^\T W(x - As)",
        result=r"-2W(x - As)s^\T",
        shapes=WLS,
        wrt="A",
        kinds={"W": "symmetric"},
        conditions="$W$ symmetric",
        function=weighted_residual,
        claim=lambda x, A, s, W: -2 * W @ (x - A @ s) @ s.T,
    ),
    Claim(
        kind="gradient",
        name="least squares",
        latex=r"\tfrac12\lVert WX - Y\rVert_F^2",
        result=r"(WX - Y)X^\T",
        shapes={"W": "mn", "X": "nk", "Y": "mk"},
        wrt="W",
        function=lambda W, X, Y: frob(W @ X - Y, W @ X - Y) / 2,
        claim=lambda W, X, Y: (W @ X - Y) @ X.T,
        note="the opening question of this book",
    ),
))
