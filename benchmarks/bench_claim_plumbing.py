"""Two costs behind the claim machinery's design, measured.

1. The verification cache (``matcalc.catalogue.cache``): ``verify_all()`` of every catalogue
   entry checked live, then with an empty cache directory (checks, then writes the file), then
   in a fresh state that reads the file, then from memory.
2. The parameter cache of ``matcalc.variables.call_by_name``: checking a set of claims
   numerically with the parameter names read once per function (the package's way) and with
   ``inspect.signature`` read on every call (the cache patched out, for this measurement only).

Run:  .venv/bin/python benchmarks/bench_claim_plumbing.py   (about a minute)
"""

import os
import platform
import tempfile
import time
from datetime import date

import numpy as np

import matcalc.variables as variables
from matcalc.catalogue import cache, entries, verify_all
from matcalc.registry import claims


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def verification_cache():
    chosen = entries()
    rows = [("live, no cache", timed(lambda: verify_all(chosen, cache=False)))]
    with tempfile.TemporaryDirectory() as where:
        os.environ[cache.ENVIRONMENT_VARIABLE] = where
        cache.forget()
        rows.append(("empty cache: check and write", timed(lambda: verify_all(chosen))))
        cache.forget()
        rows.append(("read the file", timed(lambda: verify_all(chosen))))
        rows.append(("from memory", timed(lambda: verify_all(chosen))))
        del os.environ[cache.ENVIRONMENT_VARIABLE]
    print(f"verify_all() of the {len(chosen)} catalogue entries\n")
    print("| state | time (s) |\n|---|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} |")


def parameter_cache(repeats=3):
    chosen = [c for c in claims() if c.kind in ("gradient", "differential", "vjp")][:60]

    def check_all():
        for c in chosen:
            c.check(exact=False)

    cached = variables._cached_parameters
    times = {}
    for label, reader in (("read once per function", cached),
                          ("inspect.signature every call", variables._read_parameters)):
        variables._cached_parameters = reader
        try:
            times[label] = min(timed(check_all) for _ in range(repeats))
        finally:
            variables._cached_parameters = cached
    print(f"\nnumeric checks of {len(chosen)} claims (gradient, differential, vjp), "
          f"best of {repeats}\n")
    print("| parameters | time (s) |\n|---|---:|")
    for label, seconds in times.items():
        print(f"| {label} | {seconds:.3f} |")
    base = times["read once per function"]
    print(f"\nreading the signature every call costs "
          f"{(times['inspect.signature every call'] - base) / base:.0%} more")


if __name__ == "__main__":
    print(f"Measured {date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}\n")
    verification_cache()
    parameter_cache()
