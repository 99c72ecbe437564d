"""`make run CHAPTER=...` runs a chapter's cells outside Sphinx and prints their outputs."""

import io
import subprocess
import sys

import pytest

from chapters import ROOT, chapters, run_chapter


def test_every_chapter_resolves_by_name_file_name_and_path():
    for path in chapters():
        assert run_chapter.resolve(path.stem) == path
        assert run_chapter.resolve(path.name) == path
        assert run_chapter.resolve(str(path)) == path


def test_unknown_chapter_lists_the_chapters():
    with pytest.raises(SystemExit) as err:
        run_chapter.resolve("no-such-chapter")
    message = str(err.value)
    assert "unknown chapter 'no-such-chapter'" in message
    assert all(p.stem in message for p in chapters())


def test_run_prints_outputs_in_order():
    out = io.StringIO()
    assert run_chapter.run(run_chapter.resolve("notation"), out=out) == 0
    text = out.getvalue()
    assert "--- notation: cell 1:" in text and "code cells ran" in text
    assert "gradient of tr(AX): shape (4, 3)" in text      # a printed output of the chapter
    assert text.index("cell 1:") < text.index("cell 2:")


def test_make_run_from_the_command_line(tmp_path):
    bad = subprocess.run(["make", "-s", "run", "CHAPTER=nope"], cwd=ROOT, capture_output=True,
                         text=True)
    assert bad.returncode != 0 and "the chapters are" in bad.stderr
    empty = subprocess.run([sys.executable, "tools/run_chapter.py", ""], cwd=ROOT,
                           capture_output=True, text=True)
    assert empty.returncode != 0 and "usage: make run CHAPTER=" in empty.stderr


def test_a_failing_cell_is_named(tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text((ROOT / "book" / "notation.md").read_text()
                      + "\n```{code-cell} ipython3\nraise ValueError('boom')\n```\n")
    out = io.StringIO()
    assert run_chapter.run(broken, out=out) == 1
    assert "FAILED: chapter broken.md, code cell" in out.getvalue() and "boom" in out.getvalue()
