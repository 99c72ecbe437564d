"""Traces, higher order: tr(X^k), tr(A X^k) and a quartic trace (Matrix Cookbook
2.5.3)."""

from ..ops import matrix_power, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Traces, higher order"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="tr(X^k)",
        cookbook="121",
        latex=r"\tr(X^4)",
        result=r"4(X^3)^\T",
        shapes={"X": "nn"},
        function=lambda X: tr(matrix_power(X, 4)),
        claim=lambda X: 4 * matrix_power(X, 3).T,
        note="shown for $k = 4$",
    ),
    Claim(
        kind="gradient",
        name="tr(A X^k)",
        cookbook="122",
        latex=r"\tr(AX^3)",
        result=r"\textstyle\sum_{r=0}^{2}(X^rAX^{2-r})^\T",
        shapes={"A": "nn", "X": "nn"},
        function=lambda A, X: tr(A @ matrix_power(X, 3)),
        claim=lambda A, X: sum(((matrix_power(X, r) @ A @ matrix_power(X, 2 - r)).T
                               for r in range(3)), start=0 * X),
        note="shown for $k = 3$",
    ),
    Claim(
        kind="gradient",
        name="tr(B^T X^T C X X^T C X B)",
        cookbook="123",
        latex=r"\tr(B^\T X^\T CXX^\T CXB)",
        result=r"CXX^\T CXBB^\T + C^\T XBB^\T X^\T C^\T X"
               r" + CXBB^\T X^\T CX + C^\T XX^\T C^\T XBB^\T",
        shapes={"B": "np", "X": "mn", "C": "mm"},
        function=lambda B, X, C: tr(B.T @ X.T @ C @ X @ X.T @ C @ X @ B),
        claim=lambda B, X, C: (C @ X @ X.T @ C @ X @ B @ B.T + C.T @ X @ B @ B.T @ X.T @ C.T @ X
                              + C @ X @ B @ B.T @ X.T @ C @ X + C.T @ X @ X.T @ C.T @ X @ B @ B.T),
        exact_sizes={"m": 2, "n": 2, "p": 2},
    ),
))
