"""Structured matrices: the Cookbook's rules for symmetric X (partial derivatives by
distinct entries, not gradients) and for diagonal X (a gradient) (Matrix Cookbook 2.8)."""

from ..ops import det, eye, hadamard, inv, logdet, tr
from .entry import diagonal_gradient, partials

SECTION = "Structured matrices"

PARTIALS_NOTE = ("partial derivatives with respect to the $n(n+1)/2$ distinct entries, not a "
                 "gradient; the gradient on symmetric matrices is $\\sym(G)$")

ENTRIES = (
    partials(
        name="tr(AX), X symmetric",
        cookbook="139",
        latex=r"\tr(AX),\ X = X^\T",
        result=r"A + A^\T - (A\had I)",
        shapes={"X": "nn", "A": "nn"},
        conditions="$X$ symmetric",
        f=lambda X, A: tr(A @ X),
        partials=lambda X, A: A + A.T - hadamard(A, eye(A.shape[0], A)),
        note=PARTIALS_NOTE,
    ),
    partials(
        name="det X, X symmetric",
        cookbook="140",
        latex=r"\det X,\ X = X^\T",
        result=r"\det(X)\bigl(2X^{-1} - (X^{-1}\had I)\bigr)",
        shapes={"X": "nn"},
        conditions="$X$ symmetric",
        f=lambda X: det(X),
        partials=lambda X: det(X) * (2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X))),
        note=PARTIALS_NOTE,
    ),
    partials(
        name="log det X, X symmetric",
        cookbook="141",
        latex=r"\log\det X,\ X = X^\T",
        result=r"2X^{-1} - (X^{-1}\had I)",
        shapes={"X": "nn"},
        kinds={"X": "spd"},
        conditions="$X$ symmetric positive "
                   "definite",
        f=lambda X: logdet(X),
        partials=lambda X: 2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X)),
        note=PARTIALS_NOTE,
    ),
    partials(
        name="G + G^T - diag G",
        cookbook="138",
        latex=r"f(X),\ X = X^\T,\ \text{here } f = a^\T X b",
        result=r"G + G^\T - \diag(G),\ G = ab^\T",
        shapes={"X": "nn", "a": "n1", "b": "n1"},
        conditions="$X$ symmetric",
        f=lambda X, a, b: (a.T @ X @ b)[0, 0],
        partials=lambda X, a, b: a @ b.T + b @ a.T - hadamard(a @ b.T, eye(X.shape[0], X)),
        note=PARTIALS_NOTE,
    ),
    diagonal_gradient(
        name="tr(AX), X diagonal",
        cookbook="142",
        latex=r"\tr(AX),\ X \text{ diagonal}",
        result=r"A\had I",
        shapes={"X": "nn", "A": "nn"},
        conditions="$X$ diagonal",
        f=lambda X, A: tr(A @ X),
        grad=lambda X, A: hadamard(A, eye(A.shape[0], A)),
        note="the gradient on the diagonal matrices: a true gradient",
    ),
)
