"""Sweep the checker over many random points of the hard families (issue 9).

For each family of tests/hard_families.py that once crashed or raised false alarms
(Cholesky near the SPD boundary and through X X^T + I, eigh eigenvalue and eigenvector,
slogdet near singular, sqrtm, multivariate normal logpdf) and each seed, check

* the right gradient: PASSED, UNRESOLVED (not confirmed, said so) or FAILED (a false
  alarm), or a crash (an exception out of check_gradient);
* a wrong one (the right gradient times 1 + 1e-3): FAILED (caught) or not (missed).

Prints a Markdown table. Run:  .venv/bin/python benchmarks/sweep_hard_cases.py [seeds]
"""

import os
import platform
import sys
import time
import warnings
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import hard_families as H

from matcalc import check_gradient


def outcome(case, grad):
    try:
        return check_gradient(case.f, grad, case.X, **case.kwargs)
    except Exception as exc:  # a crash is what is counted here
        return exc


def sweep(family, seeds):
    right, wrong, evaluations, methods = Counter(), Counter(), [], Counter()
    for seed in range(seeds):
        case = family(seed)
        r = outcome(case, case.grad)
        if isinstance(r, Exception):
            right["crash"] += 1
        else:
            right[getattr(r, "verdict", "PASSED" if r.passed else "FAILED")] += 1
            evaluations.append(r.evaluations)
            methods[r.method] += 1
        w = outcome(case, lambda X, g=case.grad: g(X) * (1 + 1e-3))
        wrong["crash" if isinstance(w, Exception)
              else getattr(w, "verdict", "PASSED" if w.passed else "FAILED")] += 1
    return right, wrong, evaluations, methods


def main(seeds=100):
    warnings.simplefilter("ignore")
    print(f"Measured {date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, {seeds} seeds per family")
    print("| family | right: passed | unresolved | false alarms | crashes | wrong x(1+1e-3): "
          "caught | missed | mean evaluations | method |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    totals = Counter()
    start = time.perf_counter()
    for family in H.SWEEP:
        right, wrong, evals, methods = sweep(family, seeds)
        totals.update({"false alarms": right["FAILED"], "crashes": right["crash"] + wrong["crash"],
                       "missed": seeds - wrong["FAILED"], "unresolved": right["UNRESOLVED"]})
        print(f"| {family(0).name} | {right['PASSED']} | {right['UNRESOLVED']} | {right['FAILED']} "
              f"| {right['crash']} | {wrong['FAILED']} | {seeds - wrong['FAILED']} "
              f"| {np.mean(evals):.0f} | {', '.join(sorted(methods))} |", flush=True)
    print(f"\nTotal: {totals['crashes']} crashes, {totals['false alarms']} false alarms, "
          f"{totals['unresolved']} unresolved, {totals['missed']} wrong gradients missed "
          f"({time.perf_counter() - start:.0f} s)")
    return totals


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
