"""Matrix functions and their Fréchet derivatives (Higham 2008).

* ``exp``: L(X, E) = ∫₀¹ e^{sX} E e^{(1−s)X} ds, computed exactly by the block-triangular
  identity exp([[X, E], [0, X]]) = [[e^X, L(X, E)], [0, e^X]].
* Symmetric X = V diag(λ) Vᵀ and any smooth f (Daleckii–Krein):
  L_f(X, E) = V (D ∘ (Vᵀ E V)) Vᵀ, D_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), D_ii = f′(λ_i).
* sqrt: S = X^{1/2} satisfies S dS + dS S = dX, a Sylvester equation for dS.
* tr f(X) for f given by a power series: d tr f(X) = tr(f′(X) dX), so ∇ tr f(X) = f′(X)ᵀ.

Everything here is written with numpy only. :func:`expm` and :func:`sqrtm` are built from
products, sums and solves, so they also accept complex arguments (the complex step works
through them). At the edges: e^X that overflows float64 raises OverflowError; a matrix with
an eigenvalue on the closed negative real axis has no principal square root (the branch cut
of √), and :func:`sqrtm` raises :class:`~matcalc.decompositions.DomainError` naming it. The
functions of a symmetric matrix (Daleckii–Krein) live in
:mod:`matcalc.decompositions.symfun` and are re-exported here.
"""

import numpy as np

from ..claim import Claim
from ..registry import register_all
from ._validate import DomainError, keeps_float32
from .points import SECTION, SEEDS, points
from .symfun import (
    d_expm_sym,
    d_invsqrtm_spd,
    d_logm_spd,
    divided_differences,
    frechet_sym,
    funm_sym,
    invsqrtm_spd,
    logm_spd,
    sqrtm_spd,
)
from ..types import Array

__all__ = ["CLAIMS", "expm", "expm_frechet", "expm_frechet_quadrature", "sinm", "cosm", "funm_sym",
           "frechet_sym", "sqrtm", "solve_sylvester", "d_sqrtm", "logm_spd", "d_logm_spd",
           "sqrtm_spd", "invsqrtm_spd", "d_invsqrtm_spd", "divided_differences"]


def _square(X, what):
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != X.shape[1]:
        raise ValueError(f"{what} needs a square matrix, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{what}: the matrix of shape {X.shape} has NaN or inf entries")
    return X if np.iscomplexobj(X) else X.astype(float)


