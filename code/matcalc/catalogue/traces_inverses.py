"""Traces of inverses: tr[(X^T C X)^-1 A] and relatives, with the conditions (symmetric
B, C, A) they need and their general forms (Matrix Cookbook 2.5.4)."""

from ..ops import inv, tr
from .entry import gradient

SECTION = "Traces of inverses"

#: Variables of (125): X tall, C square, A square of X's width.
TALL = {"X": "mn", "C": "mm", "A": "nn"}
#: Variables of (126).
TALL_B = {"X": "mn", "C": "mm", "B": "mm"}

ENTRIES = (
    gradient(
        name="tr[(X^T C X)^-1 A]",
        cookbook="125",
        latex=r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
        result=r"-CX(X^\T CX)^{-1}(A + A^\T)(X^\T CX)^{-1}",
        shapes=TALL,
        kinds={"C": "symmetric"},
        conditions="$C$ symmetric",
        f=lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
        grad=lambda X, C, A: -C @ X @ inv(X.T @ C @ X) @ (A + A.T) @ inv(X.T @ C @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    gradient(
        name="tr[(X^T C X)^-1 A], general C",
        latex=r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
        result=r"-CXM^{-1}AM^{-1} - C^\T XM^{-\T}A^\T M^{-\T},\ M = X^\T CX",
        shapes=TALL,
        f=lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
        grad=lambda X, C, A: -(C @ X @ inv(X.T @ C @ X) @ A @ inv(X.T @ C @ X)
                               + C.T @ X @ inv(X.T @ C @ X).T @ A.T @ inv(X.T @ C @ X).T),
        exact_sizes={"m": 2, "n": 2},
    ),
    gradient(
        name="tr[(X^T C X)^-1 (X^T B X)]",
        cookbook="126",
        latex=r"\tr\bigl[(X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"-2CX(X^\T CX)^{-1}X^\T BX(X^\T CX)^{-1} + 2BX(X^\T CX)^{-1}",
        shapes=TALL_B,
        kinds={"B": "symmetric", "C": "symmetric"},
        conditions="$B$, $C$ symmetric",
        f=lambda X, C, B: tr(inv(X.T @ C @ X) @ X.T @ B @ X),
        grad=lambda X, C, B: -2 * C @ X @ inv(X.T @ C @ X) @ X.T @ B @ X @ inv(X.T @ C @ X)
             + 2 * B @ X @ inv(X.T @ C @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    gradient(
        name="tr[(A + X^T C X)^-1 (X^T B X)]",
        cookbook="127",
        latex=r"\tr\bigl[(A + X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"-2CXM^{-1}X^\T BXM^{-1} + 2BXM^{-1},\ M = A + X^\T CX",
        shapes={"X": "mn", "A": "nn", "C": "mm", "B": "mm"},
        kinds={"A": "symmetric", "B": "symmetric", "C": "symmetric"},
        conditions="$A$, $B$, $C$ symmetric",
        f=lambda X, A, C, B: tr(inv(A + X.T @ C @ X) @ X.T @ B @ X),
        grad=lambda X, A, C, B: -2 * C @ X @ inv(A + X.T @ C @ X) @ X.T @ B @ X
             @ inv(A + X.T @ C @ X) + 2 * B @ X @ inv(A + X.T @ C @ X),
        exact_sizes=None,
        note="numeric only: the exact expansion at $m = n = 2$ takes minutes, and at "
             "$n = 1$ (where it is fast) transposes and orders vanish, so it proves little",
    ),
)
