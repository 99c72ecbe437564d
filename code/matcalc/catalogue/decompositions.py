"""Decompositions and matrix functions: eigenvalues and eigenvectors, the SVD, Cholesky,
QR and polar factors, exp/log/sqrt and the inverse square root, pseudo-inverse and solves
(Giles 2008, Murray 2016, Townsend 2016, Higham 2008), with their reverse-mode forms.

The rules and their deliberately wrong variants live in :mod:`matcalc.decompositions`;
these entries declare them for the catalogue. numpy's decompositions are not
complex-analytic, so the entries give their own well-conditioned points (``point=``: distinct
eigenvalues and singular values, positive definite where needed) and are checked on
central differences; the degenerate cases are in the chapter on decompositions.

Also here: the Cookbook's chapter 2 lines not covered by the other sections' modules —
each carries the ``section`` of the Cookbook's own grouping.
"""

import numpy as np

from ..decompositions import RULES, eigen, matfun, qr, sample, svd, symmetric_part
from ..decompositions import cholesky as chol
from ..frobenius import frob
from ..ops import det, exp, eye, hadamard, inv, kron, logdet, matrix_power, ones_like, tanh, tr
from .entry import differential, gradient, hessian, jacobian, vjp

SECTION = "Decompositions and matrix functions"

_SYM = {"A": "symmetric"}
_SPD = {"A": "spd"}


def _point(kind, n=4, name="A"):
    return lambda seed: {name: sample(kind, n, seed)}


def _wrong(rule):
    return lambda A, dA: RULES[rule].wrong(A, dA)


def _wrong_x(rule):
    return lambda X, dX: RULES[rule].wrong(X, dX)


_EIGEN = (
    differential(
        name="eigenvalues of a symmetric matrix",
        latex=r"\lambda_i(A)", result=r"v_i^\T\,\d A\,v_i",
        shapes={"A": "nn"}, variable="A", kinds=_SYM, point=_point("symmetric"),
        conditions="$A$ symmetric, eigenvalues simple, $v_i$ unit eigenvectors",
        alias=r"\d\lambda = \operatorname{diag}(V^\T\d A\,V)",
        f=eigen.eigenvalues, diff=eigen.d_eigenvalues, wrong=_wrong("eigenvalues"),
        note="all eigenvalues at once; compare Cookbook (67) in the Eigenvalues section"),
    vjp(
        name="eigenvalues, reverse mode",
        latex=r"\lambda(A)", result=r"V\operatorname{diag}(\bar\lambda)V^\T",
        shapes={"A": "nn"}, variable="A", kinds=_SYM, point=_point("symmetric"),
        conditions="$A$ symmetric, eigenvalues simple",
        f=eigen.eigenvalues, vjp=eigen.eigenvalues_vjp,
        wrong=lambda A, G: np.diag(np.asarray(G, dtype=float))),
    differential(
        name="eigenvectors of a symmetric matrix",
        latex="V(A)", result=r"V\bigl(F\had(V^\T\d A\,V)\bigr)",
        shapes={"A": "nn"}, variable="A", kinds=_SYM, point=_point("symmetric"),
        conditions=r"$A$ symmetric, eigenvalues simple; $F_{ij} = 1/(\lambda_j - \lambda_i)$, "
                   r"$F_{ii} = 0$; each $v_i$ unit with its largest entry positive",
        alias=r"\d v_i = (\lambda_i I - A)^+\d A\,v_i",
        note="compare Cookbook (68) in the Eigenvalues section",
        f=eigen.eigenvectors, diff=eigen.d_eigenvectors, wrong=_wrong("eigenvectors")),
    vjp(
        name="eigenvectors, reverse mode",
        latex="V(A)", result=r"\operatorname{sym}\bigl(V(F\had V^\T\bar V)V^\T\bigr)",
        shapes={"A": "nn"}, variable="A", kinds=_SYM, point=_point("symmetric"),
        conditions=r"$A$ symmetric, eigenvalues simple, $F$ as above",
        f=eigen.eigenvectors, vjp=eigen.eigenvectors_vjp,
        wrong=lambda A, G: eigen.eigenvectors_vjp(A, G.T)),
    differential(
        name="eigenprojector onto a cluster",
        latex=r"P = V_kV_k^\T", result=r"V(K\had V^\T\d A\,V)V^\T",
        shapes={"A": "nn"}, variable="A", kinds=_SYM, point=_point("symmetric"),
        conditions=r"$A$ symmetric, a gap between the $k$ largest eigenvalues and the rest; "
                   r"$K_{ij} = 1/(\lambda_i - \lambda_j)$ for $i$ in the cluster and $j$ "
                   r"outside (and symmetrically), else 0",
        note="shown for $k = 2$; eigenvalues may repeat inside the cluster",
        f=lambda A: eigen.eigenprojector(A, 2),
        diff=lambda A, dA: eigen.d_eigenprojector(A, 2, symmetric_part(dA)),
        wrong=_wrong("eigenprojector")),
    differential(
        name="eigenvalues of a non-symmetric matrix",
        latex=r"\lambda_i(A)", result=r"\dfrac{u_i^\T\d A\,v_i}{u_i^\T v_i}",
        shapes={"A": "nn"}, variable="A", point=_point("real spectrum"),
        conditions="eigenvalues real and simple; $u_i$, $v_i$ left and right eigenvectors",
        alias=r"\operatorname{diag}(V^{-1}\d A\,V)",
        f=eigen.eigenvalues_real, diff=eigen.d_eigenvalues_real,
        wrong=_wrong("eigenvalues (non-symmetric)")),
)

