"""Traces, first order: gradients of traces linear in X (Matrix Cookbook 2.5.1)."""

from ..ops import eye, kron, tr
from .entry import gradient

SECTION = "Traces, first order"
ENTRIES = (
    gradient(
        name="tr X",
        cookbook="99",
        latex=r"\tr X",
        result="I",
        shapes={"X": "nn"},
        f=lambda X: tr(X),
        grad=lambda X: eye(X.shape[0], X),
    ),
    gradient(
        name="tr(XA)",
        cookbook="100",
        latex=r"\tr(XA)",
        result=r"A^\T",
        shapes={"X": "mn", "A": "nm"},
        f=lambda X, A: tr(X @ A),
        grad=lambda X, A: A.T,
    ),
    gradient(
        name="tr(AXB)",
        cookbook="101",
        latex=r"\tr(AXB)",
        result=r"A^\T B^\T",
        shapes={"A": "pm", "X": "mn", "B": "np"},
        f=lambda A, X, B: tr(A @ X @ B),
        grad=lambda A, X, B: A.T @ B.T,
    ),
    gradient(
        name="tr(AX^TB)",
        cookbook="102",
        latex=r"\tr(AX^\T B)",
        result=r"BA",
        shapes={"A": "pn", "X": "mn", "B": "mp"},
        f=lambda A, X, B: tr(A @ X.T @ B),
        grad=lambda A, X, B: B @ A,
    ),
    gradient(
        name="tr(X^TA)",
        cookbook="103",
        latex=r"\tr(X^\T A)",
        result="A",
        shapes={"X": "mn", "A": "mn"},
        f=lambda X, A: tr(X.T @ A),
        grad=lambda X, A: A,
    ),
    gradient(
        name="tr(AX^T)",
        cookbook="104",
        latex=r"\tr(AX^\T)",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        f=lambda A, X: tr(A @ X.T),
        grad=lambda A, X: A,
    ),
    gradient(
        name="tr(A kron X)",
        cookbook="105",
        latex=r"\tr(A\kron X)",
        result=r"\tr(A)\,I",
        shapes={"A": "pp", "X": "nn"},
        f=lambda A, X: tr(kron(A, X)),
        grad=lambda A, X: tr(A) * eye(X.shape[0], X),
    ),
)
