"""Hard cases for the checker, one family per way a numerical derivative can go wrong.

Each family is a function ``family(seed) -> Case`` drawing a fresh point; a ``Case`` holds the
function, its correct gradient, the point and the keyword arguments the check needs (such as
``project`` for functions that read only the lower triangle of a symmetric matrix). Used by
tests/test_checker_hard.py (3 seeds) and benchmarks/sweep_hard_cases.py (>= 100 seeds).
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    f: object
    grad: object
    X: np.ndarray
    kwargs: dict = field(default_factory=dict)
    analytic: bool = True  # is numpy's implementation complex-analytic?


def sym(V):
    return (V + V.T) / 2


def _rng(seed, salt):
    return np.random.default_rng([int(seed), salt])


def spd(n, smallest, rng):
    """A random SPD matrix with eigenvalues from 1 down to ``smallest``."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(np.logspace(0, np.log10(smallest), n)) @ Q.T


def with_condition(n, cond, rng):
    """A random n x n matrix with condition number ``cond``."""
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return U @ np.diag(np.logspace(0, -np.log10(cond), n)) @ V.T


# --- zero gradients computed with rounding ---------------------------------------------------

def similarity_invariant(seed):
    rng = _rng(seed, 1)
    X, A = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    return Case("tr(X^-1 A X) - tr(A)",
                lambda X: np.trace(np.linalg.solve(X, A @ X)) - np.trace(A),
                np.zeros_like, X)


def logdet_gram_invariant(seed):
    rng = _rng(seed, 2)
    X = rng.standard_normal((4, 4))
    return Case("logdet(X X^T) - 2 log|det X|",
                lambda X: np.linalg.slogdet(X @ X.T)[1] - 2 * np.linalg.slogdet(X)[1],
                np.zeros_like, X, analytic=False)


def similarity_nonzero(seed):
    """tr(X^-1 A X B): the same scale as the first invariant, with a nonzero gradient."""
    rng = _rng(seed, 3)
    X, A, B = (rng.standard_normal((4, 4)) for _ in range(3))
    inv = np.linalg.inv

    def grad(X):
        Xi = inv(X)
        return -(Xi @ A @ X @ B @ Xi).T + (B @ Xi @ A).T
    return Case("tr(X^-1 A X B)", lambda X: np.trace(inv(X) @ A @ X @ B), grad, X)


# --- functions numpy does not compute complex-analytically ------------------------------------

def eigh_top(seed):
    rng = _rng(seed, 4)
    S = sym(rng.standard_normal((5, 5)))

    def grad(S):
        u = np.linalg.eigh(S)[1][:, -1]
        return np.outer(u, u)
    return Case("largest eigenvalue (eigh)", lambda S: np.linalg.eigh(S)[0][-1], grad, S,
                {"project": sym}, analytic=False)


def eigh_vector(seed):
    """c^T v for the top eigenvector v (LAPACK's sign), whose sign may flip at coarse steps."""
    rng = _rng(seed, 5)
    S = sym(rng.standard_normal((5, 5)))
    c = rng.standard_normal(5)

    def grad(S):
        w, U = np.linalg.eigh(S)
        P = np.linalg.pinv(w[-1] * np.eye(5) - S, rcond=1e-10)
        return np.outer(P @ c, U[:, -1])
    return Case("eigenvector c^T v (eigh)", lambda S: c @ np.linalg.eigh(S)[1][:, -1], grad, S,
                {"project": sym}, analytic=False)


def svd_top(seed):
    rng = _rng(seed, 6)
    X = rng.standard_normal((4, 6))

    def grad(X):
        U, _, Vt = np.linalg.svd(X)
        return np.outer(U[:, 0], Vt[0])
    return Case("largest singular value (svd)", lambda X: np.linalg.svd(X)[1][0], grad, X,
                analytic=False)


def cholesky_logdet(seed):
    """log det(X X^T + I) through the Cholesky factor (complex input: Hermitian, not analytic)."""
    rng = _rng(seed, 7)
    X = rng.standard_normal((4, 3))
    eye = np.eye(4)
    return Case("2 sum log diag chol(X X^T + I)",
                lambda X: 2 * np.sum(np.log(np.diag(np.linalg.cholesky(X @ X.T + eye)))),
                lambda X: 2 * np.linalg.solve(X @ X.T + eye, X), X, analytic=False)


