"""`make latexpdf`'s two steps build a correct PDF of the whole book with Debian's TeX Live,
and the PDF agrees with the HTML: the same chapters numbered (the front and back matter
unnumbered), the same theorem and equation numbers, proofs typeset as proofs, the printed
tables fitted to the page, and fewer than MAX_OVERFULL overfull boxes in the log, of which
fewer than MAX_OVERFULL_HBOX lines wider than the text (what a reader sees run into the
margin). Most overfull pages are framed solution boxes that end a page with a printed output:
the frame's last piece overshoots the bottom margin by a few points."""

import re
import shutil
import subprocess

import pytest

from latex_pdf import TABLE_WIDTHS  # book/_ext/latex_pdf.py
from run_chapter import pages
from conftest import ROOT, build_book

MAX_OVERFULL = 30
MAX_OVERFULL_HBOX = 5


@pytest.fixture(scope="module")
def pdf(built, tmp_path_factory):
    """The LaTeX build and latexmk's run: (output folder, .tex text, .log text, HTML folder)."""
    if shutil.which("latexmk") is None:
        pytest.fail("latexmk (TeX Live) is missing: run 'make system' and try again",
                    pytrace=False)
    proc, html = built
    assert proc.returncode == 0
    tmp_path = tmp_path_factory.mktemp("pdf")
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
    return out, tex.read_text(), log, html


def _title(page):
    return re.search(r"^# (.+)$", page.read_text(), flags=re.M).group(1).replace("`", "")


def test_pdf_of_the_whole_book(pdf):
    out, tex, log, _ = pdf
    document = out / "matcalc-book.pdf"
    assert document.is_file() and document.stat().st_size > 200_000
    assert document.read_bytes()[:5] == b"%PDF-"
    # no undefined references or control sequences, the same macros as the HTML
    assert "Undefined control sequence" not in log
    assert "There were undefined references" not in log
    assert not re.search(r"Reference `[^']+' on page \d+ undefined", log)
    assert "\\providecommand{\\frob}" in tex


def test_chapters_are_numbered_as_in_the_html(pdf):
    """The pages of the index's numbered toctree are chapters 1, 2, ... in order; the others
    ("How to use this book" before them; the questions, the API reference and the appendix on
    the checker after) are unnumbered chapters, and the bibliography page is LaTeX's
    bibliography at the end."""
    out, _, _, _ = pdf
    toc = (out / "matcalc-book.toc").read_text(errors="replace")
    entries = re.findall(r"\\contentsline \{chapter\}\{(\\numberline \{(\d+)\})?([^}]*)\}", toc)
    numbered_toctree = _numbered_toctree((ROOT / "book" / "index.md").read_text())
    numbered = [p for p in pages() if f"\n{p.stem}\n" in numbered_toctree]
    assert len(numbered) >= 10
    assert [(int(n), title) for _, n, title in entries if n] == \
        [(k, _title(p)) for k, p in enumerate(numbered, 1)]
    unnumbered = [title for _, n, title in entries if not n]
    others = [_title(p) for p in pages() if p not in numbered and p.stem != "bibliography"]
    assert unnumbered[:len(others)] == others, unnumbered
    assert unnumbered.count("Bibliography") == 1, unnumbered


def _numbered_toctree(index):
    """The body of the index's toctree that has :numbered:."""
    for block in re.findall(r"```\{toctree\}(.*?)```", index, flags=re.S):
        if ":numbered:" in block:
            return "\n" + "\n".join(line.strip() for line in block.splitlines()) + "\n"
    raise AssertionError("no numbered toctree in index.md")


def _html_equations(html):
    """label -> "4.1": the equation numbers the HTML pages show."""
    found = {}
    for page in html.glob("*.html"):
        found.update(re.findall(r'id="equation-([^"]+)">\s*<span class="eqno">\(([\d.]+)\)',
                                page.read_text()))
    return found


