"""Exact (sympy) checks of decomposition and matrix-function derivatives, where a closed
form exists: symmetric 2 x 2 and 3 x 3 eigenvalues, the Cholesky factor of a 3 x 3
symbolic matrix, and the exponential of a nilpotent and of a diagonal 2 x 2 matrix.

Each function returns the :class:`~matcalc.CheckResult` of :func:`matcalc.symbolic.verify`
(``.passed``, ``.status``): the claimed differential against the derivative of the closed form.
"""

import sympy as sp

from ..checkresult import CheckResult
from ..symbolic import matrix, verify

__all__ = ["eigenvalues_2x2", "eigenvalues_3x3", "cholesky_2x2", "cholesky_3x3", "expm_nilpotent_2x2",
           "expm_diagonal_2x2"]


def _t():
    return sp.Symbol("t", real=True)


def eigenvalues_2x2() -> CheckResult:
    """dλ = vᵀ dA v for both eigenvalues of a generic symmetric 2 x 2 matrix, from the
    closed form λ = (a + c)/2 ± √(((a − c)/2)² + b²).

    >>> eigenvalues_2x2().status
    'proved'
    """
    A, dA, t = matrix("A", 2, symmetric=True), matrix("dA", 2, symmetric=True), _t()
    a, b = A[0, 0], A[0, 1]

    def closed(M, sign):
        return (M[0, 0] + M[1, 1]) / 2 + sign * sp.sqrt(((M[0, 0] - M[1, 1]) / 2) ** 2
                                                         + M[0, 1] ** 2)

    lhs, rhs = [], []
    for sign in (-1, 1):
        lam = closed(A, sign)
        moved = closed(A + t * dA, sign)
        lhs.append(sp.diff(moved, t).subs(t, 0))
        v = sp.Matrix([b, lam - a])           # an eigenvector: (A − λI) v = 0
        rhs.append((v.T * dA * v)[0, 0] / (v.T * v)[0, 0])
    return verify(sp.Matrix(lhs), sp.Matrix(rhs))


def eigenvalues_3x3() -> CheckResult:
    """dλ_i = v_iᵀ dA v_i for the three eigenvalues (1, 3, 5) of a fixed rational symmetric
    3 x 3 matrix and a generic symmetric direction dA: the derivative of the root of the
    characteristic polynomial det(λI − A − t dA) by implicit differentiation, exactly.

    >>> eigenvalues_3x3().status
    'proved'
    """
    A = sp.Matrix([[2, 1, 0], [1, 2, 0], [0, 0, 5]])
    Q = sp.Matrix([[1, 2, 2], [2, 1, -2], [2, -2, 1]]) / 3   # a rational orthogonal matrix
    A = Q * A * Q.T
    dA, t, lam = matrix("dA", 3, symmetric=True), _t(), sp.Symbol("lambda")
    p = (lam * sp.eye(3) - A - t * dA).det()
    lhs, rhs = [], []
    for value, vectors in [(ev, vs) for ev, _, vs in A.eigenvects()]:
        v = vectors[0]
        at = {lam: value, t: 0}
        lhs.append(-sp.diff(p, t).subs(at) / sp.diff(p, lam).subs(at))
        rhs.append((v.T * dA * v)[0, 0] / (v.T * v)[0, 0])
    return verify(sp.Matrix(lhs), sp.Matrix(rhs))


def _phi(M):
    n = M.shape[0]
    return sp.Matrix(n, n, lambda i, j: M[i, j] if i > j else (M[i, i] / 2 if i == j else 0))


def _lower(name, n):
    return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", positive=i == j)
                     if i >= j else 0)


def cholesky_2x2() -> CheckResult:
    """dL = L Φ(L⁻¹ dA L⁻ᵀ) for a generic symmetric 2 x 2 matrix: sympy's closed-form
    Cholesky factor (with square roots) differentiated along a generic symmetric direction.

    >>> cholesky_2x2().status
    'proved'
    """
    A, dA, t = matrix("A", 2, symmetric=True), matrix("dA", 2, symmetric=True), _t()
    L = A.cholesky(hermitian=False)
    lhs = (A + t * dA).cholesky(hermitian=False).diff(t).subs(t, 0)
    Li = L.inv()
    return verify(lhs.applyfunc(sp.radsimp), (L * _phi(Li * dA * Li.T)).applyfunc(sp.radsimp))


def cholesky_3x3(n: int = 3) -> CheckResult:
    """dL = L Φ(L⁻¹ dA L⁻ᵀ) at every n x n SPD matrix, exactly, without square roots: for a
    generic lower triangular L (positive diagonal) and a generic lower triangular K, the
    path A(t) = (L + tK)(L + tK)ᵀ has Cholesky factor L + tK, so dL = K while
    dA = K Lᵀ + L Kᵀ (every symmetric dA is of this form for exactly one K).

    >>> cholesky_3x3(2).status
    'proved'
    """
    L, K = _lower("L", n), _lower("K", n)
    dA = K * L.T + L * K.T
    Li = L.inv()
    return verify(L * _phi(Li * dA * Li.T), K)


def expm_nilpotent_2x2() -> CheckResult:
    """The block-triangular identity for X = [[0, x], [0, 0]]: the upper-right block of
    exp([[X, E], [0, X]]) (sympy's exponential) equals d/dt exp(X + tE) at t = 0 (the
    power series differentiated term by term; it ends because X² = 0).

    >>> expm_nilpotent_2x2().status
    'proved'
    """
    x = sp.Symbol("x", real=True)
    X, E = sp.Matrix([[0, x], [0, 0]]), matrix("E", 2)
    B = sp.zeros(4)
    B[:2, :2], B[2:, 2:], B[:2, 2:] = X, X, E
    block = B.exp()[:2, 2:]
    series = E + (X * E + E * X) / 2 + X * E * X / 6
    return verify(block, series)


def expm_diagonal_2x2() -> CheckResult:
    """Daleckii–Krein for X = diag(a, c): L(X, E) = D ∘ E with D_ij the divided difference
    of exp, against the integral ∫₀¹ e^{sX} E e^{(1−s)X} ds computed by sympy.

    >>> expm_diagonal_2x2().status
    'proved'
    """
    a, c, s = sp.symbols("a c s", real=True)
    lam, E = (a, c), matrix("E", 2)

    def dd(i, j):
        if i == j:
            return sp.exp(lam[i])
        return (sp.exp(lam[i]) - sp.exp(lam[j])) / (lam[i] - lam[j])

    # One generic entry of the integrand, e^{s p} e^{(1-s) q}, integrated once by sympy.
    p, q = sp.symbols("p q", real=True)
    entry = sp.integrate(sp.exp(s * p + (1 - s) * q), (s, 0, 1), conds="none")
    integral = sp.Matrix(2, 2, lambda i, j: E[i, j] * (sp.exp(lam[i]) if i == j else
                                                       entry.subs({p: lam[i], q: lam[j]})))
    dk = sp.Matrix(2, 2, lambda i, j: dd(i, j) * E[i, j])
    return verify(integral, dk)
