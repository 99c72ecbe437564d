"""The stress grid of the decomposition rules: stressed matrices, and the reference.

**Reference: mpmath at 50 digits** on the very float64 matrix the rule sees (float32 input
widened exactly). The value is the decomposition computed at that precision (with the
package's conventions: ascending eigenvalues, descending singular values, the largest
entry of each eigenvector or right singular vector positive, diag R > 0). The derivative
along a direction dA is the difference quotient with step h = 1e-20 (relative): central
for the value of the derivative (error ~1e-30), and one-sided both ways to decide whether
there is one. A function whose one-sided quotients disagree, or which jumps by more than
1e-6 of its size over the step, has no derivative along dA at that point.
"""

import mpmath as mp
import numpy as np
from matcalc.decompositions import sample

DPS, STEP = 50, mp.mpf("1e-20")


class Undefined(Exception):
    """The reference has no value here (outside the domain)."""


def to_mp(A):
    return mp.matrix(np.asarray(A, dtype=np.float64).tolist())


def to_np(M):
    if isinstance(M, mp.matrix):
        return np.array(M.tolist(), dtype=object)
    return np.array(M, dtype=object)


def _sign_fix(V, *others):
    """Columns of V with their largest-magnitude entry positive; the same flips on others."""
    for j in range(V.cols):
        i = max(range(V.rows), key=lambda r: abs(V[r, j]))
        if V[i, j] < 0:
            for M in (V, *others):
                for r in range(M.rows):
                    M[r, j] = -M[r, j]
    return V


def _eigsy(A):
    if A.rows != A.cols or mp.mnorm(A - A.T, 1) > 0:
        raise Undefined("not symmetric")
    E, Q = mp.eigsy(A)
    order = sorted(range(A.rows), key=lambda i: E[i])
    V = mp.matrix(A.rows, A.rows)
    for k, i in enumerate(order):
        V[:, k] = Q[:, i]
    return [E[i] for i in order], _sign_fix(V)


def _spd(A):
    w, V = _eigsy(A)
    if w[0] <= mp.mpf("1e-40") * max(abs(x) for x in w):  # 0 to the 50 digits
        raise Undefined(f"not positive definite (eigenvalue {mp.nstr(w[0], 5)})")
    return w, V


def _funsym(A, f, spd=True):
    w, V = _spd(A) if spd else _eigsy(A)
    return V * mp.diag([f(x) for x in w]) * V.T


def _svd(A):
    U, S, Vt = mp.svd_r(A, full_matrices=False)
    V = Vt.T
    _sign_fix(V, U)
    return U, [S[i] for i in range(len(S))], V


def _qr(A):
    if A.rows < A.cols:
        raise Undefined("wide")
    Q, R = mp.qr(A, mode="skinny")
    scale = mp.mnorm(A, "f")
    for i in range(A.cols):
        if abs(R[i, i]) <= mp.mpf("1e-40") * scale:
            raise Undefined("rank deficient: R has a zero diagonal entry")
        if R[i, i] < 0:
            R[i, :] = -R[i, :]
            Q[:, i] = -Q[:, i]
    return Q, R


def _eigvals(A):
    if A.rows != A.cols:
        raise Undefined("not square")
    return [A[0, 0]] if A.rows == 1 else list(mp.eig(A, left=False, right=False))


def _sqrtm(A):
    for lam in _eigvals(A):
        if abs(mp.im(lam)) <= mp.mpf("1e-40") and mp.re(lam) <= mp.mpf("1e-40"):
            raise Undefined(f"eigenvalue {mp.nstr(lam, 5)} on the closed negative real axis")
    S = mp.sqrtm(A)
    return S.apply(mp.re)


def _eig_real(A):
    w = _eigvals(A)
    if any(abs(mp.im(x)) > mp.mpf("1e-40") for x in w):
        raise Undefined("complex spectrum")
    return sorted(mp.re(x) for x in w)


def _pinv(A):
    U, s, V = _svd(A)
    r = sum(1 for x in s if x > mp.mpf("1e-30") * s[0])
    return V[:, :r] * mp.diag([1 / x for x in s[:r]]) * U[:, :r].T if r else mp.zeros(A.cols, A.rows)


