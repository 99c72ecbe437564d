"""Wall time and CPU time of the book's build: a clean `make html`, an unchanged rebuild,
and (with --test) `make test`.

Each run holds the machine's heavy-job lock (/tmp/matcalc-heavy.lock, flock) so that no
other build or test suite of this project runs at the same time. Two CPU figures are
recorded, because other jobs may share the machine:

- ``cpu``: user + system time of the command and of every process it started, directly or
  not. Where a cgroup-v1 ``cpuacct`` hierarchy is writable (root on Linux), the command runs
  in a cgroup of its own and this is the cgroup's ``cpuacct.usage``: every descendant counts,
  even one whose parent never waited for it (the old build's forked kernels were reaped by
  ``SIGCHLD = SIG_IGN``, which discards their times). Otherwise it is
  ``getrusage(RUSAGE_CHILDREN)`` with this process as the descendants' subreaper, which
  misses such processes (``cpu source`` says which). Other jobs do not inflate it, though
  they can slow it a little (shared caches, frequency);
- ``busy``: the whole machine's busy time over the run (/proc/stat), which includes other
  jobs; ``busy`` well above ``cpu`` means the run shared the machine.

Run:  .venv/bin/python benchmarks/bench_build.py [--runs N] [--test] [--make-args ARGS]
Prints one JSON line per run, then a Markdown table (median and range of each figure).
"""

import argparse
import ctypes
import fcntl
import json
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = "/tmp/matcalc-heavy.lock"
CPUACCT = Path("/sys/fs/cgroup/cpuacct")
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
REAP_SECONDS = 30  # how long to wait for descendants that outlive the command


def busy():
    """The machine's busy CPU seconds since boot (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def become_subreaper():
    """Make orphaned descendants this process's children (Linux), so that their CPU time is
    counted by getrusage when they are reaped."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_descendants():
    """Wait for every remaining (orphaned) descendant, at most REAP_SECONDS in all."""
    deadline = time.monotonic() + REAP_SECONDS
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def new_cgroup():
    """A fresh cpuacct cgroup (its directory), or None where none can be made."""
    group = CPUACCT / f"matcalc-bench-{os.getpid()}-{time.monotonic_ns()}"
    try:
        group.mkdir()
    except OSError:
        return None
    return group


def measure(name, command, before=None):
    """Run ``before`` (untimed) and then ``command`` in ROOT, holding the heavy lock; the
    run's figures as a dict. Raises if either command fails."""
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if before:
            subprocess.run(before, cwd=ROOT, shell=True, check=True, capture_output=True)
        group = new_cgroup()

        def enter():  # in the child, before exec: it and all its descendants are counted
            if group is not None:
                (group / "cgroup.procs").write_text(str(os.getpid()))
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start_busy, start, load = busy(), time.perf_counter(), os.getloadavg()[0]
        proc = subprocess.run(command, cwd=ROOT, shell=True, capture_output=True, text=True,
                              preexec_fn=enter)
        wall = time.perf_counter() - start
        machine = busy() - start_busy
        reap_descendants()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    waited = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    cpu, source = waited, "getrusage"
    if group is not None:
        cpu, source = int((group / "cpuacct.usage").read_text()) / 1e9, "cgroup"
        try:
            group.rmdir()
        except OSError:
            pass  # a descendant still runs: the empty group stays behind, harmless
    return {"run": name, "wall": round(wall, 1), "cpu": round(cpu, 1), "cpu source": source,
            "busy": round(machine, 1), "load before": round(load, 2),
            "config changed": "The configuration has changed" in proc.stdout}


def table(results):
    """A Markdown table: for each kind of run, median [min–max] of wall, cpu and busy."""
    lines = ["| run | n | wall s | CPU s (user+sys) | machine busy s |",
             "|---|---:|---:|---:|---:|"]
    for name in dict.fromkeys(r["run"] for r in results):
        rows = [r for r in results if r["run"] == name]

        def cell(key):
            values = [r[key] for r in rows]
            return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"
        lines.append(f"| {name} | {len(rows)} | {cell('wall')} | {cell('cpu')} "
                     f"| {cell('busy')} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--test", action="store_true", help="also time `make test` (once)")
    parser.add_argument("--make-args", default="", help="added to `make html`")
    args = parser.parse_args()
    become_subreaper()
    html = f"make html {args.make_args}".strip()
    results = []
    for _ in range(args.runs):
        for name, command, before in (("clean make html", html, "make clean"),
                                      ("unchanged rebuild", html, None)):
            results.append(measure(name, command, before))
            print(json.dumps(results[-1]), flush=True)
    if args.test:
        results.append(measure("make test", "make test", None))
        print(json.dumps(results[-1]), flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
