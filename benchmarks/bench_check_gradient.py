"""matcalc.check_gradient against scipy.optimize.check_grad on the least-squares loss.

L(W) = 1/2 ||W X - Y||_F^2 with W of shape n x n (n^2 parameters), X of shape n x k.
Both tools check the true gradient (W X - Y) X^T and two wrong ones, in one process:

* gross: one entry of the gradient with its sign flipped;
* subtle: the whole gradient scaled by 1 + 1e-7.

scipy's check_grad returns the 2-norm of (numeric - claimed) and no verdict. Its forward
differences (step 1.49e-8) leave an error of about 1e-6 relative even on the right gradient,
so no fixed threshold works at every size. It is read here, generously, as "flagged" when
the relative error on the wrong gradient exceeds 10 times the relative error it reported
on the right one at the same size: a calibration a user without the right answer cannot do.

matcalc's time is the best of 3 runs after a warm-up run; scipy's is one run (it takes
seconds at the larger sizes). The last column is matcalc's *first* call in a fresh process
(after `import matcalc`, which does not import sympy): what a reader's first check costs.

Run:  .venv/bin/python benchmarks/bench_check_gradient.py [max_n]
"""

import os
import platform
import subprocess
import sys
import time
from datetime import date

import numpy as np
from scipy.optimize import check_grad

from matcalc import check_gradient


def problem(n, k=20, seed=0):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    W = rng.standard_normal((n, n))
    counter = [0]

    def loss(W):
        counter[0] += 1
        return 0.5 * np.sum((W @ X - Y) ** 2)

    def grad(W):
        return (W @ X - Y) @ X.T

    def gross(W):
        G = grad(W)
        G[0, 0] = -G[0, 0]
        return G

    def subtle(W):
        return (1 + 1e-7) * grad(W)

    return W, loss, {"right": grad, "gross": gross, "subtle": subtle}, counter


def run_matcalc(W, loss, grad, counter, repeats=3):
    check_gradient(loss, grad, W)  # warm-up
    best = np.inf
    for _ in range(repeats):
        counter[0] = 0
        t = time.perf_counter()
        result = check_gradient(loss, grad, W)
        best = min(best, time.perf_counter() - t)
    return best, counter[0], not result.passed


FIRST_CALL = """
import sys, time
sys.path.insert(0, {here!r})
from bench_check_gradient import problem
from matcalc import check_gradient
W, loss, grads, counter = problem({n})
t = time.perf_counter()
check_gradient(loss, grads["right"], W)
print(time.perf_counter() - t)
"""


def first_call(n):
    """Seconds taken by the first check_gradient call of a fresh Python process."""
    code = FIRST_CALL.format(here=os.path.dirname(os.path.abspath(__file__)), n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    return float(out.stdout.strip().splitlines()[-1])


def run_scipy(W, loss, grad, counter):
    shape = W.shape
    f = lambda w: loss(w.reshape(shape))
    g = lambda w: grad(w.reshape(shape)).ravel()
    counter[0] = 0
    t = time.perf_counter()
    err = check_grad(f, g, W.ravel())
    elapsed = time.perf_counter() - t
    return elapsed, counter[0], err / np.linalg.norm(g(W.ravel()))


def main(max_n=300):
    print(f"Measured {date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print("| W | parameters | evals matcalc | evals scipy | eval ratio | time matcalc (s) "
          "| time scipy (s) | time ratio | matcalc flags gross / subtle | "
          "scipy relative error right / gross / subtle | scipy flags gross / subtle "
          "| first call matcalc (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|")
    for n in [n for n in (10, 30, 100, 300) if n <= max_n]:
        W, loss, grads, counter = problem(n)
        t_m, e_m, flag_right_m = run_matcalc(W, loss, grads["right"], counter)
        t_s, e_s, rel_right = run_scipy(W, loss, grads["right"], counter)
        flags_m = [run_matcalc(W, loss, grads[w], counter, 1)[2] for w in ("gross", "subtle")]
        rel_s = [run_scipy(W, loss, grads[w], counter)[2] for w in ("gross", "subtle")]
        flags_s = [r > 10 * rel_right for r in rel_s]
        yes = lambda b: "yes" if b else "no"
        print(f"| {n}x{n} | {n * n} | {e_m} | {e_s} | {e_s / e_m:.0f}x | {t_m:.4f} | {t_s:.3f} "
              f"| {t_s / t_m:.0f}x | {yes(flags_m[0])} / {yes(flags_m[1])} "
              f"| {rel_right:.1e} / {rel_s[0]:.1e} / {rel_s[1]:.1e} "
              f"| {yes(flags_s[0])} / {yes(flags_s[1])} | {first_call(n):.4f} |", flush=True)
        if flag_right_m:
            print("  (matcalc raised a false alarm on the right gradient)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