def _projector(A):
    w, V = _eigsy(A)
    if A.rows < 2:
        raise Undefined("k = 2 > n")
    Vk = V[:, A.rows - 2:]
    return Vk * Vk.T


def _solve(A, B):
    if A.rows != A.cols:
        raise Undefined("not square")
    try:
        return mp.inverse(A) * B
    except ZeroDivisionError:
        raise Undefined("singular") from None


def _expm_real(A):
    if A.rows != A.cols:
        raise Undefined("not square")
    return mp.expm(A)


def _trsin(A):
    if A.rows != A.cols:
        raise Undefined("not square")
    S = (mp.expm(1j * A) - mp.expm(-1j * A)) / 2j
    return sum(mp.re(S[i, i]) for i in range(A.rows))


#: claim name (without ", reverse mode") -> the mpmath function of the matrix and the
#: claim's other variables (an mpf, a list, or an mp.matrix).
REFERENCES = {
    "eigenvalues of a symmetric matrix": lambda A: _eigsy(A)[0],
    "eigenvalues": lambda A: _eigsy(A)[0],
    "eigenvectors of a symmetric matrix": lambda A: _eigsy(A)[1],
    "eigenvectors": lambda A: _eigsy(A)[1],
    "eigenprojector onto a cluster": _projector,
    "eigenvalues of a non-symmetric matrix": _eig_real,
    "singular values": lambda A: _svd(A)[1],
    "right singular vectors": lambda A: _svd(A)[2],
    "left singular vectors": lambda A: _svd(A)[0],
    "Cholesky factor": lambda A: (_spd(A), mp.cholesky(A))[1],
    "log det through Cholesky": lambda A: mp.fsum(mp.log(x) for x in _spd(A)[0]),
    "QR, the R factor": lambda A: _qr(A)[1],
    "QR, the Q factor": lambda A: _qr(A)[0],
    "polar factor": lambda A: _polar(A),
    "matrix exponential": _expm_real,
    "matrix function of a symmetric matrix": _expm_real,
    "matrix square root": _sqrtm,
    "matrix logarithm": lambda A: _funsym(A, mp.log),
    "inverse square root": lambda A: _funsym(A, lambda x: 1 / mp.sqrt(x)),
    "tr sin X": _trsin,
    "tr exp X": lambda A: (lambda E: mp.fsum(E[i, i] for i in range(A.rows)))(_expm_real(A)),
    "pseudo-inverse, full rank": _pinv,
    "linear solve": _solve,
    "log det from the eigenvalues": lambda A: mp.fsum(mp.log(x) for x in _spd(A)[0]),
    "nuclear norm, ties included": lambda A: mp.fsum(_svd(A)[1]),
    "Schatten 3-norm": lambda A: mp.cbrt(mp.fsum(x ** 3 for x in _svd(A)[1])),
}


def reference_function(claim):
    """The mpmath function of ``claim`` (KeyError if the grid has none)."""
    return REFERENCES[claim.name.removesuffix(", reverse mode")]


def _polar(A):
    U, s, V = _svd(A)
    if A.rows < A.cols or s[-1] <= mp.mpf("1e-40") * s[0]:
        raise Undefined("rank deficient")
    return U * V.T


def _array(value):
    if isinstance(value, mp.matrix):
        return np.array([[value[i, j] for j in range(value.cols)] for i in range(value.rows)],
                        dtype=object)
    return np.array(value, dtype=object)


def _norm(a):
    return mp.sqrt(mp.fsum(x * x for x in np.ravel(a))) if np.size(a) else mp.mpf(0)


