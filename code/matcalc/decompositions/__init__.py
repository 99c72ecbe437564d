"""Derivatives of decompositions and matrix functions, as checked rules.

:data:`RULES` maps a name to a :class:`~matcalc.decompositions.Rule`: the forward
function, its differential, the reverse-mode form where there is one, and a deliberately
wrong variant. :func:`~matcalc.decompositions.check_rule` checks a rule with the book's
checker at several sizes and seeds.

>>> sorted(RULES)[:3]
['cholesky', 'eigenprojector', 'eigenvalues']
>>> check_rule(RULES["expm"], sizes=(3,), seeds=(0,)).passed
True
"""

import numpy as np

from . import cholesky as _chol
from . import eigen, matfun, qr, solve, svd
from ._validate import TieError
from .rule import Rule, RuleReport, check_rule, sample, symmetric_part

__all__ = ["RULES", "Rule", "RuleReport", "TieError", "check_rule", "sample", "symmetric_part", "rules"]


def _sampler(kind):
    def draw(n, seed):
        return sample(kind, n, seed)
    return draw


def _fixed_rhs(n):
    return np.arange(2.0 * n).reshape(n, 2) / n - 0.5


def _eigen_rules():
    def wrong_vectors(A, dA):  # 1/(λ_i − λ_j): the gap the wrong way round
        w, V = eigen.eigh(A)
        return V @ (-eigen.gap_matrix(w) * (V.T @ dA @ V))

    def projector_one_sided(A, dA):  # dV E Vᵀ without its transpose V E dVᵀ
        w, V = eigen.eigh(A)
        E = np.diag((np.arange(len(w)) >= len(w) - 2).astype(float))
        return V @ (eigen.gap_matrix(w) * (V.T @ dA @ V)) @ E @ V.T

    def wrong_nonsymmetric(A, dA):  # the symmetric formula with right eigenvectors only
        _, V = eigen.eig_real(A, strict=True)
        return np.einsum("ji,jk,ki->i", V, dA, V) / np.einsum("ji,ji->i", V, V)

    return [
        Rule("eigenvalues", r"\d\lambda_i = v_i^\T\,\d A\,v_i", eigen.eigenvalues,
             eigen.d_eigenvalues, eigen.eigenvalues_vjp, lambda A, dA: np.diag(dA).copy(),
             "the diagonal of dA, forgetting the eigenbasis", "symmetric",
             _sampler("symmetric")),
        Rule("eigenvectors", r"\d V = V\bigl(F\had(V^\T\d A\,V)\bigr)", eigen.eigenvectors,
             eigen.d_eigenvectors, eigen.eigenvectors_vjp, wrong_vectors,
             "F_ij = 1/(λ_i − λ_j), the gap the wrong way round", "symmetric",
             _sampler("symmetric")),
        Rule("eigenprojector", r"\d P = V(K\had V^\T\d A\,V)V^\T",
             lambda A: eigen.eigenprojector(A, 2),
             lambda A, dA: eigen.d_eigenprojector(A, 2, dA), None, projector_one_sided,
             "dV E Vᵀ without its transpose", "symmetric", _sampler("symmetric"),
             note="projector onto the eigenvectors of the 2 largest eigenvalues"),
        Rule("eigenvalues (non-symmetric)", r"\d\lambda_i = u_i^\T\d A\,v_i / u_i^\T v_i",
             eigen.eigenvalues_real, eigen.d_eigenvalues_real, eigen.eigenvalues_real_vjp,
             wrong_nonsymmetric, "right eigenvectors in place of the left ones",
             "real spectrum", _sampler("real spectrum")),
    ]


def _svd_rules():
    def squares(A, dA):  # d(σ²) = vᵀ d(AᵀA) v, not dσ
        _, _, V = svd.svd(A)
        return np.einsum("ji,jk,ki->i", V, dA.T @ A + A.T @ dA, V)

    def right_untransposed(A, dA):
        _, s, V, P, F = svd.svd_parts(A, dA)
        return V @ (F * (s[:, None] * P + P * s[None, :]))

    def left_square_only(A, dA):  # the thin-SVD term (I − UUᵀ) dA V S⁻¹ forgotten
        U, s, V, P, F = svd.svd_parts(A, dA)
        return U @ (F * (P * s[None, :] + s[:, None] * P.T))

    tall = _sampler("tall")
    return [
        Rule("singular values", r"\d\sigma_i = u_i^\T\d A\,v_i", svd.singular_values,
             svd.d_singular_values, svd.singular_values_vjp, squares,
             "d(σ²) = vᵀ d(AᵀA) v in place of dσ", "tall", tall),
        Rule("right singular vectors", r"\d V = V\bigl(F\had(SP + P^\T S)\bigr)",
             svd.right_singular_vectors, svd.d_right_singular_vectors,
             svd.right_singular_vectors_vjp, right_untransposed, "SP + PS, a transpose lost",
             "tall", tall),
        Rule("left singular vectors",
             r"\d U = U\bigl(F\had(PS + SP^\T)\bigr) + (I - UU^\T)\d A\,VS^{-1}",
             svd.left_singular_vectors, svd.d_left_singular_vectors,
             svd.left_singular_vectors_vjp, left_square_only,
             "the thin-SVD term (I − UUᵀ) dA V S⁻¹ dropped", "tall", tall),
    ]


