"""The strict build: it passes on the book, and fails, naming the chapter, when it should."""

import json
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chapters import run_chapter
from conftest import build_book
from matcalc_book import (PYBTEX_PLUGINS, code_fingerprint, coalesce_streams_exactly,
                          patch_stream_merge, remember_pybtex_plugins)

ROOT = Path(__file__).resolve().parents[1]


build = build_book


def test_strict_build_succeeds(built):
    proc, out = built
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert "WARNING:" not in proc.stderr, proc.stderr  # the kernel's "WARNING |" TCP notice is noise
    for page in ("index", "checking", "bibliography", "search"):
        assert (out / f"{page}.html").is_file()


def test_every_chapter_page_offers_its_notebook(built):
    import nbformat

    _, out = built
    from chapters import chapters
    for path in chapters():
        page = (out / f"{path.stem}.html").read_text()
        assert f'href="_notebooks/{path.stem}.ipynb"' in page, path.stem
        nb = nbformat.read(str(out / "_notebooks" / f"{path.stem}.ipynb"), as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        assert sum(c.cell_type == "code" for c in nb.cells) > 0
    assert "_notebooks" not in (out / "bibliography.html").read_text()


def test_html_is_offline(built):
    _, out = built
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (out / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    for page in out.rglob("*.html"):
        text = page.read_text()
        remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', text)
        assert not remote, f"{page.name} loads {remote}"
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text and "unpkg.com" not in text


def test_macros_reach_mathjax(built):
    _, out = built
    text = (out / "checking.html").read_text()
    assert 'window.MathJax = {"tex": {"macros": {' in text
    assert '"frob": ["#1\\\\mathbin{:}#2", 2]' in text
    assert text.index("window.MathJax") < text.index("_static/mathjax/tex-chtml.js")


def test_cells_ran_and_figures_are_numbered(built):
    _, out = built
    text = (out / "checking.html").read_text()
    assert "gradient check PASSED" in text and "gradient check FAILED" in text
    assert re.search(r"Figure 2\.1", text)
    assert list((out / "_images").glob("*.png"))


def _copy_book(tmp_path, only=None):
    """A copy of the book; with ``only``, just that chapter, the index and the bibliography
    remain (not the API page either: autodoc reads the whole package), so that the build
    executes one notebook instead of all of them and reads four pages."""
    book = tmp_path / "book"
    shutil.copytree(ROOT / "book", book)
    if only is not None:
        for page in book.glob("*.md"):
            if page.stem not in (only, "index", "bibliography") and (
                    run_chapter.is_chapter(page) or page.stem == "api"):
                page.unlink()
        index = (book / "index.md").read_text()
        index = re.sub(r"(:maxdepth: 2\n\n)(.*?)(```)", lambda m: f"{m.group(1)}{only}\n{m.group(3)}",
                       index, count=1, flags=re.S)
        (book / "index.md").write_text(index)
    return book


def test_failing_cell_fails_the_build_naming_the_chapter(tmp_path):
    book = _copy_book(tmp_path, only="checking")
    with open(book / "checking.md", "a") as f:
        f.write('\n```{code-cell} ipython3\nraise RuntimeError("deliberately broken cell")\n```\n')
    proc, _ = build(book, tmp_path)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "checking" in output and "deliberately broken cell" in output


BROKEN = ["{prf:ref}`thm-does-not-exist`", "{eq}`eq-does-not-exist`",
          "{numref}`fig-does-not-exist`", "{cite}`nobody2099`"]


def test_broken_references_fail_the_build_each_named(tmp_path):
    # One build with four kinds of broken reference (it keeps going): each is reported.
    book = _copy_book(tmp_path, only="frobenius")
    with open(book / "index.md", "a") as f:
        f.write("".join(f"\nSee {ref}.\n" for ref in BROKEN))
    proc, _ = build(book, tmp_path, execute=False)
    assert proc.returncode != 0
    for ref in BROKEN:
        name = re.search(r"`(.+)`", ref).group(1)
        assert name in proc.stderr, f"{ref} broken but not reported"


def test_notebook_cache_is_keyed_on_the_package_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCALC_NB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MATCALC_MARKDOWN", "plain")   # conf.py sets it: restored afterwards
    conf = runpy.run_path(str(ROOT / "conf.py"))
    assert conf["nb_execution_cache_path"].endswith(code_fingerprint(ROOT / "code"))
    code = tmp_path / "code"
    shutil.copytree(ROOT / "code", code, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    before = code_fingerprint(code)
    assert code_fingerprint(code) == before  # deterministic
    with open(code / "matcalc" / "frobenius.py", "a") as f:
        f.write("\n# an edit\n")
    assert code_fingerprint(code) != before
    (code / "matcalc" / "new_module.py").write_text("x = 1\n")
    assert len({before, code_fingerprint(code)}) == 2


def test_stream_merge_does_not_depend_on_chunking():
    text = "square: ok\n    exact: proved\ncube: ok\n    exact: proved\n"

    def chunks(cuts):
        pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
        return [{"output_type": "stream", "name": "stdout", "text": p} for p in pieces]

    results = {coalesce_streams_exactly(chunks(cuts))[0]["text"]
               for cuts in ([], [10], [29], [29, 30], [5, 40])}
    assert results == {text}


def _chunked_output_book(tmp_path, with_patch):
    """A one-page book whose only cell has stored output in three chunks, rendered by
    myst-nb's real renderer (no execution), with or without the book's extension."""
    import nbformat

    src = tmp_path / ("patched" if with_patch else "plain")
    src.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cell = nbformat.v4.new_code_cell("print('square: ok'); print('    exact: proved')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t)
                    for t in ("square: ok", "\n    exact:", " proved\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Chunks"), cell]
    nbformat.write(nb, str(src / "index.ipynb"))
    exts = ["myst_nb"] + (["matcalc_book"] if with_patch else [])
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT / 'book' / '_ext')!r}, {str(ROOT / 'tools')!r}]\n"
        f"extensions = {exts!r}\nnb_execution_mode = 'off'\nnb_merge_streams = True\n")
    out = tmp_path / (src.name + "-html")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text()
    return re.search(r'<div class="cell_output.*?<pre>(.*?)</pre>', html, flags=re.S).group(1)


