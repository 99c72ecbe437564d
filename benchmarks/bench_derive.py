"""matcalc.derive on 67 derivatives of the kind ML readers take (benchmarks/derive_cases.py,
none of them from the book or the tests), side by side with SymPy's matrix expressions.

For each case: the time of the whole `derive` / `hessian` / `differential` call with default
settings (derivation, simplification, every check), the length of the printed answer, the
engine's outcome, and whether its gradient agrees with an independent check_gradient at a
fresh point. For the gradients, SymPy's `MatrixExpr.diff` on the same expression at the
same concrete sizes, evaluated at the same point: correct, silently wrong (an answer that
disagrees), or refused (an error, an unevaluated derivative, or no answer within 30 s; each
attempt runs in its own process so that a hang is cut off).

Run:  .venv/bin/python benchmarks/bench_derive.py          (about 3 minutes)
"""

import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_cases import CASES

SYMPY_TIMEOUT = 30.0


def shapes_of(text):
    shapes, props = {}, {}
    for item in text.split():
        name, rest = item.split("=")
        shape, *p = rest.split(":")
        shapes[name], props[name] = shape, p
    return shapes, props


def point(r, seed=21):
    """A fresh random point for the result's variables at its numeric sizes."""
    rng = np.random.default_rng(seed)
    env = {}
    for name, v in r.variables.items():
        dims = tuple(int(np.prod([r.sizes[p] for p in d.split("*") if p != "1"] or [1]))
                     for d in v.shape)
        a = rng.standard_normal(dims)
        if "spd" in v.props:
            a = a @ a.T / dims[0] + np.eye(dims[0])
        elif "symmetric" in v.props:
            a = (a + a.T) / 2
        elif "positive" in v.props:
            a = np.abs(a) + 0.5
        env[name] = a
    return env


def independent(r, L, env, G=None):
    """'yes' if check_gradient (or check_differential) confirms the engine at ``env``."""
    from matcalc import check_differential, check_gradient
    from matcalc.derive.evaluate import function
    name = r.variable.name
    sym = (lambda V: (V + V.T) / 2) if "symmetric" in r.variable.props else None
    if r.kind == "gradient":
        f = function(L)
        res = check_gradient(lambda V: float(np.asarray(f(**{**env, name: V}))),
                             lambda V: r.evaluate(**{**env, name: V}), env[name], project=sym)
    elif r.kind == "hessian":
        g = function(G, r.variables)
        res = check_differential(lambda V: np.asarray(g(**{**env, name: V})),
                                 lambda X, V: r.evaluate(**{**env, name: X, r.direction.name: V}),
                                 env[name], project=sym)
    else:
        f = function(L)
        dname = r.direction.name
        res = check_differential(lambda V: np.asarray(f(**{**env, name: V})),
                                 lambda X, V: r.evaluate(**{**env, name: X, dname: V}),
                                 env[name])
    return "yes" if res.passed else f"NO ({res.verdict}, {res.error:.1e})"


def ours(case):
    from matcalc.derive import derive, differential, hessian
    from matcalc.derive.parse import parse
    name, kind, text, wrt, shp = case
    shapes, props = shapes_of(shp)
    start = time.perf_counter()
    try:
        L = parse(text, shapes, props)
        r = {"gradient": derive, "hessian": hessian, "differential": differential}[kind](L, wrt)
    except Exception as exc:  # a refusal is a result here; the table says which
        message = " ".join(str(exc).split()).replace("|", "/")
        return {"time": time.perf_counter() - start, "outcome": f"refused: {message}"[:80]}
    seconds = time.perf_counter() - start
    shown, defs = r.named()
    length = len(str(shown)) + sum(len(f"{n} = {d}") for n, d in defs)
    exact = "exact" in [label for label, _ in r.checks.checks]
    G = derive(L, wrt).gradient if kind == "hessian" else None
    env = point(r)
    if kind == "differential":
        env[r.direction.name] = np.random.default_rng(5).standard_normal(env[wrt].shape)
    return {"time": seconds, "outcome": "checked" + (" + exact" if exact else ""),
            "length": length, "correct": independent(r, L, env, G), "result": r, "L": L,
            "env": env}


