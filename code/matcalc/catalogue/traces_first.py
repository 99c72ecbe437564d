"""Traces, first order: gradients of traces linear in X (Matrix Cookbook 2.5.1)."""

from ..ops import eye, kron, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Traces, first order"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="tr X",
        cookbook="99",
        latex=r"\tr X",
        result="I",
        shapes={"X": "nn"},
        function=lambda X: tr(X),
        claim=lambda X: eye(X.shape[0], X),
    ),
    Claim(
        kind="gradient",
        name="tr(XA)",
        cookbook="100",
        latex=r"\tr(XA)",
        result=r"A^\T",
        shapes={"X": "mn", "A": "nm"},
        function=lambda X, A: tr(X @ A),
        claim=lambda X, A: A.T,
    ),
    Claim(
        kind="gradient",
        name="tr(AXB)",
        cookbook="101",
        latex=r"\tr(AXB)",
        result=r"A^\T B^\T",
        shapes={"A": "pm", "X": "mn", "B": "np"},
        function=lambda A, X, B: tr(A @ X @ B),
        claim=lambda A, X, B: A.T @ B.T,
    ),
    Claim(
        kind="gradient",
        name="tr(AX^TB)",
        cookbook="102",
        latex=r"\tr(AX^\T B)",
        result=r"BA",
        shapes={"A": "pn", "X": "mn", "B": "mp"},
        function=lambda A, X, B: tr(A @ X.T @ B),
        claim=lambda A, X, B: B @ A,
    ),
    Claim(
        kind="gradient",
        name="tr(X^TA)",
        cookbook="103",
        latex=r"\tr(X^\T A)",
        result="A",
        shapes={"X": "mn", "A": "mn"},
        function=lambda X, A: tr(X.T @ A),
        claim=lambda X, A: A,
    ),
    Claim(
        kind="gradient",
        name="tr(AX^T)",
        cookbook="104",
        latex=r"\tr(AX^\T)",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        function=lambda A, X: tr(A @ X.T),
        claim=lambda A, X: A,
    ),
    Claim(
        kind="gradient",
        name="tr(A kron X)",
        cookbook="105",
        latex=r"\tr(A\kron X)",
        result=r"\tr(A)\,I",
        shapes={"A": "pp", "X": "nn"},
        function=lambda A, X: tr(kron(A, X)),
        claim=lambda A, X: tr(A) * eye(X.shape[0], X),
    ),
))