def _factor_rules():
    def chol_unhalved(A, dA):
        L = _chol.cholesky(A)
        Li = np.linalg.inv(L)
        return L @ np.tril(Li @ dA @ Li.T)

    def r_unreflected(A, dA):
        _, R, _, C, _ = qr.qr_parts(A, dA)
        return np.triu(C) @ R

    def q_no_rotation(A, dA):
        Q, _, Ri, C, _ = qr.qr_parts(A, dA)
        return dA @ Ri - Q @ C

    def polar_naive(A, dA):
        return dA @ np.linalg.inv(qr.polar(A)[1])

    spd, tall = _sampler("spd"), _sampler("tall")
    return [
        Rule("cholesky", r"\d L = L\,\Phi(L^{-1}\d A\,L^{-\T})", _chol.cholesky,
             _chol.d_cholesky, _chol.cholesky_vjp, chol_unhalved,
             "the diagonal of Φ not halved", "spd", spd),
        Rule("log det via cholesky", r"\d(2\textstyle\sum_i\log L_{ii}) = \tr(A^{-1}\d A)",
             _chol.logdet_cholesky, lambda A, dA: float(np.trace(np.linalg.solve(A, dA))),
             lambda A, G: G * np.linalg.inv(A),
             lambda A, dA: float(np.trace(np.linalg.solve(_chol.cholesky(A), dA))),
             "tr(L⁻¹ dA), the factor's inverse in place of A's", "spd", spd),
        Rule("qr, R", r"\d R = (C - \omega)R", qr.qr_r, qr.d_qr_r, None, r_unreflected,
             "triu(C) R, the reflected lower part of C forgotten", "tall", tall),
        Rule("qr, Q", r"\d Q = Q\omega + (I - QQ^\T)\d A\,R^{-1}", qr.qr_q, qr.d_qr_q, None,
             q_no_rotation, "the rotation Qω inside the column space forgotten", "tall",
             tall),
        Rule("polar factor", r"\d U = U\Omega + (I - UU^\T)\d A\,H^{-1}", qr.polar_u,
             qr.d_polar_u, None, polar_naive, "dA H⁻¹, as if H were constant", "tall", tall),
    ]


def _function_rules():
    general, spd = _sampler("general"), _sampler("spd")
    return [
        Rule("expm", r"\d e^X = \int_0^1 e^{sX}\d X\,e^{(1-s)X}\,ds", matfun.expm,
             matfun.expm_frechet, lambda X, G: matfun.expm_frechet(X.T, G),
             lambda X, dX: matfun.expm(X) @ dX, "e^X dX, the scalar rule", "general",
             general),
        Rule("sqrtm", r"X^{1/2}\d S + \d S\,X^{1/2} = \d X", matfun.sqrtm, matfun.d_sqrtm,
             None, lambda X, dX: np.linalg.solve(matfun.sqrtm(X), dX) / 2,
             "X^{-1/2} dX / 2, the scalar rule", "real spectrum", _sampler("real spectrum")),
        Rule("logm (spd)", r"\d\log X = V(D\had V^\T\d X\,V)V^\T", matfun.logm_spd,
             matfun.d_logm_spd, None, lambda X, dX: np.linalg.solve(X, dX),
             "X⁻¹ dX, the scalar rule", "spd", spd),
        Rule("inverse square root (spd)", r"\d X^{-1/2} = V(D\had V^\T\d X\,V)V^\T",
             matfun.invsqrtm_spd, matfun.d_invsqrtm_spd, None,
             lambda X, dX: -matfun.invsqrtm_spd(X) @ np.linalg.solve(X, dX) / 2,
             "−X^{−3/2} dX / 2, the scalar rule", "spd", spd),
        Rule("tr sin X", r"\nabla\tr\sin X = (\cos X)^\T",
             lambda X: np.trace(matfun.sinm(X)),
             lambda X, dX: np.sum(matfun.cosm(X).T * dX),
             lambda X, G: G * matfun.cosm(X).T,
             lambda X, dX: float(np.sum(matfun.cosm(X) * dX)), "cos X without the transpose",
             "general", general),
        Rule("pinv", r"\d A^+ = -A^+\d A\,A^+ + A^+A^{+\T}\d A^\T(I - AA^+)",
             solve.pinv, solve.d_pinv, None, lambda A, dA: -solve.pinv(A) @ dA @ solve.pinv(A),
             "−A⁺ dA A⁺ only, the inverse's rule", "tall", _sampler("tall")),
        Rule("solve", r"\d(A^{-1}B) = -A^{-1}\d A\,A^{-1}B",
             lambda A: solve.solve(A, _fixed_rhs(A.shape[0])),
             lambda A, dA: solve.d_solve_a(A, _fixed_rhs(A.shape[0]), dA),
             lambda A, G: solve.solve_vjp_a(A, _fixed_rhs(A.shape[0]), G),
             lambda A, dA: -dA @ solve.solve(A, solve.solve(A, _fixed_rhs(A.shape[0]))),
             "−dA A⁻¹ A⁻¹ B, the factors in the wrong order", "general", general),
    ]


def rules():
    """All rules, in chapter order.

    >>> [r.name for r in rules()][:2]
    ['eigenvalues', 'eigenvectors']
    """
    return _eigen_rules() + _svd_rules() + _factor_rules() + _function_rules()


#: Every rule of the package (see the module docstring).
RULES = {r.name: r for r in rules()}
