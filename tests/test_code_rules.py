"""Rules the code keeps, enforced: no private name crosses a module boundary, no function in
the package grows past the length a reader can hold, ruff is clean, and the rest of
`make lint` holds: the package's shape (tools/code_shape.py: function and module lengths,
annotations, at most three result classes) and mypy (configured in code/pyproject.toml)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "code" / "matcalc"
MAX_FUNCTION_LINES = 80


def _python_files(*folders):
    for folder in folders:
        yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(path):
    """``(line, text)`` for every private name imported from another matcalc module, or read
    as an attribute of an imported matcalc module."""
    tree = ast.parse(path.read_text(), str(path))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            ours = node.level > 0 or source.split(".")[0] == "matcalc"
            for alias in node.names:
                if ours and _is_private(alias.name):
                    found.append((node.lineno, f"from {'.' * node.level}{source} import "
                                               f"{alias.name}"))
                elif ours:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "matcalc":
                    modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def long_functions(path, limit=MAX_FUNCTION_LINES):
    """``(lines, name, first line)`` of every function longer than ``limit`` lines."""
    tree = ast.parse(path.read_text(), str(path))
    return [(node.end_lineno - node.lineno + 1, node.name, node.lineno)
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > limit]


def test_detectors_catch_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from .check import _compare\nfrom matcalc import catalogue\n"
                   "catalogue._call(1)\nfrom .check import __all__\n"
                   "def f():\n" + "    x = 1\n" * 90)
    assert [t for _, t in private_imports(bad)] == ["from .check import _compare",
                                                    "catalogue._call"]
    assert [(n, name) for n, name, _ in long_functions(bad)] == [(91, "f")]


@pytest.mark.parametrize("path", list(_python_files(PACKAGE, ROOT / "tests", ROOT / "benchmarks")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_module(path):
    assert private_imports(path) == []


def test_no_function_in_the_package_is_longer_than_80_lines():
    report = sorted(((n, f"{p.relative_to(ROOT)}:{line} {name}")
                     for p in _python_files(PACKAGE) for n, name, line in long_functions(p)),
                    reverse=True)
    assert report == [], "functions over 80 lines (longest first):\n" + "\n".join(
        f"  {n} lines: {where}" for n, where in report)


def test_ruff_is_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _run(command, cwd):
    proc = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    return proc.returncode, proc.stdout + proc.stderr


def test_the_package_keeps_its_shape():
    code, output = _run([sys.executable, str(ROOT / "tools" / "code_shape.py"), str(PACKAGE)],
                        ROOT)
    print(output)
    assert code == 0 and "ok: every limit holds" in output, output


def test_mypy_is_clean():
    """As `make lint` runs it: from code/, with its pyproject.toml (its cache, code/.mypy_cache,
    makes a repeated run take a second)."""
    code, output = _run([sys.executable, "-m", "mypy"], ROOT / "code")
    print(output)
    assert code == 0 and "Success: no issues found" in output, output
