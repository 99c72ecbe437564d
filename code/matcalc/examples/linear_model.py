"""The linear model Y_hat = W X with L(W) = 1/2 ||W X - Y||_F^2: the book's opening question.

W is m x n, X is n x k (samples as columns), Y is m x k. The gradient is (W X - Y) X^T. This
module computes it five ways, which the chain-rule chapter compares: by differentials
(:func:`gradient`), by contracting the explicit fourth-order Jacobian of W -> W X
(:func:`gradient_by_contraction`), through the vec/Kronecker Jacobian matrix
(:func:`gradient_by_kronecker`), row by row (:func:`gradient_by_rows`), and numerically
(:func:`matcalc.jacobian`), plus the cost of the explicit-Jacobian route (:func:`route_costs`).
"""

import time

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..vec import unvec, vec

__all__ = ["loss", "gradient", "differential", "derivation", "output_jacobian",
           "gradient_by_contraction", "gradient_by_kronecker", "kronecker_jacobian",
           "gradient_by_rows", "route_costs", "sample"]


def sample(m=3, n=4, k=5, seed=0):
    """Random W (m x n), X (n x k), Y (m x k) for experiments.

    >>> W, X, Y = sample(2, 3, 4)
    >>> W.shape, X.shape, Y.shape
    ((2, 3), (3, 4), (2, 4))
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, k)), rng.standard_normal((m, k))


def _shapes(W, X, Y):
    if W.shape[1] != X.shape[0] or Y.shape != (W.shape[0], X.shape[1]):
        raise ValueError(f"the linear model needs W (m x n), X (n x k), Y (m x k); got W "
                         f"{tuple(W.shape)}, X {tuple(X.shape)}, Y {tuple(Y.shape)}")


def loss(W, X, Y):
    """L = 1/2 ||W X - Y||_F^2 = 1/2 (WX - Y):(WX - Y). Works on arrays and sympy matrices.

    >>> W, X, Y = sample()
    >>> bool(np.isclose(loss(W, X, Y), 0.5 * np.sum((W @ X - Y) ** 2)))
    True
    """
    _shapes(W, X, Y)
    R = W @ X - Y
    return frob(R, R) / 2


def gradient(W, X, Y):
    """grad_W L = (W X - Y) X^T, read off from dL = (WX - Y)X^T : dW.

    >>> from matcalc import check_gradient
    >>> W, X, Y = sample()
    >>> check_gradient(lambda W: loss(W, X, Y), lambda W: gradient(W, X, Y), W).passed
    True
    """
    _shapes(W, X, Y)
    return (W @ X - Y) @ X.T


def differential(W, X, Y, dW):
    """dL = (W X - Y) : (dW X), the differential before identification.

    >>> W, X, Y = sample()
    >>> dW = np.ones_like(W)
    >>> bool(np.isclose(differential(W, X, Y, dW), frob(gradient(W, X, Y), dW)))
    True
    """
    _shapes(W, X, Y)
    return frob(W @ X - Y, dW @ X)


def derivation(exact_sizes=None, numeric_sizes=None):
    """The derivation of the gradient, step by step, as a checkable object.

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


def output_jacobian(X, m):
    """The fourth-order tensor dY_hat[i, j] / dW[k, l] = delta_ik X[l, j], built explicitly.

    Shape (m, k, m, n) for X of shape (n, k): F.shape + W.shape, as :func:`matcalc.jacobian`.

    >>> from matcalc import jacobian
    >>> W, X, Y = sample(2, 3, 4)
    >>> bool(np.allclose(output_jacobian(X, 2), jacobian(lambda W: W @ X, W)))
    True
    """
    return np.einsum("ik,lj->ijkl", np.eye(m), X)


def gradient_by_contraction(W, X, Y, J=None):
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


def kronecker_jacobian(X, m):
    """d vec(W X) / d vec(W) = X^T kron I_m, an (m k) x (m n) matrix.

    >>> from matcalc import as_vec_jacobian
    >>> W, X, Y = sample(2, 3, 4)
    >>> bool(np.allclose(kronecker_jacobian(X, 2), as_vec_jacobian(output_jacobian(X, 2))))
    True
    """
    return np.kron(X.T, np.eye(m))


def gradient_by_kronecker(W, X, Y):
    """vec(grad_W L) = (X^T kron I)^T vec(Y_hat - Y) = (X kron I) vec(Y_hat - Y).

    >>> W, X, Y = sample()
    >>> bool(np.allclose(gradient_by_kronecker(W, X, Y), gradient(W, X, Y)))
    True
    """
    _shapes(W, X, Y)
    J = kronecker_jacobian(X, W.shape[0])
    return unvec(J.T @ vec(W @ X - Y), W.shape)


def gradient_by_rows(W, X, Y):
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


def route_costs(sizes, repeats=3, seed=0):
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

        def best(fn):
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
