"""Derivatives of the QR and polar decompositions (full column rank).

QR, ``A = QR`` thin (Q m x n with orthonormal columns, R upper triangular with a positive
diagonal): with ``C = Qᵀ dA R⁻¹`` and ``ω = tril(C, −1) − tril(C, −1)ᵀ`` (skew),

    dR = (C − ω) R = (triu(C) + tril(C, −1)ᵀ) R,     dQ = Q ω + (I − QQᵀ) dA R⁻¹.

Polar decomposition / orthogonalization, ``A = U H`` (U m x n with orthonormal columns,
H symmetric positive definite): ``dU = U Ω + (I − UUᵀ) dA H⁻¹`` where the skew Ω solves
the Sylvester equation ``H Ω + Ω H = Uᵀ dA − dAᵀ U``.

Both need full column rank: a rank-deficient A (a diagonal entry of R, or a singular value,
at most the rank tolerance of ``_validate.rank_tolerance``)
raises :class:`~matcalc.decompositions.RankError`, since R⁻¹ and H⁻¹ do not exist there.
"""

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ._validate import RankError, keeps_float32, rank_tolerance, real_matrix
from .points import SECTION, SEEDS, points
from ..types import Array

__all__ = ["CLAIMS", "qr", "qr_q", "qr_r", "d_qr_q", "d_qr_r", "polar", "polar_u", "d_polar_u"]


@keeps_float32
def qr(A: Array) -> tuple[Array, Array]:
    """Thin QR of an m x n A (m >= n) with diag(R) > 0; RankError if a diagonal entry of R
    is at most the rank tolerance times ‖A‖_F (A is then rank deficient).

    >>> Q, R = qr(np.array([[0., 2.], [-3., 1.]]))
    >>> R.tolist()
    [[3.0, -1.0], [0.0, 2.0]]
    """
    A = real_matrix(A, "qr", tall=True)
    Q, R = np.linalg.qr(A)
    d = np.abs(np.diag(R))
    tol = rank_tolerance(A.shape, float(np.linalg.norm(A)))
    if d.size and (np.min(d) <= tol or not np.any(A)):
        i = int(np.argmin(d))
        raise RankError(f"qr: A (shape {A.shape}) is rank deficient: R's diagonal entry {i} "
                        f"is {d[i]:.1e} <= {tol:.1e} (the rank tolerance), so R has no "
                        f"inverse and Q's columns from {i} on are not determined by A")
    s = np.sign(np.diag(R))
    return Q * s, R * s[:, None]


@keeps_float32
def qr_q(A: Array) -> Array:
    """Q of :func:`qr`.

    >>> (qr_q(np.array([[2., 0.], [0., -1.]])) + 0.0).tolist()
    [[1.0, 0.0], [0.0, -1.0]]
    """
    return qr(A)[0]


@keeps_float32
def qr_r(A: Array) -> Array:
    """R of :func:`qr`.

    >>> (qr_r(np.array([[2., 0.], [0., -1.]])) + 0.0).tolist()
    [[2.0, 0.0], [0.0, 1.0]]
    """
    return qr(A)[1]


def qr_parts(A, dA):
    """Q, R, R^-1, C = Qᵀ dA R^-1 and the skew part of C's strict lower triangle: the pieces
    of the QR differentials."""
    Q, R = qr(A)
    Ri = np.linalg.inv(R)
    C = Q.T @ dA @ Ri
    low = np.tril(C, -1)
    return Q, R, Ri, C, low - low.T


@keeps_float32
def d_qr_r(A: Array, dA: Array) -> Array:
    """dR = (C − ω) R with C = Qᵀ dA R⁻¹ and ω the skew matrix with C's strict lower part.

    >>> d_qr_r(np.eye(2), np.array([[0., 0.], [1., 0.]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    _, R, _, C, omega = qr_parts(A, dA)
    return (C - omega) @ R


@keeps_float32
def d_qr_q(A: Array, dA: Array) -> Array:
    """dQ = Q ω + (I − QQᵀ) dA R⁻¹.

    >>> d_qr_q(np.eye(2), np.array([[0., 0.], [1., 0.]])).tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    Q, _, Ri, C, omega = qr_parts(A, dA)
    return Q @ omega + dA @ Ri - Q @ C


