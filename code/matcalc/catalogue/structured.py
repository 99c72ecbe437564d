"""Structured matrices: the Cookbook's rules for symmetric X (partial derivatives by
distinct entries, not gradients) and for diagonal X (a gradient) (Matrix Cookbook 2.8)."""

from ..ops import det, eye, hadamard, inv, logdet, tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Structured matrices"

PARTIALS_NOTE = ("partial derivatives with respect to the $n(n+1)/2$ distinct entries, not a "
                 "gradient; the gradient on symmetric matrices is $\\sym(G)$")

CLAIMS = register_all(SECTION, (
    Claim(
        kind="symmetric-partials",
        name="tr(AX), X symmetric",
        cookbook="139",
        latex=r"\tr(AX)",
        result=r"A + A^\T - (A\had I)",
        shapes={"X": "nn", "A": "nn"},
        conditions="$X$ symmetric",
        function=lambda X, A: tr(A @ X),
        claim=lambda X, A: A + A.T - hadamard(A, eye(A.shape[0], A)),
        note=PARTIALS_NOTE,
    ),
    Claim(
        kind="symmetric-partials",
        name="det X, X symmetric",
        cookbook="140",
        latex=r"\det X",
        result=r"\det(X)\bigl(2X^{-1} - (X^{-1}\had I)\bigr)",
        shapes={"X": "nn"},
        conditions="$X$ symmetric",
        function=lambda X: det(X),
        claim=lambda X: det(X) * (2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X))),
        note=PARTIALS_NOTE,
    ),
    Claim(
        kind="symmetric-partials",
        name="log det X, X symmetric",
        cookbook="141",
        latex=r"\log\det X",
        result=r"2X^{-1} - (X^{-1}\had I)",
        shapes={"X": "nn"},
        kinds={"X": "spd"},
        conditions="$X$ symmetric positive "
                   "definite",
        function=lambda X: logdet(X),
        claim=lambda X: 2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X)),
        note=PARTIALS_NOTE,
    ),
    Claim(
        kind="symmetric-partials",
        name="G + G^T - diag G",
        cookbook="138",
        latex=r"a^\T Xb",
        result=r"ab^\T + ba^\T - (ab^\T\had I)",
        shapes={"X": "nn", "a": "n1", "b": "n1"},
        conditions="$X$ symmetric",
        function=lambda X, a, b: (a.T @ X @ b)[0, 0],
        claim=lambda X, a, b: a @ b.T + b @ a.T - hadamard(a @ b.T, eye(X.shape[0], X)),
        note=PARTIALS_NOTE + r"; the Cookbook states it as $G + G^\T - (G\had I)$ for any "
             r"$f$, $G$ its gradient for general $X$; here $G = ab^\T$",
    ),
    Claim(
        kind="diagonal-gradient",
        name="tr(AX), X diagonal",
        cookbook="142",
        latex=r"\tr(AX)",
        result=r"A\had I",
        shapes={"X": "nn", "A": "nn"},
        conditions="$X$ diagonal",
        function=lambda X, A: tr(A @ X),
        claim=lambda X, A: hadamard(A, eye(A.shape[0], A)),
        note="the gradient on the diagonal matrices: a true gradient",
    ),
))
