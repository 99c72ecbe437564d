import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
# The tests' helpers, `make run`'s module and the book's Sphinx extension, imported by name.
sys.path[:0] = [str(Path(__file__).resolve().parent), str(ROOT / "tools"), str(BOOK / "_ext")]
from browsing import launched, served  # noqa: E402  (tests/browsing.py, on the path above)
# One verification cache for the whole session (keyed on the code: see
# matcalc.catalogue.cache): the build's catalogue page, the catalogue tests and the notebooks
# run in a fresh environment share the entries' results instead of verifying them three times.
os.environ.setdefault("MATCALC_VERIFY_CACHE", str(ROOT / "_build" / ".verify-cache"))


def build_book(source, tmp_path, execute=True, builder="html", cache=None, jobs="auto"):
    """sphinx-build as `make html` runs it (one process per core, or ``jobs``), into
    tmp_path, with a fresh notebook cache (or the given one). Its output is read by the
    tests, so it is asked for without colours (``-N``): a CI that sets FORCE_COLOR would
    otherwise put escape codes between the words the tests look for."""
    env = dict(os.environ, MATCALC_NB_CACHE=str(cache or tmp_path / "cache"))
    if not execute:  # references are resolved without running any cell
        env["MATCALC_NB_EXECUTION_MODE"] = "off"
    out = tmp_path / builder
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-N", "-b", builder, "-c", str(ROOT), "-n", "-W",
         "--keep-going", "-T", "-j", str(jobs), "-d", str(tmp_path / f"doctrees-{builder}"),
         str(source), str(out)],
        capture_output=True, text=True, env=env, timeout=1800)
    return proc, out


def shared(name, tmp_path_factory, worker_id, produce):
    """``produce(directory)``'s JSON-able result, computed once per test run: under
    pytest-xdist the first worker that asks computes it while the others wait, then all read
    the same copy; a result the controller started early (see
    :func:`pytest_xdist_node_collection_finished`) is waited for instead. (pytest-xdist's
    ``loadgroup`` cannot keep tests together on pytest 9: it renames node ids through an
    attribute pytest 9 no longer reads.)"""
    if worker_id == "master":  # a plain, single-process run
        return produce(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent  # the same for every worker of the run
    record = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            _record(root, name, produce)
    return json.loads(record.read_text())


def _record(root, name, produce):
    """Run ``produce`` in ``root/name`` and write its result to ``root/name.json`` (whole or
    not at all: a reader never sees half a file)."""
    (root / name).mkdir(exist_ok=True)
    tmp = root / f"{name}.tmp"
    tmp.write_text(json.dumps(produce(root / name)))
    os.replace(tmp, root / f"{name}.json")


def _build_record(where):
    proc, out = build_book(ROOT / "book", where)
    return {"args": proc.args, "returncode": proc.returncode, "stdout": proc.stdout,
            "stderr": proc.stderr, "out": str(out)}


# Test files whose tests need the built book: when a run includes one, the controller of
# pytest-xdist starts the build as soon as collection ends, while the workers run the tests
# that need no book (instead of one worker building while the other waits for it).
NEEDS_BOOK = ("test_browser.py", "test_build.py", "test_notebooks_standalone.py",
              "test_outputs.py", "test_pdf.py", "test_reproducible.py")
_EARLY_BUILD = []  # non-empty once the controller has decided (one decision per run)


def pytest_xdist_node_collection_finished(node, ids):
    """(pytest-xdist, in the controller) Start the shared book build in the background."""
    if _EARLY_BUILD or not any(i.split("::")[0].endswith(NEEDS_BOOK) for i in ids):
        return
    _EARLY_BUILD.append(True)
    root = node.config._tmp_path_factory.getbasetemp()  # the workers' parent directory
    lock = open(root / "build.lock", "w")
    try:  # the workers wait on this lock, as for their own build
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # a worker got there first and builds
        lock.close()
        return
    if (root / "build.json").exists():
        lock.close()
        return

    def run():
        try:
            _record(root, "build", _build_record)
        finally:
            lock.close()

    threading.Thread(target=run, daemon=True).start()


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """One clean strict build of the book, shared by the build, browser and reproducibility
    tests (and by every worker): (completed process, output directory)."""
    data = shared("build", tmp_path_factory, worker_id, _build_record)
    proc = subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"],
                                       data["stderr"])
    return proc, Path(data["out"])


@pytest.fixture(scope="module")
def site(built):
    """The built book served on 127.0.0.1 for one test module: (base URL, directory)."""
    proc, out = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    with served(out) as url:
        yield url, out


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (tests/browsing.py)."""
    with launched() as b:
        yield b
