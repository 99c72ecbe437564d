"""JAX as an independent oracle for the decomposition rules: ``jax.jvp`` of jax.numpy.linalg
(eigh, eigvals, svd, cholesky, qr, pinv, solve) and jax.scipy.linalg (expm, polar) at
float64 against our differentials, with the sign conventions aligned; our reverse-mode forms
against jax's derivative through the adjoint identity G : jvp(dA) = vjp(G) : dA. Evidence
from a second implementation, not a proof.

Each decomposition is one compiled jax program (compiling dominates the cost); it is reused
for every seed, as the shapes do not change.
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 "
                                   "--xla_llvm_disable_expensive_passes=true")

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
from matcalc.backend import relative_difference
from matcalc.decompositions import eigen, matfun, qr, sample, svd, symmetric_part
from matcalc.registry import get
from matcalc.decompositions import cholesky as chol
from matcalc.decompositions import solve as slv

jax.config.update("jax_enable_x64", True)

TOL = 1e-9
SEEDS = (0, 1)


def _signs(V):
    V = np.asarray(V)
    return np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])


def _direction(shape, seed, symmetric=False):
    D = np.random.default_rng([seed, 7]).standard_normal(shape)
    return symmetric_part(D) if symmetric else D


def _cotangent(shape, seed):
    return np.random.default_rng([seed, 8]).standard_normal(shape)


def _jvp(f):
    """A compiled ``(A, dA, *consts) -> jvp of f(A, *consts) along dA``."""
    return jax.jit(lambda A, dA, *c: jax.jvp(lambda X: f(X, *c), (A,), (dA,))[1])


def _close(ours, theirs, what):
    err = relative_difference(np.asarray(ours), np.asarray(theirs))
    assert err < TOL, f"{what}: relative difference {err:.1e} from jax"


def _adjoint(vjp_value, dA, G, jvp_value, what):
    _close(np.sum(vjp_value * dA), np.sum(G * np.asarray(jvp_value)), what)


def test_symmetric_eigenproblem():
    def f(X, s):
        w, V = jnp.linalg.eigh(X, symmetrize_input=True)
        return w, V * s, V[:, 2:] @ V[:, 2:].T
    deriv = _jvp(f)
    for seed in SEEDS:
        A, dA = sample("symmetric", 4, seed), _direction((4, 4), seed, True)
        s = _signs(np.linalg.eigh(A)[1])
        dw, dV, dP = deriv(A, dA, s)
        _close(eigen.d_eigenvalues(A, dA), dw, "dλ")
        _close(eigen.d_eigenvectors(A, dA), dV, "dV")
        _close(eigen.d_eigenprojector(A, 2, dA), dP, "dP")
        Gw, GV = _cotangent(4, seed), _cotangent((4, 4), seed)
        _adjoint(eigen.eigenvalues_vjp(A, Gw), dA, Gw, dw, "eigenvalues, reverse")
        _adjoint(eigen.eigenvectors_vjp(A, GV), dA, GV, dV, "eigenvectors, reverse")


def test_nonsymmetric_eigenvalues():
    deriv = _jvp(lambda X: jnp.sort(jnp.real(jnp.linalg.eigvals(X))))
    for seed in SEEDS:
        A, dA = sample("real spectrum", 4, seed), _direction((4, 4), seed)
        dw = deriv(A, dA)
        _close(eigen.d_eigenvalues_real(A, dA), dw, "dλ (non-symmetric)")
        G = _cotangent(4, seed)
        _adjoint(eigen.eigenvalues_real_vjp(A, G), dA, G, dw, "λ non-symmetric, reverse")


def test_svd():
    def f(X, s):
        U, sig, Vt = jnp.linalg.svd(X, full_matrices=False)
        return sig, U * s, Vt.T * s
    deriv = _jvp(f)
    for seed in SEEDS:
        A, dA = sample("tall", 3, seed), _direction((5, 3), seed)
        s = _signs(np.linalg.svd(A)[2].T)
        ds, dU, dV = deriv(A, dA, s)
        _close(svd.d_singular_values(A, dA), ds, "dσ")
        _close(svd.d_left_singular_vectors(A, dA), dU, "dU")
        _close(svd.d_right_singular_vectors(A, dA), dV, "dV")
        Gs, GU, GV = _cotangent(3, seed), _cotangent((5, 3), seed), _cotangent((3, 3), seed)
        _adjoint(svd.singular_values_vjp(A, Gs), dA, Gs, ds, "σ, reverse")
        _adjoint(svd.left_singular_vectors_vjp(A, GU), dA, GU, dU, "U, reverse")
        _adjoint(svd.right_singular_vectors_vjp(A, GV), dA, GV, dV, "V, reverse")


def test_cholesky_and_logdet():
    def f(X):
        L = jnp.linalg.cholesky(X)
        return L, 2 * jnp.sum(jnp.log(jnp.diag(L)))
    deriv = _jvp(f)
    for seed in SEEDS:
        A, dA = sample("spd", 4, seed), _direction((4, 4), seed, True)
        dL, dlogdet = deriv(A, dA)
        _close(chol.d_cholesky(A, dA), dL, "dL")
        G = np.tril(_cotangent((4, 4), seed))
        _adjoint(chol.cholesky_vjp(A, G), dA, G, dL, "Cholesky, reverse")
        _adjoint(get("log det through Cholesky").claim(A), dA, 1.0, dlogdet, "∇ log det")


def test_qr_and_polar():
    def f(X, s):
        Q, R = jnp.linalg.qr(X, mode="reduced")
        return Q * s, R * s[:, None], jsl.polar(X, method="svd")[0]
    deriv = _jvp(f)
    for seed in SEEDS:
        A, dA = sample("tall", 3, seed), _direction((5, 3), seed)
        s = np.sign(np.diag(np.linalg.qr(A)[1]))
        dQ, dR, dU = deriv(A, dA, s)
        _close(qr.d_qr_q(A, dA), dQ, "dQ")
        _close(qr.d_qr_r(A, dA), dR, "dR")
        _close(qr.d_polar_u(A, dA), dU, "d polar U")


def test_matrix_functions():
    expm_jvp = _jvp(lambda X: jsl.expm(X))

    def spectral(P):
        w, V = jnp.linalg.eigh(P, symmetrize_input=True)
        return tuple((V * g(w)) @ V.T for g in (jnp.log, jnp.sqrt, lambda w: w ** -0.5))
    spd_jvp = _jvp(spectral)
    for seed in SEEDS:
        X, E = 0.7 * sample("general", 4, seed), _direction((4, 4), seed)
        L = expm_jvp(X, E)
        _close(matfun.expm_frechet(X, E), L, "L(X, E)")
        G = _cotangent((4, 4), seed)
        _adjoint(get("matrix exponential, reverse mode").claim(X, G), E, G, L, "exp, reverse")
        P, dP = sample("spd", 4, seed), _direction((4, 4), seed, True)
        dlog, dsqrt, dinvsqrt = spd_jvp(P, dP)
        _close(matfun.d_logm_spd(P, dP), dlog, "d log")
        _close(matfun.d_sqrtm(P, dP), dsqrt, "d X^1/2 (Sylvester)")
        _close(matfun.d_invsqrtm_spd(P, dP), dinvsqrt, "d X^-1/2")


def test_pinv_and_solve():
    pinv_jvp = _jvp(jnp.linalg.pinv)
    solve_jvp = _jvp(lambda X, B: jnp.linalg.solve(X, B))
    for seed in SEEDS:
        A, dA = sample("tall", 3, seed), _direction((5, 3), seed)
        _close(slv.d_pinv(A, dA), pinv_jvp(A, dA), "dA⁺")
        M, dM = sample("general", 4, seed), _direction((4, 4), seed)
        B, G = _cotangent((4, 2), seed), _cotangent((4, 2), seed + 10)
        dX = solve_jvp(M, dM, B)
        _close(slv.d_solve_a(M, B, dM), dX, "d(A⁻¹B)")
        _adjoint(slv.solve_vjp_a(M, B, G), dM, G, dX, "solve, reverse")


def test_jax_at_a_tie_is_wrong_where_the_spectral_rules_are_right():
    """At a repeated eigenvalue JAX differentiates e^X = V e^Λ Vᵀ (and Σσ = tr(Uᵀ A V))
    through the eigenvectors (singular vectors), whose derivative does not exist there: it
    returns NaN at an exact tie and a wrong number at a tie to rounding. The
    Daleckii–Krein and Lewis rules are right at both, against mpmath at 50 digits. So at
    a tie JAX is not the oracle; this test records that it is wrong there."""
    import stress_decompositions as SD
    from matcalc.decompositions import spectral, symfun

    def jax_exp(X):
        w, V = jnp.linalg.eigh(X, symmetrize_input=True)
        return (V * jnp.exp(w)) @ V.T

    def jax_nuclear(A):
        U, _, Vt = jnp.linalg.svd(A, full_matrices=False)
        return jnp.trace(U.T @ A @ Vt.T)
    exp_jvp, nuclear_jvp = _jvp(jax_exp), _jvp(jax_nuclear)
    exact = SD.EXACT["symmetric tie"]                                # eigenvalues 1, 3, 3
    rounded = symmetric_part(sample("symmetric", 3, 0, spectrum=[1.0, 3.0, 3.0]))
    for X, jax_finite in ((exact, False), (rounded, True)):
        dX = _direction((3, 3), 0, symmetric=True)
        ref = SD.reference(get("matrix function of a symmetric matrix"), {"X": X}, dX)
        ref = ref["derivative"]
        ours = relative_difference(symfun.d_expm_sym(X, dX), ref)
        theirs = np.asarray(exp_jvp(X, dX))
        assert ours < 1e-13, f"Daleckii–Krein at a tie: {ours:.1e} from mpmath"
        assert np.all(np.isfinite(theirs)) == jax_finite
        if jax_finite:
            assert relative_difference(theirs, ref) > 1e-4, "JAX is no longer wrong at a tie"
    Q5, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))
    tall_tie = 2.0 * Q5                                               # σ = 2, 2, 2
    dA = _direction((5, 3), 0)
    ref = SD.reference(get("nuclear norm, ties included"), {"A": tall_tie}, dA)["derivative"]
    assert abs(np.sum(spectral.nuclear_norm_grad(tall_tie) * dA) - ref) < 1e-13 * abs(ref)
    assert not np.isfinite(nuclear_jvp(tall_tie, dA)), "JAX is no longer NaN at a tie"
