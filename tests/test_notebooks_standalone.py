"""The chapter notebooks a reader downloads stand alone (tools/standalone.py, written by the
build into _notebooks/ beside the matcalc wheel):

- no MyST syntax is left in their Markdown, and every LaTeX macro they use is defined in them
  (or is one MathJax knows);
- they run in a FRESH environment outside the repository that has only what runs a
  notebook (ipykernel, nbclient) and what their first cell installs: the shipped matcalc
  wheel with its "book" extra (jax, matplotlib, scipy at the book's versions). One chapter
  is run in an environment where that first cell does the installing itself, with pip; the
  others in one where uv has installed the same thing beforehand (faster).

This is also the test that executes every chapter fresh, without the build's cache (it
replaced the repository-venv execution in test_chapters.py): a failing cell fails the
chapter's test, naming the chapter and the cell.
"""

import copy
import doctest
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import hashlib

import nbformat
import pytest

import standalone  # tools/standalone.py
from matcalc import plaintext
from chapters import ROOT, chapters, run_chapter

RUNNER = ["ipykernel", "nbclient"]   # what runs a notebook (a reader's Jupyter has them)
UV = Path(sys.executable).parent / "uv"
WHEEL = "matcalc-0.1.0-py3-none-any.whl"
TIMES = {}

# Runs inside the fresh environment, one per pytest-xdist worker: for each notebook path it
# reads on stdin, executes the notebook with nbclient in the notebook's folder, with a last
# cell that reports which Python and which matcalc ran it, and prints a JSON summary line.
# Each notebook gets a kernel of its own, started as Jupyter starts one (a new process with
# a fresh namespace, the fresh environment's Python and packages, and the reader's
# environment variables).
DRIVER = r'''
import json, os, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

replies = os.fdopen(os.dup(1), "w")   # the summaries; anything else written to stdout (by
os.dup2(2, 1)                         # the kernels) goes to stderr
for line in sys.stdin:
    path = Path(line.strip())
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, matcalc; print('PROBE', sys.prefix, matcalc.__file__)"))
    client = NotebookClient(nb, timeout=600, startup_timeout=600, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    start, error = time.perf_counter(), None
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err)[-4000:]
    except Exception as err:   # a kernel that died, did not start, or a cell timed out
        error = f"{type(err).__name__}: {err}"[-4000:]
    nbformat.write(nb, path.with_suffix(".executed.ipynb"))
    replies.write(json.dumps({"path": str(path), "seconds": time.perf_counter() - start,
                              "error": error}) + "\n")
    replies.flush()
'''


def _markdown(nb):
    """The notebook's Markdown: markdown cells, and Markdown outputs of code cells."""
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [o.get("data", {}).get("text/markdown", "") for c in nb.cells
              if c.cell_type == "code" for o in c.get("outputs", [])]
    return "\n\n".join(texts)


def _undefined(nb):
    return standalone.used_macros(_markdown(nb)) - standalone.defined_macros(nb) \
        - standalone.MATHJAX_BUILTINS


@pytest.fixture(scope="module")
def macros(tmp_path_factory):
    # conf.py prunes the notebook caches of its cache root on import: point it elsewhere
    cache = tmp_path_factory.mktemp("unused-cache")
    with mock.patch.dict(os.environ, {"MATCALC_NB_CACHE": str(cache)}):
        return runpy.run_path(str(ROOT / "conf.py"))["MACROS"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, macros):
    """The notebooks and the wheel, as the build writes them (without Sphinx: no numbers,
    no outputs), and the problems the conversion met."""
    out = tmp_path_factory.mktemp("_notebooks")
    start = time.perf_counter()
    problems = standalone.export_chapters(chapters(), out, macros)
    TIMES["export (wheel + notebooks)"] = time.perf_counter() - start
    return out, problems


def _pins(names):
    """The lines of requirements.txt pinning ``names``."""
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.split("==")[0].strip().lower() in names]
    assert len(pins) == len(names), pins
    return pins


def _venv(where, *requirements, seed=False):
    """A new virtual environment in ``where``/venv with ``requirements`` installed by uv
    (from its cache when it has them), constrained to requirements.txt: its python."""
    if not UV.exists():
        pytest.fail(f"uv (pinned in requirements.txt) is needed next to {sys.executable}")
    env_dir = where / "venv"
    subprocess.run([str(UV), "venv", "-q", *(["--seed"] if seed else []), "-p", sys.executable,
                    str(env_dir)], check=True, capture_output=True)
    python = env_dir / "bin" / "python"
    if not requirements:
        return python
    install = [str(UV), "pip", "install", "-q", "-p", str(python), *requirements,
               "-c", str(ROOT / "requirements.txt")]
    if subprocess.run(install + ["--offline"], capture_output=True).returncode != 0:
        proc = subprocess.run(install, capture_output=True, text=True)   # not all cached
        assert proc.returncode == 0, proc.stderr[-3000:]
    return python