# -- SymPy's matrix expressions ---------------------------------------------------------------
def to_sympy(e, sizes, symbols):
    """Our expression as a SymPy matrix expression (1 x 1 ones as scalars, via Trace)."""
    import sympy as sp
    from sympy import (HadamardPower, HadamardProduct, Identity, Inverse, KroneckerProduct,
                       OneMatrix, Trace, Transpose)

    def dim(d):
        return int(np.prod([sizes[p] for p in d.split("*") if p != "1"] or [1]))

    def scalar(x):
        return Trace(x) if isinstance(x, sp.MatrixExpr) and x.shape == (1, 1) else x

    def go(n):
        a = [go(x) for x in n.args]
        op, s = n.op, n.shape == ("1", "1")
        if op == "var":
            return scalar(symbols[n.name])
        if op == "num":
            return sp.Rational(n.data.numerator, n.data.denominator) if hasattr(
                n.data, "numerator") else sp.Float(n.data)
        if op == "dim":
            return sp.Integer(dim(n.data))
        if op == "ones":
            return OneMatrix(dim(n.shape[0]), dim(n.shape[1]))
        if op == "eye":
            return Identity(dim(n.shape[0]))
        if op == "mm":
            return scalar(sp.MatMul(*a)) if s else sp.MatMul(*a)
        if op == "add":
            return sp.Add(*a) if s else sp.MatAdd(*a)
        if op == "mul":
            out = n.data if hasattr(n.data, "numerator") else sp.Float(n.data)
            out = sp.Rational(out.numerator, out.denominator) if hasattr(out, "numerator") \
                else out
            for x in a:
                out = out * x
            return out
        if op == "had":
            return sp.Mul(*a) if s else HadamardProduct(*a)
        if op == "pow":
            p = sp.Rational(n.data.numerator, n.data.denominator) if hasattr(
                n.data, "numerator") else sp.Float(n.data)
            return a[0] ** p if s else HadamardPower(a[0], p)
        if op == "T":
            return a[0] if s else Transpose(a[0])
        if op == "inv":
            return Inverse(a[0])
        if op == "det":
            return sp.Determinant(a[0])
        if op == "logdet":
            return sp.log(sp.Determinant(a[0]))
        if op == "tr":
            return Trace(a[0])
        inner_scalar = bool(n.args) and n.args[0].shape == ("1", "1")
        if op == "frob":
            return a[0] * a[1] if inner_scalar else Trace(Transpose(a[0]) * a[1])
        if op == "fro":
            return sp.Abs(a[0]) if inner_scalar else sp.sqrt(Trace(Transpose(a[0]) * a[0]))
        if op == "sum":
            r, c = (dim(d) for d in n.args[0].shape)
            return Trace(OneMatrix(1, r) * a[0] * OneMatrix(c, 1))
        if op == "kron":
            return KroneckerProduct(*a)
        functions = {"exp": sp.exp, "log": sp.log, "tanh": sp.tanh, "sqrt": sp.sqrt,
                     "abs": sp.Abs, "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
                     "softplus": lambda x: sp.log(1 + sp.exp(x)),
                     "relu": lambda x: sp.Max(x, 0)}
        if op in functions:
            f = functions[op]
            if s:
                return f(a[0])
            x = sp.Dummy("x")
            return a[0].applyfunc(sp.Lambda(x, f(x)))
        raise NotImplementedError(f"{op} has no SymPy matrix expression")

    return go(e)


