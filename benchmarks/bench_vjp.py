"""matcalc.check_vjp against the full Jacobian (matcalc.jacobian) and jax's check_grads.

The layer is the batch-first linear layer Y = X W^T + b with X of shape (B, n), W of shape
(n, n), b of shape (n,), B = 8, at growing n. Three ways to check its backward rule (the VJP
for X, W and b):

* check_vjp: a random upstream gradient G, each input checked as the gradient of
  X -> G : F(X) along 3 random directions. Its cost does not depend on n.
* the full Jacobian: matcalc.jacobian of F with respect to each input (a few evaluations per
  entry of the input), then the claimed VJP compared with G contracted with the Jacobian.
  Cost grows with the number of parameters; it is only run up to ``max_jacobian_n``.
* jax.test_util.check_grads(f, args, order=1, modes=["rev"]) on the same layer written
  with jax.numpy: it checks JAX's *own* VJP (not our hand rule) against finite differences
  along random directions; its time includes tracing and compiling.

Each tool also gets a wrong rule (the bias gradient averaged instead of summed over the
batch): check_vjp and the Jacobian flag it; check_grads cannot be given a hand rule.

Run:  /work/main/.venv/bin/python benchmarks/bench_vjp.py [max_n]
"""

import os
import platform
import sys
import time
from datetime import date

import numpy as np
from matcalc import check_vjp, jacobian


def layer(n, B=8, seed=0):
    rng = np.random.default_rng(seed)
    X, W, b = rng.standard_normal((B, n)), rng.standard_normal((n, n)), rng.standard_normal(n)
    counter = [0]

    def F(X, W, b):
        counter[0] += 1
        return X @ W.T + b

    def vjp(X, W, b, G):
        return G @ W, G.T @ X, G.sum(axis=0)

    def wrong(X, W, b, G):
        return G @ W, G.T @ X, G.mean(axis=0)

    return (X, W, b), F, vjp, wrong, counter


def run_check_vjp(args, F, rule, counter):
    counter[0] = 0
    t = time.perf_counter()
    result = check_vjp(F, rule, args)
    return time.perf_counter() - t, counter[0], result.passed


def run_jacobian(args, F, rule, counter):
    counter[0] = 0
    t = time.perf_counter()
    G = np.random.default_rng(1).standard_normal(F(*args).shape)
    claimed = rule(*args, G)
    ok = True
    for k, A in enumerate(args):
        J = jacobian(lambda Z, k=k: F(*(args[:k] + (Z,) + args[k + 1:])), A)
        numeric = np.tensordot(G, J, axes=G.ndim)
        ok &= np.allclose(numeric, claimed[k], rtol=1e-7, atol=1e-9)
    return time.perf_counter() - t, counter[0], bool(ok)


def run_jax(args):
    import jax

    jax.config.update("jax_enable_x64", True)
    from jax.test_util import check_grads

    jargs = tuple(jax.numpy.asarray(a) for a in args)
    t = time.perf_counter()
    check_grads(lambda X, W, b: X @ W.T + b, jargs, order=1, modes=["rev"])
    return time.perf_counter() - t


def main(max_n=128, max_jacobian_n=32):
    print(f"Measured {date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print("| n | parameters | check_vjp evals | check_vjp time (s) | Jacobian evals | "
          "Jacobian time (s) | jax check_grads time (s) | wrong rule flagged: check_vjp / Jacobian |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    n = 4
    while n <= max_n:
        args, F, vjp, wrong, counter = layer(n)
        params = sum(a.size for a in args)
        run_check_vjp(args, F, vjp, counter)  # warm-up
        t_v, e_v, ok_v = run_check_vjp(args, F, vjp, counter)
        _, _, wrong_v = run_check_vjp(args, F, wrong, counter)
        assert ok_v, f"check_vjp rejected the right rule at n={n}"
        if n <= max_jacobian_n:
            t_j, e_j, ok_j = run_jacobian(args, F, vjp, counter)
            _, _, wrong_j = run_jacobian(args, F, wrong, counter)
            jac = (f"{e_j} | {t_j:.3f}", "yes" if not wrong_j else "no")
            assert ok_j
        else:
            jac = ("— | —", "—")
        t_x = run_jax(args)
        print(f"| {n} | {params} | {e_v} | {t_v:.4f} | {jac[0]} | {t_x:.3f} | "
              f"{'yes' if not wrong_v else 'no'} / {jac[1]} |")
        n *= 2


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
