"""Re-test chosen mutants of a finished `make mutation` run against the fast test files only.

After tests are written against the survivors of a full run, re-running mutmut on them runs
every covering test of every survivor (minutes each). This runs, for each named mutant, only
the fast test files of its module, activating the mutant as mutmut does (the environment
variable MUTANT_UNDER_TEST in the scratch layout's mutants/src). A mutant these files kill is
killed; one they do not kill is counted as surviving even if a slower test would kill it, so
the score it gives is a lower bound.

    .venv/bin/python benchmarks/retest_mutants.py names.txt results.json
(names.txt: one mutant name per line, as `mutmut results` prints them; results.json:
{name: pytest exit code, or "timeout"}, anything but 0 = killed.)
"""

import json
import os
import subprocess
import sys
from multiprocessing import Pool
from pathlib import Path

WORK = Path(__file__).resolve().parents[1] / "_build" / "mutation"
FAST = {
    "check": ["tests/test_mutation_core.py"],
    "compare": ["tests/test_mutation_core.py", "tests/test_reports_golden.py"],
    "checkresult": ["tests/test_mutation_core.py", "tests/test_symbolic.py",
                    "tests/test_reports_golden.py"],
    "hessian": ["tests/test_mutation_core.py"],
    "jacobian": ["tests/test_mutation_core.py"],
    "directional": ["tests/test_mutation_core.py", "tests/test_checker_float32_inside.py"],
    "derivation": ["tests/test_derivation.py", "tests/test_reports_golden.py"],
    "chainlayout": ["tests/test_derivation.py", "tests/test_reports_golden.py"],
    "symbolic": ["tests/test_symbolic.py", "tests/test_rational.py",
                 "tests/test_reports_golden.py"],
    "rational": ["tests/test_rational.py", "tests/test_symbolic.py"],
}


TIMEOUT = 180  # seconds; the fast files of a module take under 30 s on the real code


def run(name):
    """(name, pytest's exit code) with the mutant ``name`` active."""
    module = name.split(".")[1]
    env = dict(os.environ, MUTANT_UNDER_TEST=name, PYTHONPATH=str(WORK / "mutants" / "src"))
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                               "no:cacheprovider", "-W", "ignore", "-k",
                               "not property and not sympy and not mvn and not sqrtm",
                               *FAST[module]], cwd=WORK, env=env, capture_output=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return name, "timeout"  # the mutant made the tests hang: caught, as mutmut counts it
    return name, proc.returncode


def main(names_file, out_file):
    names = [line.strip() for line in open(names_file) if line.strip()]
    results = {}
    with Pool(2) as pool:
        for name, code in pool.imap_unordered(run, names):
            results[name] = code  # written as they come: an interrupted run keeps its part
            Path(out_file).write_text(json.dumps(results, indent=0, sort_keys=True))
    killed = sum(1 for code in results.values() if code != 0)
    print(f"re-tested {len(results)}: killed {killed}, surviving {len(results) - killed}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
