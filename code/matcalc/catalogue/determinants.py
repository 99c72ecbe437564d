"""Determinants: gradients of det and log det (Matrix Cookbook 2.1)."""

from ..ops import det, eye, hadamard, inv, logdet, matrix_power, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Determinants"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="det X",
        cookbook="49",
        latex=r"\det X",
        result=r"\det(X)\,X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: det(X),
        claim=lambda X: det(X) * inv(X).T,
        wrong=lambda X: det(X) * inv(X),  # the transpose forgotten
        exact_sizes={"n": 3},
    ),
    Claim(
        kind="differential",
        name="sum_k d det(X)/dX_ik X_jk, Cookbook (50)",
        cookbook="50",
        latex=r"\det\bigl((I + T)X\bigr)",
        result=r"\det\bigl((I + T)X\bigr)\tr\bigl((I + T)^{-1}\d T\bigr)",
        alias=r"\textstyle\sum_k \frac{\partial\det X}{\partial X_{ik}}X_{jk} = \delta_{ij}\det X",
        shapes={"T": "nn", "X": "nn"},
        wrt="T",
        note="at $T = 0$ the differential is $\\det(X)\\tr(\\d T)$, and its coefficient of "
             "$\\d T_{ij}$ is $\\sum_k \\partial\\det(X)/\\partial X_{ik}\\,X_{jk}$, so the sum "
             "is $\\delta_{ij}\\det X$. The Cookbook's (50) of 2.1.2, which restates (47) of "
             "2.1.1 (numbered from an independent transcription of the 2012 text, not from "
             "the PDF itself); checked here as a differential, the entry for (47) as a "
             "gradient",
        function=lambda T, X: det((eye(T.shape[0], T) + T) @ X),
        claim=lambda T, X, dT: det((eye(T.shape[0], T) + T) @ X)
        * tr(inv(eye(T.shape[0], T) + T) @ dT),
        # the form at T = 0, det(X) tr(dT), used away from T = 0
        wrong=lambda T, X, dT: det(X) * tr(dT),
        mistake="the value at T = 0 used everywhere",
    ),
    Claim(
        kind="gradient",
        name="det(AXB)",
        cookbook="51",
        latex=r"\det(AXB)",
        result=r"\det(AXB)\,X^{-\T}",
        shapes={"A": "nn", "X": "nn", "B": "nn"},
        function=lambda A, X, B: det(A @ X @ B),
        claim=lambda A, X, B: det(A @ X @ B) * inv(X).T,
    ),
    Claim(
        kind="gradient",
        name="det(X^T A X), X square",
        cookbook="52",
        latex=r"\det(X^\T AX)",
        result=r"2\det(X^\T AX)\,X^{-\T}",
        shapes={"X": "nn", "A": "nn"},
        function=lambda X, A: det(X.T @ A @ X),
        claim=lambda X, A: 2 * det(X.T @ A @ X) * inv(X).T,
    ),
    Claim(
        kind="gradient",
        name="det(X^T A X), A symmetric",
        cookbook="53",
        latex=r"\det(X^\T AX)",
        result=r"2\det(X^\T AX)\,AX(X^\T AX)^{-1}",
        shapes={"X": "mn", "A": "mm"},
        kinds={"A": "symmetric"},
        conditions="$A$ symmetric, $X$ tall",
        function=lambda X, A: det(X.T @ A @ X),
        claim=lambda X, A: 2 * det(X.T @ A @ X) * A @ X @ inv(X.T @ A @ X),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="gradient",
        name="det(X^T A X), general A",
        cookbook="54",
        latex=r"\det(X^\T AX)",
        result=r"\det(X^\T AX)\bigl(AX(X^\T AX)^{-1} + A^\T X(X^\T A^\T X)^{-1}\bigr)",
        shapes={"X": "mn", "A": "mm"},
        conditions="$X$ tall",
        function=lambda X, A: det(X.T @ A @ X),
        claim=lambda X, A: det(X.T @ A @ X) * (A @ X @ inv(X.T @ A @ X)
                                              + A.T @ X @ inv(X.T @ A.T @ X)),
        exact_sizes={"m": 2, "n": 2},
    ),
    Claim(
        kind="gradient",
        name="log det(X^T X)",
        cookbook="55",
        latex=r"\log\det(X^\T X)",
        result=r"2X(X^\T X)^{-1}",
        alias=r"2(X^+)^\T",
        shapes={"X": "mn"},
        conditions="$X$ tall, full column rank",
        function=lambda X: logdet(X.T @ X),
        claim=lambda X: 2 * X @ inv(X.T @ X),
    ),
    Claim(
        kind="gradient",
        name="log|det X|",
        cookbook="57",
        latex=r"\log\lvert\det X\rvert",
        result=r"X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: logdet(X),
        claim=lambda X: inv(X).T,
        exact_sizes={"n": 3},
    ),
    Claim(
        kind="gradient",
        name="det(X^k)",
        cookbook="58",
        latex=r"\det(X^3)",
        result=r"3\det(X^3)\,X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: det(matrix_power(X, 3)),
        claim=lambda X: 3 * det(matrix_power(X, 3)) * inv(X).T,
        note="shown for $k = 3$",
    ),
    Claim(
        kind="gradient",
        name="det(X^-1)",
        cookbook="62",
        latex=r"\det(X^{-1})",
        result=r"-\det(X^{-1})\,X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: det(inv(X)),
        claim=lambda X: -det(inv(X)) * inv(X).T,
    ),
    Claim(
        kind="gradient",
        name="log|det(X^-1)|",
        latex=r"\log\lvert\det(X^{-1})\rvert",
        result=r"-X^{-\T}",
        shapes={"X": "nn"},
        function=lambda X: logdet(inv(X)),
        claim=lambda X: -inv(X).T,
        wrong=lambda X: -inv(X),  # the transpose forgotten
        mistake="transpose forgotten",
        note="$\\log\\lvert\\det(X^{-1})\\rvert = -\\log\\lvert\\det X\\rvert$, the negative "
             "of (57); with (62), $\\grad\\log\\det(X^{-1}) = \\grad\\det(X^{-1})/\\det(X^{-1})$",
        exact_sizes={"n": 3},
    ),
    Claim(
        kind="gradient",
        name="log det S, S spd",
        latex=r"\log\det S",
        result=r"S^{-1}",
        shapes={"S": "nn"},
        wrt="S",
        kinds={"S": "spd"},
        conditions="$S$ symmetric positive definite; directions symmetric",
        function=lambda S: logdet(S),
        claim=lambda S: inv(S),
        # the partial derivatives (141) taken for the gradient
        wrong=lambda S: 2 * inv(S) - hadamard(inv(S), eye(S.shape[0], S)),
        note="the gradient on the symmetric matrices; compare the entry for (141)",
    ),
    Claim(
        kind="gradient",
        name="det(X + A)",
        latex=r"\det(X + A)",
        result=r"\det(X + A)\,(X + A)^{-\T}",
        shapes={"X": "nn", "A": "nn"},
        function=lambda X, A: det(X + A),
        claim=lambda X, A: det(X + A) * inv(X + A).T,
    ),
))