def _imports(python, module, where):
    """Where ``module`` is imported from in the environment of ``python``, or None."""
    proc = subprocess.run([str(python), "-c", f"import {module}; print({module}.__file__)"],
                          capture_output=True, text=True, env=_clean_env(python.parents[1]),
                          cwd=where)
    return proc.stdout.strip() if proc.returncode == 0 else None


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, exported):
    """A new virtual environment with what runs a notebook and what a notebook's first cell
    installs, the shipped wheel with its "book" extra, installed here by uv: its python.
    Nothing of this repository, and nothing else. (One per pytest-xdist worker.)"""
    where = tmp_path_factory.mktemp("fresh")
    start = time.perf_counter()
    wheel = exported[0] / WHEEL
    python = _venv(where, *_pins(RUNNER), f"matcalc[{standalone.EXTRA}] @ {wheel.as_uri()}")
    TIMES["fresh environment"] = time.perf_counter() - start
    assert str(python.parents[1]) in _imports(python, "matcalc", where)
    assert all(_imports(python, m, where) for m in standalone.EXTRA_MODULES)
    assert _imports(python, "sphinx", where) is None and _imports(python, "pytest", where) is None
    return python


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory):
    """A folder of the wheels the notebooks' first cell installs (the matcalc wheel with its
    "book" extra, every dependency at its pin), for pip without an index: fetched from PyPI by
    pip the first time, kept in _build/wheelhouse/ under a hash of the pins after that."""
    key = hashlib.sha256((ROOT / "requirements.txt").read_bytes()
                         + (ROOT / "code" / "pyproject.toml").read_bytes()).hexdigest()[:16]
    folder = ROOT / "_build" / "wheelhouse" / key
    if not (folder / ".complete").exists():
        wheel = standalone.build_wheel(ROOT / "code", tmp_path_factory.mktemp("wheel"))
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "-q",
                               "--disable-pip-version-check", "--only-binary=:all:", "-d",
                               str(folder), "-c", str(ROOT / "requirements.txt"),
                               f"{wheel}[{standalone.EXTRA}]"], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.fail("could not fetch the notebooks' dependencies from PyPI into "
                        f"{folder} (needed once):\n{proc.stderr[-2000:]}", pytrace=False)
        (folder / WHEEL).unlink()       # the notebooks install the wheel beside them
        (folder / ".complete").write_text("fetched by pip download\n")
    return folder


def _pip_offline(wheelhouse):
    """Environment variables that make pip install from ``wheelhouse`` only."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def runner(fresh, tmp_path_factory):
    """run(notebook path) -> the driver's summary: DRIVER running in the fresh environment."""
    yield from _runner(fresh, tmp_path_factory.mktemp("driver"))


