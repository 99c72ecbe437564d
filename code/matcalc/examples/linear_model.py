"""The linear model Y_hat = W X with L(W) = 1/2 ||W X - Y||_F^2: the book's opening question.

W is m x n, X is n x k (samples as columns), Y is m x k. The gradient is (W X - Y) X^T. This
module computes it five ways, which the chain-rule chapter compares: by differentials
(:func:`gradient`), by contracting the explicit fourth-order Jacobian of W -> W X
(:func:`gradient_by_contraction`), through the vec/Kronecker Jacobian matrix
(:func:`gradient_by_kronecker`), row by row (:func:`gradient_by_rows`), and numerically
(:func:`matcalc.jacobian`), plus the cost of the explicit-Jacobian route (:func:`route_costs`).
The functions of W, X and Y take numpy arrays (the loss, the gradient and the differential
also sympy matrices) and raise ValueError, naming the three shapes, when they do not fit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..vec import unvec, vec

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar, Sizes

__all__ = ["loss", "gradient", "differential", "derivation", "output_jacobian",
           "normal_equations", "ridge_loss", "ridge_gradient", "ridge_derivation",
           "hessian_vector", "hessian_matrix",
           "gradient_by_contraction", "gradient_by_kronecker", "kronecker_jacobian",
           "gradient_by_rows", "route_costs", "sample"]


def sample(m: int = 3, n: int = 4, k: int = 5, seed: int = 0) -> tuple[Array, Array, Array]:
    """Random W (m x n), X (n x k), Y (m x k) for experiments.

    >>> W, X, Y = sample(2, 3, 4)
    >>> W.shape, X.shape, Y.shape
    ((2, 3), (3, 4), (2, 4))
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, k)), rng.standard_normal((m, k))


def _shapes(W: Matrix, X: Matrix, Y: Matrix) -> None:
    if W.shape[1] != X.shape[0] or Y.shape != (W.shape[0], X.shape[1]):
        raise ValueError(f"the linear model needs W (m x n), X (n x k), Y (m x k); got W "
                         f"{tuple(W.shape)}, X {tuple(X.shape)}, Y {tuple(Y.shape)}")


def loss(W: Matrix, X: Matrix, Y: Matrix) -> Scalar:
    """L = 1/2 ||W X - Y||_F^2 = 1/2 (WX - Y):(WX - Y). Works on arrays and sympy matrices.

    >>> W, X, Y = sample()
    >>> bool(np.isclose(loss(W, X, Y), 0.5 * np.sum((W @ X - Y) ** 2)))
    True
    """
    _shapes(W, X, Y)
    R = W @ X - Y
    return frob(R, R) / 2


def gradient(W: Matrix, X: Matrix, Y: Matrix) -> Matrix:
    """grad_W L = (W X - Y) X^T, read off from dL = (WX - Y)X^T : dW (shape of W).

    >>> from matcalc import check_gradient
    >>> W, X, Y = sample()
    >>> check_gradient(lambda W: loss(W, X, Y), lambda W: gradient(W, X, Y), W).passed
    True
    """
    _shapes(W, X, Y)
    return (W @ X - Y) @ X.T


def differential(W: Matrix, X: Matrix, Y: Matrix, dW: Matrix) -> Scalar:
    """dL = (W X - Y) : (dW X), the differential before identification.

    >>> W, X, Y = sample()
    >>> dW = np.ones_like(W)
    >>> bool(np.isclose(differential(W, X, Y, dW), frob(gradient(W, X, Y), dW)))
    True
    """
    _shapes(W, X, Y)
    return frob(W @ X - Y, dW @ X)


def derivation(exact_sizes: Sizes | None = None, numeric_sizes: Sizes | None = None
               ) -> Derivation:
    """The derivation of the gradient, step by step, as a checkable object, checked at
    ``exact_sizes`` and ``numeric_sizes`` (of the letters m, n, k) when given.

    >>> derivation().check().passed
    True
    """
    return Derivation(
        "least squares", {"W": "mn", "X": "nk", "Y": "mk"}, "W", loss,
        [Step(r"\tfrac12\left[\d\hat Y : (\hat Y - Y) + (\hat Y - Y) : \d\hat Y\right]",
              lambda W, X, Y, dW: (frob(dW @ X, W @ X - Y) + frob(W @ X - Y, dW @ X)) / 2,
              r"product rule for $:$; $\d Y = 0$"),
         Step(r"(\hat Y - Y) : \d\hat Y", lambda W, X, Y, dW: frob(W @ X - Y, dW @ X),
              "symmetry of $:$"),
         Step(r"(\hat Y - Y) : (\d W\, X)", lambda W, X, Y, dW: frob(W @ X - Y, dW @ X),
              r"$\d\hat Y = \d W\, X$ ($X$ is data)"),
         Step(r"(\hat Y - Y) X^\T : \d W", lambda W, X, Y, dW: frob((W @ X - Y) @ X.T, dW),
              r"move $X$ across, transposed")],
        gradient=gradient, start=r"\d L",
        exact_sizes=exact_sizes or {"m": 2, "n": 3, "k": 2},
        numeric_sizes=numeric_sizes or {"m": 5, "n": 7, "k": 4})