def _left_vjp_square_only(A, G):
    """The reverse form of U without the thin-SVD term (wrong for a tall A)."""
    U, s, V = svd.svd(A)
    F = 1.0 / (s[None, :] ** 2 - s[:, None] ** 2 + np.eye(len(s))) - np.eye(len(s))
    UtG = U.T @ G
    return U @ ((F * (UtG - UtG.T)) * s[None, :]) @ V.T


_SVD = (
    differential(
        name="singular values",
        latex=r"\sigma_i(A)", result=r"u_i^\T\,\d A\,v_i",
        shapes={"A": "mn"}, variable="A", point=_point("tall", 3),
        conditions="singular values distinct and non-zero",
        f=svd.singular_values, diff=svd.d_singular_values, wrong=_wrong("singular values")),
    differential(
        name="right singular vectors",
        latex="V(A)", result=r"V\bigl(F\had(SP + P^\T S)\bigr)",
        shapes={"A": "mn"}, variable="A", point=_point("tall", 3),
        conditions=r"thin SVD $A = USV^\T$, $P = U^\T\d A\,V$, "
                   r"$F_{ij} = 1/(\sigma_j^2 - \sigma_i^2)$, $F_{ii} = 0$",
        f=svd.right_singular_vectors, diff=svd.d_right_singular_vectors,
        wrong=_wrong("right singular vectors")),
    differential(
        name="left singular vectors",
        latex="U(A)", result=r"U\bigl(F\had(PS + SP^\T)\bigr) + (I - UU^\T)\,\d A\,VS^{-1}",
        shapes={"A": "mn"}, variable="A",
        conditions=r"$A$ tall, thin SVD, $P$ and $F$ as above", exact_sizes=None,
        numeric_sizes={"m": 5, "n": 3},
        note="the last term exists only for a non-square $A$",
        f=svd.left_singular_vectors, diff=svd.d_left_singular_vectors,
        wrong=_wrong("left singular vectors")),
    vjp(
        name="left singular vectors, reverse mode",
        latex="U(A)",
        result=r"U\bigl(F\had(U^\T\bar U - \bar U^\T U)\bigr)SV^\T + (I - UU^\T)\bar US^{-1}V^\T",
        shapes={"A": "mn"}, variable="A", point=_point("tall", 3),
        conditions="as for the forward form",
        f=svd.left_singular_vectors, vjp=svd.left_singular_vectors_vjp,
        wrong=lambda A, G: _left_vjp_square_only(A, G)),
    vjp(
        name="right singular vectors, reverse mode",
        latex="V(A)", result=r"US\bigl(F\had(V^\T\bar V - \bar V^\T V)\bigr)V^\T",
        shapes={"A": "mn"}, variable="A", point=_point("tall", 3),
        conditions="as for the forward form",
        f=svd.right_singular_vectors, vjp=svd.right_singular_vectors_vjp,
        wrong=lambda A, G: svd.right_singular_vectors_vjp(A, G.T)),
)

