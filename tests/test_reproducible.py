"""Two clean builds produce byte-identical pages.

A page is the rendering of its chapter's executed notebook, so this is proved in two parts:

- the notebooks' outputs do not change from one run to the next: every chapter run again, in
  a fresh environment, prints and draws exactly what the build's run did
  (``test_notebook_runs_in_a_fresh_environment`` in test_notebooks_standalone.py compares
  them cell by cell; only the chain-rule chapter's measured wall-clock times may differ);
- Sphinx renders the same outputs into the same bytes: a second build, in new directories
  and with nothing of the first but its notebook runs (a copy of its jupyter-cache), writes
  every HTML page, downloadable notebook and figure identically. The first build reads and
  writes the pages in two processes (``-j auto``, as `make html`), the second in one: so
  this also shows that the parallel build (sphinx-proof's domain, sphinx-exercise, the
  bibliography, the numbering of theorems, equations and exercises) gives what a serial
  build gives.

Running every notebook a third time here, as this test once did, proved nothing more for
60–70 s of the two cores.
"""

import os
import re
import shutil

from chapters import chapters
from conftest import ROOT, build_book


def test_two_builds_from_the_same_runs_are_identical(built, tmp_path):
    proc1, first = built
    assert proc1.returncode == 0
    if (os.cpu_count() or 1) > 1:  # the first build read its pages in parallel chunks
        assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", proc1.stdout)
    shutil.copytree(first.parent / "cache", tmp_path / "runs")
    proc2, second = build_book(ROOT / "book", tmp_path, cache=tmp_path / "runs", jobs=1)
    assert proc2.returncode == 0, proc2.stderr[-3000:]
    # every chapter's run came from the copy: none ran again
    assert "Executing notebook" not in proc2.stdout
    assert proc2.stdout.count("Using cached notebook") == len(chapters()), proc2.stdout[-3000:]
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*")
                   if p.suffix in (".html", ".ipynb"))
    assert len(names) >= 12 and "chainrule.html" in names
    different = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert not different, f"pages that differ between two clean builds: {different}"
    images = sorted(p.name for p in (first / "_images").iterdir())
    assert images, "the book has figures"
    assert images == sorted(p.name for p in (second / "_images").iterdir())
    different = [n for n in images
                 if (first / "_images" / n).read_bytes() != (second / "_images" / n).read_bytes()]
    assert not different, f"figures that differ: {different}"