def output_jacobian(X: Array, m: int) -> Array:
    """The fourth-order tensor dY_hat[i, j] / dW[p, q] = delta_ip X[q, j], built explicitly.

    Shape (m, k, m, n) for X of shape (n, k): F.shape + W.shape, as :func:`matcalc.jacobian`.

    >>> from matcalc import jacobian
    >>> W, X, Y = sample(2, 3, 4)
    >>> bool(np.allclose(output_jacobian(X, 2), jacobian(lambda W: W @ X, W)))
    True
    """
    return np.einsum("ip,qj->ijpq", np.eye(m), X)


def gradient_by_contraction(W: Array, X: Array, Y: Array, J: Array | None = None) -> Array:
    """Chain rule with the tensor: grad_W L [k, l] = sum_ij (Y_hat - Y)[i, j] J[i, j, k, l].

    The "product" of grad_Y L (m x k) and dY/dW (m x k x m x n) is this contraction over
    two index pairs.

    >>> W, X, Y = sample()
    >>> bool(np.allclose(gradient_by_contraction(W, X, Y), gradient(W, X, Y)))
    True
    """
    _shapes(W, X, Y)
    J = output_jacobian(X, W.shape[0]) if J is None else J
    return np.tensordot(W @ X - Y, J, axes=([0, 1], [0, 1]))


def kronecker_jacobian(X: Array, m: int) -> Array:
    """d vec(W X) / d vec(W) = X^T kron I_m, an (m k) x (m n) matrix.

    >>> from matcalc import as_vec_jacobian
    >>> W, X, Y = sample(2, 3, 4)
    >>> bool(np.allclose(kronecker_jacobian(X, 2), as_vec_jacobian(output_jacobian(X, 2))))
    True
    """
    return np.kron(X.T, np.eye(m))


def gradient_by_kronecker(W: Array, X: Array, Y: Array) -> Array:
    """vec(grad_W L) = (X^T kron I)^T vec(Y_hat - Y) = (X kron I) vec(Y_hat - Y).

    >>> W, X, Y = sample()
    >>> bool(np.allclose(gradient_by_kronecker(W, X, Y), gradient(W, X, Y)))
    True
    """
    _shapes(W, X, Y)
    J = kronecker_jacobian(X, W.shape[0])
    return unvec(J.T @ vec(W @ X - Y), W.shape)


def gradient_by_rows(W: Array, X: Array, Y: Array) -> Array:
    """Row i of Y_hat is w_i^T X, and depends only on row w_i of W; stack the row gradients.

    L = sum_i 1/2 ||X^T w_i - y_i||^2, so grad_{w_i} L = X (X^T w_i - y_i), a column; as
    row i of the gradient it is (w_i^T X - y_i^T) X^T, i.e. row i of (WX - Y) X^T.

    >>> W, X, Y = sample()
    >>> bool(np.allclose(gradient_by_rows(W, X, Y), gradient(W, X, Y)))
    True
    """
    _shapes(W, X, Y)
    rows = [X @ (X.T @ W[i] - Y[i]) for i in range(W.shape[0])]
    return np.stack(rows)


def route_costs(sizes: Iterable[int], repeats: int = 3, seed: int = 0) -> list[dict[str, float]]:
    """Measured cost of the explicit-Jacobian route against the differential route.

    For each s in ``sizes`` (W, X, Y all s x s) returns a dict with the bytes of the
    Jacobian tensor and of the gradient, and the best-of-``repeats`` wall time of
    ``gradient_by_contraction`` (build the tensor, contract it) and of ``gradient``.

    >>> rows = route_costs([4], repeats=1)
    >>> rows[0]["jacobian_bytes"], rows[0]["gradient_bytes"]
    (2048, 128)
    """
    out = []
    for s in sizes:
        W, X, Y = sample(s, s, s, seed)

        def best(fn: Callable[[], object]) -> float:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            return min(times)

        out.append({"size": s,
                    "jacobian_bytes": int(output_jacobian(X, s).nbytes),
                    "gradient_bytes": int(gradient(W, X, Y).nbytes),
                    "jacobian_seconds": best(lambda: gradient_by_contraction(W, X, Y)),
                    "differential_seconds": best(lambda: gradient(W, X, Y))})
    return out