@keeps_float32
def expm(X: Array) -> Array:
    """The matrix exponential by scaling and squaring with a degree-18 Taylor polynomial
    (accurate to rounding for the moderate norms used here; works for complex X).
    OverflowError if e^X does not fit in float64.

    >>> expm(np.array([[0., 1.], [0., 0.]])).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    X = _square(X, "expm")
    norm = float(np.max(np.sum(np.abs(X), axis=0), initial=0.0))
    s = max(0, int(np.ceil(np.log2(norm / 0.25))) if norm > 0.25 else 0)
    Y = X / 2 ** s
    term = np.eye(X.shape[0], dtype=X.dtype)
    out = term.copy()
    for k in range(1, 19):
        term = term @ Y / k
        out = out + term
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for _ in range(s):
            out = out @ out
    if not np.all(np.isfinite(out)):
        top = float(np.max(np.linalg.eigvals(X).real))
        raise OverflowError(f"expm: e^X overflows float64 (X of shape {X.shape} has 1-norm "
                            f"{norm:.3g} and an eigenvalue of real part {top:.6g}; "
                            f"log(max float64) = 709.78)")
    return out


@keeps_float32
def expm_frechet(X: Array, E: Array) -> Array:
    """L(X, E), the Fréchet derivative of exp at X in the direction E, as the upper-right
    block of exp([[X, E], [0, X]]).

    >>> expm_frechet(np.zeros((2, 2)), np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    X, E = _square(X, "expm_frechet"), _square(E, "expm_frechet")
    if X.shape != E.shape:
        raise ValueError(f"expm_frechet: X has shape {X.shape}, E has shape {E.shape}")
    n = X.shape[0]
    dtype = np.result_type(X, E)
    B = np.zeros((2 * n, 2 * n), dtype=dtype)
    B[:n, :n], B[n:, n:], B[:n, n:] = X, X, E
    return expm(B)[:n, n:]


def expm_frechet_quadrature(X: Array, E: Array, nodes: int = 12) -> Array:
    """The integral ∫₀¹ e^{sX} E e^{(1−s)X} ds by Gauss–Legendre quadrature (an
    independent way to evaluate L(X, E)).

    >>> X = np.diag([1., 2.])
    >>> bool(np.allclose(expm_frechet_quadrature(X, np.eye(2)), expm(X)))
    True
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    s, w = (t + 1) / 2, w / 2
    return sum(wi * expm(si * X) @ E @ expm((1 - si) * X) for si, wi in zip(s, w))


@keeps_float32
def sinm(X: Array) -> Array:
    """sin X = (e^{iX} − e^{−iX}) / 2i (real for real X).

    >>> bool(np.allclose(sinm(np.diag([1., 2.])), np.diag(np.sin([1., 2.]))))
    True
    """
    X = _square(X, "sinm")
    out = (expm(1j * X) - expm(-1j * X)) / 2j
    return out if np.iscomplexobj(X) else out.real


@keeps_float32
def cosm(X: Array) -> Array:
    """cos X = (e^{iX} + e^{−iX}) / 2 (real for real X).

    >>> bool(np.allclose(cosm(np.diag([1., 2.])), np.diag(np.cos([1., 2.]))))
    True
    """
    X = _square(X, "cosm")
    out = (expm(1j * X) + expm(-1j * X)) / 2
    return out if np.iscomplexobj(X) else out.real


def _principal_domain(X, what):
    """DomainError naming an eigenvalue of X on the closed negative real axis (where the
    principal square root and logarithm do not exist, or are not differentiable at 0)."""
    w = np.linalg.eigvals(X)
    scale = float(np.max(np.abs(w), initial=0.0))
    tol = max(X.shape) * float(np.finfo(np.float64).eps) * scale
    on_cut = (np.abs(w.imag) <= tol) & (w.real <= tol)
    if np.any(on_cut) or scale == 0:
        bad = w[on_cut][0] if np.any(on_cut) else 0.0
        raise DomainError(f"{what}: X has the eigenvalue {complex(bad).real:.6g} on the closed "
                          f"negative real axis (within {tol:.1e}), the branch cut: X has no "
                          f"principal square root there (none at all that is real, for a "
                          f"negative eigenvalue of odd multiplicity), and at 0 it is not "
                          f"differentiable")


@keeps_float32
def sqrtm(X: Array, iterations: int = 60) -> Array:
    """The principal square root by the product form of the Denman–Beavers iteration (works
    for complex X). DomainError naming an eigenvalue on the closed negative real axis;
    RuntimeError if the iteration does not reach a residual ‖S² − X‖ <= 1e-8 ‖X‖.

    >>> sqrtm(np.array([[4., 1.], [0., 9.]])).round(12).tolist()
    [[2.0, 0.2], [0.0, 3.0]]
    """
    X = _square(X, "sqrtm")
    _principal_domain(X, "sqrtm")
    n = X.shape[0]
    M, Y = X.copy(), X.copy()
    eye = np.eye(n)
    for _ in range(iterations):
        Mi = np.linalg.inv(M)
        Y = Y @ (eye + Mi) / 2
        M = (eye + (M + Mi) / 2) / 2
        if np.max(np.abs(M - eye)) < 1e-15:
            break
    residual = float(np.linalg.norm(Y @ Y - X) / np.linalg.norm(X))
    if not residual <= 1e-8:
        raise RuntimeError(f"sqrtm: the Denman–Beavers iteration did not converge for X of "
                           f"shape {X.shape} (relative residual ‖S² − X‖/‖X‖ = {residual:.1e} "
                           f"after {iterations} steps)")
    return Y


def solve_sylvester(A: Array, B: Array, C: Array) -> Array:
    """The solution Y of A Y + Y B = C, through vec: (I ⊗ A + Bᵀ ⊗ I) vec Y = vec C (small n).

    >>> solve_sylvester(np.diag([1., 2.]), np.diag([1., 2.]), np.ones((2, 2))).tolist()
    [[0.5, 0.3333333333333333], [0.3333333333333333, 0.25]]
    """
    n, m = A.shape[0], B.shape[0]
    K = np.kron(np.eye(m), A) + np.kron(B.T, np.eye(n))
    return np.linalg.solve(K, C.reshape(-1, order="F")).reshape((n, m), order="F")


@keeps_float32
def d_sqrtm(X: Array, dX: Array) -> Array:
    """d(X^{1/2}) = dS solving S dS + dS S = dX, S = X^{1/2}.

    >>> d_sqrtm(np.diag([4., 9.]), np.eye(2)).round(12).tolist()
    [[0.25, 0.0], [0.0, 0.166666666667]]
    """
    S = sqrtm(X)
    return solve_sylvester(S, S, dX)


# --- the claims of this module (matcalc.registry) -------------------------------------------

_GENERAL = points("general", "X")
CLAIMS = register_all(SECTION, (
    Claim(name="matrix exponential", kind="differential", latex=r"e^X",
          result=r"\int_0^1 e^{sX}\,\d X\,e^{(1-s)X}\,ds", shapes={"X": "nn"}, point=_GENERAL,
          seeds=SEEDS,
          alias=r"\exp\begin{bmatrix}X & \d X\\ 0 & X\end{bmatrix} "
                r"= \begin{bmatrix}e^X & L(X, \d X)\\ 0 & e^X\end{bmatrix}",
          function=expm, claim=lambda X, dX: expm_frechet(X, dX),
          wrong=lambda X, dX: expm(X) @ dX,
          mistake="e^X dX, the scalar rule"),
    Claim(name="matrix exponential, reverse mode", kind="vjp", latex=r"e^X",
          result=r"L(X^\T, \bar G)", shapes={"X": "nn"}, point=_GENERAL, seeds=SEEDS,
          note="the adjoint of the Fréchet derivative at $X$ is the Fréchet derivative at "
               "$X^\\T$",
          function=expm, claim=lambda X, G: expm_frechet(X.T, G),
          wrong=lambda X, G: expm_frechet(X, G), mistake="L(X, Ḡ), the transpose of X lost"),
    Claim(name="matrix function of a symmetric matrix", kind="differential",
          latex=r"\exp(X)", result=r"V(D\had V^\T\d X\,V)V^\T", shapes={"X": "nn"},
          kinds={"X": "symmetric"}, point=points("symmetric", "X"), seeds=SEEDS,
          conditions=r"$X = V\operatorname{diag}(\lambda)V^\T$; $D_{ij} = (f(\lambda_i) - "
                     r"f(\lambda_j))/(\lambda_i - \lambda_j)$, $D_{ii} = f'(\lambda_i)$",
          note="Daleckii–Krein, shown for $f = \\exp$; exact at repeated eigenvalues",
          function=expm, claim=lambda X, dX: d_expm_sym(X, (dX + dX.T) / 2),
          wrong=lambda X, dX: expm(X) @ dX, mistake="e^X dX, the scalar rule"),
    Claim(name="matrix square root", kind="differential", latex=r"X^{1/2}",
          result=r"\d S", shapes={"X": "nn"}, point=points("real spectrum", "X"), seeds=SEEDS,
          conditions="eigenvalues of $X$ off the closed negative real axis",
          note=r"where $X^{1/2}\d S + \d S\,X^{1/2} = \d X$", function=sqrtm, claim=d_sqrtm,
          wrong=lambda X, dX: np.linalg.solve(sqrtm(X), dX) / 2,
          mistake="X^{-1/2} dX / 2, the scalar rule"),
    Claim(name="matrix logarithm", kind="differential", latex=r"\log X",
          result=r"V(D\had V^\T\d X\,V)V^\T", shapes={"X": "nn"}, kinds={"X": "spd"},
          point=points("spd", "X"), seeds=SEEDS,
          conditions=r"$X$ symmetric positive definite; $D$ the divided differences of "
                     r"$\log$",
          function=logm_spd, claim=lambda X, dX: d_logm_spd(X, (dX + dX.T) / 2),
          wrong=lambda X, dX: np.linalg.solve(X, dX), mistake="X⁻¹ dX, the scalar rule"),
    Claim(name="inverse square root", kind="differential", latex=r"X^{-1/2}",
          result=r"-X^{-1/2}\,\d(X^{1/2})\,X^{-1/2}", shapes={"X": "nn"},
          kinds={"X": "spd"}, point=points("spd", "X"), seeds=SEEDS,
          conditions="$X$ symmetric positive definite", alias=r"V(D\had V^\T\d X\,V)V^\T",
          function=invsqrtm_spd, claim=lambda X, dX: d_invsqrtm_spd(X, (dX + dX.T) / 2),
          wrong=lambda X, dX: -invsqrtm_spd(X) @ np.linalg.solve(X, dX) / 2,
          mistake="−X^{−3/2} dX / 2, the scalar rule"),
    Claim(name="tr sin X", kind="gradient", cookbook="128", latex=r"\tr\sin X",
          result=r"(\cos X)^\T", shapes={"X": "nn"}, point=_GENERAL, seeds=SEEDS,
          note="the case $f = \\sin$ of $\\nabla\\tr f(X) = f'(X)^\\T$",
          function=lambda X: np.trace(sinm(X)), claim=lambda X: cosm(X).T,
          wrong=lambda X: cosm(X), mistake="cos X without the transpose"),
    Claim(name="tr exp X", kind="gradient", latex=r"\tr e^X", result=r"(e^X)^\T",
          shapes={"X": "nn"}, point=_GENERAL, seeds=SEEDS,
          note="$\\nabla\\tr f(X) = f'(X)^\\T$ for any power series $f$",
          function=lambda X: np.trace(expm(X)), claim=lambda X: expm(X).T,
          wrong=lambda X: expm(X), mistake="e^X without the transpose"),
))
