"""Functions of a symmetric matrix and their derivatives by divided differences
(Daleckii–Krein), exact at repeated eigenvalues.

For symmetric ``X = V diag(λ) Vᵀ`` and a smooth f, ``f(X) = V f(Λ) Vᵀ`` and

    L_f(X, E) = V (D ∘ (Vᵀ E V)) Vᵀ,   D_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j),  D_ii = f′(λ_i).

At a tie λ_i = λ_j the divided difference *is* f′(λ_i) (its limit), so the rule holds there
unchanged: f(X) is differentiable at repeated eigenvalues even though V is not. For exp,
log, √ and x^(−1/2) the divided differences are computed in closed forms with no
cancellation (:data:`DIVIDED`), accurate at every gap, zero included; for any other f,
:func:`divided_differences` switches to f′ at the midpoint below a relative gap of 1e-5
(error about 1e-11 either way).

Outside the domain (an eigenvalue <= 0 for log and x^(−1/2), < 0 for √) the functions raise
:class:`~matcalc.decompositions.DomainError` naming the eigenvalue; e^X that overflows
float64 raises OverflowError.
"""

from __future__ import annotations

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ..types import Array, Function
from ._validate import DomainError, keeps_float32, rank_tolerance, real_matrix
from .points import SECTION, SEEDS, points, symmetric_part

__all__ = ["CLAIMS", "DIVIDED", "divided_differences", "frechet_sym", "funm_sym", "sqrtm_spd",
           "logm_spd", "d_logm_spd", "invsqrtm_spd", "d_invsqrtm_spd", "expm_sym",
           "d_expm_sym", "spd_eigh"]


def _dd_exp(a, b):
    hi, d = np.maximum(a, b), np.abs(a - b)
    ratio = np.where(d > 0, -np.expm1(-d) / np.where(d > 0, d, 1.0), 1.0)
    return np.exp(hi) * ratio


def _dd_log(a, b):
    x = (a - b) / (a + b)
    ratio = np.where(x != 0, np.arctanh(x) / np.where(x != 0, x, 1.0), 1.0)
    return 2 * ratio / (a + b)


def _dd_sqrt(a, b):
    return 1 / (np.sqrt(a) + np.sqrt(b))


def _dd_invsqrt(a, b):
    ra, rb = np.sqrt(a), np.sqrt(b)
    return -1 / (ra * rb * (ra + rb))


#: Divided differences ``(f(a) − f(b))/(a − b)`` (``f′(a)`` at ``a = b``) in closed forms
#: with no cancellation: ``exp`` as e^max · (−expm1(−d))/d with d = |a − b|, ``log`` as
#: 2 atanh(x)/(x (a + b)) with x = (a − b)/(a + b), ``sqrt`` as 1/(√a + √b) and ``invsqrt``
#: (x^(−1/2)) as −1/(√a √b (√a + √b)).
DIVIDED = {"exp": _dd_exp, "log": _dd_log, "sqrt": _dd_sqrt, "invsqrt": _dd_invsqrt}


def divided_differences(f: Function, fprime: Function, w: Array,
                        dd: Function | None = None) -> Array:
    """D_ij = (f(w_i) − f(w_j))/(w_i − w_j), and f′ at the midpoint where the two are within
    1e-5 of each other (relative to the larger magnitude, at least 1); with ``dd`` (a
    closed form such as ``DIVIDED["log"]``) that function everywhere instead.

    >>> divided_differences(np.exp, np.exp, np.array([0., 0.])).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    >>> divided_differences(np.sqrt, None, np.array([1., 4.]), DIVIDED["sqrt"]).round(6).tolist()
    [[0.5, 0.333333], [0.333333, 0.25]]
    """
    w = np.asarray(w, dtype=np.float64)
    a, b = w[:, None], w[None, :]
    if dd is not None:
        return np.asarray(dd(a, b))
    diff = a - b
    close = np.abs(diff) <= 1e-5 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    fw = f(w)
    D = (fw[:, None] - fw[None, :]) / np.where(close, 1.0, diff)
    return np.asarray(np.where(close, fprime((a + b) / 2), D))


@keeps_float32
def funm_sym(f: Function, X: Array) -> Array:
    """f(X) = V f(Λ) Vᵀ for a symmetric X (f applied to the eigenvalues).

    >>> funm_sym(np.sqrt, np.diag([4., 9.])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    X = real_matrix(X, "funm_sym", symmetric=True)
    w, V = np.linalg.eigh(X)
    return (V * f(w)) @ V.T


@keeps_float32
def frechet_sym(f: Function, fprime: Function, X: Array, E: Array,
                dd: Function | None = None) -> Array:
    """Daleckii–Krein: L_f(X, E) = V (D ∘ (Vᵀ E V)) Vᵀ for symmetric X = V diag(λ) Vᵀ, with
    the divided differences of :func:`divided_differences` (``dd``: a closed form).

    >>> frechet_sym(np.exp, np.exp, np.zeros((2, 2)), np.ones((2, 2))).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    X = real_matrix(X, "frechet_sym", symmetric=True)
    w, V = np.linalg.eigh(X)
    return V @ (divided_differences(f, fprime, w, dd) * (V.T @ E @ V)) @ V.T


