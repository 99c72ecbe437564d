"""Summarise a finished mutmut run (benchmarks/run_mutation.sh) for benchmarks/mutation.md.

Prints the ``killed: K/M`` line, the survivors counted by module and by kind of change, and
one table row per survivor (module function, kind, the first changed line before and after).
The kind says what the mutant changed, from the diff alone; whether it is equivalent is the
judgement written in mutation.md, not this script's.

Run from the repository root after `make mutation`:
    .venv/bin/python benchmarks/mutation_report.py > /tmp/report.md
"""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

WORK = Path(__file__).resolve().parents[1] / "_build" / "mutation"
MUTMUT = str(Path(sys.executable).with_name("mutmut"))

#: (kind, test on the removed and added line), first match wins.
KINDS = [
    ("text", lambda old, new: re.search(r'"XX|XX"|\'XX|XX\'', new) is not None
     or (old.lower() == new.lower() and old != new)),
    ("boundary", lambda old, new: _swapped(old, new, [("<", "<="), (">", ">="), ("<=", "<"),
                                                      (">=", ">")])),
    ("constant", lambda old, new: re.sub(r"\d+(\.\d+)?(e-?\d+)?", "#", old)
     == re.sub(r"\d+(\.\d+)?(e-?\d+)?", "#", new)),
    ("argument", lambda old, new: "None" in new and "None" not in old
     or len(new) < len(old) and set(new.replace(",", " ").split())
     <= set(old.replace(",", " ").split())),
    ("logic", lambda old, new: True),
]


def _swapped(old, new, pairs):
    return any(old.replace(a, b, 1) == new for a, b in pairs)


def _run(*args):
    return subprocess.run([MUTMUT, *args], cwd=WORK, capture_output=True, text=True).stdout


def survivors():
    """``{mutant name: status}`` of every mutant mutmut has a result for."""
    out = {}
    for line in _run("results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            out[name] = status
    return out


def first_change(name):
    """The first removed and added lines of a mutant's diff."""
    lines = _run("show", name).splitlines()
    old = next((line[1:].strip() for line in lines if line.startswith("- ")), "")
    new = next((line[1:].strip() for line in lines if line.startswith("+ ")), "")
    return old, new


def kind_of(old, new):
    return next(kind for kind, test in KINDS if test(old, new))


def main():
    statuses = survivors()
    counts = Counter(statuses.values())
    killed = counts.get("killed", 0)
    total = sum(counts.values()) - counts.get("skipped", 0)
    print(f"killed: {killed}/{total}\n")
    print("| status | count |\n|---|---:|")
    for status, count in sorted(counts.items()):
        print(f"| {status} | {count} |")
    rows, kinds, modules = [], Counter(), Counter()
    for name, status in sorted(statuses.items()):
        if status != "survived":
            continue
        old, new = first_change(name)
        kind = kind_of(old, new)
        kinds[kind] += 1
        modules[name.split(".")[1]] += 1
        cell = lambda s: s.replace("|", "\\|")[:90]
        rows.append(f"| `{name}` | {kind} | `{cell(old)}` → `{cell(new)}` |")
    print("\n| module | survivors |\n|---|---:|")
    for module, count in sorted(modules.items()):
        print(f"| {module} | {count} |")
    print("\n| kind | survivors |\n|---|---:|")
    for kind, count in kinds.most_common():
        print(f"| {kind} | {count} |")
    print("\n| mutant | kind | original → mutant (first changed line) |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
