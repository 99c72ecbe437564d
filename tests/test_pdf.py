"""`make latexpdf`'s two steps build a correct PDF of the whole book with Debian's TeX Live."""

import re
import shutil
import subprocess

import pytest

from run_chapter import pages
from conftest import ROOT, build_book


def test_pdf_of_the_whole_book(built, tmp_path):
    if shutil.which("latexmk") is None:
        pytest.fail("latexmk (TeX Live) is missing: run 'make system' and try again",
                    pytrace=False)
    proc, html = built
    assert proc.returncode == 0
    cache = html.parent / "cache"   # cells already executed by the HTML build
    # and pages already read by it: Sphinx's environment does not depend on the builder
    # (the .tex is byte-identical either way; a fresh one read the book again, 9 s)
    shutil.copytree(html.parent / "doctrees-html", tmp_path / "doctrees-latex")
    proc, out = build_book(ROOT / "book", tmp_path, builder="latex", cache=cache)
    assert proc.returncode == 0, proc.stderr[-3000:]
    tex = out / "matcalc-book.tex"
    latex = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
                            tex.name], cwd=out, capture_output=True, text=True, timeout=900)
    log = (out / "matcalc-book.log").read_text(errors="replace")
    assert latex.returncode == 0, log[-3000:]
    pdf = out / "matcalc-book.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 200_000
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # every page of the book is a numbered chapter of the PDF, in order, except the
    # bibliography page: its references are LaTeX's unnumbered bibliography at the end
    toc = (out / "matcalc-book.toc").read_text(errors="replace")
    numbered = re.findall(r"\\contentsline \{chapter\}\{\\numberline \{\d+\}([^}]*)\}", toc)
    titles = [re.search(r"^# (.+)$", p.read_text(), flags=re.M).group(1).replace("`", "")
              for p in pages() if p.stem != "bibliography"]
    assert numbered == titles, numbered
    assert len(re.findall(r"\\contentsline \{chapter\}\{Bibliography\}", toc)) == 1, toc
    # no undefined references or control sequences, the same macros as the HTML
    assert "Undefined control sequence" not in log
    assert "There were undefined references" not in log
    assert not re.search(r"Reference `[^']+' on page \d+ undefined", log)
    assert "\\providecommand{\\frob}" in tex.read_text()
