"""The full Jacobian array of an array function, built numerically one coordinate at a time.

Each column is a directional derivative (:mod:`matcalc.directional`) along a coordinate
direction; perturbed points where F raises (a Cholesky factorisation leaving the
positive-definite matrices) are treated as outside F's domain, as in the checks.
"""

import numpy as np

from ._inputs import as_real_array, require_finite
from .directional import directional_derivative, precision_of


def jacobian(F, X, *, method="auto"):
    """Numerical Jacobian of ``F`` at ``X``: an array of shape ``F(X).shape + X.shape``.

    Entry ``[i, j, k, l]`` is dF_ij/dX_kl (for matrix F and X). This is the "fourth-order
    tensor" of a matrix-by-matrix derivative. It costs a few evaluations of F per entry of X,
    so it is for small sizes: it makes the tensor visible, it is not how gradients are
    computed.

    >>> import numpy as np
    >>> W, X = np.ones((2, 3)), np.arange(12.0).reshape(3, 4)
    >>> J = jacobian(lambda W: W @ X, W)
    >>> J.shape
    (2, 4, 2, 3)
    >>> bool(np.allclose(J[0, :, 0, :], X.T))   # dY_0j / dW_0l = X_lj
    True
    """
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); its Jacobian has no columns")
    try:
        Y0 = np.asarray(F(X))
    except Exception as exc:
        raise ValueError(f"F raised {type(exc).__name__} at X: {exc}") from exc
    if np.iscomplexobj(Y0) or Y0.dtype.kind not in "fiub":
        raise ValueError(f"F must return real values, got dtype {Y0.dtype}")
    require_finite(Y0.astype(np.float64), "F(X)")
    eps = precision_of(Y0)
    J = np.empty(Y0.shape + X.shape)
    for index in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[index] = 1.0
        J[(Ellipsis,) + index] = directional_derivative(F, X, E, method=method, eps=eps,
                                                          out_shape=Y0.shape).value
    return J


def as_vec_jacobian(J, out_ndim=2):
    """The Jacobian array ``J`` (shape ``F.shape + X.shape``) as the matrix d vec F / d vec X.

    Column-major vec on both sides, as everywhere in this package: row ``i + j*m`` holds the
    derivatives of ``F[i, j]``, column ``k + l*n`` those with respect to ``X[k, l]``.

    >>> import numpy as np
    >>> A = np.array([[1., 2.], [3., 4.]])
    >>> J = jacobian(lambda X: A @ X, np.ones((2, 3)))
    >>> bool(np.allclose(as_vec_jacobian(J), np.kron(np.eye(3), A)))  # vec(AX) = (I kron A) vec X
    True
    """
    J = np.asarray(J)
    if not 0 <= out_ndim <= J.ndim:
        raise ValueError(f"out_ndim={out_ndim} does not fit a Jacobian of shape {J.shape}")
    rows = int(np.prod(J.shape[:out_ndim]))
    return J.reshape((rows, -1), order="F")
