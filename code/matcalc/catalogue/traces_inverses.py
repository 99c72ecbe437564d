"""Traces of inverses: tr[(X^T C X)^-1 A] and relatives, with the conditions (symmetric
B, C, A) they need and their general forms (Matrix Cookbook 2.5.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ops import inv, tr
from ..claim import Claim
from ..registry import register_all

if TYPE_CHECKING:
    from ..types import Matrix

SECTION = "Traces of inverses"

#: Variables of (125): X tall, C square, A square of X's width.
TALL = {"X": "mn", "C": "mm", "A": "nn"}
#: Variables of (126).
TALL_B = {"X": "mn", "C": "mm", "B": "mm"}


def ratio_gradient(X: Matrix, M: Matrix, B: Matrix, C: Matrix) -> Matrix:
    """The gradient of ``tr(M^-1 X^T B X)`` with respect to ``X`` when ``dM = dX^T C X +
    X^T C dX`` (``M = X^T C X``, or ``A + X^T C X`` with ``A`` constant), for general ``B``,
    ``C``, ``A``: ``BXM^-1 + B^T X M^-T - CXM^-1 N M^-1 - C^T X M^-T N^T M^-T`` with
    ``N = X^T B X``.

    >>> import numpy as np
    >>> X = np.eye(2)
    >>> ratio_gradient(X, X.T @ X, 2 * X, X).tolist()   # B = 2I, C = I: 2 + 2 - 2 - 2 = 0
    [[0.0, 0.0], [0.0, 0.0]]
    """
    Mi, N = inv(M), X.T @ B @ X
    return B @ X @ Mi + B.T @ X @ Mi.T - C @ X @ Mi @ N @ Mi - C.T @ X @ Mi.T @ N.T @ Mi.T

CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="tr[(X^T C X)^-1 A]",
        cookbook="125",
        latex=r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
        result=r"-CX(X^\T CX)^{-1}(A + A^\T)(X^\T CX)^{-1}",
        shapes=TALL,
        kinds={"C": "symmetric"},
        conditions="$C$ symmetric",
        function=lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
        claim=lambda X, C, A: -C @ X @ inv(X.T @ C @ X) @ (A + A.T) @ inv(X.T @ C @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="gradient",
        name="tr[(X^T C X)^-1 A], general C",
        cookbook="125",
        latex=r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
        result=r"-CXM^{-1}AM^{-1} - C^\T XM^{-\T}A^\T M^{-\T}",
        shapes=TALL,
        conditions="$C$ general",
        note=r"$M = X^\T CX$; the general form of (125)",
        function=lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
        claim=lambda X, C, A: -(C @ X @ inv(X.T @ C @ X) @ A @ inv(X.T @ C @ X)
                               + C.T @ X @ inv(X.T @ C @ X).T @ A.T @ inv(X.T @ C @ X).T),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="gradient",
        name="tr[(X^T C X)^-1 (X^T B X)]",
        cookbook="126",
        latex=r"\tr\bigl[(X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"-2CX(X^\T CX)^{-1}X^\T BX(X^\T CX)^{-1} + 2BX(X^\T CX)^{-1}",
        shapes=TALL_B,
        kinds={"B": "symmetric", "C": "symmetric"},
        conditions="$B$, $C$ symmetric",
        function=lambda X, C, B: tr(inv(X.T @ C @ X) @ X.T @ B @ X),
        claim=lambda X, C, B: -2 * C @ X @ inv(X.T @ C @ X) @ X.T @ B @ X @ inv(X.T @ C @ X)
             + 2 * B @ X @ inv(X.T @ C @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="gradient",
        name="tr[(X^T C X)^-1 (X^T B X)], general B, C",
        cookbook="126",
        latex=r"\tr\bigl[(X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"BXM^{-1} + B^\T XM^{-\T} - CXM^{-1}NM^{-1} - C^\T XM^{-\T}N^\T M^{-\T}",
        shapes=TALL_B,
        conditions="$B$, $C$ general",
        function=lambda X, C, B: tr(inv(X.T @ C @ X) @ X.T @ B @ X),
        claim=lambda X, C, B: ratio_gradient(X, X.T @ C @ X, B, C),
        exact_sizes={"m": 2, "n": 2},
        note=r"$M = X^\T CX$, $N = X^\T BX$; the general form of (126)",
    ),
    Claim(
        kind="gradient",
        name="tr[(A + X^T C X)^-1 (X^T B X)]",
        cookbook="127",
        latex=r"\tr\bigl[(A + X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"-2CXM^{-1}X^\T BXM^{-1} + 2BXM^{-1}",
        shapes={"X": "mn", "A": "nn", "C": "mm", "B": "mm"},
        kinds={"A": "symmetric", "B": "symmetric", "C": "symmetric"},
        conditions="$A$, $B$, $C$ symmetric",
        function=lambda X, A, C, B: tr(inv(A + X.T @ C @ X) @ X.T @ B @ X),
        claim=lambda X, A, C, B: -2 * C @ X @ inv(A + X.T @ C @ X) @ X.T @ B @ X
             @ inv(A + X.T @ C @ X) + 2 * B @ X @ inv(A + X.T @ C @ X),
        exact_sizes=None,
        note=r"$M = A + X^\T CX$; numeric only: the exact expansion at $m = n = 2$ takes "
             "minutes, and at $n = 1$ (where it is fast) transposes and orders vanish, so it "
             "proves little",
    ),
    Claim(
        kind="gradient",
        name="tr[(A + X^T C X)^-1 (X^T B X)], general A, B, C",
        cookbook="127",
        latex=r"\tr\bigl[(A + X^\T CX)^{-1}(X^\T BX)\bigr]",
        result=r"BXM^{-1} + B^\T XM^{-\T} - CXM^{-1}NM^{-1} - C^\T XM^{-\T}N^\T M^{-\T}",
        shapes={"X": "mn", "A": "nn", "C": "mm", "B": "mm"},
        conditions="$A$, $B$, $C$ general",
        function=lambda X, A, C, B: tr(inv(A + X.T @ C @ X) @ X.T @ B @ X),
        claim=lambda X, A, C, B: ratio_gradient(X, A + X.T @ C @ X, B, C),
        exact_sizes=None,
        note=r"$M = A + X^\T CX$, $N = X^\T BX$; the general form of (127); numeric only, "
             "as (127)",
    ),
))