_FACTORS = (
    differential(
        name="Cholesky factor",
        latex="L(A)", result=r"L\,\Phi(L^{-1}\d A\,L^{-\T})",
        shapes={"A": "nn"}, variable="A", kinds=_SPD, point=_point("spd"),
        conditions=r"$A = LL^\T$ symmetric positive definite; $\Phi$ takes the lower "
                   r"triangle and halves the diagonal",
        f=chol.cholesky, diff=chol.d_cholesky, wrong=_wrong("cholesky")),
    vjp(
        name="Cholesky factor, reverse mode",
        latex="L(A)", result=r"\operatorname{sym}\bigl(L^{-\T}\Phi(L^\T\bar L)L^{-1}\bigr)",
        shapes={"A": "nn"}, variable="A", kinds=_SPD, point=_point("spd"),
        conditions="$A$ symmetric positive definite", note="Murray (2016)",
        f=chol.cholesky, vjp=chol.cholesky_vjp,
        wrong=lambda A, G: chol.cholesky_vjp(A, np.tril(G) - np.diag(np.diag(G)) / 2)),
    gradient(
        name="log det through Cholesky",
        latex=r"2\textstyle\sum_i\log L_{ii}", result=r"A^{-1}",
        shapes={"A": "nn"}, variable="A", kinds=_SPD, point=_point("spd"),
        conditions="$A = LL^\\T$ symmetric positive definite; directions symmetric",
        f=chol.logdet_cholesky, grad=lambda A: np.linalg.inv(A),
        wrong=lambda A: np.linalg.inv(chol.cholesky(A))),
    differential(
        name="QR, the R factor",
        latex="R(A)", result=r"\bigl(\operatorname{triu}(C) + \operatorname{tril}(C, -1)^\T\bigr)R",
        shapes={"A": "mn"}, variable="A", point=_point("tall", 3),
        conditions=r"$A = QR$ thin, full column rank, $\operatorname{diag}R > 0$; "
                   r"$C = Q^\T\d A\,R^{-1}$",
        f=qr.qr_r, diff=qr.d_qr_r, wrong=_wrong("qr, R")),
    differential(
        name="QR, the Q factor",
        latex="Q(A)", result=r"Q\omega + (I - QQ^\T)\,\d A\,R^{-1}",
        shapes={"A": "mn"}, variable="A", exact_sizes=None, numeric_sizes={"m": 5, "n": 3},
        conditions=r"as above; $\omega = \operatorname{tril}(C, -1) - \operatorname{tril}(C, -1)^\T$",
        f=qr.qr_q, diff=qr.d_qr_q, wrong=_wrong("qr, Q")),
    differential(
        name="polar factor",
        latex=r"U = A(A^\T A)^{-1/2}", result=r"U\Omega + (I - UU^\T)\,\d A\,H^{-1}",
        shapes={"A": "mn"}, variable="A", exact_sizes=None, numeric_sizes={"m": 5, "n": 3},
        conditions=r"$A = UH$, full column rank; $H\Omega + \Omega H = U^\T\d A - \d A^\T U$",
        f=qr.polar_u, diff=qr.d_polar_u, wrong=_wrong("polar factor")),
)

def _pinv(A):
    """(AᵀA)⁻¹Aᵀ for a tall A, exact for sympy matrices."""
    return inv(A.T @ A) @ A.T


