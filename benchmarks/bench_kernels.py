"""CPU and wall time of the book's chapters run one after another, each in its own kernel,
in three ways:

- started: a kernel jupyter_client starts itself (``python -m ipykernel_launcher``), with
  OpenBLAS's default threads (one per core);
- forked: kernels forked from book/_ext/forkkernel.py's zygote (what the build does);
- both again with ``OPENBLAS_NUM_THREADS=1`` (one BLAS thread per kernel: the matrices are
  small, and a second thread might only spin while two kernels share two cores).

Then, as the build runs them, two at a time (two runner processes, each with half of the
chapters): forked, with the default BLAS threads and with one.

Each notebook goes through preexecute.run_in_kernel, as in the build; the catalogue's
verification cache is off (every entry is checked). CPU is the machine's busy time (all
processes: forked kernels are not this process's children) read from /proc/stat, so the
machine must be otherwise idle. The first forked chapter includes the zygote's start.

Run:  .venv/bin/python benchmarks/bench_kernels.py [chapter ...]
"""

import json
import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = {"started": {"MATCALC_FORK_KERNELS": "0"},
         "forked": {"MATCALC_FORK_KERNELS": "1"},
         "started, 1 BLAS thread": {"MATCALC_FORK_KERNELS": "0", "OPENBLAS_NUM_THREADS": "1"},
         "forked, 1 BLAS thread": {"MATCALC_FORK_KERNELS": "1", "OPENBLAS_NUM_THREADS": "1"}}

# Runs in a child process (so that each mode has its own environment and zygote): runs the
# chapters given as arguments, prints one JSON line per chapter.
RUNNER = r"""
import json, os, sys, time
from pathlib import Path
root = Path(sys.argv[1])
sys.path[:0] = [str(root / "book" / "_ext"), str(root / "tools"), str(root / "benchmarks")]
from preexecute import run_in_kernel
import run_chapter
from bench_kernels import busy

for name in sys.argv[2:]:
    nb = run_chapter.notebook(root / "book" / f"{name}.md")
    cpu, wall = busy(), time.perf_counter()
    result = run_in_kernel(nb, str(root / "book"), 600)
    print(json.dumps({"chapter": name, "wall": time.perf_counter() - wall,
                      "cpu": busy() - cpu, "error": None if result.err is None else str(result.err)[:200]}))
"""


def busy():
    """Seconds of CPU the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def environment(mode):
    """The runner's environment for ``mode``: no verification cache, the book's Markdown."""
    env = dict(os.environ, MATCALC_VERIFY_CACHE="off", MATCALC_MARKDOWN="myst")
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.update(MODES[mode])
    return env


def run(mode, chapters):
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT)] + chapters, env=environment(mode),
                          capture_output=True, text=True, timeout=3600)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(rows) != len(chapters):
        raise SystemExit(f"{mode}: the runner failed\n{proc.stderr[-3000:]}")
    failed = [r["chapter"] for r in rows if r["error"]]
    if failed:
        raise SystemExit(f"{mode}: chapters failed: {failed}")
    return {r["chapter"]: r for r in rows}


def run_two_at_a_time(mode, chapters):
    """Total (CPU s, wall s) of the chapters run by two runners at once."""
    import time

    env = environment(mode)
    cpu, wall = busy(), time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", RUNNER, str(ROOT)] + chapters[k::2],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for k in (0, 1)]
    outputs = [p.communicate(timeout=3600) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit(f"{mode}: a runner failed\n{outputs[0][1][-2000:]}{outputs[1][1][-2000:]}")
    return busy() - cpu, time.perf_counter() - wall


def main(argv):
    sys.path.insert(0, str(ROOT / "tools"))
    import run_chapter

    chapters = argv or [p.stem for p in run_chapter.chapters()]
    results = {mode: run(mode, chapters) for mode in MODES}
    print(f"{date.today()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
          "CPU s (wall s) per chapter, one chapter at a time\n")
    print("| chapter | " + " | ".join(MODES) + " |")
    print("|---|" + "---:|" * len(MODES))
    for name in chapters + ["total"]:
        cells = []
        for mode in MODES:
            rows = results[mode].values() if name == "total" else [results[mode][name]]
            cpu, wall = sum(r["cpu"] for r in rows), sum(r["wall"] for r in rows)
            cells.append(f"{cpu:.1f} ({wall:.1f})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nTwo at a time (as the build runs them): total CPU s (wall s)\n")
    print("| kernels | CPU s | wall s |\n|---|---:|---:|")
    for mode in ("forked", "forked, 1 BLAS thread"):
        cpu, wall = run_two_at_a_time(mode, chapters)
        print(f"| {mode} | {cpu:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
