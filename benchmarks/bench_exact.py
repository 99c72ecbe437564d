"""Time of the exact differential checks of the catalogue: matcalc.rational against sympy's
field of fractions.

Every exact check of a catalogue entry ends in the question "is sum_s (dF/ds) ds - C zero
as a rational function?". This collects those questions (F, C and the moves) by checking
every catalogue entry once, then answers each one in two ways, in the same process:

- sympy: ``field(symbols, QQ).from_expr`` on both sides, the derivative and the difference
  in sympy's field of fractions (what matcalc did until 2026-11-27; it cancels after every
  sum and product and walks shared subexpressions once per occurrence);
- matcalc: :func:`matcalc.rational.fractions` (numerator and denominator polynomials, each
  shared subexpression once, nothing cancelled) and the difference's numerator.

and prints the totals, the slowest questions, and how many verdicts differ (must be 0).

Run:  .venv/bin/python benchmarks/bench_exact.py
"""

import os
import platform
import sys
import time
from datetime import date

import numpy as np
import sympy as sp

import matcalc.derivation as derivation
from matcalc.catalogue import entries
from matcalc.symbolic import verify_differential


def collect():
    """(entry name, value, moves, claimed) of every exact differential check of the
    catalogue (recorded where the derivations call verify_differential)."""
    asked, current = [], [None]

    def recording(value, moves, claimed):
        moves = list(moves)
        asked.append((current[0], value, moves, claimed))
        return verify_differential(value, moves, claimed)

    derivation.verify_differential = recording
    try:
        for entry in entries():
            current[0] = entry.name
            entry.check()
    finally:
        derivation.verify_differential = verify_differential
    return asked


def by_sympy(value, moves, claimed):
    """Every entry in sympy's field of fractions; None if one is not a rational function."""
    pairs = {x: dx for x, dx in moves if isinstance(x, sp.Symbol)}
    L, R = (m if isinstance(m, sp.MatrixBase) else sp.Matrix([[m]]) for m in (value, claimed))
    verdict = True
    for f, c in zip(L, R):
        symbols = sorted(f.free_symbols | c.free_symbols | set(pairs.values()), key=str)
        K, *gens = sp.polys.fields.field(symbols, sp.QQ)
        gen = dict(zip(symbols, gens))
        try:
            F, C = K.from_expr(f), K.from_expr(c)
        except (ValueError, TypeError, sp.polys.polyerrors.PolynomialError,
                sp.polys.polyerrors.CoercionFailed):
            return None
        moved = sorted(f.free_symbols & set(pairs), key=str)
        verdict &= sum((F.diff(gen[x]) * gen[pairs[x]] for x in moved), K.zero) - C == 0
    return verdict


def by_matcalc(value, moves, claimed):
    return verify_differential(value, moves, claimed).passed


def timed(fn, *args):
    start = time.perf_counter()
    verdict = fn(*args)
    return time.perf_counter() - start, verdict


def main():
    asked = collect()
    rows, differ = [], 0
    for name, value, moves, claimed in asked:
        t_sympy, v_sympy = timed(by_sympy, value, moves, claimed)
        if v_sympy is None:
            continue  # not a rational function: both take sympy's derivative
        t_matcalc, v_matcalc = timed(by_matcalc, value, moves, claimed)
        differ += v_sympy != v_matcalc
        rows.append((t_sympy, t_matcalc, name))
    t_s, t_m = (np.array([r[i] for r in rows]) for i in (0, 1))
    print(f"Measured {date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, sympy {sp.__version__}")
    print(f"{len(rows)} exact differential checks from {len({r[2] for r in rows})} catalogue "
          f"entries; verdicts that differ: {differ}\n")
    print("| | sympy field of fractions (s) | matcalc.rational (s) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| total | {t_s.sum():.2f} | {t_m.sum():.2f} | {t_s.sum() / t_m.sum():.1f}x |")
    print(f"| median check | {np.median(t_s):.4f} | {np.median(t_m):.4f} | "
          f"{np.median(t_s) / np.median(t_m):.1f}x |")
    print("\nThe five slowest for sympy:\n")
    print("| entry | sympy (s) | matcalc (s) | ratio |")
    print("|---|---:|---:|---:|")
    for t_sympy, t_matcalc, name in sorted(rows, reverse=True)[:5]:
        print(f"| {name} | {t_sympy:.3f} | {t_matcalc:.3f} | {t_sympy / t_matcalc:.1f}x |")
    return differ


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
