"""Kronecker products and vec: differentials of vec(AXB) and Kronecker products, the
gradient of tr(A (X kron B))."""

from ..ops import kron, tr
from ..vec import vec
from .entry import differential, gradient
from .functions import kron_trace_gradient

SECTION = "Kronecker products and vec"
ENTRIES = (
    differential(
        name="d vec(AXB)",
        latex=r"\vec(AXB)",
        result=r"(B^\T\kron A)\,\d\vec X",
        shapes={"A": "pm", "X": "mn", "B": "nq"},
        f=lambda A, X, B: vec(A @ X @ B),
        diff=lambda A, X, B, dX: kron(B.T, A) @ vec(dX),
    ),
    differential(
        name="d(X kron X)",
        latex=r"X\kron X",
        result=r"\d X\kron X + X\kron\d X",
        shapes={"X": "mn"},
        f=lambda X: kron(X, X),
        diff=lambda X, dX: kron(dX, X) + kron(X, dX),
    ),
    differential(
        name="d(A kron X)",
        latex=r"A\kron X",
        result=r"A\kron\d X",
        shapes={"A": "pq", "X": "mn"},
        f=lambda A, X: kron(A, X),
        diff=lambda A, X, dX: kron(A, dX),
    ),
    gradient(
        name="tr(A (X kron B))",
        latex=r"\tr\bigl(A(X\kron B)\bigr)",
        result=r"\bigl[\tr(A_{[j,i]}B)\bigr]_{ij}",
        shapes={"A": "ab", "X": "mn", "B": "kk"},
        conditions="$A \\in \\R^{nk\\times mk}$; $A_{[j,i]}$ is its $k\\times k$ "
                   "block $(j, i)$",
        f=lambda A, X, B: tr(A @ kron(X, B)),
        grad=lambda A, X, B: kron_trace_gradient(A, X, B),
        exact_sizes={"m": 2, "n": 2, "k": 2, "a": 4, "b": 4},
        numeric_sizes={"m": 3, "n": 4, "k": 2, "a": 8, "b": 6},
    ),
)
