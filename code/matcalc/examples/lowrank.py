"""Low-rank factorization: L(U, V) = 1/2 ||X - U V^T||_F^2.

With R = X - U V^T: dL = -R : (dU V^T + U dV^T), so grad_U = -R V and grad_V = -R^T U.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["sample", "loss", "grad_U", "grad_V", "derivation", "alternating_least_squares"]


def sample(m: int = 6, n: int = 5, r: int = 2, seed: int = 0) -> tuple[Array, Array, Array]:
    """Random X (m x n), U (m x r), V (n x r).

    >>> X, U, V = sample()
    >>> X.shape, U.shape, V.shape
    ((6, 5), (6, 2), (5, 2))
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((m, r)), rng.standard_normal((n, r))


def loss(X: Matrix, U: Matrix, V: Matrix) -> Scalar:
    """1/2 ||X - U V^T||_F^2.

    >>> X, U, V = sample()
    >>> bool(np.isclose(loss(X, U, V), 0.5 * np.linalg.norm(X - U @ V.T) ** 2))
    True
    """
    R = X - U @ V.T
    return frob(R, R) / 2


def grad_U(X: Matrix, U: Matrix, V: Matrix) -> Matrix:
    """-(X - U V^T) V.

    >>> from matcalc import check_gradient
    >>> X, U, V = sample()
    >>> check_gradient(lambda U: loss(X, U, V), lambda U: grad_U(X, U, V), U).passed
    True
    """
    return -(X - U @ V.T) @ V


def grad_V(X: Matrix, U: Matrix, V: Matrix) -> Matrix:
    """-(X - U V^T)^T U.

    >>> from matcalc import check_gradient
    >>> X, U, V = sample()
    >>> check_gradient(lambda V: loss(X, U, V), lambda V: grad_V(X, U, V), V).passed
    True
    """
    return -(X - U @ V.T).T @ U


def derivation(variable: str = "U") -> Derivation:
    """The gradient in ``variable`` (U or V), step by step. Raises ValueError, naming it,
    for another variable.

    >>> derivation("U").check().passed and derivation("V").check().passed
    True
    """
    shapes = {"X": "mn", "U": "mr", "V": "nr"}
    sizes = dict(exact_sizes={"m": 3, "n": 2, "r": 2}, numeric_sizes={"m": 6, "n": 5, "r": 2})
    if variable == "U":
        steps = [Step(r"-R : (\d U\, V^\T)", lambda X, U, V, dU: -frob(X - U @ V.T, dU @ V.T),
                      r"$R = X - UV^\T$, $\d R = -\d U\,V^\T$"),
                 Step(r"-RV : \d U", lambda X, U, V, dU: -frob((X - U @ V.T) @ V, dU),
                      r"move $V^\T$ across")]
        return Derivation("low rank, U", shapes, "U", loss, steps, gradient=grad_U,
                          start=r"\d L", **sizes)
    if variable == "V":
        steps = [Step(r"-R : (U\,\d V^\T)", lambda X, U, V, dV: -frob(X - U @ V.T, U @ dV.T),
                      r"$\d R = -U\,\d V^\T$"),
                 Step(r"-R^\T : (\d V\, U^\T)", lambda X, U, V, dV: -frob((X - U @ V.T).T,
                                                                           dV @ U.T),
                      "transpose both sides"),
                 Step(r"-R^\T U : \d V", lambda X, U, V, dV: -frob((X - U @ V.T).T @ U, dV),
                      r"move $U^\T$ across")]
        return Derivation("low rank, V", shapes, "V", loss, steps, gradient=grad_V,
                          start=r"\d L", **sizes)
    raise ValueError(f"variable must be 'U' or 'V', got {variable!r}")


def alternating_least_squares(X: Array, r: int, steps: int = 50, seed: int = 0
                              ) -> tuple[Array, Array]:
    """Minimise the loss by setting each gradient to zero in turn:
    U = X V (V^T V)^{-1}, then V = X^T U (U^T U)^{-1}. Returns (U, V).

    >>> X, _, _ = sample()
    >>> U, V = alternating_least_squares(X, 2)
    >>> s = np.linalg.svd(X, compute_uv=False)
    >>> bool(np.isclose(loss(X, U, V), 0.5 * np.sum(s[2:] ** 2)))    # Eckart-Young
    True
    """
    V = np.random.default_rng(seed).standard_normal((X.shape[1], r))
    for _ in range(steps):
        U = np.linalg.solve(V.T @ V, V.T @ X.T).T
        V = np.linalg.solve(U.T @ U, U.T @ X).T
    return U, V
