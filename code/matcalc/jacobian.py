"""The full Jacobian array of an array function, built numerically one coordinate at a time.

Each column is a directional derivative (:mod:`matcalc.directional`) along a coordinate
direction; perturbed points where F raises (a Cholesky factorisation leaving the
positive-definite matrices) are treated as outside F's domain, as in the checks. Its size
is computed before anything else, and a Jacobian above ``MAX_ENTRIES`` entries is refused.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import as_real_array, call_at, require_callable, require_method, working_precision
from .directional import directional_derivative, function_noise
from .types import Array, Function

#: The largest Jacobian :func:`jacobian` builds unless told otherwise: 2**20 entries, 8 MB.
MAX_ENTRIES = 2 ** 20


def jacobian(F: Function, X: ArrayLike, *, method: str = "auto",
             max_entries: int = MAX_ENTRIES) -> Array:
    """Numerical Jacobian of ``F`` at ``X``: an array of shape ``F(X).shape + X.shape``.

    Entry ``[i, j, k, l]`` is dF_ij/dX_kl (for matrix F and X). This is the "fourth-order
    tensor" of a matrix-by-matrix derivative. It costs a few evaluations of F per entry of X,
    so it is for small sizes: it makes the tensor visible, it is not how gradients are
    computed. A Jacobian of more than ``max_entries`` entries (default ``MAX_ENTRIES``,
    8 MB) is refused before anything is computed: :func:`~matcalc.check_differential` and
    :func:`~matcalc.check_vjp` check a derivative without it. F gets a fresh copy of X and
    is refused if it modifies it in place; at perturbed points it gets new arrays.

    >>> import numpy as np
    >>> W, X = np.ones((2, 3)), np.arange(12.0).reshape(3, 4)
    >>> J = jacobian(lambda W: W @ X, W)
    >>> J.shape
    (2, 4, 2, 3)
    >>> bool(np.allclose(J[0, :, 0, :], X.T))   # dY_0j / dW_0l = X_lj
    True
    """
    require_method(method)
    require_callable(F, "F")
    X = as_real_array(X, "X")
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); its Jacobian has no columns")
    Y0, dtype = call_at(F, (X,), "F", ("X",), "its values")
    _require_size(Y0.shape, X.shape, max_entries)
    eps = working_precision(dtype)[0]
    J = np.zeros(Y0.shape + X.shape)
    if Y0.size == 0:
        return J
    for index in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[index] = 1.0
        noise = function_noise(F, X, E, Y0, eps)
        J[(Ellipsis,) + index] = directional_derivative(F, X, E, method=method, eps=eps,
                                                          noise=noise, out_shape=Y0.shape).value
    return J


def _require_size(out_shape, in_shape, max_entries):
    """Refuse a Jacobian of more than ``max_entries`` entries, saying how big it would be."""
    if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
        raise ValueError(f"max_entries must be a positive integer, got {max_entries!r}")
    entries = int(np.prod(out_shape, dtype=np.float64) * np.prod(in_shape, dtype=np.float64))
    if entries > max_entries:
        raise ValueError(
            f"the Jacobian of F at X would have shape {tuple(out_shape) + tuple(in_shape)}: "
            f"{entries:.3g} entries ({entries * 8 / 1e9:.3g} GB), and {int(np.prod(in_shape))} "
            f"columns of about 20 evaluations of F each; that is above max_entries="
            f"{max_entries} ({max_entries * 8 / 1e6:.3g} MB). To check a derivative use "
            f"check_differential(F, dF, X) or check_vjp(F, vjp, X), which need no full "
            f"Jacobian; to build it anyway pass a larger max_entries")


def as_vec_jacobian(J: ArrayLike, out_ndim: int = 2) -> Array:
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