def reference(claim, point, dA):
    """What mpmath says at ``point`` along dA (a direction of the claim's variable): a dict
    with ``value`` (float64 array), ``derivative`` (float64 array, where there is one),
    ``why`` (why there is no value or no derivative) and ``representable`` (the value fits
    in float64)."""
    (var,) = claim.wrt
    with mp.workdps(DPS):
        consts = {k: to_mp(v) for k, v in point.items() if k != var}
        Am, dAm = to_mp(point[var]), to_mp(dA)

        def f(M):
            return reference_function(claim)(M, **consts)
        try:
            F0 = _array(f(Am))
        except (Undefined, ZeroDivisionError, ValueError) as exc:
            return {"why": f"no value: {exc}"}
        out = {"value": F0.astype(np.float64), "representable": bool(
            _norm(F0) < mp.mpf(np.finfo(np.float64).max) / 10)}
        h = STEP * max(mp.mpf(1), mp.mnorm(Am, "f")) / max(mp.mnorm(dAm, "f"), mp.mpf("1e-300"))
        try:
            Fp, Fm = _array(f(Am + h * dAm)), _array(f(Am - h * dAm))
        except (Undefined, ZeroDivisionError, ValueError) as exc:
            return {**out, "why": f"no derivative: a neighbour has no value ({exc})"}
        if Fp.shape != F0.shape or Fm.shape != F0.shape:
            return {**out, "why": "no derivative: the value changes shape nearby"}
        size = _norm(F0) + 1
        jump = max(_norm(Fp - F0), _norm(F0 - Fm))
        plus, minus = (Fp - F0) / h, (F0 - Fm) / h
        if jump > mp.mpf("1e-6") * size:
            return {**out, "why": "no derivative: the value jumps (not continuous here)",
                    "continuous": False}
        if _norm(plus - minus) > mp.mpf("1e-6") * (_norm(plus) + _norm(minus) + mp.mpf("1e-300")):
            return {**out, "why": "no derivative: the one-sided derivatives differ (a kink)"}
        out["derivative"] = np.asarray((Fp - Fm) / (2 * h), dtype=object).astype(np.float64)
        return out


def spectrum_flags(A, domain):
    """Whether A is *numerically* tied or rank deficient: a gap (or σ_min) at most 1e-9
    (1e-13) of the largest, yet not zero to the 50 digits. There a TieError or RankError is
    the stated policy even though the reference has a (huge) derivative; at an exact tie or
    an exact zero the reference decides alone. Ties are of the singular values for the
    SVD's domain ("tall"), of the eigenvalues' real parts otherwise."""
    with mp.workdps(DPS):
        Am, exact = to_mp(A), mp.mpf("1e-40")
        s = sorted(mp.svd_r(Am, compute_uv=False), reverse=True)
        flags = {"rank": bool(s and exact * s[0] < s[-1] <= mp.mpf("1e-13") * s[0])}
        if domain == "tall" or Am.rows != Am.cols:
            v = s
        elif mp.mnorm(Am - Am.T, 1) == 0:
            v = sorted(mp.eigsy(Am)[0])
        else:
            v = sorted(mp.re(x) for x in _eigvals(Am))
        top = max((abs(x) for x in v), default=mp.mpf(0))
        flags["tie"] = any(exact * top < abs(a - b) <= mp.mpf("1e-9") * top
                           for a, b in zip(v, v[1:]))
        return flags


def _similar(spectrum, seed=0):
    """S diag(spectrum) S⁻¹ with S = I + 0.3 N: a non-symmetric matrix with that spectrum."""
    n = len(spectrum)
    S = np.eye(n) + 0.3 * np.random.default_rng([seed, 22]).standard_normal((n, n))
    return S @ np.diag(spectrum) @ np.linalg.inv(S)