def sympy_attempt(case, sizes, env, want, queue):
    """In a child process: SymPy's gradient at ``env`` against ``want``."""
    try:
        import sympy as sp
        from matcalc.derive.parse import parse
        name, kind, text, wrt, shp = case
        shapes, props = shapes_of(shp)
        L = parse(text, shapes, props)
        from matcalc.derive.expr import variables
        syms = {vname: sp.MatrixSymbol(vname, *env[vname].shape) for vname in variables(L)}
        F = to_sympy(L, sizes, syms)
        G = F.diff(syms[wrt])
        values = {syms[k]: sp.ImmutableMatrix(np.atleast_2d(v).reshape(syms[k].shape))
                  for k, v in env.items() if k in syms}
        value = G.subs(values).doit()
        if hasattr(value, "as_explicit"):
            value = value.as_explicit()
        got = np.array(sp.Matrix(value).evalf(), dtype=float).reshape(want.shape)
        if "symmetric" in props.get(wrt, []) or "spd" in props.get(wrt, []):
            got = (got + got.T) / 2
        difference = np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-300)
        queue.put(("correct" if difference < 1e-6 else f"silently wrong ({difference:.0e})",))
    except Exception as exc:
        message = " ".join(str(exc).split())[:40].replace("|", "/")
        queue.put((f"refused ({type(exc).__name__}: {message})",))


def sympy_result(case, row):
    if case[1] != "gradient" or "result" not in row:
        return "n/a"
    r, env = row["result"], row["env"]
    want = np.asarray(r.evaluate(**env), dtype=float)
    want = want.reshape(np.atleast_2d(env[r.variable.name]).shape)
    env2 = {k: np.atleast_2d(v) if np.ndim(v) < 2 else v for k, v in env.items()}
    env2 = {k: (v.reshape(-1, 1) if r.variables[k].shape[1] == "1" else v)
            for k, v in env2.items()}
    queue = mp.get_context("fork").Queue()
    child = mp.get_context("fork").Process(target=sympy_attempt,
                                           args=(case, r.sizes, env2, want, queue))
    start = time.perf_counter()
    child.start()
    child.join(SYMPY_TIMEOUT)
    if child.is_alive():
        child.kill()
        child.join()
        return f"refused (no answer in {SYMPY_TIMEOUT:.0f} s)"
    seconds = time.perf_counter() - start
    out = queue.get() if not queue.empty() else ("refused (crashed)",)
    return f"{out[0]}, {seconds:.1f} s"


def main():
    import sympy
    print(f"Measured {date.today()}, {platform.machine()}, {os.cpu_count()} cores (shared with "
          f"other jobs), Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"sympy {sympy.__version__}")
    print()
    print("| # | case | kind | matcalc.derive | time (s) | answer length | independent check "
          "| SymPy |")
    print("|---:|---|---|---|---:|---:|---|---|")
    rows = []
    chosen = [c for c in CASES if not sys.argv[1:] or any(a in c[0] for a in sys.argv[1:])]
    for k, case in enumerate(chosen, 1):
        row = ours(case)
        row["sympy"] = sympy_result(case, row)
        rows.append(row)
        print(f"| {k} | {case[0]} | {case[1]} | {row['outcome']} | {row['time']:.2f} | "
              f"{row.get('length', '')} | {row.get('correct', '')} | {row['sympy']} |",
              flush=True)
    times = sorted(r["time"] for r in rows)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print()
    print(f"matcalc.derive: {sum(r['outcome'].startswith('checked') for r in rows)} of "
          f"{len(rows)} checked, {sum(r.get('correct') == 'yes' for r in rows)} confirmed by "
          f"an independent numerical check; time p50 {statistics.median(times):.2f} s, "
          f"p95 {p95:.2f} s, max {times[-1]:.2f} s; answer length median "
          f"{statistics.median(r['length'] for r in rows if 'length' in r):.0f}, max "
          f"{max(r.get('length', 0) for r in rows)} characters")
    grads = [r["sympy"] for r in rows if r["sympy"] != "n/a"]
    print(f"SymPy (gradients only, {len(grads)}): "
          f"{sum(s.startswith('correct') for s in grads)} correct, "
          f"{sum(s.startswith('silently wrong') for s in grads)} silently wrong, "
          f"{sum(s.startswith('refused') for s in grads)} refused")


if __name__ == "__main__":
    main()