def _d_pinv(A, dA):
    P, m, n = _pinv(A), A.shape[0], A.shape[1]
    return (-P @ dA @ P + P @ P.T @ dA.T @ (eye(m, A) - A @ P)
            + (eye(n, A) - P @ A) @ dA.T @ P.T @ P)


_FUNCTIONS = (
    differential(
        name="matrix exponential",
        latex=r"e^X", result=r"\int_0^1 e^{sX}\,\d X\,e^{(1-s)X}\,ds",
        shapes={"X": "nn"}, point=_point("general", name="X"),
        alias=r"\exp\begin{bmatrix}X & \d X\\ 0 & X\end{bmatrix} "
              r"= \begin{bmatrix}e^X & L(X, \d X)\\ 0 & e^X\end{bmatrix}",
        f=matfun.expm, diff=lambda X, dX: matfun.expm_frechet(X, dX), wrong=_wrong_x("expm")),
    vjp(
        name="matrix exponential, reverse mode",
        latex=r"e^X", result=r"L(X^\T, \bar G)",
        shapes={"X": "nn"}, point=_point("general", name="X"),
        note="the adjoint of the Fréchet derivative at $X$ is the Fréchet derivative at "
             "$X^\\T$",
        f=matfun.expm, vjp=lambda X, G: matfun.expm_frechet(X.T, G),
        wrong=lambda X, G: matfun.expm_frechet(X, G)),
    differential(
        name="matrix function of a symmetric matrix",
        latex=r"f(X),\ f = \exp", result=r"V(D\had V^\T\d X\,V)V^\T",
        shapes={"X": "nn"}, kinds={"X": "symmetric"}, point=_point("symmetric", name="X"),
        conditions=r"$X = V\operatorname{diag}(\lambda)V^\T$; $D_{ij} = (f(\lambda_i) - "
                   r"f(\lambda_j))/(\lambda_i - \lambda_j)$, $D_{ii} = f'(\lambda_i)$",
        note="Daleckii–Krein", f=matfun.expm,
        diff=lambda X, dX: matfun.frechet_sym(np.exp, np.exp, X, symmetric_part(dX)),
        wrong=lambda X, dX: matfun.expm(X) @ dX),
    differential(
        name="matrix square root",
        latex=r"X^{1/2}", result=r"\d S,\ X^{1/2}\d S + \d S\,X^{1/2} = \d X",
        shapes={"X": "nn"}, point=_point("real spectrum", name="X"),
        conditions="eigenvalues of $X$ off the closed negative real axis",
        f=matfun.sqrtm, diff=matfun.d_sqrtm, wrong=_wrong_x("sqrtm")),
    differential(
        name="matrix logarithm",
        latex=r"\log X", result=r"V(D\had V^\T\d X\,V)V^\T",
        shapes={"X": "nn"}, kinds={"X": "spd"}, point=_point("spd", name="X"),
        conditions=r"$X$ symmetric positive definite; $D$ the divided differences of $\log$",
        f=matfun.logm_spd, diff=lambda X, dX: matfun.d_logm_spd(X, symmetric_part(dX)),
        wrong=_wrong_x("logm (spd)")),
    differential(
        name="inverse square root",
        latex=r"X^{-1/2}", result=r"-X^{-1/2}\,\d(X^{1/2})\,X^{-1/2}",
        shapes={"X": "nn"}, kinds={"X": "spd"}, point=_point("spd", name="X"),
        conditions="$X$ symmetric positive definite",
        f=matfun.invsqrtm_spd,
        diff=lambda X, dX: matfun.d_invsqrtm_spd(X, symmetric_part(dX)),
        wrong=_wrong_x("inverse square root (spd)")),
    gradient(
        name="tr sin X",
        cookbook="128", latex=r"\tr\sin X", result=r"(\cos X)^\T",
        shapes={"X": "nn"}, point=_point("general", name="X"),
        note="the case $f = \\sin$ of $\\nabla\\tr f(X) = f'(X)^\\T$",
        f=lambda X: np.trace(matfun.sinm(X)), grad=lambda X: matfun.cosm(X).T,
        wrong=lambda X: matfun.cosm(X)),
    gradient(
        name="tr exp X",
        latex=r"\tr e^X", result=r"(e^X)^\T",
        shapes={"X": "nn"}, point=_point("general", name="X"),
        note="$\\nabla\\tr f(X) = f'(X)^\\T$ for any power series $f$",
        f=lambda X: np.trace(matfun.expm(X)), grad=lambda X: matfun.expm(X).T,
        wrong=lambda X: matfun.expm(X)),
    differential(
        name="pseudo-inverse, full rank",
        latex=r"A^+",
        result=r"-A^+\d A\,A^+ + A^+A^{+\T}\d A^\T(I - AA^+) + (I - A^+A)\,\d A^\T A^{+\T}A^+",
        shapes={"A": "mn"}, variable="A", conditions="$A$ of full column rank",
        note="Golub and Pereyra (1973); for a wide $A$ the same formula holds",
        exact_sizes=None,
        f=lambda A: _pinv(A), diff=lambda A, dA: _d_pinv(A, dA),
        wrong=lambda A, dA: -_pinv(A) @ dA @ _pinv(A)),
    differential(
        name="linear solve",
        latex=r"X = A^{-1}B", result=r"-A^{-1}\d A\,X",
        shapes={"A": "nn", "B": "nk"}, variable="A",
        f=lambda A, B: inv(A) @ B, diff=lambda A, B, dA: -inv(A) @ dA @ inv(A) @ B,
        wrong=lambda A, B, dA: -dA @ inv(A) @ inv(A) @ B,
        note="implicit differentiation of $AX = B$: $\\d A\\,X + A\\,\\d X = \\d B$"),
    vjp(
        name="linear solve, reverse mode",
        latex=r"X = A^{-1}B", result=r"-A^{-\T}\bar X X^\T",
        shapes={"A": "nn", "B": "nk"}, variable="A",
        f=lambda A, B: inv(A) @ B, vjp=lambda A, B, G: -inv(A).T @ G @ (inv(A) @ B).T,
        wrong=lambda A, B, G: -inv(A) @ G @ (inv(A) @ B).T),
)