def _runner(python, where, extra_env=None):
    """run(notebook path) -> the driver's summary: DRIVER running with ``python``."""
    (where / "driver.py").write_text(DRIVER)
    proc = subprocess.Popen([str(python), str(where / "driver.py")], cwd=where,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(where / "stderr.txt", "w"), text=True,
                            env=dict(_clean_env(python.parents[1]), **(extra_env or {})))

    def run(path):
        assert proc.poll() is None, ("the notebook driver stopped:\n"
                                     + (where / "stderr.txt").read_text()[-3000:])
        proc.stdin.write(f"{path}\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, ("the notebook driver stopped:\n"
                      + (where / "stderr.txt").read_text()[-3000:])
        result = json.loads(line)
        assert result["path"] == str(path), result
        return result

    try:
        yield run
    finally:   # also when the generator is closed before its end
        proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _clean_env(env_dir):
    """The environment of a reader: no PYTHONPATH to this repository, the fresh venv first
    on PATH, no Jupyter kernels of this machine, and Python's bytecode written as usual (uv
    installs none; where PYTHONDONTWRITEBYTECODE is set, as on our machines, every kernel
    compiled numpy, sympy, matplotlib and jax from source again: 5 s of CPU per chapter)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")}
    jupyter = Path(env_dir).parent / "jupyter"
    env.update(PATH=f"{Path(env_dir) / 'bin'}:{env.get('PATH', '')}", JUPYTER_PATH=str(jupyter),
               JUPYTER_DATA_DIR=str(jupyter), JUPYTER_CONFIG_DIR=str(jupyter),
               VIRTUAL_ENV=str(env_dir))
    return env


def _read(exported, path):
    return nbformat.read(str(exported[0] / f"{path.stem}.ipynb"), as_version=4)


def test_the_module_examples_run():
    result = doctest.testmod(standalone, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10 and result.failed == 0


def test_conversion_meets_no_unknown_label_role_or_directive(exported):
    _, problems = exported
    assert problems == [], "\n".join(problems)


def test_every_chapter_and_the_wheel_are_written(exported):
    out, _ = exported
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{p.stem}.ipynb" for p in chapters()]
                           + ["matcalc-0.1.0-py3-none-any.whl"])


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_no_myst_syntax_is_left(exported, path):
    nb = _read(exported, path)
    nbformat.validate(nb)
    left = standalone.leftover_myst(_markdown(nb))
    assert left == [], f"{path.stem}: MyST syntax left in the notebook's Markdown: {left}"
    # the same, more bluntly, outside code (code may quote MyST: derivation steps do)
    text = re.sub(r"^```.*?^```|`[^`\n]+`", "", _markdown(nb), flags=re.S | re.M)
    for leftover in ("```{", "{prf:", "{ref}`", "{eq}`", "{numref}`", "{cite", "{term}`",
                     ":label:", ":class:"):
        assert leftover not in text, f"{path.stem}: {leftover!r} in the Markdown"


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_every_macro_used_is_defined(exported, path, macros):
    nb = _read(exported, path)
    assert standalone.defined_macros(nb) == set(macros)      # all of conf.py's, in cell 1
    assert "newcommand" in nb.cells[0].source
    assert _undefined(nb) == set(), f"{path.stem}: macros used but not defined"


def test_the_checks_catch_what_they_look_for(exported, path=ROOT / "book" / "differentials.md"):
    """Deliberate mistakes: the book's own MyST notebook has roles and directives left and
    macros undefined; the converted one without its first cell has undefined macros."""
    raw = run_chapter.notebook(path)
    assert {"{prf:ref}`thm-inverse`", "```{prf:theorem}"} <= set(standalone.leftover_myst(_markdown(raw)))
    nb = _read(exported, path)
    nb.cells = nb.cells[1:]
    assert {"d", "frob", "fnorm"} <= _undefined(nb)


def test_references_link_to_the_html_pages(exported):
    text = _markdown(_read(exported, ROOT / "book" / "differentials.md"))
    assert "[Theorem (Differential of the inverse)](../differentials.html#thm-inverse)" in text
    assert "](../differentials.html#equation-eq-differential-def)" in text
    assert "[differential](../notation.html#term-differential)" in text
    assert re.search(r"\(\[Magnus and Neudecker, 2019\]\(\.\./bibliography\.html(#\w+)?\)\)", text)
    assert "def quadratic_inverse" in text       # the literalinclude, as a code block
    assert re.search(r"^#{3,6} Solution to Exercise\b", text, re.M)


def test_cell_ids_and_the_wheel_are_reproducible(exported, macros, tmp_path):
    out, _ = exported
    standalone.export_chapters(chapters(), tmp_path, macros)
    different = [p.name for p in sorted(out.iterdir())
                 if p.read_bytes() != (tmp_path / p.name).read_bytes()]
    assert different == []
    nb = nbformat.read(str(tmp_path / "howto.ipynb"), as_version=4)
    assert [c.id for c in nb.cells] == [f"cell-{n}" for n in range(len(nb.cells))]


def test_install_cell_installs_the_shipped_wheel(exported, wheelhouse, tmp_path):
    """howto's first cell in an environment with nothing but pip: without the wheel beside
    the notebook it says where to get it; with it, pip installs it (numpy and sympy from the
    wheelhouse: no extra, the chapter imports none of EXTRA_MODULES)."""
    bare = _venv(tmp_path, seed=True)
    source = _read(exported, ROOT / "book" / "howto.md").cells[1].source
    assert f"[{standalone.EXTRA}]" not in source
    env = dict(_clean_env(bare.parents[1]), **_pip_offline(wheelhouse))
    alone = subprocess.run([str(bare), "-c", source], cwd=tmp_path, capture_output=True,
                           text=True, env=env)       # no wheel next to the notebook
    assert alone.returncode != 0 and "pip install './code'" in alone.stderr
    assert f"replace howto.ipynb by {WHEEL}" in alone.stderr
    folder = tmp_path / "downloads"
    shutil.copytree(exported[0], folder)
    done = subprocess.run([str(bare), "-c", source], cwd=folder, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0 and "matcalc 0.1.0 is installed" in done.stdout, done.stderr
    where = subprocess.run([str(bare), "-c", "import importlib.metadata as m; "
                            "d = m.distribution('matcalc'); print(d.read_text('direct_url.json'));"
                            "print(d.locate_file(''))"],
                           cwd=tmp_path, capture_output=True, text=True, env=env)
    assert WHEEL in where.stdout
    assert str(bare.parents[1]) in where.stdout       # installed into the fresh venv


def test_a_notebook_installs_what_it_needs_and_runs(exported, wheelhouse, tmp_path):
    """The derive chapter (it imports jax) in an environment with only ipykernel and
    nbclient: its first cell installs the wheel with the "book" extra, with pip, and the
    notebook runs to the end. (Downloaded into a fresh environment, it used to stop at its
    eighth cell: No module named 'jax'.)"""
    start = time.perf_counter()
    python = _venv(tmp_path, *_pins(RUNNER), seed=True)
    assert _imports(python, "matcalc", tmp_path) is None and _imports(python, "jax", tmp_path) is None
    folder = tmp_path / "downloads"
    shutil.copytree(exported[0], folder)
    notebook = folder / "derive.ipynb"
    assert f"[{standalone.EXTRA}]" in _read(exported, ROOT / "book" / "derive.md").cells[1].source
    run = _runner(python, tmp_path, _pip_offline(wheelhouse))
    result = next(run)(notebook)
    run.close()
    TIMES["install and run derive"] = time.perf_counter() - start
    assert result["error"] is None, result["error"]
    assert str(python.parents[1]) in _imports(python, "jax", tmp_path)   # installed by the cell


def test_the_book_extra_pins_the_book_versions():
    """code/pyproject.toml's "book" extra pins what the chapters import beyond matcalc at the
    versions of requirements.txt (the versions the book's outputs were made with)."""
    import tomllib

    project = tomllib.loads((ROOT / "code" / "pyproject.toml").read_text())["project"]
    extra = sorted(project["optional-dependencies"][standalone.EXTRA])
    assert extra == sorted(_pins(["jax", "jaxlib", "matplotlib", "scipy"])), extra
    imported = standalone.extra_modules("\n".join(p.read_text() for p in chapters()))
    assert set(imported) == set(standalone.EXTRA_MODULES), imported


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_environment(exported, fresh, runner, path, tmp_path,
                                              build_runs):
    folder = tmp_path / "downloads"
    shutil.copytree(exported[0], folder)
    result = runner(folder / f"{path.stem}.ipynb")
    TIMES[f"run {path.stem}"] = result["seconds"]
    if result["error"]:
        pytest.fail(f"chapter {path.name} fails in a fresh environment:\n{result['error']}",
                    pytrace=False)
    executed = nbformat.read(str(folder / f"{path.stem}.executed.ipynb"), as_version=4)
    probe = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert f"PROBE {fresh.parents[1]}" in probe and str(ROOT) not in probe, probe
    executed.cells.pop()
    assert _undefined(executed) == set(), f"{path.stem}: macros in outputs not defined"
    # What a reader sees after running a cell: Markdown outputs (derivation tables) must not
    # carry MyST roles, which Jupyter shows raw (the build's copies are converted). (This was
    # a test of its own, skipped whenever pytest-xdist ran it on the other worker.)
    left = standalone.leftover_myst("\n\n".join(
        o.get("data", {}).get("text/markdown", "") for c in executed.cells
        if c.cell_type == "code" for o in c.get("outputs", [])))
    assert left == [], (f"{path.stem}: Markdown outputs show {left} raw in Jupyter (reasons "
                        f"written with MyST roles in matcalc, e.g. matcalc/examples/derivations.py)")
    # The outputs are the build's, cell for cell: a run in another process and another
    # environment prints and draws the same (half of test_reproducible.py's proof).
    different = _different_outputs(build_runs[path.stem], executed, MEASURED.get(path.stem))
    assert different == [], (f"{path.stem}: code cells (from 0) whose outputs differ from the "
                             f"build's run: {different}")


# Cells whose outputs are wall-clock times measured while they run (the chain-rule chapter's
# cost of the tensor route): the only outputs that may differ from one run to the next.
MEASURED = {"chainrule": "costs"}


def _outputs(cell):
    """A code cell's outputs as the page shows them: consecutive chunks of one stream merged
    (myst-nb merges them; how a kernel chunks them varies), no execution counts or metadata,
    and MyST roles in Markdown replaced by their targets (the build keeps them for MyST to
    render, matcalc.plaintext.markdown; a reader's Jupyter gets the targets)."""
    shown = []
    for output in cell.get("outputs", []):
        output = {k: v for k, v in output.items() if k not in ("execution_count", "metadata")}
        if "data" in output and "text/markdown" in output["data"]:
            output["data"] = dict(output["data"], **{
                "text/markdown": plaintext.ROLE.sub(r"\1", output["data"]["text/markdown"])})
        if (shown and output.get("output_type") == "stream"
                and shown[-1].get("output_type") == "stream" and shown[-1]["name"] == output["name"]):
            shown[-1] = dict(shown[-1], text=shown[-1]["text"] + output["text"])
        else:
            shown.append(output)
    return shown


def _different_outputs(build, reader, measured=None):
    """Code cells (numbered from 0 in the build's notebook) whose outputs differ between the
    build's run of a chapter and a reader's run of its notebook, which has one code cell more
    at the start (it installs matcalc), leaving out the cells whose source names
    ``measured``."""
    cells = [c for c in build.cells if c.cell_type == "code"]
    theirs = [c for c in reader.cells if c.cell_type == "code"][1:]
    assert [c.source for c in cells] == [c.source for c in theirs], "not the same notebook"
    return [k for k, (a, b) in enumerate(zip(cells, theirs))
            if not (measured and measured in a.source) and _outputs(a) != _outputs(b)]


@pytest.fixture(scope="module")
def build_runs(built):
    """The shared build's runs of the chapters, as its jupyter-cache holds them (before any
    conversion for download): {chapter: executed notebook}. Read from the files, not with
    ``get_cache_bundle``, which writes to the cache's database (test_reproducible copies it)."""
    from jupyter_cache import get_cache

    proc, out = built
    assert proc.returncode == 0, "the shared build failed: see test_build.py"
    (root,) = [p for p in (out.parent / "cache").iterdir() if p.is_dir()]
    return {Path(r.uri).stem: nbformat.read(str(root / "executed" / r.hashkey / "base.ipynb"),
                                            as_version=4)
            for r in get_cache(str(root)).list_cache_records()}


def test_the_comparison_of_outputs_sees_a_difference(build_runs):
    build, measured = build_runs["chainrule"], MEASURED["chainrule"]
    reader = nbformat.from_dict(copy.deepcopy(build))
    reader.cells.insert(0, nbformat.v4.new_code_cell("import matcalc"))
    assert _different_outputs(build, reader) == []
    cells = [c for c in reader.cells if c.cell_type == "code"][1:]
    timed = next(k for k, c in enumerate(cells) if measured in c.source and c.outputs)
    cells[timed].outputs = [nbformat.v4.new_output("stream", name="stdout", text="changed")]
    assert _different_outputs(build, reader) == [timed]          # seen unless measured
    assert _different_outputs(build, reader, measured) == []
    stream = next(k for k, c in enumerate(cells) if measured not in c.source
                  and any(o.output_type == "stream" for o in c.outputs))
    cells[stream].outputs.append(nbformat.v4.new_output("stream", name="stdout", text="more\n"))
    assert _different_outputs(build, reader, measured) == [stream]
    # the same text in two chunks is the same output; a MyST role shows as its target
    chunks = nbformat.v4.new_code_cell("print('ab')", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="a"),
        nbformat.v4.new_output("stream", name="stdout", text="b")])
    whole = nbformat.v4.new_code_cell("print('ab')", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="ab")])
    assert _outputs(chunks) == _outputs(whole)
    role = nbformat.v4.new_output("display_data", {"text/markdown": "by {prf:ref}`thm-x`"})
    target = nbformat.v4.new_output("display_data", {"text/markdown": "by thm-x"})
    assert _outputs({"outputs": [role]}) == _outputs({"outputs": [target]})


def test_report_times():
    """Not a check: prints what the steps cost (pytest -s, or in the report on failure)."""
    print("\n" + "\n".join(f"  {k}: {v:.1f} s" for k, v in TIMES.items()))
