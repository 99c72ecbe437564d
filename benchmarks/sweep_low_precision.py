"""The checker on functions that compute in float32 and float16 (issue 21).

For each of four functions computed in the low precision (a sum of squares, A : tanh(X),
log-sum-exp and a quadratic form x^T B x) and 30 random points, check

* the right gradient: PASSED, UNRESOLVED or FAILED (a false alarm);
* wrong ones (the right gradient times 1.01, 1.1, 2 and -1): PASSED would be a miss;

and, for the right gradient, the largest distance between claim and numerical derivative
(the accuracy central differences actually reach) next to the largest error the checker
estimated for them, both relative to the typical size of G:V, and the tolerance. Prints a Markdown table. Run:
.venv/bin/python benchmarks/sweep_low_precision.py [points]
"""

import platform
import sys
import warnings
from collections import Counter
from datetime import date

import numpy as np

from matcalc import check_gradient

FACTORS = (1.01, 1.1, 2.0, -1.0)


def functions(dtype, rng):
    X, A, B = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    c = lambda M: M.astype(dtype)
    lse_grad = lambda X: np.exp(X - X.max()) / np.sum(np.exp(X - X.max()))
    return X, {
        "sum x^2": (lambda X: np.sum(c(X) ** 2), lambda X: 2 * X),
        "A : tanh(X)": (lambda X: np.sum(c(A) * np.tanh(c(X))), lambda X: A * (1 - np.tanh(X) ** 2)),
        "log-sum-exp": (lambda X: np.log(np.sum(np.exp(c(X)))), lse_grad),
        "x^T B x (rows)": (lambda X: np.sum(c(X) @ c(B) * c(X)), lambda X: X @ (B + B.T)),
    }


def main(points=30):
    warnings.simplefilter("ignore")
    print(f"Measured {date.today().isoformat()}, {platform.machine()}, Python "
          f"{platform.python_version()}, numpy {np.__version__}, {points} points per row")
    print("| dtype | function | right: passed | unresolved | false alarms | right claim vs "
          "numeric | estimated error | tolerance | wrong x1.01 / x1.1 / x2 / x(-1): passed "
          "(misses) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for dtype in (np.float32, np.float16):
        for name in functions(dtype, np.random.default_rng(0))[1]:
            right, missed, worst, estimated, tol = Counter(), Counter(), 0.0, 0.0, None
            for seed in range(points):
                X, cases = functions(dtype, np.random.default_rng(seed))
                f, g = cases[name]
                r = check_gradient(f, g, X)
                right[r.verdict] += 1
                typical = np.sqrt(np.mean([d.claimed ** 2 for d in r.directions]))
                worst = max([worst] + [d.disagreement / typical for d in r.directions])
                estimated = max([estimated] + [d.numeric_error / typical for d in r.directions])
                tol = r.tolerance
                for factor in FACTORS:
                    missed[factor] += check_gradient(f, lambda X: factor * g(X), X).passed
            print(f"| {np.dtype(dtype).name} | {name} | {right['PASSED']} | "
                  f"{right['UNRESOLVED']} | {right['FAILED']} | {worst:.1e} | {estimated:.1e} "
                  f"| {tol:.0e} | "
                  + " / ".join(str(missed[f]) for f in FACTORS) + " |", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