#: Matrices with exact ties and exact rank deficiency (entries exact in float64).
EXACT = {
    "symmetric tie": np.array([[2.0, 1, 0], [1, 2, 0], [0, 0, 3]]),            # 1, 3, 3
    "symmetric singular": np.array([[1.0, 2, 0], [2, 4, 0], [0, 0, 3]]),       # 0, 3, 5
    "general tie": np.array([[3.0, 0, 2], [0, 3, 1], [0, 0, 1]]),              # 1, 3, 3
    "general singular": np.array([[2.0, 1, 1], [1, 3, 2], [3, 4, 3]]),         # row 3 = 1 + 2
    "tall tie": np.array([[1.0, 1, 0], [1, -1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    # column 3 = column 1 + 2 column 2: the null vector (1, 2, -1)/√6 has one largest entry
    "tall singular": np.array([[1.0, 0, 1], [2, 1, 4], [0, 1, 2], [1, 0, 1], [0, 1, 2]]),
}


def _by_domain(domain, sym, tall, general):
    return tall if domain == "tall" else (sym if domain in ("symmetric", "spd") else general)


def sample_kind(kind, spectrum, m=None):
    return sample(kind, len(spectrum), 0, spectrum=spectrum, m=m)


def domain(claim):
    """The matrices the claim is stated for: "symmetric" or "spd" (its variable's kind),
    "tall" (a rectangular shape, m >= n), or "square"."""
    (var,) = claim.wrt
    kind = claim.kinds.get(var, "")
    if kind in ("symmetric", "spd"):
        return kind
    letters = claim.shapes.get(var, "nn")
    return "tall" if letters[0] != letters[1] else "square"


def _with(claim, A):
    """The claim's point with its variable set to A and the other variables (a right-hand
    side) sized to fit A: letters shared with the variable take its sizes, others 2."""
    (var,) = claim.wrt
    sizes = dict(zip(claim.shapes.get(var, ""), A.shape))
    point = {var: A}
    for name, letters in claim.shapes.items():
        if name != var:
            shape = tuple(sizes.get(c, 2) for c in letters)
            point[name] = (np.arange(np.prod(shape), dtype=float).reshape(shape) / 4 - 0.5)
    return point


def cells(claim):
    """``(cell name, point, κ)`` for every cell of the grid for ``claim``: κ is the cell's
    condition (1/gap at a near tie, 1/σ_min near singularity, the scale at 1e3, where
    sin(1000 x) and the like are that much worse conditioned), which scales its
    tolerance."""
    d, (var,) = domain(claim), claim.wrt
    base = claim.point(0)[var] if claim.point else sample("general", 3, 0)
    kind = "spd" if d == "spd" else "symmetric"

    def spectrum(values):
        return _by_domain(d, sample_kind(kind, values), sample_kind("tall", values),
                          _similar(values))
    tall = base if d == "tall" else np.vstack([base, base[:2]])
    out = [("base", base, 1), ("scale 1e-3", 1e-3 * base, 1), ("scale 1e3", 1e3 * base, 1e3),
           ("size 1", np.abs(base[:1, :1]) + 0.5 if d != "tall" else base[:, :1], 1),
           ("float32", base.astype(np.float32), 1), ("tall", tall, 1), ("wide", tall.T, 1),
           ("square", sample_kind("tall", [1.0, 2.0, 3.0], m=3) if d == "tall" else base, 1),
           ("exact tie", EXACT[_by_domain(d, "symmetric tie", "tall tie", "general tie")], 1),
           ("near tie", spectrum([1.0, 2.0, 2.0 + 2e-6]), 1e6),
           ("rank deficient", EXACT[_by_domain(d, "symmetric singular", "tall singular",
                                               "general singular")], 1),
           ("near singular", spectrum([1e-8, 1.0, 2.0]), 1e8)]
    if d == "symmetric":
        out.append(("not symmetric", _similar([1.0, 2.0, 3.0]), 1))
    if d == "spd":
        out.append(("indefinite", sample_kind("symmetric", [-1.0, 1.0, 2.0]), 1))
    if d == "square":
        out += [("negative eigenvalue", _similar([-1.0, 1.0, 2.0]), 1),
                ("complex spectrum", np.array([[0.0, -2, 0], [1, 0, 0], [0.5, 0.3, 2]]), 1)]
    if d in ("symmetric", "spd"):  # exactly symmetric, so that the reference sees what eigh does
        out = [(c, (A + A.T) / 2 if c != "not symmetric" and A.shape[0] == A.shape[1] else A, k)
               for c, A, k in out]
    return [(c, _with(claim, A), k) for c, A, k in out]


def directions(claim, A, seed=0):
    """A seeded direction dA in A's precision (symmetric for symmetric domains), with
    ‖dA‖ = max(‖A‖, 1)."""
    r = np.random.default_rng([seed, 23])
    dA = r.standard_normal(A.shape)
    if domain(claim) in ("symmetric", "spd") and A.shape[0] == A.shape[1]:
        dA = (dA + dA.T) / 2
    dA *= max(1.0, float(np.linalg.norm(A))) / np.linalg.norm(dA)
    return dA.astype(A.dtype)


def cotangent(shape, dtype, seed=0):
    """A seeded upstream gradient of the output's shape."""
    return np.random.default_rng([seed, 24]).standard_normal(shape).astype(dtype)
