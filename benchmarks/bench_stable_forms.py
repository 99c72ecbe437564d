"""The stable forms of issue 22 against the forms they replaced: accuracy at each scale
(against mpmath at 50 digits) and time.

* softplus: ``log1p(exp x)`` against ``max(x, 0) + log1p(exp(-|x|))``;
* the derivative of tanh (and so of GELU): ``1 - tanh² x`` against ``4e/(1 + e)²``,
  ``e = exp(-2|x|)``; the derivative of the sigmoid: ``σ(1 - σ)`` against ``e/(1 + e)²``;
* causal attention: the exponential of every score, then the mask, against the mask before
  the exponential (``where``), at score scales 1, 1e2, 1e3, 1e4;
* the pseudo-inverse: the normal equations ``(AᵀA)⁻¹Aᵀ`` against the SVD, at
  σ_min = 1e-2 ... 1e-8;
* divided differences of exp and log (Daleckii–Krein): the quotient as written, the old
  generic rule (f′ at the midpoint below a gap of 1e-8), the generic rule now (below 1e-5)
  and the closed forms of ``symfun.DIVIDED``, at gaps 1e-2 ... 1e-12.

Accuracy is the largest relative error over the samples (elementwise for the activations,
in the Frobenius norm for the matrices); "nan" counts non-finite results. Times are the
best of 5 calls on the sizes given in the table, on numpy.

Run:  .venv/bin/python benchmarks/bench_stable_forms.py
"""

import platform
import sys
import time
import warnings
from datetime import date

import mpmath as mp
import numpy as np
from matcalc.backward.activations import sech2, sigmoid_prime
from matcalc.backward.layers import attention, softplus
from matcalc.decompositions import sample
from matcalc.decompositions.solve import pinv
from matcalc.decompositions.symfun import DIVIDED, divided_differences

mp.mp.dps = 50
TO_MP = np.frompyfunc(mp.mpf, 1, 1)


def best_of(fn, *args, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def worst_relative(values, exact):
    values, exact = np.asarray(values, float), np.asarray(exact, float)
    if not np.all(np.isfinite(values)):
        return f"nan ({int(np.sum(~np.isfinite(values)))})"
    scale = np.maximum(np.abs(exact), np.finfo(float).tiny)
    return f"{np.max(np.abs(values - exact) / scale):.1e}"


def elementwise_rows():
    forms = {
        "softplus": (lambda x: np.log1p(np.exp(x)), softplus,
                     lambda v: mp.log1p(mp.exp(v))),
        "tanh'": (lambda x: 1 - np.tanh(x) ** 2, sech2, lambda v: mp.sech(v) ** 2),
        "sigmoid'": (lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))),
                     sigmoid_prime, lambda v: mp.exp(-v) / (1 + mp.exp(-v)) ** 2),
    }
    x = np.random.default_rng(0).standard_normal(200)
    big = np.random.default_rng(1).standard_normal(100_000)
    rows = []
    for name, (old, new, exact_fn) in forms.items():
        cells = []
        for scale in (1e-3, 1.0, 30.0, 1e3):
            xs = scale * x
            exact = np.array([float(exact_fn(mp.mpf(v))) for v in xs])
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                cells.append(f"{worst_relative(old(xs), exact)} / {worst_relative(new(xs), exact)}")
        with np.errstate(all="ignore"):
            t_old, t_new = best_of(old, big), best_of(new, big)
        rows.append(f"| {name} | " + " | ".join(cells)
                    + f" | {t_old * 1e3:.2f} / {t_new * 1e3:.2f} |")
    return rows


def naive_attention(Q, K, V):
    T, d = Q.shape[-2], Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d)
    mask = np.tril(np.ones((T, T)))
    m = np.max(np.where(mask > 0, S, -np.inf), axis=-1, keepdims=True)
    E = np.exp(S - m) * mask
    return E / np.sum(E, axis=-1, keepdims=True) @ V


def attention_exact(Q, K, V):
    with mp.workdps(50):
        S = TO_MP(Q) @ np.swapaxes(TO_MP(K), -1, -2) / mp.sqrt(Q.shape[-1])
        mask = np.tril(np.ones(S.shape[-2:], bool))
        m = np.where(mask, S, -mp.inf).max(axis=-1, keepdims=True)
        E = np.where(mask, np.frompyfunc(mp.exp, 1, 1)(np.where(mask, S - m, 0)), 0)
        return (E / E.sum(axis=-1, keepdims=True) @ TO_MP(V)).astype(float)


