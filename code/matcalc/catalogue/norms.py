"""Norms: Euclidean, Frobenius, spectral and nuclear norms (Matrix Cookbook 2.6, 2.7)."""

import numpy as np

from ..frobenius import frob
from ..claim import Claim
from ..registry import register_all
from .functions import norm2

SECTION = "Norms"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="||x - a||_2",
        cookbook="129",
        latex=r"\lVert x - a\rVert_2",
        result=r"\dfrac{x - a}{\lVert x - a\rVert_2}",
        shapes={"x": "n1", "a": "n1"},
        wrt="x",
        conditions="$x \\ne a$",
        function=lambda x, a: norm2(x - a),
        claim=lambda x, a: (x - a) / norm2(x - a),
    ),
    Claim(
        kind="differential",
        name="(x - a)/||x - a||_2",
        cookbook="130",
        latex=r"\dfrac{x - a}{\lVert x - a\rVert_2}",
        result=r"\Bigl(\dfrac{I}{\lVert x - a\rVert_2}"
               r" - \dfrac{(x - a)(x - a)^\T}{\lVert x - a\rVert_2^3}\Bigr)\d x",
        shapes={"x": "n1", "a": "n1"},
        wrt="x",
        function=lambda x, a: (x - a) / norm2(x - a),
        claim=lambda x, a, dx: dx / norm2(x - a) - (x - a) @ (x - a).T @ dx / norm2(x - a) ** 3,
    ),
    Claim(
        kind="gradient",
        name="||x||_2^2",
        cookbook="131",
        latex=r"\lVert x\rVert_2^2",
        result="2x",
        shapes={"x": "n1"},
        wrt="x",
        function=lambda x: frob(x, x),
        claim=lambda x: 2 * x,
    ),
    Claim(
        kind="gradient",
        name="||X||_F^2",
        cookbook="132",
        latex=r"\lVert X\rVert_F^2",
        result="2X",
        shapes={"X": "mn"},
        function=lambda X: frob(X, X),
        claim=lambda X: 2 * X,
    ),
    Claim(
        kind="gradient",
        name="||X||_F",
        latex=r"\lVert X\rVert_F",
        result=r"X/\lVert X\rVert_F",
        shapes={"X": "mn"},
        conditions="$X \\ne 0$",
        function=lambda X: norm2(X),
        claim=lambda X: X / norm2(X),
    ),
    Claim(
        kind="gradient",
        name="||AX - B||_F^2",
        latex=r"\lVert AX - B\rVert_F^2",
        result=r"2A^\T(AX - B)",
        shapes={"A": "pm", "X": "mn", "B": "pn"},
        function=lambda A, X, B: frob(A @ X - B, A @ X - B),
        claim=lambda A, X, B: 2 * A.T @ (A @ X - B),
    ),
    Claim(
        kind="gradient",
        name="spectral norm",
        latex=r"\lVert X\rVert_2",
        alias=r"\sigma_{\max}(X)",
        result=r"u_1 v_1^\T",
        shapes={"X": "mn"},
        conditions="$\\sigma_{\\max}$ simple; $u_1$, $v_1$ its singular vectors",
        function=lambda X: float(np.linalg.norm(X, 2)),
        claim=lambda X: np.outer(np.linalg.svd(X)[0][:, 0], np.linalg.svd(X)[2][0]),
        exact_sizes=None,
    ),
    Claim(
        kind="gradient",
        name="nuclear norm",
        latex=r"\lVert X\rVert_*",
        alias=r"\textstyle\sum_i\sigma_i(X)",
        result=r"UV^\T",
        shapes={"X": "mn"},
        conditions="$X$ of full rank, thin SVD $X = U\\Sigma V^\\T$",
        function=lambda X: float(np.sum(np.linalg.svd(X, compute_uv=False))),
        claim=lambda X: np.linalg.svd(X, full_matrices=False)[0]
             @ np.linalg.svd(X, full_matrices=False)[2],
        exact_sizes=None,
    ),
))