def test_theorem_and_equation_numbers_are_the_htmls(pdf):
    """Every labelled equation has the number LaTeX gives it (the .aux) that the HTML shows;
    every theorem's number (Sphinx writes the HTML's) starts with the number of the PDF chapter
    it is in (LaTeX's \\@currentlabel where its label stands)."""
    out, tex, _, html = pdf
    aux = (out / "matcalc-book.aux").read_text(errors="replace")
    latex_numbers = dict(re.findall(r"\\newlabel\{equation:[^:}]+:([^}]+)\}\{\{([\d.]+)\}", aux))
    html_numbers = _html_equations(html)
    assert len(html_numbers) >= 40 and set(html_numbers) <= set(latex_numbers)
    wrong = {k: (latex_numbers[k], v) for k, v in html_numbers.items() if latex_numbers[k] != v}
    assert not wrong, f"equations numbered differently (PDF, HTML): {wrong}"
    theorems = re.findall(r"\\label\{([^}]+)\}\s*\\begin\{sphinxadmonition\}\{note\}"
                          r"\{(?:Theorem|Definition|Lemma|Corollary|Proposition) (\d+)\.\d+", tex)
    where = dict(re.findall(r"\\newlabel\{([^}]+)\}\{\{([\d.]+)\}", aux))
    assert len(theorems) >= 40
    wrong = {label: (where.get(label), number) for label, number in theorems
             if where.get(label, "").split(".")[0] != number}
    assert not wrong, f"theorems whose number is not their PDF chapter's (PDF, HTML): {wrong}"


def test_proofs_are_proofs_not_untitled_boxes(pdf):
    """No box without its title (LaTeX took the next token as the title: an empty bar, or
    an exercise's label, with the title in the text); proofs are amsthm proofs."""
    _, tex, _, _ = pdf
    assert tex.count("\\begin{proof}") >= 50
    untitled = re.findall(r"\\begin\{sphinxadmonition\}\{note\}\s*(?!\{)\S.{0,40}", tex)
    assert not untitled, f"{len(untitled)} boxes without a title, e.g. {untitled[:3]}"
    assert len(re.findall(r"\\begin\{sphinxadmonition\}\{note\}\{Exercise \d+\.\d+", tex)) >= 30
    assert "\\begin{proof}\n\\sphinxAtStartPar\nProof. " not in tex     # said once, by amsthm


def test_printed_tables_fit_the_page(pdf):
    """The catalogue's tables (and the other tables code cells print) have the widths of
    book/_ext/latex_pdf.py, in a smaller type, with no number split at its minus sign; and
    the whole PDF has fewer than MAX_OVERFULL overfull boxes, and fewer than
    MAX_OVERFULL_HBOX overfull lines."""
    _, tex, log, _ = pdf
    catalogue = tex[tex.index("\\chapter{A verified catalogue of identities}"):]
    catalogue = catalogue[:catalogue.index("\\chapter{", 10)]
    identity = TABLE_WIDTHS[("Cookbook", "name", "identity", "note", "checked")][2]
    assert catalogue.count(f"\\X{{{identity}}}{{100}}") >= 15, "the catalogue's tables lost their widths"
    assert catalogue.count("\\begingroup\\footnotesize") >= 15
    assert not re.search(r"\de\\sphinxhyphen\{\}\d", catalogue)
    found = {kind: re.findall(rf"^Overfull \\{kind}box \(([\d.]+)pt too \w+\)", log, flags=re.M)
             for kind in "hv"}
    for kind, overfull in found.items():
        print(f"overfull {kind}boxes: {len(overfull)}, the largest "
              f"{sorted(overfull, key=float)[-5:]} pt")
    total = len(found["h"]) + len(found["v"])
    assert total < MAX_OVERFULL, f"{total} overfull boxes (fewer than {MAX_OVERFULL} allowed)"
    assert len(found["h"]) < MAX_OVERFULL_HBOX, f"{len(found['h'])} overfull lines: {found['h']}"
