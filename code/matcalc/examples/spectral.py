"""The Rayleigh quotient, the derivative of a simple eigenvalue, and PCA.

For symmetric A, r(x) = x^T A x / x^T x has the gradient 2(Ax - r x)/x^T x, which vanishes
exactly at eigenvectors; the largest value of r is the largest eigenvalue. When A changes,
a simple eigenvalue changes by d lambda = v^T dA v (v the unit eigenvector). PCA's first
direction maximises the Rayleigh quotient of the covariance matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..ops import tr

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["sample_symmetric", "rayleigh", "rayleigh_gradient", "rayleigh_derivation",
           "top_eigenpair", "eigenvalue_differential", "pca_objective", "pca_gradient",
           "power_iteration"]


def sample_symmetric(n: int = 5, seed: int = 0) -> Array:
    """A random symmetric n x n matrix with well-separated eigenvalues.

    >>> A = sample_symmetric()
    >>> bool(np.allclose(A, A.T))
    True
    """
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(np.arange(1.0, n + 1) ** 1.5) @ Q.T


def rayleigh(x: Matrix, A: Matrix) -> Scalar:
    """x^T A x / x^T x for a column x.

    >>> A = sample_symmetric()
    >>> w, V = np.linalg.eigh(A)
    >>> bool(np.isclose(rayleigh(V[:, -1:], A), w[-1]))
    True
    """
    return (x.T @ A @ x)[0, 0] / frob(x, x)


def rayleigh_gradient(x: Matrix, A: Matrix) -> Matrix:
    """2 (A x - r(x) x) / x^T x, for symmetric A.

    >>> from matcalc import check_gradient
    >>> A = sample_symmetric()
    >>> x = np.ones((5, 1))
    >>> check_gradient(lambda x: rayleigh(x, A), lambda x: rayleigh_gradient(x, A), x).passed
    True
    """
    return 2 * (A @ x - rayleigh(x, A) * x) / frob(x, x)


def rayleigh_derivation() -> Derivation:
    """The Rayleigh-quotient gradient, step by step (A symmetric).

    >>> rayleigh_derivation().check().passed
    True
    """
    return Derivation(
        "Rayleigh quotient", {"x": "n1", "A": "nn"}, "x", rayleigh,
        [Step(r"\dfrac{\d(x^\T Ax)}{x^\T x} - \dfrac{x^\T Ax\;\d(x^\T x)}{(x^\T x)^2}",
              lambda x, A, dx: (dx.T @ A @ x + x.T @ A @ dx)[0, 0] / frob(x, x)
              - (x.T @ A @ x)[0, 0] * 2 * frob(x, dx) / frob(x, x) ** 2, "quotient rule"),
         Step(r"\dfrac{2Ax : \d x}{x^\T x} - \dfrac{2r\,x : \d x}{x^\T x}",
              lambda x, A, dx: 2 * frob(A @ x, dx) / frob(x, x)
              - 2 * rayleigh(x, A) * frob(x, dx) / frob(x, x),
              "$A$ symmetric: $\\d x^\\T Ax = x^\\T A\\,\\d x$"),
         Step(r"\dfrac{2}{x^\T x}(Ax - r x) : \d x",
              lambda x, A, dx: frob(rayleigh_gradient(x, A), dx), "collect")],
        gradient=rayleigh_gradient, kinds={"A": "symmetric"}, start=r"\d r",
        exact_sizes={"n": 2}, numeric_sizes={"n": 6})


def top_eigenpair(A: Array) -> tuple[float, Array]:
    """The largest eigenvalue of symmetric A and its unit eigenvector (sign fixed).

    >>> lam, v = top_eigenpair(np.diag([1.0, 3.0]))
    >>> float(lam), v.ravel().tolist()
    (3.0, [0.0, 1.0])
    """
    w, V = np.linalg.eigh((A + A.T) / 2)
    v = V[:, -1:]
    return w[-1], v * (np.sign(v[np.argmax(np.abs(v)), 0]) or 1.0)


def eigenvalue_differential(A: Array, dA: Array) -> float:
    """d lambda = v^T dA v for the largest (simple) eigenvalue of symmetric A.

    >>> from matcalc import check_differential
    >>> A = sample_symmetric()
    >>> sym = lambda V: (V + V.T) / 2
    >>> check_differential(lambda A: top_eigenpair(A)[0], eigenvalue_differential, A,
    ...                    project=sym).passed
    True
    """
    v = top_eigenpair(A)[1]
    return (v.T @ dA @ v)[0, 0]


def pca_objective(U: Matrix, C: Matrix) -> Scalar:
    """tr(U^T C U): the variance captured by the orthonormal columns of U.

    >>> C = sample_symmetric()
    >>> w, V = np.linalg.eigh(C)
    >>> bool(np.isclose(pca_objective(V[:, -2:], C), w[-2:].sum()))
    True
    """
    return tr(U.T @ C @ U)


def pca_gradient(U: Matrix, C: Matrix) -> Matrix:
    """2 C U for symmetric C (in general (C + C^T) U).

    >>> from matcalc import check_gradient
    >>> C = sample_symmetric()
    >>> U = np.ones((5, 2))
    >>> check_gradient(lambda U: pca_objective(U, C), lambda U: pca_gradient(U, C), U).passed
    True
    """
    return (C + C.T) @ U


def power_iteration(A: Array, steps: int = 200, seed: int = 0) -> Array:
    """Repeated steps x <- A x / ||A x|| (gradient ascent on the Rayleigh quotient with the
    step that makes it the power method) converge to the top eigenvector.

    >>> A = sample_symmetric()
    >>> x = power_iteration(A)
    >>> bool(np.allclose(rayleigh_gradient(x, A), 0, atol=1e-8))
    True
    """
    x = np.random.default_rng(seed).standard_normal((A.shape[0], 1))
    for _ in range(steps):
        x = A @ x
        x /= np.linalg.norm(x)
    return x
