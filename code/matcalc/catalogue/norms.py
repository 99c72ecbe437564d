"""Norms: Euclidean, Frobenius, spectral and nuclear norms (Matrix Cookbook 2.6, 2.7)."""

import numpy as np

from ..frobenius import frob
from .entry import differential, gradient
from .functions import norm2

SECTION = "Norms"
ENTRIES = (
    gradient(
        name="||x - a||_2",
        cookbook="129",
        latex=r"\lVert x - a\rVert_2",
        result=r"\dfrac{x - a}{\lVert x - a\rVert_2}",
        shapes={"x": "n1", "a": "n1"},
        variable="x",
        conditions="$x \\ne a$",
        f=lambda x, a: norm2(x - a),
        grad=lambda x, a: (x - a) / norm2(x - a),
    ),
    differential(
        name="(x - a)/||x - a||_2",
        cookbook="130",
        latex=r"\dfrac{x - a}{\lVert x - a\rVert_2}",
        result=r"\Bigl(\dfrac{I}{\lVert x - a\rVert_2}"
               r" - \dfrac{(x - a)(x - a)^\T}{\lVert x - a\rVert_2^3}\Bigr)\d x",
        shapes={"x": "n1", "a": "n1"},
        variable="x",
        f=lambda x, a: (x - a) / norm2(x - a),
        diff=lambda x, a, dx: dx / norm2(x - a) - (x - a) @ (x - a).T @ dx / norm2(x - a) ** 3,
    ),
    gradient(
        name="||x||_2^2",
        cookbook="131",
        latex=r"\lVert x\rVert_2^2",
        result="2x",
        shapes={"x": "n1"},
        variable="x",
        f=lambda x: frob(x, x),
        grad=lambda x: 2 * x,
    ),
    gradient(
        name="||X||_F^2",
        cookbook="132",
        latex=r"\lVert X\rVert_F^2",
        result="2X",
        shapes={"X": "mn"},
        f=lambda X: frob(X, X),
        grad=lambda X: 2 * X,
    ),
    gradient(
        name="||X||_F",
        latex=r"\lVert X\rVert_F",
        result=r"X/\lVert X\rVert_F",
        shapes={"X": "mn"},
        conditions="$X \\ne 0$",
        f=lambda X: norm2(X),
        grad=lambda X: X / norm2(X),
    ),
    gradient(
        name="||AX - B||_F^2",
        latex=r"\lVert AX - B\rVert_F^2",
        result=r"2A^\T(AX - B)",
        shapes={"A": "pm", "X": "mn", "B": "pn"},
        f=lambda A, X, B: frob(A @ X - B, A @ X - B),
        grad=lambda A, X, B: 2 * A.T @ (A @ X - B),
    ),
    gradient(
        name="spectral norm",
        latex=r"\lVert X\rVert_2 = \sigma_{\max}(X)",
        result=r"u_1 v_1^\T",
        shapes={"X": "mn"},
        conditions="$\\sigma_{\\max}$ simple; $u_1$, $v_1$ its singular vectors",
        f=lambda X: float(np.linalg.norm(X, 2)),
        grad=lambda X: np.outer(np.linalg.svd(X)[0][:, 0], np.linalg.svd(X)[2][0]),
        exact_sizes=None,
    ),
    gradient(
        name="nuclear norm",
        latex=r"\lVert X\rVert_* = \textstyle\sum_i\sigma_i(X)",
        result=r"UV^\T",
        shapes={"X": "mn"},
        conditions="$X$ of full rank, thin SVD $X = U\\Sigma V^\\T$",
        f=lambda X: float(np.sum(np.linalg.svd(X, compute_uv=False))),
        grad=lambda X: np.linalg.svd(X, full_matrices=False)[0]
             @ np.linalg.svd(X, full_matrices=False)[2],
        exact_sizes=None,
    ),
)