@keeps_float32
def polar(A: Array) -> tuple[Array, Array]:
    """The polar decomposition ``(U, H)`` of an m x n A of full column rank, from its SVD
    ``A = W S Vᵀ``: U = W Vᵀ (the nearest matrix with orthonormal columns), H = V S Vᵀ.

    >>> U, H = polar(np.array([[0., -2.], [1., 0.]]))
    >>> U.tolist(), H.tolist()
    ([[0.0, -1.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 2.0]])
    """
    A = real_matrix(A, "polar", tall=True)
    W, s, Vt = np.linalg.svd(A, full_matrices=False)
    tol = rank_tolerance(A.shape, s[0])
    if s[-1] <= tol:
        raise RankError(f"polar: A (shape {A.shape}) is rank deficient: its smallest singular "
                        f"value is {s[-1]:.1e} <= {tol:.1e} (the rank tolerance), so H has "
                        f"no inverse and U is not determined by A")
    return W @ Vt, (Vt.T * s) @ Vt


@keeps_float32
def polar_u(A: Array) -> Array:
    """The orthogonal polar factor U = A (AᵀA)^(−1/2).

    >>> polar_u(np.array([[3., 0.], [0., 0.5]])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return polar(A)[0]


@keeps_float32
def d_polar_u(A: Array, dA: Array) -> Array:
    """dU = U Ω + (I − UUᵀ) dA H⁻¹ with H Ω + Ω H = Uᵀ dA − dAᵀ U, solved in the
    eigenbasis of H: Ω = V ((Vᵀ (Uᵀ dA − dAᵀ U) V) / (s_i + s_j)) Vᵀ.

    >>> d_polar_u(np.diag([1., 3.]), np.array([[0., 1.], [0., 0.]])).round(12).tolist()
    [[0.0, 0.25], [-0.25, 0.0]]
    """
    U, H = polar(A)
    s, V = np.linalg.eigh(H)
    rhs = U.T @ dA - dA.T @ U
    Omega = V @ ((V.T @ rhs @ V) / (s[:, None] + s[None, :])) @ V.T
    Hi = np.linalg.inv(H)
    return U @ Omega + dA @ Hi - U @ (U.T @ dA @ Hi)


# --- the claims of this module (matcalc.registry) -------------------------------------------

def _r_unreflected(A, dA):  # triu(C) R: the reflected lower part of C forgotten
    _, R, _, C, _ = qr_parts(A, dA)
    return np.triu(C) @ R


def _q_no_rotation(A, dA):  # the rotation Qω inside the column space forgotten
    Q, _, Ri, C, _ = qr_parts(A, dA)
    return dA @ Ri - Q @ C


_TALL = points("tall")
CLAIMS = register_all(SECTION, (
    Claim(name="QR, the R factor", kind="differential", latex="R(A)",
          result=r"\bigl(\operatorname{triu}(C) + \operatorname{tril}(C, -1)^\T\bigr)R",
          shapes={"A": "mn"}, wrt="A", point=_TALL, seeds=SEEDS,
          conditions=r"$A = QR$ thin, full column rank, $\operatorname{diag}R > 0$; "
                     r"$C = Q^\T\d A\,R^{-1}$",
          alias=r"(C - \omega)R", function=qr_r, claim=d_qr_r, wrong=_r_unreflected,
          mistake="triu(C) R, the reflected lower part of C forgotten"),
    Claim(name="QR, the Q factor", kind="differential", latex="Q(A)",
          result=r"Q\omega + (I - QQ^\T)\,\d A\,R^{-1}", shapes={"A": "mn"}, wrt="A",
          point=_TALL, seeds=SEEDS,
          conditions=r"as above; $\omega = \operatorname{tril}(C, -1) - "
                     r"\operatorname{tril}(C, -1)^\T$",
          function=qr_q, claim=d_qr_q, wrong=_q_no_rotation,
          mistake="the rotation Qω inside the column space forgotten"),
    Claim(name="polar factor", kind="differential", latex=r"A(A^\T A)^{-1/2}",
          result=r"U\Omega + (I - UU^\T)\,\d A\,H^{-1}", shapes={"A": "mn"}, wrt="A",
          point=_TALL, seeds=SEEDS,
          conditions=r"$A = UH$, full column rank; $H\Omega + \Omega H = U^\T\d A - "
                     r"\d A^\T U$",
          note=r"$U = A(A^\T A)^{-1/2}$",
          function=polar_u, claim=d_polar_u,
          wrong=lambda A, dA: dA @ np.linalg.inv(polar(A)[1]),
          mistake="dA H⁻¹, as if H were constant"),
))