# --- normal equations, ridge and second order ----------------------------------------------

def normal_equations(X: Array, Y: Array, ridge: float = 0.0) -> Array:
    """The minimiser of 1/2 ||WX - Y||^2 + ridge/2 ||W||^2: W = Y X^T (X X^T + ridge I)^{-1}.

    Setting the gradient (WX - Y)X^T + ridge W to zero gives W (X X^T + ridge I) = Y X^T.

    >>> W, X, Y = sample(2, 3, 6)
    >>> W_star = normal_equations(X, Y)
    >>> bool(np.allclose(gradient(W_star, X, Y), 0))
    True
    """
    n = X.shape[0]
    # Solve instead of inverting: W^T = (X X^T + ridge I)^{-1} X Y^T.
    return np.linalg.solve(X @ X.T + ridge * np.eye(n), X @ Y.T).T


def ridge_loss(W: Matrix, X: Matrix, Y: Matrix, lam: Matrix) -> Scalar:
    """1/2 ||WX - Y||_F^2 + lam/2 ||W||_F^2 (``lam`` a 1x1 matrix, so sympy can use it too).

    >>> W, X, Y = sample()
    >>> bool(np.isclose(ridge_loss(W, X, Y, np.array([[0.]])), loss(W, X, Y)))
    True
    """
    return loss(W, X, Y) + lam[0, 0] * frob(W, W) / 2


def ridge_gradient(W: Matrix, X: Matrix, Y: Matrix, lam: Matrix) -> Matrix:
    """(WX - Y) X^T + lam W.

    >>> from matcalc import check_gradient
    >>> W, X, Y = sample()
    >>> lam = np.array([[0.3]])
    >>> check_gradient(lambda W: ridge_loss(W, X, Y, lam), lambda W: ridge_gradient(W, X, Y, lam), W).passed
    True
    """
    return gradient(W, X, Y) + lam[0, 0] * W


def ridge_derivation() -> Derivation:
    """The ridge gradient, step by step.

    >>> ridge_derivation().check().passed
    True
    """
    return Derivation(
        "ridge", {"W": "mn", "X": "nk", "Y": "mk", "lam": "11"}, "W", ridge_loss,
        [Step(r"(WX - Y) : (\d W\, X) + \lambda\, W : \d W",
              lambda W, X, Y, lam, dW: frob(W @ X - Y, dW @ X) + lam[0, 0] * frob(W, dW),
              r"as for least squares; $\d\,\tfrac12 W:W = W:\d W$"),
         Step(r"\bigl((WX - Y)X^\T + \lambda W\bigr) : \d W",
              lambda W, X, Y, lam, dW: frob((W @ X - Y) @ X.T + lam[0, 0] * W, dW),
              "move $X$ across; collect")],
        gradient=ridge_gradient, start=r"\d L",
        exact_sizes={"m": 2, "n": 2, "k": 3}, numeric_sizes={"m": 4, "n": 5, "k": 7})


def hessian_vector(W: Matrix, X: Matrix, Y: Matrix, V: Matrix) -> Matrix:
    """H[V] = V X X^T: the second differential d^2 L = dW X : dW X = dW : dW X X^T.

    >>> from matcalc import check_hessian
    >>> W, X, Y = sample()
    >>> check_hessian(lambda W: loss(W, X, Y), W, hvp=lambda W, V: hessian_vector(W, X, Y, V),
    ...               grad=lambda W: gradient(W, X, Y)).passed
    True
    """
    return V @ X @ X.T


def hessian_matrix(X: Array, m: int, order: str = "F") -> Array:
    """The Hessian as an (mn x mn) matrix on vec(W): (X X^T) kron I_m for the column-major vec
    of this book (``order="F"``), I_m kron (X X^T) for a row-major one (``order="C"``).
    Raises ValueError for another ``order``.

    vec(V X X^T) = (X X^T kron I) vec(V) by vec(AVB) = (B^T kron A) vec V with A = I,
    B = X X^T (symmetric). Stacking rows instead swaps the factors.

    >>> W, X, Y = sample(2, 3, 4)
    >>> V = np.arange(6.0).reshape(2, 3)
    >>> H = hessian_matrix(X, 2)
    >>> bool(np.allclose(H @ V.reshape(-1, order="F"), (V @ X @ X.T).reshape(-1, order="F")))
    True
    """
    G = X @ X.T
    if order == "F":
        return np.kron(G, np.eye(m))
    if order == "C":
        return np.kron(np.eye(m), G)
    raise ValueError(f"order must be 'F' (column-major vec) or 'C' (row-major), got {order!r}")
