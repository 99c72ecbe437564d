"""The package's shape, counted: what `make lint` holds the code of `matcalc` to.

* no function or method over ``MAX_FUNCTION`` lines (its body, decorators and docstring
  included), no module over ``MAX_MODULE`` lines;
* type annotations on at least ``MIN_ANNOTATED`` of the module-level public functions
  (every parameter and the return value annotated);
* at most ``MAX_RESULTS`` result classes: classes that carry a verdict (a field, property
  or method named ``passed`` or ``verdict``), or whose name ends in ``Result`` or
  ``Report``.

Run ``python tools/code_shape.py [path/to/matcalc]``: it prints the counts and the offenders
and exits 1 if a limit is broken.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_FUNCTION = 60
MAX_MODULE = 400
MIN_ANNOTATED = 0.90
MAX_RESULTS = 3
RESULT_SUFFIXES = ("Result", "Report")
VERDICTS = ("passed", "verdict")


def _is_result(node: ast.ClassDef) -> bool:
    if any(getattr(base, "id", getattr(base, "attr", "")) == "Protocol" for base in node.bases):
        return False  # a typing protocol that results satisfy, not a result
    if node.name.endswith(RESULT_SUFFIXES):
        return True
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) \
                and item.target.id in VERDICTS:
            return True
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in VERDICTS:
            return True
    return False


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _length(node: ast.AST) -> int:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return node.end_lineno - start + 1


def _annotated(fn: ast.FunctionDef) -> bool:
    args = fn.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    params = [p for p in params if p.arg not in ("self", "cls")]
    return fn.returns is not None and all(p.annotation is not None for p in params)


def _public_module_functions(tree: ast.Module):
    exported = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                exported = set(ast.literal_eval(node.value))
            except ValueError:
                exported = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                not node.name.startswith("_") and (exported is None or node.name in exported):
            yield node


def measure(package: Path) -> dict:
    """The counts for every ``.py`` file under ``package``.

    >>> counts = measure(Path(__file__).resolve().parents[1] / "code" / "matcalc")
    >>> counts["modules"] > 50 and 0.0 <= counts["annotated"] <= 1.0
    True
    """
    long_functions, long_modules, public, annotated, results = [], [], 0, 0, []
    files = sorted(package.rglob("*.py"))
    for path in files:
        text = path.read_text()
        tree = ast.parse(text)
        where = path.relative_to(package.parent).as_posix()
        lines = len(text.splitlines())
        if lines > MAX_MODULE:
            long_modules.append((where, lines))
        for fn in _functions(tree):
            if _length(fn) > MAX_FUNCTION:
                long_functions.append((f"{where}:{fn.lineno} {fn.name}", _length(fn)))
        for fn in _public_module_functions(tree):
            public += 1
            annotated += _annotated(fn)
        results += [f"{where}:{node.lineno} {node.name}" for node in ast.walk(tree)
                    if isinstance(node, ast.ClassDef) and _is_result(node)]
    return {"modules": len(files), "long_functions": long_functions,
            "long_modules": long_modules, "public": public,
            "annotated": annotated / public if public else 1.0, "results": results}


def report(counts: dict) -> list[str]:
    """The lines to print, and the broken limits (the lines starting with ``FAIL``).

    >>> report({"modules": 1, "long_functions": [], "long_modules": [], "public": 2,
    ...         "annotated": 1.0, "results": ["a.py:1 CheckResult"]})[-1]
    'ok: every limit holds'
    """
    lines = [f"{counts['modules']} modules; {counts['public']} module-level public functions, "
             f"{counts['annotated']:.0%} fully annotated (at least {MIN_ANNOTATED:.0%}); "
             f"{len(counts['results'])} result classes (at most {MAX_RESULTS}): "
             + ", ".join(r.split()[-1] for r in counts["results"])]
    failures = []
    for what, limit in (("long_functions", MAX_FUNCTION), ("long_modules", MAX_MODULE)):
        for name, n in counts[what]:
            failures.append(f"FAIL {name}: {n} lines (at most {limit})")
    if counts["annotated"] < MIN_ANNOTATED:
        failures.append(f"FAIL annotations: {counts['annotated']:.0%} of the public functions "
                        f"(at least {MIN_ANNOTATED:.0%})")
    if len(counts["results"]) > MAX_RESULTS:
        failures.append(f"FAIL {len(counts['results'])} result classes: "
                        + ", ".join(counts["results"]))
    return lines + failures + ([] if failures else ["ok: every limit holds"])


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else \
        Path(__file__).resolve().parents[1] / "code" / "matcalc"
    lines = report(measure(package))
    print("\n".join(lines))
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
