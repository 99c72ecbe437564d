"""Eigenvalues: sums and products of eigenvalues, a simple eigenvalue and its
eigenvector, Rayleigh quotients (Matrix Cookbook 2.3)."""

import numpy as np

from ..frobenius import frob
from ..ops import det, eye, inv, tr
from ..claim import Claim
from ..registry import register_all
from .functions import eig_top

SECTION = "Eigenvalues"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="sum of eigenvalues",
        cookbook="65",
        latex=r"\textstyle\sum_i \lambda_i(X)",
        alias=r"\tr X",
        result="I",
        shapes={"X": "nn"},
        function=lambda X: tr(X),
        claim=lambda X: eye(X.shape[0], X),
    ),
    Claim(
        kind="gradient",
        name="product of eigenvalues",
        cookbook="66",
        latex=r"\textstyle\prod_i \lambda_i(X)",
        alias=r"\det X",
        result=r"\det(X)\,X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: det(X),
        claim=lambda X: det(X) * inv(X).T,
    ),
    Claim(
        kind="differential",
        name="simple eigenvalue",
        cookbook="67",
        latex=r"\lambda_{\max}(A)",
        result=r"v^\T \d A\, v",
        shapes={"A": "nn"},
        wrt="A",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric, $\\lambda$ simple, $v$ its unit eigenvector",
        function=lambda A: eig_top(A)[0],
        claim=lambda A, dA: (eig_top(A)[1].T @ dA @ eig_top(A)[1])[0, 0],
        exact_sizes=None,
    ),
    Claim(
        kind="differential",
        name="eigenvector",
        cookbook="68",
        latex=r"v_{\max}(A)",
        result=r"(\lambda I - A)^+\,\d A\, v",
        shapes={"A": "nn"},
        wrt="A",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric, $\\lambda$ simple, $v$ unit",
        function=lambda A: eig_top(A)[1],
        claim=lambda A, dA: np.linalg.pinv(eig_top(A)[0] * np.eye(A.shape[0]) - A)
             @ dA @ eig_top(A)[1],
        exact_sizes=None,
    ),
    Claim(
        kind="gradient",
        name="Rayleigh quotient",
        latex=r"\dfrac{x^\T A x}{x^\T x}",
        result=r"\dfrac{2}{x^\T x}\Bigl(Ax - \dfrac{x^\T A x}{x^\T x}\,x\Bigr)",
        shapes={"x": "n1", "A": "nn"},
        wrt="x",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric",
        function=lambda x, A: (x.T @ A @ x)[0, 0] / frob(x, x),
        claim=lambda x, A: 2 / frob(x, x) * (A @ x - (x.T @ A @ x)[0, 0] / frob(x, x) * x),
    ),
    Claim(
        kind="gradient",
        name="generalized Rayleigh quotient",
        cookbook="94-95",
        latex=r"\dfrac{(Ax)^\T(Ax)}{(Bx)^\T(Bx)}",
        result=r"\dfrac{2A^\T Ax}{x^\T B^\T Bx}"
               r" - \dfrac{2\,x^\T A^\T Ax\;B^\T Bx}{(x^\T B^\T Bx)^2}",
        shapes={"x": "n1", "A": "mn", "B": "mn"},
        wrt="x",
        function=lambda x, A, B: frob(A @ x, A @ x) / frob(B @ x, B @ x),
        claim=lambda x, A, B: 2 * A.T @ A @ x / frob(B @ x, B @ x)
             - 2 * frob(A @ x, A @ x) * B.T @ B @ x / frob(B @ x, B @ x) ** 2,
    ),
))