def _pinv_wide(Y):
    """Yᵀ(YYᵀ)⁻¹ for a wide Y of full row rank, exact for sympy matrices."""
    return Y.T @ inv(Y @ Y.T)


def _power_gradient(a, X, b, k=3):
    P = [matrix_power(X, r) for r in range(k + 1)]
    terms = [P[r].T @ P[k] @ (b @ a.T + a @ b.T) @ P[k - 1 - r].T for r in range(k)]
    return terms[0] + terms[1] + terms[2]


def _tanh_exp_gradient(x, A, B, C):
    s, r = tanh(B @ x), exp(C @ x)
    return (B.T @ hadamard(ones_like(s) - hadamard(s, s), A @ r)
            + C.T @ hadamard(r, A.T @ s))


def _jac_xtbx(X, B):
    n = X.shape[1]
    return (np.einsum("lj,ki->klij", np.eye(n), X.T @ B)
            + np.einsum("kj,il->klij", np.eye(n), B @ X))


#: The Matrix Cookbook's chapter 2 lines that no other section module states; each entry
#: carries the section of the Cookbook's own grouping.
_COOKBOOK = (
    gradient(
        name="sum_k d det(X)/dX_ik X_jk", section="Determinants", cookbook="47",
        latex=r"\det\bigl((I + T)X\bigr)", result=r"\det\bigl((I + T)X\bigr)(I + T)^{-\T}",
        shapes={"T": "nn", "X": "nn"}, variable="T",
        alias=r"\textstyle\sum_k \frac{\partial\det X}{\partial X_{ik}}X_{jk} = \delta_{ij}\det X",
        note="the gradient with respect to $T$ at $T = 0$ is "
             "$\\bigl[\\sum_k \\partial\\det(X)/\\partial X_{ik}\\,X_{jk}\\bigr]_{ij}$, and it "
             "is $\\det(X)\\,I$: the Cookbook's (47). Number (50) may restate this identity "
             "(unconfirmed)",
        f=lambda T, X: det((eye(T.shape[0], T) + T) @ X),
        grad=lambda T, X: det((eye(T.shape[0], T) + T) @ X) * inv(eye(T.shape[0], T) + T).T,
        wrong=lambda T, X: det((eye(T.shape[0], T) + T) @ X) * inv(X).T),
    hessian(
        name="second derivative of det", section="Determinants", cookbook="48",
        latex=r"\det X",
        result=r"\det(X)\bigl(\tr(X^{-1}V)\,X^{-\T} - X^{-\T}V^\T X^{-\T}\bigr)",
        shapes={"X": "nn"},
        note="along a straight line $Y = X + tV$ the Cookbook's term "
             "$\\tr(Y^{-1}\\,\\partial^2 Y/\\partial x^2)$ vanishes, and "
             "$\\d^2\\det = \\det(X)\\bigl(\\tr(X^{-1}V)^2 - \\tr\\bigl((X^{-1}V)^2\\bigr)\\bigr)$",
        f=lambda X: det(X), grad=lambda X: det(X) * inv(X).T,
        hvp=lambda X, V: det(X) * (tr(inv(X) @ V) * inv(X).T - inv(X).T @ V.T @ inv(X).T),
        wrong=lambda X, V: det(X) * (tr(inv(X) @ V) * inv(X).T - inv(X).T @ V @ inv(X).T)),
    gradient(
        name="log det(X^T X) with respect to X^+", section="Determinants", cookbook="56",
        latex=r"\log\det(X^\T X),\ X = Y^+", result=r"-2X^\T",
        shapes={"Y": "nm"}, variable="Y",
        conditions="$Y = X^+$ wide of full row rank ($X$ tall of full column rank)",
        exact_sizes=None, note="numeric only: the exact expansion through two inverses is slow",
        f=lambda Y: logdet(_pinv_wide(Y).T @ _pinv_wide(Y)),
        grad=lambda Y: -2 * _pinv_wide(Y).T, wrong=lambda Y: 2 * _pinv_wide(Y).T),
    jacobian(
        name="dX/dX_ij", section="Linear forms", cookbook="73",
        latex=r"\partial X/\partial X_{ij}", result=r"J^{ij}",
        shapes={"X": "mn"}, f=lambda X: X,
        note="$J^{ij}$ is the single-entry matrix: the Jacobian array is "
             "$\\delta_{ai}\\delta_{bj}$",
        jac=lambda X: np.einsum("ai,bj->abij", np.eye(X.shape[0]), np.eye(X.shape[1])),
        wrong=lambda X: np.einsum("ai,bj->abij", np.eye(X.shape[0]), np.ones((X.shape[1],) * 2))),
    gradient(
        name="(sum of X)^2", section="Quadratic forms", cookbook="76",
        latex=r"\textstyle\sum_{klmn}X_{kl}X_{mn}",
        result=r"2\bigl(\textstyle\sum_{kl}X_{kl}\bigr)\mathbf 1\mathbf 1^\T",
        shapes={"X": "mn"},
        f=lambda X: frob(ones_like(X), X) ** 2,
        grad=lambda X: 2 * frob(ones_like(X), X) * ones_like(X),
        wrong=lambda X: frob(ones_like(X), X) * ones_like(X)),
    jacobian(
        name="d(X^T B X)_kl/dX_ij", section="Quadratic forms", cookbook="79",
        latex=r"\partial(X^\T BX)_{kl}/\partial X_{ij}",
        result=r"\delta_{lj}(X^\T B)_{ki} + \delta_{kj}(BX)_{il}",
        shapes={"X": "mn", "B": "mm"}, f=lambda X, B: X.T @ B @ X,
        jac=lambda X, B: _jac_xtbx(X, B), wrong=lambda X, B: _jac_xtbx(X, B.T + B) / 2),
    gradient(
        name="a^T (X^k)^T X^k b", section="Higher order and non-linear forms", cookbook="92",
        latex=r"a^\T(X^3)^\T X^3 b",
        result=r"\textstyle\sum_{r=0}^{2}(X^r)^\T X^3(ba^\T + ab^\T)(X^{2-r})^\T",
        shapes={"a": "n1", "X": "nn", "b": "n1"},
        note="shown for $k = 3$; the Cookbook's printed form is not confirmed here",
        f=lambda a, X, b: (a.T @ matrix_power(X, 3).T @ matrix_power(X, 3) @ b)[0, 0],
        grad=lambda a, X, b: _power_gradient(a, X, b),
        wrong=lambda a, X, b: _power_gradient(a, X, b).T),
    gradient(
        name="s(x)^T A r(x)", section="Higher order and non-linear forms", cookbook="93",
        latex=r"s(x)^\T A\,r(x),\ s = \tanh(Bx),\ r = \exp(Cx)",
        result=r"\Bigl[\frac{\partial s}{\partial x}\Bigr]^\T Ar"
               r" + \Bigl[\frac{\partial r}{\partial x}\Bigr]^\T A^\T s",
        shapes={"x": "n1", "A": "mp", "B": "mn", "C": "pn"}, variable="x",
        note="shown for entrywise $s$ and $r$: $\\partial s/\\partial x = "
             "\\operatorname{diag}(1 - s^2)B$, $\\partial r/\\partial x = "
             "\\operatorname{diag}(r)\\,C$",
        f=lambda x, A, B, C: (tanh(B @ x).T @ A @ exp(C @ x))[0, 0],
        grad=lambda x, A, B, C: _tanh_exp_gradient(x, A, B, C),
        wrong=lambda x, A, B, C: B.T @ A @ exp(C @ x) + C.T @ A.T @ tanh(B @ x)),
    gradient(
        name="tr(A X^-1 B), Cookbook form", section="Traces of inverses", cookbook="124",
        latex=r"\tr(AX^{-1}B)", result=r"-X^{-\T}A^\T B^\T X^{-\T}",
        shapes={"A": "pn", "X": "nn", "B": "np"},
        note="the same function as (63), written with the transposes distributed",
        f=lambda A, X, B: tr(A @ inv(X) @ B),
        grad=lambda A, X, B: -inv(X).T @ A.T @ B.T @ inv(X).T,
        wrong=lambda A, X, B: -inv(X) @ B @ A @ inv(X)),
)

