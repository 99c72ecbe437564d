"""Time for matcalc.derive to derive AND check typical expressions.

Each time includes the whole of `derive`: the differential, the Frobenius moves, the
simplification and the check of every step (exactly with sympy at 2 per dimension where the
expression is rational, numerically at rectangular sizes at 3 points, plus the gradient
against numerical derivatives). "first" is the first call in the process for that
expression (the very first row also pays for sympy's caches); "best of 3" repeats it.

Run:  .venv/bin/python benchmarks/bench_derive.py
"""

import os
import platform
import sys
import time
from datetime import date

import numpy as np

from matcalc.derive import (derive, differential, fro, frob, hessian, inv, log, logdet,
                            matrix, ones, scalar, softmax, softplus, tanh, tr, vector)
from matcalc.derive import sum as total


def cases():
    W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
    seed = 0.5 * fro(W @ X - Y) ** 2
    W1, b1 = matrix("W1", "h", "n"), vector("b1", "h")
    W2, b2 = matrix("W2", "m", "h"), vector("b2", "m")
    one = ones("k")
    net = 0.5 * fro(W2 @ tanh(W1 @ X + b1 @ one.T) + b2 @ one.T - Y) ** 2
    w, y = vector("w", "n"), matrix("y", "1", "k")
    mu, S = vector("mu", "n"), matrix("S", "n", "n", spd=True)
    D = X - mu @ one.T
    x, A = vector("x", "n"), matrix("A", "n", "n", symmetric=True)
    Xn = matrix("X", "n", "n")
    return [
        ("seed loss (1/2) fro(W X - Y)^2", lambda: derive(seed, "W")),
        ("softmax cross-entropy", lambda: derive(-frob(Y, log(softmax(W @ X))), "W")),
        ("two-layer network, W1", lambda: derive(net, "W1")),
        ("two-layer network, b2", lambda: derive(net, "b2")),
        ("ridge", lambda: derive(seed + scalar("lam") / 2 * fro(W) ** 2, "W")),
        ("logistic", lambda: derive(total(softplus(w.T @ X)) - frob(y, w.T @ X), "w")),
        ("Gaussian, Sigma (spd)", lambda: derive(
            -(one.T @ one) / 2 * logdet(S) - tr(inv(S) @ D @ D.T) / 2, "S")),
        ("log det(X^T X)", lambda: derive(logdet(X.T @ X), "X", sizes={"k": 3, "n": 5})),
        ("Rayleigh quotient", lambda: derive((x.T @ A @ x) / (x.T @ x), "x")),
        ("differential of X^-1 (+ Kronecker J)", lambda: differential(inv(Xn), "X")),
        ("Hessian of the seed loss", lambda: hessian(seed, "W")),
    ]


def timed(f):
    start = time.perf_counter()
    out = f()
    return time.perf_counter() - start, out


def main():
    print(f"Measured {date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, numpy {np.__version__}")
    print("| expression | steps | exact check | first (s) | best of 3 (s) |")
    print("|---|---:|---|---:|---:|")
    for name, f in cases():
        first, out = timed(f)
        best = min(timed(f)[0] for _ in range(3))
        steps = len(out.steps.steps)
        checked = getattr(out, "checked", "")
        exact = "skipped (transcendental)" if "skipped" in checked else "yes, 2 per letter"
        print(f"| {name} | {steps} | {exact} | {first:.2f} | {best:.2f} |")


if __name__ == "__main__":
    main()
