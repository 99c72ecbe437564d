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


#: Two eigenvalues (or squared singular values) closer than this, relative to the largest
#: of them, are a tie: the computed values are accurate only to about 1e-16 of the largest,
#: so below 1e-10 fewer than six digits of 1/gap would be right.
TIE_RTOL = 1e-10


class TieError(ValueError):
    """Two eigenvalues or singular values coincide (to ``TIE_RTOL`` = 1e-10 relative), where the
    eigenvectors or singular vectors have no derivative. Symmetric functions of the
    values (trace, log det, nuclear norm, ...) still have one.

    >>> from matcalc.decompositions import eigen
    >>> try:
    ...     eigen.d_eigenvectors(np.eye(2), np.ones((2, 2)))
    ... except TieError as exc:
    ...     print(str(exc)[:45])
    d_eigenvectors: values 0 and 1 are tied (1 an
    """


def gap_matrix(values, squared=False, what="the vectors' differential"):
    """F with F_ij = 1 / (values_j - values_i) off the diagonal, 0 on it (of squares if
    ``squared``). Raises :class:`TieError`, naming the pair, where two values coincide
    to :data:`TIE_RTOL` relative to the largest.

    >>> gap_matrix([1.0, 3.0]).tolist()
    [[0.0, 0.5], [-0.5, 0.0]]
    >>> gap_matrix([2.0, 2.0])
    Traceback (most recent call last):
    ...
    matcalc.decompositions._validate.TieError: the vectors' differential: values 0 and 1 are tied (2 and 2, gap 0.0e+00 <= 1e-10 x 2): the vectors are not differentiable at a tie; symmetric functions of the values (trace, log det, nuclear norm) still are
    """
    v = np.asarray(values, dtype=float)
    if squared:
        v = v ** 2
    D = v[None, :] - v[:, None]
    scale = float(np.max(np.abs(v), initial=0.0))
    close = np.abs(D) <= TIE_RTOL * scale
    np.fill_diagonal(close, False)
    if np.any(close):
        i, j = (int(k) for k in np.argwhere(close)[0])
        orig = np.asarray(values, dtype=float)
        raise TieError(f"{what}: values {i} and {j} are tied ({orig[i]:.6g} and "
                       f"{orig[j]:.6g}, gap {abs(D[i, j]):.1e} <= {TIE_RTOL:.0e} x "
                       f"{scale:.6g}): the vectors are not differentiable at a tie; "
                       f"symmetric functions of the values (trace, log det, nuclear norm) "
                       f"still are")
    np.fill_diagonal(D, 1.0)
    F = 1.0 / D
    np.fill_diagonal(F, 0.0)
    return F
