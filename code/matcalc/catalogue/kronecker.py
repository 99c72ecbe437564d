"""Kronecker products and vec: differentials of vec(AXB) and Kronecker products, the
gradient of tr(A (X kron B))."""

from ..ops import kron, tr
from ..vec import vec
from ..claim import Claim
from ..registry import register_all
from .functions import kron_trace_gradient

SECTION = "Kronecker products and vec"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="differential",
        name="d vec(AXB)",
        latex=r"\vec(AXB)",
        result=r"(B^\T\kron A)\,\d\vec X",
        shapes={"A": "pm", "X": "mn", "B": "nq"},
        function=lambda A, X, B: vec(A @ X @ B),
        claim=lambda A, X, B, dX: kron(B.T, A) @ vec(dX),
    ),
    Claim(
        kind="differential",
        name="d(X kron X)",
        latex=r"X\kron X",
        result=r"\d X\kron X + X\kron\d X",
        shapes={"X": "mn"},
        function=lambda X: kron(X, X),
        claim=lambda X, dX: kron(dX, X) + kron(X, dX),
    ),
    Claim(
        kind="differential",
        name="d(A kron X)",
        latex=r"A\kron X",
        result=r"A\kron\d X",
        shapes={"A": "pq", "X": "mn"},
        function=lambda A, X: kron(A, X),
        claim=lambda A, X, dX: kron(A, dX),
    ),
    Claim(
        kind="gradient",
        name="tr(A (X kron B))",
        latex=r"\tr\bigl(A(X\kron B)\bigr)",
        result=r"\bigl[\tr(A_{[j,i]}B)\bigr]_{ij}",
        shapes={"A": "ab", "X": "mn", "B": "kk"},
        conditions="$A \\in \\R^{nk\\times mk}$; $A_{[j,i]}$ is its $k\\times k$ "
                   "block $(j, i)$",
        function=lambda A, X, B: tr(A @ kron(X, B)),
        claim=lambda A, X, B: kron_trace_gradient(A, X, B),
        exact_sizes={"m": 2, "n": 2, "k": 2, "a": 4, "b": 4},
        numeric_sizes={"m": 3, "n": 4, "k": 2, "a": 8, "b": 6},
    ),
))