def cholesky_near_boundary(seed):
    """sum log diag chol(S) at an SPD S with smallest eigenvalue 1e-3: coarse steps leave the
    SPD region and cholesky raises LinAlgError. Cholesky reads the lower triangle only."""
    rng = _rng(seed, 8)
    S = spd(5, 1e-3, rng)

    def grad(S):
        M = np.linalg.inv(S)
        return np.tril(M, -1) + np.diag(np.diag(M)) / 2
    return Case("sum log diag chol(S), S near singular",
                lambda S: np.sum(np.log(np.diag(np.linalg.cholesky(S)))), grad, S,
                analytic=False)


def frobenius_norm(seed):
    X = _rng(seed, 9).standard_normal((3, 4))
    return Case("Frobenius norm", np.linalg.norm, lambda X: X / np.linalg.norm(X), X,
                analytic=False)


def abs_cubed(seed):
    X = _rng(seed, 10).standard_normal((3, 4))
    return Case("sum |X|^3", lambda X: np.sum(np.abs(X) ** 3), lambda X: 3 * np.abs(X) * X, X,
                analytic=False)


def sort_weighted(seed):
    rng = _rng(seed, 11)
    X, w = rng.standard_normal((3, 4)), rng.standard_normal(12)

    def grad(X):
        G = np.empty(X.size)
        G[np.argsort(X, axis=None)] = w
        return G.reshape(X.shape)
    return Case("w . sort(X)", lambda X: w @ np.sort(X, axis=None), grad, X)


def max_entry(seed):
    rng = _rng(seed, 12)
    X, A = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))

    def grad(X):
        Y = X @ A
        i, j = np.unravel_index(np.argmax(Y), Y.shape)
        G = np.zeros_like(X)
        G[i] = A[:, j]
        return G
    return Case("max of X A", lambda X: np.max(X @ A), grad, X)


def where_piecewise(seed):
    X = _rng(seed, 13).standard_normal((3, 4))
    X = X + 0.1 * np.sign(X)
    return Case("where(X > 0, X^2, -X)",
                lambda X: np.sum(np.where(X.real > 0, X ** 2, -X)),
                lambda X: np.where(X > 0, 2 * X, -1.0), X)


def conjugate(seed):
    X = _rng(seed, 14).standard_normal((3, 4))
    return Case("sum X conj(X)", lambda X: np.sum(X * np.conj(X)), lambda X: 2 * X, X,
                analytic=False)


# --- ill-conditioned and near-singular points -------------------------------------------------

def slogdet_near_singular(seed):
    """log|det S| at an SPD S with smallest eigenvalue 7.7e-6: coarse steps cross det = 0."""
    rng = _rng(seed, 15)
    S = spd(5, 7.7e-6, rng)
    return Case("slogdet, SPD with smallest eigenvalue 7.7e-6",
                lambda S: np.linalg.slogdet(S)[1], lambda S: np.linalg.inv(S).T, S,
                analytic=False)


def sqrtm_trace(seed):
    """tr(C sqrtm(S)) at an SPD S; scipy's sqrtm is not complex-analytic as computed."""
    from scipy.linalg import solve_continuous_lyapunov, sqrtm
    rng = _rng(seed, 16)
    S, C = spd(4, 1e-1, rng), rng.standard_normal((4, 4))

    def grad(S):
        R = np.real(sqrtm(S))
        # d tr(C R) with R dR + dR R = dS: tr(C dR) = tr(K dS), K solving R K + K R = C.
        return solve_continuous_lyapunov(R, C).T
    return Case("tr(C sqrtm(S))", lambda S: np.trace(C @ np.real(sqrtm(S))), grad, S,
                {"project": sym}, analytic=False)


def mvn_logpdf(seed):
    """scipy.stats.multivariate_normal.logpdf as a function of the covariance."""
    from scipy.stats import multivariate_normal
    rng = _rng(seed, 17)
    S = spd(4, 1e-2, rng)
    x = rng.standard_normal(4)

    def grad(S):
        Si = np.linalg.inv(S)
        a = Si @ x
        return -0.5 * Si + 0.5 * np.outer(a, a)
    return Case("multivariate normal logpdf(x; 0, S)",
                lambda S: multivariate_normal.logpdf(x, np.zeros(4), S), grad, S,
                {"project": sym}, analytic=False)


ZERO = [similarity_invariant, logdet_gram_invariant]
NON_ANALYTIC = [eigh_top, eigh_vector, svd_top, cholesky_logdet, frobenius_norm, abs_cubed,
                sort_weighted, max_entry, where_piecewise, conjugate]
SWEEP = [cholesky_near_boundary, cholesky_logdet, eigh_top, eigh_vector,
         slogdet_near_singular, sqrtm_trace, mvn_logpdf]
