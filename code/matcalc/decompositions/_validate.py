"""Input checks shared by the decomposition functions; every error names shapes or values.

The named errors: :class:`TieError` (two eigenvalues or singular values coincide where a
rule needs them apart), :class:`RankError` (a zero singular value where a rule needs full
rank, or a direction that changes the rank), :class:`DomainError` (a point outside the
function's domain: not positive definite, an eigenvalue on the closed negative real axis,
a complex spectrum). All three are ValueErrors. :func:`keeps_float32` makes a function
return float32 for float32 input while computing in float64.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from ..types import Array, ArrayLike, Function


def real_matrix(A: ArrayLike, what: str, *, square: bool = False, symmetric: bool = False,
                tall: bool = False) -> Array:
    """``A`` as a float array, or ValueError saying why it is not a valid input of ``what``.

    Complex input is refused on purpose: numpy's decompositions treat a complex matrix as
    Hermitian (or conjugate it), which is not the analytic continuation of the real
    function, so a complex-step derivative through them would be wrong."""
    arr = np.asarray(A)
    if np.iscomplexobj(arr):
        raise ValueError(f"{what} takes a real matrix, got dtype {arr.dtype}: it is not "
                         f"complex-analytic as written (numpy would treat a complex input as "
                         f"Hermitian or conjugate it), so use real perturbations")
    arr = arr.astype(np.float64)
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


def sign_fix(V: Array) -> tuple[Array, Array]:
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
    """Two eigenvalues or singular values coincide (to ``TIE_RTOL`` = 1e-10 relative), where
    the eigenvectors or singular vectors (and the sorted values themselves) have no
    derivative. Symmetric functions of the values (trace, log det, nuclear norm, ...) still
    have one.

    >>> from matcalc.decompositions import eigen
    >>> try:
    ...     eigen.d_eigenvectors(np.eye(2), np.ones((2, 2)))
    ... except TieError as exc:
    ...     print(str(exc)[:45])
    d_eigenvectors: values 0 and 1 are tied (1 an
    """


class RankError(ValueError):
    """A singular value is zero (at most the rank tolerance, ``rank_tolerance``) where
    a rule needs full rank, or a direction moves a rank-deficient matrix off its rank.

    >>> from matcalc.decompositions import qr
    >>> try:
    ...     qr.qr(np.ones((3, 2)))
    ... except RankError as exc:
    ...     print(str(exc)[:39])
    qr: A (shape (3, 2)) is rank deficient:
    """


class DomainError(ValueError):
    """The point is outside the function's domain; the message names the offending
    eigenvalue.

    >>> from matcalc.decompositions import matfun
    >>> try:
    ...     matfun.logm_spd(np.diag([1.0, -2.0]))
    ... except DomainError as exc:
    ...     print(str(exc)[:52])
    logm_spd: X is not positive definite: eigenvalue -2
    """


_TIE_CONSEQUENCE = ("the vectors are not differentiable at a tie; symmetric functions of the "
                    "values (trace, log det, nuclear norm) still are")


def find_tie(values: Array, squared: bool = False) -> tuple[int, int] | None:
    """The first pair ``(i, j)`` of values tied to ``TIE_RTOL`` relative to the largest
    (of their squares if ``squared``), or None.

    >>> find_tie([1.0, 2.0, 1.0 + 1e-13]), find_tie([1.0, 2.0])
    ((0, 2), None)
    """
    v = np.asarray(values, dtype=np.float64)
    if squared:
        v = v ** 2
    D = np.abs(v[None, :] - v[:, None])
    close = D <= TIE_RTOL * float(np.max(np.abs(v), initial=0.0))
    np.fill_diagonal(close, False)
    if not np.any(close):
        return None
    i, j = (int(k) for k in np.argwhere(close)[0])
    return i, j


def refuse_tie(values: Array, what: str, *, squared: bool = False,
               consequence: str = _TIE_CONSEQUENCE) -> None:
    """Raise :class:`TieError` naming the first tied pair of ``values`` (see
    :func:`find_tie`) and ``consequence``; return None if there is none.

    >>> refuse_tie([1.0, 2.0], "f") is None
    True
    """
    pair = find_tie(values, squared)
    if pair is None:
        return
    i, j = pair
    v = np.asarray(values, dtype=np.float64)
    scale = float(np.max(np.abs(v ** 2 if squared else v)))
    gap = abs((v[i] ** 2 - v[j] ** 2) if squared else (v[i] - v[j]))
    raise TieError(f"{what}: values {i} and {j} are tied ({v[i]:.6g} and {v[j]:.6g}, gap "
                   f"{gap:.1e} <= {TIE_RTOL:.0e} x {scale:.6g}): {consequence}")


def gap_matrix(values: ArrayLike, squared: bool = False,
               what: str = "the vectors' differential") -> Array:
    """F with F_ij = 1 / (values_j - values_i) off the diagonal, 0 on it (of squares if
    ``squared``). Raises :class:`TieError`, naming the pair, where two values coincide
    to ``TIE_RTOL`` relative to the largest.

    >>> gap_matrix([1.0, 3.0]).tolist()
    [[0.0, 0.5], [-0.5, 0.0]]
    >>> gap_matrix([2.0, 2.0])
    Traceback (most recent call last):
    ...
    matcalc.decompositions._validate.TieError: the vectors' differential: values 0 and 1 are tied (2 and 2, gap 0.0e+00 <= 1e-10 x 2): the vectors are not differentiable at a tie; symmetric functions of the values (trace, log det, nuclear norm) still are
    """
    v = np.asarray(values, dtype=np.float64)
    refuse_tie(v, what, squared=squared)
    if squared:
        v = v ** 2
    D = v[None, :] - v[:, None]
    np.fill_diagonal(D, 1.0)
    F = 1.0 / D
    np.fill_diagonal(F, 0.0)
    return F


def rank_tolerance(shape: tuple[int, ...], s_max: float, rtol: float | None = None) -> float:
    """The rank tolerance: singular values at or below ``rtol · s_max`` count as zero, with
    ``rtol = max(m, n) · eps`` (float64's eps, numpy's ``matrix_rank`` rule) by default.
    A float32 input is read exactly into float64, so ranks and ties are those of the
    float32 matrix as stored.

    >>> rank_tolerance((3, 2), 1.0) == 3 * float(np.finfo(np.float64).eps)
    True
    """
    if rtol is None:
        rtol = max(shape) * float(np.finfo(np.float64).eps)
    return float(rtol) * float(s_max)


def refuse_rank_deficient(s: Array, shape: tuple[int, ...], what: str,
                          consequence: str = "") -> None:
    """Raise :class:`RankError` if the smallest of the singular values ``s`` (descending) is
    at most the rank tolerance; return None otherwise.

    >>> refuse_rank_deficient(np.array([2.0, 1.0]), (2, 2), "f") is None
    True
    """
    s = np.asarray(s, dtype=np.float64)
    tol = rank_tolerance(shape, np.max(s, initial=0.0))
    if s.size and s[-1] <= tol:
        raise RankError(f"{what}: A (shape {tuple(shape)}) is rank deficient: its singular "
                        f"value {len(s) - 1} is {s[-1]:.1e} <= {tol:.1e} (the rank "
                        f"tolerance){'; ' + consequence if consequence else ''}")


def _is_float(a):
    return isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind in "fc"


def _widen(a):
    if _is_float(a) and a.dtype.itemsize < (8 if a.dtype.kind == "f" else 16):
        return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    return a


def _narrow(out):
    if isinstance(out, tuple):
        return tuple(_narrow(o) for o in out)
    if isinstance(out, float) or _is_float(out):
        arr = np.asarray(out)
        narrow = arr.astype(np.complex64 if arr.dtype.kind == "c" else np.float32)
        return narrow if isinstance(out, np.ndarray) else narrow[()]
    return out


def keeps_float32(fn: Function) -> Function:
    """Decorator: when the first argument of ``fn`` (the matrix the function is of, given by
    position or by name) is float32 (complex64), compute in float64 (complex128), every
    floating argument widened, and return float32 (complex64) results; otherwise call
    ``fn`` unchanged. So float32 in gives float32 out, rounded once from a float64 result.

    >>> half = keeps_float32(lambda A: A / 2)
    >>> half(np.ones(2, dtype=np.float32)).dtype, half(A=np.ones(2)).dtype
    (dtype('float32'), dtype('float64'))
    """
    first = next(iter(inspect.signature(fn).parameters))

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        lead = args[0] if args else kwargs.get(first)
        if not (_is_float(lead) and lead.dtype in (np.float32, np.complex64)):
            return fn(*args, **kwargs)
        out = fn(*(_widen(a) for a in args), **{k: _widen(v) for k, v in kwargs.items()})
        return _narrow(out)
    return wrapper
