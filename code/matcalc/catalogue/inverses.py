"""Inverses: differentials of X^-1 and gradients of functions of an inverse
(Matrix Cookbook 2.2)."""

from ..ops import inv, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Inverses"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="differential",
        name="d(X^-1)",
        cookbook="59",
        latex=r"X^{-1}",
        result=r"-X^{-1}\,\d X\,X^{-1}",
        shapes={"X": "nn"},
        function=lambda X: inv(X),
        claim=lambda X, dX: -inv(X) @ dX @ inv(X),
        wrong=lambda X, dX: -inv(X) @ inv(X) @ dX,  # as if matrices commuted
    ),
    Claim(
        kind="gradient",
        name="a^T X^-1 b",
        cookbook="61",
        latex=r"a^\T X^{-1} b",
        result=r"-X^{-\T} a b^\T X^{-\T}",
        shapes={"a": "n1", "X": "nn", "b": "n1"},
        function=lambda a, X, b: (a.T @ inv(X) @ b)[0, 0],
        claim=lambda a, X, b: -inv(X).T @ a @ b.T @ inv(X).T,
    ),
    Claim(
        kind="gradient",
        name="tr(A X^-1 B)",
        cookbook="63",
        latex=r"\tr(AX^{-1}B)",
        result=r"-(X^{-1}BAX^{-1})^\T",
        shapes={"A": "pn", "X": "nn", "B": "np"},
        function=lambda A, X, B: tr(A @ inv(X) @ B),
        claim=lambda A, X, B: -(inv(X) @ B @ A @ inv(X)).T,
    ),
    Claim(
        kind="gradient",
        name="tr((X + A)^-1)",
        cookbook="64",
        latex=r"\tr\bigl((X + A)^{-1}\bigr)",
        result=r"-\bigl((X + A)^{-2}\bigr)^\T",
        shapes={"X": "nn", "A": "nn"},
        function=lambda X, A: tr(inv(X + A)),
        claim=lambda X, A: -(inv(X + A) @ inv(X + A)).T,
    ),
    Claim(
        kind="gradient",
        name="tr(X^-1)",
        latex=r"\tr(X^{-1})",
        result=r"-(X^{-2})^\T",
        shapes={"X": "nn"},
        function=lambda X: tr(inv(X)),
        claim=lambda X: -(inv(X) @ inv(X)).T,
    ),
    Claim(
        kind="differential",
        name="d(A X^-1 B)",
        latex=r"AX^{-1}B",
        result=r"-AX^{-1}\,\d X\,X^{-1}B",
        shapes={"A": "pn", "X": "nn", "B": "nq"},
        function=lambda A, X, B: A @ inv(X) @ B,
        claim=lambda A, X, B, dX: -A @ inv(X) @ dX @ inv(X) @ B,
    ),
    Claim(
        kind="differential",
        name="d((X^T X)^-1)",
        latex=r"(X^\T X)^{-1}",
        result=r"-(X^\T X)^{-1}\bigl((\d X)^\T X + X^\T \d X\bigr)(X^\T X)^{-1}",
        shapes={"X": "mn"},
        function=lambda X: inv(X.T @ X),
        claim=lambda X, dX: -inv(X.T @ X) @ (dX.T @ X + X.T @ dX) @ inv(X.T @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="differential",
        name="d(X^-T)",
        latex=r"X^{-\T}",
        result=r"-X^{-\T}(\d X)^\T X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: inv(X).T,
        claim=lambda X, dX: -inv(X).T @ dX.T @ inv(X).T,
    ),
))