def _rule(number, name, latex, result, f, diff, wrong, shapes=None, note=""):
    """A basic differential rule of the Cookbook's section 2 (numbers 33 to 44)."""
    return differential(name=name, section="Differentials", cookbook=number, latex=latex,
                        result=result, shapes=shapes or {"X": "mn"}, f=f, diff=diff,
                        wrong=wrong, note=note)


#: The Cookbook's basic rules (33)-(44), each as the differential of one function of X (the
#: other matrices constant, or functions of X where the rule has two varying factors).
_BASIC = (
    _rule("33", "d(X + A), A constant", "X + A", r"\d X", lambda X, A: X + A,
          lambda X, A, dX: dX, lambda X, A, dX: dX + A, {"X": "mn", "A": "mn"},
          note="$\\d A = 0$ for a constant $A$"),
    _rule("34", "d(alpha X)", r"\alpha X", r"\alpha\,\d X", lambda X, a: a[0, 0] * X,
          lambda X, a, dX: a[0, 0] * dX, lambda X, a, dX: dX, {"X": "mn", "a": "11"}),
    _rule("35", "d(X + Y)", "X + Y", r"\d X + \d Y",
          lambda X: X + X @ X.T @ X, lambda X, dX: dX + dX @ X.T @ X + X @ dX.T @ X
          + X @ X.T @ dX, lambda X, dX: dX, note="shown with $Y = XX^\\T X$"),
    _rule("36", "d tr X", r"\tr X", r"\tr(\d X)", lambda X: tr(X), lambda X, dX: tr(dX),
          lambda X, dX: 2 * tr(dX), {"X": "nn"}),
    _rule("37", "d(XY), both varying", r"XY,\ Y = BX", r"\d X\,Y + X\,\d Y",
          lambda X, B: X @ B @ X, lambda X, B, dX: dX @ B @ X + X @ B @ dX,
          lambda X, B, dX: 2 * X @ B @ dX, {"X": "nn", "B": "nn"}),
    _rule("38", "d(X o Y)", r"X\had Y,\ Y = XB", r"\d X\had Y + X\had\d Y",
          lambda X, B: hadamard(X, X @ B), lambda X, B, dX: hadamard(dX, X @ B)
          + hadamard(X, dX @ B), lambda X, B, dX: hadamard(dX, X @ B),
          {"X": "mn", "B": "nn"}),
    _rule("39", "d(X kron Y)", r"X\kron Y,\ Y = BX", r"\d X\kron Y + X\kron\d Y",
          lambda X, B: kron(X, B @ X), lambda X, B, dX: kron(dX, B @ X) + kron(X, B @ dX),
          lambda X, B, dX: kron(dX, B @ X), {"X": "mn", "B": "pm"}),
    _rule("40", "d(X^-1), Cookbook (40)", r"X^{-1}", r"-X^{-1}\,\d X\,X^{-1}",
          lambda X: inv(X), lambda X, dX: -inv(X) @ dX @ inv(X),
          lambda X, dX: -inv(X) @ inv(X) @ dX, {"X": "nn"}, note="the rule (59) in differentials"),
    _rule("41", "d det X, adjugate form", r"\det X", r"\tr\bigl(\operatorname{adj}(X)\,\d X\bigr)",
          lambda X: det(X), lambda X, dX: tr(det(X) * inv(X) @ dX),
          lambda X, dX: tr(det(X) * inv(X).T @ dX), {"X": "nn"},
          note="$\\operatorname{adj}(X) = \\det(X)X^{-1}$ where $X$ is invertible"),
    _rule("42", "d det X, Cookbook (42)", r"\det X", r"\det(X)\tr(X^{-1}\d X)",
          lambda X: det(X), lambda X, dX: det(X) * tr(inv(X) @ dX),
          lambda X, dX: det(X) * tr(dX), {"X": "nn"}),
    _rule("43", "d log det X, Cookbook (43)", r"\log\lvert\det X\rvert", r"\tr(X^{-1}\d X)",
          lambda X: logdet(X), lambda X, dX: tr(inv(X) @ dX),
          lambda X, dX: tr(inv(X).T @ dX), {"X": "nn"}),
    _rule("44", "d(X^T)", r"X^\T", r"(\d X)^\T", lambda X: X.T, lambda X, dX: dX.T,
          lambda X, dX: -dX.T),
)

def _one_claim(entry):
    """A row reads "d f = result": a name given to the function ("P = V_k V_k^T") or a
    definition after the formula (",\\ Y = BX") moves to the note."""
    import dataclasses
    import re

    notes, latex, result = [], entry.latex, entry.result
    named = re.match(r"^([A-Za-z])\s*=\s*(.*)$", latex)
    if named:
        notes.append(f"${latex}$")
        latex = named.group(2)
    for part in ("latex", "result"):
        text = latex if part == "latex" else result
        head, sep, rest = text.partition(r",\ ")
        if sep:
            notes.append(f"where ${rest}$")
            latex, result = (head, result) if part == "latex" else (latex, head)
    if not notes:
        return entry
    note = "; ".join(notes + ([entry.note] if entry.note else []))
    return dataclasses.replace(entry, latex=latex, result=result, note=note)


ENTRIES = tuple(_one_claim(e) for e in
                _EIGEN + _SVD + _FACTORS + _FUNCTIONS + _COOKBOOK + _BASIC)