def test_stream_merge_patch_reaches_myst_nbs_renderer(tmp_path):
    # Without the extension, myst-nb strips each chunk and loses the indentation: the test
    # can tell the difference, so it would fail if the patch stopped taking effect.
    plain = _chunked_output_book(tmp_path, with_patch=False)
    patched = _chunked_output_book(tmp_path, with_patch=True)
    assert "square: ok\n    exact: proved" in patched
    assert "square: ok\n    exact: proved" not in plain


def test_stream_merge_patch_refuses_another_myst_nb(monkeypatch):
    import myst_nb

    monkeypatch.setattr(myst_nb, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="written for myst-nb 1.4.0, found 9.9.9"):
        patch_stream_merge()


def test_the_build_remembers_pybtex_plugins_before_it_reads(monkeypatch):
    import matcalc_book

    class App:  # records what the extension's setup connects
        def __init__(self):
            self.connected = []

        def connect(self, event, handler, priority=500):
            self.connected.append((event, handler))

        def add_config_value(self, *args, **kwargs):
            pass

    app, calls = App(), []
    matcalc_book.setup(app)
    monkeypatch.setattr(matcalc_book, "remember_pybtex_plugins", lambda: calls.append(1))
    for event, handler in app.connected:
        if event == "builder-inited":
            handler(app)
    assert calls == [1]


def test_remembered_pybtex_plugins_are_found_without_a_scan(monkeypatch):
    import pybtex.plugin

    remember_pybtex_plugins()

    def scan(**query):
        raise AssertionError(f"pybtex scanned the installed packages' entry points: {query}")

    monkeypatch.setattr(pybtex.plugin, "entry_points", scan)
    found = [pybtex.plugin.find_plugin(group, name).__module__ for group, name in PYBTEX_PLUGINS]
    assert found == ["pybtex.backends.plaintext", "pybtex_docutils"]


def test_search_index_has_words_not_numbers_from_outputs(built):
    proc, out = built
    assert proc.returncode == 0
    index = (out / "searchindex.js").read_text()
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    terms, docnames = data["terms"], data["docnames"]

    def from_outputs(term):  # a number the page's own source does not contain
        pages = terms[term] if isinstance(terms[term], list) else [terms[term]]
        digits = re.search(r"\d{5,}", term).group()
        return not all(digits in (ROOT / "book" / f"{docnames[p]}.md").read_text()
                       for p in pages)
    long_numbers = [t for t in terms if re.search(r"\d{5,}", t) and from_outputs(t)]
    assert long_numbers == [], long_numbers[:20]
    assert "frobeniu" in terms or "frobenius" in terms   # prose stays searchable (stemmed)


def test_saved_pages_do_not_carry_the_build_environment(built):
    """MyST's {eval-rst} blocks are parsed in documents of their own whose settings hold the
    whole environment; a page's saved doctree must not pickle it (api.doctree weighed 3 MB
    and loaded in 0.5 s on every rebuild before matcalc_book detached them)."""
    proc, out = built
    assert proc.returncode == 0
    doctrees = out.parent / "doctrees-html"
    api = (doctrees / "api.doctree").read_bytes()
    assert b"BuildEnvironment" not in api, "api.doctree pickles the build environment"
    heavy = {p.name: p.stat().st_size for p in doctrees.glob("*.doctree")
             if b"BuildEnvironment" in p.read_bytes()}
    assert heavy == {}
