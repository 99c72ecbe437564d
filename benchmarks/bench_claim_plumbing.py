"""Two costs behind the claim machinery's design, measured.

1. The verification cache (``matcalc.catalogue.cache``): ``verify_all()`` of every catalogue
   entry checked live, then with an empty cache directory (checks, then writes the file), then
   in a fresh state that reads the file, then from memory.
2. The parameter cache of ``matcalc.variables.call_by_name``: the time of one call with the
   parameter names read once per function (the package's way) and read with
   ``inspect.signature`` every time, and how many such calls numeric checks of claims make
   (their functions wrapped in counters); their product estimates what reading the
   signature every call would add to those checks.

Run:  .venv/bin/python benchmarks/bench_claim_plumbing.py   (about a minute)
"""

import dataclasses
import inspect
import os
import platform
import tempfile
import time
from datetime import date

import numpy as np

from matcalc.catalogue import cache, entries, verify_all
from matcalc.registry import claims
from matcalc.variables import call_by_name


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


def _counting(fn, counter):
    """``fn`` with the same parameters, counting its calls."""
    def counted(*args, **kwargs):
        counter[0] += 1
        return fn(*args, **kwargs)
    counted.__signature__ = inspect.signature(fn)
    return counted


def _uncached_call(fn, env):
    names = inspect.signature(fn).parameters
    return fn(**{p: env[p] for p in names if p in env})


def parameter_cache(calls=20000, repeats=3):
    fn, env = (lambda X, A, B: None), {"X": 1, "A": 2, "B": 3, "dX": 4}
    per_call = {}
    for label, call in (("read once per function", call_by_name),
                        ("inspect.signature every call", _uncached_call)):
        per_call[label] = min(timed(lambda call=call: [call(fn, env) for _ in range(calls)])
                              for _ in range(repeats)) / calls
    chosen = [c for c in claims() if c.kind in ("gradient", "differential", "vjp")][:60]
    counter = [0]
    wrapped = [dataclasses.replace(c, **{field: _counting(getattr(c, field), counter)
                                         for field in ("function", "claim", "wrong")
                                         if getattr(c, field) is not None})
               for c in chosen]
    seconds = timed(lambda: [c.check(exact=False) for c in wrapped])
    extra = counter[0] * (per_call["inspect.signature every call"]
                          - per_call["read once per function"])
    print(f"\ncall_by_name, best of {repeats} x {calls} calls\n")
    print("| parameters | time per call (us) |\n|---|---:|")
    for label, value in per_call.items():
        print(f"| {label} | {value * 1e6:.2f} |")
    print(f"\nnumeric checks of {len(chosen)} claims (gradient, differential, vjp, with their "
          f"wrong variants): {seconds:.2f} s, {counter[0]} calls of their functions; reading "
          f"the signature on every call would add about {extra:.2f} s "
          f"({extra / seconds:.0%})")


if __name__ == "__main__":
    print(f"Measured {date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}\n")
    verification_cache()
    parameter_cache()
