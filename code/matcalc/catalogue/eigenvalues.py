"""Eigenvalues: sums and products of eigenvalues, a simple eigenvalue and its
eigenvector, Rayleigh quotients (Matrix Cookbook 2.3)."""

import numpy as np

from ..frobenius import frob
from ..ops import det, eye, inv, tr
from .entry import differential, gradient
from .functions import eig_top

SECTION = "Eigenvalues"
ENTRIES = (
    gradient(
        name="sum of eigenvalues",
        cookbook="65",
        latex=r"\textstyle\sum_i \lambda_i(X) = \tr X",
        result="I",
        shapes={"X": "nn"},
        f=lambda X: tr(X),
        grad=lambda X: eye(X.shape[0], X),
    ),
    gradient(
        name="product of eigenvalues",
        cookbook="66",
        latex=r"\textstyle\prod_i \lambda_i(X) = \det X",
        result=r"\det(X)\,X^{-\T}",
        shapes={"X": "nn"},
        f=lambda X: det(X),
        grad=lambda X: det(X) * inv(X).T,
    ),
    differential(
        name="simple eigenvalue",
        cookbook="67",
        latex=r"\lambda_{\max}(A)",
        result=r"v^\T \d A\, v",
        shapes={"A": "nn"},
        variable="A",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric, $\\lambda$ simple, $v$ its unit eigenvector",
        f=lambda A: eig_top(A)[0],
        diff=lambda A, dA: (eig_top(A)[1].T @ dA @ eig_top(A)[1])[0, 0],
        exact_sizes=None,
    ),
    differential(
        name="eigenvector",
        cookbook="68",
        latex=r"v_{\max}(A)",
        result=r"(\lambda I - A)^+\,\d A\, v",
        shapes={"A": "nn"},
        variable="A",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric, $\\lambda$ simple, $v$ unit",
        f=lambda A: eig_top(A)[1],
        diff=lambda A, dA: np.linalg.pinv(eig_top(A)[0] * np.eye(A.shape[0]) - A)
             @ dA @ eig_top(A)[1],
        exact_sizes=None,
    ),
    gradient(
        name="Rayleigh quotient",
        latex=r"\dfrac{x^\T A x}{x^\T x}",
        result=r"\dfrac{2}{x^\T x}\Bigl(Ax - \dfrac{x^\T A x}{x^\T x}\,x\Bigr)",
        shapes={"x": "n1", "A": "nn"},
        variable="x",
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric",
        f=lambda x, A: (x.T @ A @ x)[0, 0] / frob(x, x),
        grad=lambda x, A: 2 / frob(x, x) * (A @ x - (x.T @ A @ x)[0, 0] / frob(x, x) * x),
    ),
    gradient(
        name="generalized Rayleigh quotient",
        cookbook="94-95",
        latex=r"\dfrac{(Ax)^\T(Ax)}{(Bx)^\T(Bx)}",
        result=r"\dfrac{2A^\T Ax}{x^\T B^\T Bx}"
               r" - \dfrac{2\,x^\T A^\T Ax\;B^\T Bx}{(x^\T B^\T Bx)^2}",
        shapes={"x": "n1", "A": "mn", "B": "mn"},
        variable="x",
        f=lambda x, A, B: frob(A @ x, A @ x) / frob(B @ x, B @ x),
        grad=lambda x, A, B: 2 * A.T @ A @ x / frob(B @ x, B @ x)
             - 2 * frob(A @ x, A @ x) * B.T @ B @ x / frob(B @ x, B @ x) ** 2,
    ),
)
