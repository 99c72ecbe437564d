"""Hessians: second derivatives as maps V -> H[V], with the gradient they are checked
with (Matrix Cookbook 2.4.2 and beyond)."""

from ..frobenius import frob
from ..ops import inv, logdet, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Hessians"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="x^T A x + b^T x, gradient",
        cookbook="97",
        latex=r"x^\T Ax + b^\T x",
        result=r"(A + A^\T)x + b",
        shapes={"x": "n1", "A": "nn", "b": "n1"},
        wrt="x",
        note="the Cookbook's (97), $\\partial f/\\partial x = (A + A^\\T)x + b$ for "
             "$f = x^\\T Ax + b^\\T x$ (96), between $f$ and its Hessian (98) (numbered from "
             "an independent transcription of the 2012 text, not from the PDF itself)",
        function=lambda x, A, b: (x.T @ A @ x + b.T @ x)[0, 0],
        claim=lambda x, A, b: (A + A.T) @ x + b,
        wrong=lambda x, A, b: 2 * A @ x + b,  # true for symmetric A only
        mistake="2Ax + b, true for symmetric A only",
    ),
    Claim(
        kind="hessian",
        name="x^T A x + b^T x",
        cookbook="96, 98",
        latex=r"x^\T Ax + b^\T x",
        result=r"(A + A^\T)V",
        note=r"as a matrix: $H = A + A^\T$",
        shapes={"x": "n1", "A": "nn", "b": "n1"},
        wrt="x",
        function=lambda x, A, b: (x.T @ A @ x + b.T @ x)[0, 0],
        gradient=lambda x, A, b: (A + A.T) @ x + b,
        claim=lambda x, A, b, V: (A + A.T) @ V,
    ),
    Claim(
        kind="hessian",
        name="least squares Hessian",
        latex=r"\tfrac12\lVert WX - Y\rVert_F^2",
        result=r"VXX^\T",
        note=r"as a matrix acting on $\vec W$: $H = XX^\T \kron I$",
        shapes={"W": "mn", "X": "nk", "Y": "mk"},
        wrt="W",
        function=lambda W, X, Y: frob(W @ X - Y, W @ X - Y) / 2,
        gradient=lambda W, X, Y: (W @ X - Y) @ X.T,
        claim=lambda W, X, Y, V: V @ X @ X.T,
    ),
    Claim(
        kind="hessian",
        name="log det Hessian",
        latex=r"\log\lvert\det X\rvert",
        result=r"-X^{-\T} V^\T X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: logdet(X),
        gradient=lambda X: inv(X).T,
        claim=lambda X, V: -inv(X).T @ V.T @ inv(X).T,
    ),
    Claim(
        kind="hessian",
        name="tr(X^T A X) Hessian",
        latex=r"\tr(X^\T AX)",
        result=r"(A + A^\T)V",
        shapes={"X": "mn", "A": "mm"},
        function=lambda X, A: tr(X.T @ A @ X),
        gradient=lambda X, A: (A + A.T) @ X,
        claim=lambda X, A, V: (A + A.T) @ V,
    ),
    Claim(
        kind="hessian",
        name="tr(X^-1) Hessian",
        latex=r"\tr(X^{-1})",
        result=r"(X^{-1}VX^{-2} + X^{-2}VX^{-1})^\T",
        shapes={"X": "nn"},
        function=lambda X: tr(inv(X)),
        gradient=lambda X: -(inv(X) @ inv(X)).T,
        claim=lambda X, V: (inv(X) @ V @ inv(X) @ inv(X) + inv(X) @ inv(X) @ V @ inv(X)).T,
    ),
))