def attention_rows():
    r = np.random.default_rng(2)
    rows = []
    for level in (1.0, 1e2, 1e3, 1e4):
        # allowed scores near `level` (spread O(1)); masked ones 80% larger. K = 2I, d = 4.
        Q = (level * (1 + 0.8 * np.triu(np.ones((4, 4)), 1)) + r.standard_normal((4, 4)))[None]
        K, V = 2 * np.eye(4)[None], r.standard_normal((1, 4, 4))
        exact = attention_exact(Q, K, V)
        with np.errstate(all="ignore"):
            old = naive_attention(Q, K, V)
        new = attention(Q, K, V)
        err = [np.linalg.norm(o - exact) / np.linalg.norm(exact) if np.all(np.isfinite(o))
               else f"nan ({int(np.sum(~np.isfinite(o)))} of {o.size})" for o in (old, new)]
        rows.append(f"| {level:.0e} | " + " | ".join(
            e if isinstance(e, str) else f"{e:.1e}" for e in err) + " |")
    big = np.random.default_rng(3).standard_normal((3, 8, 128, 64))
    with np.errstate(all="ignore"):
        t_old, t_new = best_of(naive_attention, *big), best_of(attention, *big)
    return rows, t_old, t_new


def pinv_exact(A):
    with mp.workdps(50):
        U, s, V = mp.svd_r(mp.matrix(A.tolist()))
        return np.array((V.T * mp.diag([1 / x for x in s]) * U.T).tolist(), dtype=float)


def pinv_rows():
    rows = []
    for smin in (1e-2, 1e-4, 1e-6, 1e-8):
        A = sample("tall", 3, 0, spectrum=[smin, 1.0, 2.0])
        exact = pinv_exact(A)
        err = [np.linalg.norm(P - exact) / np.linalg.norm(exact)
               for P in (np.linalg.solve(A.T @ A, A.T), pinv(A))]
        rows.append(f"| {smin:.0e} | {err[0]:.1e} | {err[1]:.1e} |")
    A = np.random.default_rng(4).standard_normal((50, 20))
    t_old = best_of(lambda A: np.linalg.solve(A.T @ A, A.T), A)
    t_new = best_of(pinv, A)
    return rows, t_old, t_new


def _old_generic(f, fprime, a, b):
    # the rule before issue 22: the quotient, or f' at the midpoint below a gap of 1e-8
    return fprime((a + b) / 2) if abs(a - b) <= 1e-8 * max(1.0, abs(a)) else (f(a) - f(b)) / (a - b)


def divided_rows():
    rows = []
    for gap in (1e-2, 2e-5, 1e-5, 1e-6, 1e-7, 2e-8, 1e-8, 1e-10, 1e-12):
        a, b = 1.3 + gap, 1.3
        cells = []
        for name, f, fprime in (("exp", np.exp, np.exp), ("log", np.log, lambda x: 1 / x)):
            with mp.workdps(50):
                F = getattr(mp, name)
                exact = float((F(mp.mpf(a)) - F(mp.mpf(b))) / (mp.mpf(a) - mp.mpf(b)))
            forms = ((f(a) - f(b)) / (a - b), _old_generic(f, fprime, a, b),
                     divided_differences(f, fprime, np.array([a, b]))[0, 1],
                     float(DIVIDED[name](np.array(a), np.array(b))))
            cells.append(" / ".join(f"{abs(v / exact - 1):.0e}" for v in forms))
        rows.append(f"| {gap:.0e} | " + " | ".join(cells) + " |")
    return rows


def main():
    print(f"Measured {date.today()}, {platform.machine()}, Python {sys.version.split()[0]}, "
          f"numpy {np.__version__}\n")
    print("Activations, worst relative error (old / stable) at x = scale · N(0, 1), "
          "200 samples, and time for 100,000 entries (ms):\n")
    print("| form | scale 1e-3 | scale 1 | scale 30 | scale 1e3 | time old / stable (ms) |")
    print("|---|---|---|---|---|---:|")
    print("\n".join(elementwise_rows()))
    rows, t_old, t_new = attention_rows()
    print("\nCausal attention, relative error against mpmath (old: exp then mask / stable: "
          "mask then exp):\n")
    print("| allowed scores near | old | stable |\n|---|---|---|")
    print("\n".join(rows))
    print(f"\ntime, 3 x 8 heads x 128 tokens x 64: old {t_old * 1e3:.1f} ms, "
          f"stable {t_new * 1e3:.1f} ms")
    rows, t_old, t_new = pinv_rows()
    print("\nPseudo-inverse, relative error against mpmath (5 x 3, singular values "
          "σ_min, 1, 2):\n")
    print("| σ_min | normal equations | SVD |\n|---|---|---|")
    print("\n".join(rows))
    print(f"\ntime, 50 x 20: normal equations {t_old * 1e6:.0f} µs, SVD {t_new * 1e6:.0f} µs")
    print("\nDivided differences at 1.3 and 1.3 + gap, relative error: the quotient as "
          "written / the old rule (f' at the midpoint below a gap of 1e-8) / the generic "
          "rule now (below 1e-5) / the closed form of symfun.DIVIDED:\n")
    print("| gap | exp | log |\n|---|---|---|")
    print("\n".join(divided_rows()))


if __name__ == "__main__":
    main()