def spd_eigh(X: Array, what: str, *, singular_ok: bool = False) -> tuple[Array, Array]:
    """Eigenvalues and eigenvectors of a symmetric X that must be positive definite
    (positive semidefinite with ``singular_ok``): DomainError naming the smallest eigenvalue
    otherwise. An eigenvalue within the rank tolerance of 0 counts as 0, whose sign the data
    do not determine (it is then set to 0 with ``singular_ok``, refused without).

    >>> spd_eigh(np.diag([4., 1.]), "f")[0].tolist()
    [1.0, 4.0]
    """
    X = real_matrix(X, what, symmetric=True)
    w, V = np.linalg.eigh(X)
    tol = rank_tolerance(X.shape, np.max(np.abs(w), initial=0.0))
    if w.size and (w[0] < -tol or (w[0] <= tol and not singular_ok)):
        kind = "semidefinite" if singular_ok else "definite"
        raise DomainError(f"{what}: X is not positive {kind}: eigenvalue {w[0]:.6g} (smallest"
                          f" of {X.shape[0]}; the rank tolerance is {tol:.1e})")
    return (np.maximum(w, 0.0) if singular_ok else w), V


@keeps_float32
def sqrtm_spd(X: Array) -> Array:
    """X^{1/2} for a symmetric positive semidefinite X (through eigh); DomainError naming a
    negative eigenvalue.

    >>> sqrtm_spd(np.diag([4., 9.])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    w, V = spd_eigh(X, "sqrtm_spd", singular_ok=True)
    return (V * np.sqrt(w)) @ V.T


@keeps_float32
def logm_spd(X: Array) -> Array:
    """log X for a symmetric positive definite X (through eigh); DomainError naming an
    eigenvalue <= 0 (the principal logarithm of a real matrix does not exist there).

    >>> logm_spd(np.eye(2)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    w, V = spd_eigh(X, "logm_spd")
    return (V * np.log(w)) @ V.T


@keeps_float32
def d_logm_spd(X: Array, dX: Array) -> Array:
    """Daleckii–Krein with f = log: the closed-form divided differences of log, 1/λ on the
    diagonal (and at ties).

    >>> d_logm_spd(np.diag([1., 2.]), np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 0.5]]
    """
    w, V = spd_eigh(X, "d_logm_spd")
    return V @ (DIVIDED["log"](w[:, None], w[None, :]) * (V.T @ dX @ V)) @ V.T


@keeps_float32
def invsqrtm_spd(X: Array) -> Array:
    """X^{−1/2} for a symmetric positive definite X (whitening); DomainError naming an
    eigenvalue <= 0.

    >>> invsqrtm_spd(np.diag([4., 16.])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    w, V = spd_eigh(X, "invsqrtm_spd")
    return (V / np.sqrt(w)) @ V.T


@keeps_float32
def d_invsqrtm_spd(X: Array, dX: Array) -> Array:
    """d(X^{−1/2}) by Daleckii–Krein with f(x) = x^{−1/2} (equal to
    −X^{−1/2} d(X^{1/2}) X^{−1/2}).

    >>> d_invsqrtm_spd(np.diag([4., 4.]), np.eye(2)).tolist()
    [[-0.0625, 0.0], [0.0, -0.0625]]
    """
    w, V = spd_eigh(X, "d_invsqrtm_spd")
    return V @ (DIVIDED["invsqrt"](w[:, None], w[None, :]) * (V.T @ dX @ V)) @ V.T


def _exp_eigh(X, what):
    X = real_matrix(X, what, symmetric=True)
    w, V = np.linalg.eigh(X)
    if w.size and w[-1] > np.log(np.finfo(np.float64).max):
        raise OverflowError(f"{what}: e^X overflows float64: X has the eigenvalue {w[-1]:.6g}"
                            f" > log(max float64) = 709.78")
    return w, V


@keeps_float32
def expm_sym(X: Array) -> Array:
    """e^X = V e^Λ Vᵀ for a symmetric X; OverflowError naming an eigenvalue above 709.78.

    >>> expm_sym(np.zeros((2, 2))).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    w, V = _exp_eigh(X, "expm_sym")
    return (V * np.exp(w)) @ V.T


@keeps_float32
def d_expm_sym(X: Array, dX: Array) -> Array:
    """Daleckii–Krein with f = exp: D_ij = (e^λ_i − e^λ_j)/(λ_i − λ_j), e^λ_i at a tie; the
    map is self-adjoint, so it is also the VJP on the symmetric matrices.

    >>> d_expm_sym(np.zeros((2, 2)), np.ones((2, 2))).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    w, V = _exp_eigh(X, "d_expm_sym")
    return V @ (DIVIDED["exp"](w[:, None], w[None, :]) * (V.T @ dX @ V)) @ V.T


# --- the claims of this module (matcalc.registry) -----------------------------------------

CLAIMS = register_all(SECTION, (
    Claim(name="matrix function of a symmetric matrix, reverse mode", kind="vjp",
          latex=r"\exp(X)", result=r"\operatorname{sym}\bigl(V(D\had V^\T\bar G\,V)V^\T\bigr)",
          shapes={"X": "nn"},
          wrt="X", kinds={"X": "symmetric"}, point=points("symmetric", "X"), seeds=SEEDS,
          conditions=r"$X$ symmetric; $D$ the divided differences of $\exp$ ($e^\lambda$ at a "
                     r"tie)",
          note="Daleckii–Krein: the map is self-adjoint, so it is its own reverse mode; "
               "exact at repeated eigenvalues",
          function=expm_sym, claim=lambda X, G: symmetric_part(d_expm_sym(X, G)),
          wrong=lambda X, G: expm_sym(X) @ G,
          mistake="e^X Ḡ, the scalar rule"),
))
