"""Hessians: second derivatives as maps V -> H[V], with the gradient they are checked
with (Matrix Cookbook 2.4.2 and beyond)."""

from ..frobenius import frob
from ..ops import inv, logdet, tr
from .entry import hessian

SECTION = "Hessians"
ENTRIES = (
    hessian(
        name="x^T A x + b^T x",
        cookbook="96, 98",
        latex=r"x^\T Ax + b^\T x",
        result=r"A + A^\T",
        shapes={"x": "n1", "A": "nn", "b": "n1"},
        variable="x",
        f=lambda x, A, b: (x.T @ A @ x + b.T @ x)[0, 0],
        grad=lambda x, A, b: (A + A.T) @ x + b,
        hvp=lambda x, A, b, V: (A + A.T) @ V,
    ),
    hessian(
        name="least squares Hessian",
        latex=r"\tfrac12\lVert WX - Y\rVert_F^2",
        result=r"H[V] = VXX^\T;\ \text{on } \vec W:\ XX^\T \kron I",
        shapes={"W": "mn", "X": "nk", "Y": "mk"},
        variable="W",
        f=lambda W, X, Y: frob(W @ X - Y, W @ X - Y) / 2,
        grad=lambda W, X, Y: (W @ X - Y) @ X.T,
        hvp=lambda W, X, Y, V: V @ X @ X.T,
    ),
    hessian(
        name="log det Hessian",
        latex=r"\log\lvert\det X\rvert",
        result=r"H[V] = -X^{-\T} V^\T X^{-\T}",
        shapes={"X": "nn"},
        f=lambda X: logdet(X),
        grad=lambda X: inv(X).T,
        hvp=lambda X, V: -inv(X).T @ V.T @ inv(X).T,
    ),
    hessian(
        name="tr(X^T A X) Hessian",
        latex=r"\tr(X^\T AX)",
        result=r"H[V] = (A + A^\T)V",
        shapes={"X": "mn", "A": "mm"},
        f=lambda X, A: tr(X.T @ A @ X),
        grad=lambda X, A: (A + A.T) @ X,
        hvp=lambda X, A, V: (A + A.T) @ V,
    ),
    hessian(
        name="tr(X^-1) Hessian",
        latex=r"\tr(X^{-1})",
        result=r"H[V] = (X^{-1}VX^{-2} + X^{-2}VX^{-1})^\T",
        shapes={"X": "nn"},
        f=lambda X: tr(inv(X)),
        grad=lambda X: -(inv(X) @ inv(X)).T,
        hvp=lambda X, V: (inv(X) @ V @ inv(X) @ inv(X) + inv(X) @ inv(X) @ V @ inv(X)).T,
    ),
)
