"""Input checks shared by the decomposition functions; every error names shapes or values."""

import numpy as np


def real_matrix(A, what, *, square=False, symmetric=False, tall=False):
    """``A`` as a float array, or ValueError saying why it is not a valid input of ``what``.

    Complex input is refused on purpose: numpy's decompositions treat a complex matrix as
    Hermitian (or conjugate it), which is not the analytic continuation of the real
    function, so a complex-step derivative through them would be wrong."""
    arr = np.asarray(A)
    if np.iscomplexobj(arr):
        raise ValueError(f"{what} takes a real matrix, got dtype {arr.dtype}: it is not "
                         f"complex-analytic as written (numpy would treat a complex input as "
                         f"Hermitian or conjugate it), so use real perturbations")
    arr = arr.astype(float)
    if arr.ndim != 2:
        raise ValueError(f"{what} needs a matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: the matrix of shape {arr.shape} has NaN or inf entries")
    rows, cols = arr.shape
    if (square or symmetric) and rows != cols:
        raise ValueError(f"{what} needs a square matrix, got shape {arr.shape}")
    if tall and rows < cols:
        raise ValueError(f"{what} needs at least as many rows as columns, got shape "
                         f"{arr.shape}")
    if symmetric:
        gap = float(np.max(np.abs(arr - arr.T), initial=0.0))
        if gap > 1e-10 * max(1.0, float(np.max(np.abs(arr)))):
            raise ValueError(f"{what} needs a symmetric matrix; A - Aᵀ has an entry of size "
                             f"{gap:.1e}")
    return arr


def sign_fix(V):
    """Columns of V with their largest-magnitude entry made positive (a locally constant
    choice of sign, so the normalized vectors are differentiable)."""
    idx = np.argmax(np.abs(V), axis=0)
    s = np.sign(V[idx, np.arange(V.shape[1])])
    s[s == 0] = 1.0
    return V * s, s


def gap_matrix(values, squared=False):
    """F with F_ij = 1 / (values_j - values_i) off the diagonal, 0 on it (of squares if
    ``squared``). Infinite where two values coincide."""
    v = np.asarray(values, dtype=float)
    if squared:
        v = v ** 2
    D = v[None, :] - v[:, None]
    with np.errstate(divide="ignore"):
        F = 1.0 / D
    np.fill_diagonal(F, 0.0)
    return F
