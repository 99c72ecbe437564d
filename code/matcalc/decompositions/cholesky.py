"""Derivatives of the Cholesky factor (Murray 2016) and of log det through it.

For a symmetric positive definite ``A = L Lᵀ`` (L lower triangular, positive diagonal):

    dL = L Φ(L⁻¹ dA L⁻ᵀ),   Φ(M) = the lower triangle of M with its diagonal halved,

and in reverse mode ``Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)``. ``log det A = 2 Σ log L_ii`` has the
differential ``tr(A⁻¹ dA)``, so its gradient on the symmetric matrices is A⁻¹.
"""

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ._validate import DomainError, keeps_float32, real_matrix
from .points import SECTION, SEEDS, points
from ..types import Array

__all__ = ["CLAIMS", "cholesky", "phi", "d_cholesky", "cholesky_vjp", "logdet_cholesky",
           "logdet_gradient"]


@keeps_float32
def cholesky(A: Array) -> Array:
    """The lower Cholesky factor of a symmetric positive definite A; DomainError (a
    ValueError) naming the smallest eigenvalue if A is not positive definite.

    >>> cholesky(np.array([[4., 2.], [2., 2.]])).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    A = real_matrix(A, "cholesky", symmetric=True)
    try:
        return np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        raise DomainError(f"cholesky: A ({A.shape[0]}x{A.shape[1]}) is not positive definite: "
                         f"its smallest eigenvalue is {np.linalg.eigvalsh(A)[0]:.3e}") from None


def phi(M: Array) -> Array:
    """Φ(M): the lower triangle of M with the diagonal halved.

    >>> phi(np.array([[2., 5.], [3., 4.]])).tolist()
    [[1.0, 0.0], [3.0, 2.0]]
    """
    return np.tril(M) - np.diag(np.diag(M)) / 2


@keeps_float32
def d_cholesky(A: Array, dA: Array) -> Array:
    """dL = L Φ(L⁻¹ dA L⁻ᵀ).

    >>> d_cholesky(np.eye(2), np.array([[2., 1.], [1., 0.]])).tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    """
    L = cholesky(A)
    Li = np.linalg.inv(L)
    return L @ phi(Li @ dA @ Li.T)


@keeps_float32
def cholesky_vjp(A: Array, G: Array) -> Array:
    """Reverse mode: Ā = sym(L⁻ᵀ Φ(Lᵀ G) L⁻¹), the gradient of G : L(A) on the symmetric
    matrices.

    >>> cholesky_vjp(np.eye(2), np.eye(2)).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    L = cholesky(A)
    Li = np.linalg.inv(L)
    M = Li.T @ phi(L.T @ G) @ Li
    return (M + M.T) / 2


@keeps_float32
def logdet_cholesky(A: Array) -> float:
    """log det A = 2 Σ log L_ii for a symmetric positive definite A.

    >>> round(logdet_cholesky(np.diag([2., 8.])), 12) == round(float(np.log(16.)), 12)
    True
    """
    return float(2 * np.sum(np.log(np.diag(cholesky(A)))))


@keeps_float32
def logdet_gradient(A: Array) -> Array:
    """The gradient of log det A on the symmetric matrices, A⁻¹ = L⁻ᵀ L⁻¹ through the
    Cholesky factor (DomainError if A is not positive definite).

    >>> logdet_gradient(np.diag([2., 4.])).round(12).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    Li = np.linalg.inv(cholesky(A))
    return Li.T @ Li


# --- the claims of this module (matcalc.registry) -------------------------------------------

def _unhalved(A, dA):  # the diagonal of Φ not halved
    L = cholesky(A)
    Li = np.linalg.inv(L)
    return L @ np.tril(Li @ dA @ Li.T)


_SPD = {"A": "spd"}
CLAIMS = register_all(SECTION, (
    Claim(name="Cholesky factor", kind="differential", latex="L(A)",
          result=r"L\,\Phi(L^{-1}\d A\,L^{-\T})", shapes={"A": "nn"}, wrt="A", kinds=_SPD,
          point=points("spd"), seeds=SEEDS,
          conditions=r"$A = LL^\T$ symmetric positive definite; $\Phi$ takes the lower "
                     r"triangle and halves the diagonal",
          function=cholesky, claim=d_cholesky, wrong=_unhalved,
          mistake="the diagonal of Φ not halved"),
    Claim(name="Cholesky factor, reverse mode", kind="vjp", latex="L(A)",
          result=r"\operatorname{sym}\bigl(L^{-\T}\Phi(L^\T\bar L)L^{-1}\bigr)",
          shapes={"A": "nn"}, wrt="A", kinds=_SPD, point=points("spd"), seeds=SEEDS,
          conditions="$A$ symmetric positive definite", note="Murray (2016)",
          function=cholesky, claim=cholesky_vjp,
          wrong=lambda A, G: cholesky_vjp(A, np.tril(G) - np.diag(np.diag(G)) / 2),
          mistake="L̄'s diagonal halved twice"),
    Claim(name="log det through Cholesky", kind="gradient",
          latex=r"2\textstyle\sum_i\log L_{ii}", result=r"A^{-1}", shapes={"A": "nn"},
          wrt="A", kinds=_SPD, point=points("spd"), seeds=SEEDS,
          conditions="$A = LL^\\T$ symmetric positive definite; directions symmetric",
          function=logdet_cholesky, claim=logdet_gradient,
          wrong=lambda A: np.linalg.inv(cholesky(A)),
          mistake="the factor's inverse L⁻¹ in place of A⁻¹"),
))
