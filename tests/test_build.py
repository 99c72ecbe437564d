"""The strict build: it passes on the book, and fails, naming the chapter, when it should."""

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chapters import run_chapter
from conftest import build_book
from matcalc_book import code_fingerprint
from upstream import PYBTEX_PLUGINS, coalesce_streams_exactly, pybtex_plugins

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
    exts = ["myst_nb"] + (["upstream"] if with_patch else [])
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT / 'book' / '_ext')!r}, {str(ROOT / 'tools')!r}]\n"
        f"extensions = {exts!r}\nnb_execution_mode = 'off'\nnb_merge_streams = True\n")
    out = tmp_path / (src.name + "-html")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-N", "-q", "-b", "html", str(src), str(out)],
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


WORKAROUNDS = [("sphinx", "remember_config_as_read"), ("sphinx", "search_index_entries"),
               ("sphinx-proof", "proof_domain_parallel"),
               ("myst-nb", "stream_merge"), ("myst-nb", "kernels_over_ipc"),
               ("pybtex", "pybtex_plugins"),
               ("myst-parser", "eval_rst_documents"), ("docutils", "citation_roles"),
               ("sphinx-exercise", "exercise_latex_labels")]


@pytest.mark.parametrize("distribution, name", WORKAROUNDS)
def test_each_workaround_refuses_another_version(monkeypatch, distribution, name):
    import upstream

    class App:  # what the workarounds that connect hooks need
        def connect(self, *args, **kwargs):
            pass

    function = getattr(upstream, name)
    arguments = (App(),) if "app" in function.__code__.co_varnames[:1] else ()
    function(*arguments)  # the installed version: applied
    monkeypatch.setitem(upstream.WRITTEN_FOR, distribution, "0.0.1")
    with pytest.raises(RuntimeError, match=f"{name} was written for {distribution} 0.0.1, "
                                           f"but {distribution} .* is installed"):
        function(*arguments)


def test_every_workaround_is_applied_and_tested():
    import upstream

    documented = re.findall(r"\(:func:`(\w+)`\)", upstream.__doc__)
    assert sorted(documented) == sorted(name for _, name in WORKAROUNDS)
    assert sorted(upstream.WRITTEN_FOR) == sorted({d for d, _ in WORKAROUNDS})
    setup = upstream.setup.__code__.co_names
    assert all(name in setup or f"_register_{name}" in setup for _, name in WORKAROUNDS)


def test_proof_domain_merges_nothing_and_refuses_a_domain_with_data(monkeypatch):
    from sphinx_proof.domain import ProofDomain

    import upstream

    upstream.proof_domain_parallel()
    assert ProofDomain.merge_domaindata(object(), {"a"}, {}) is None   # no NotImplementedError
    monkeypatch.setattr(ProofDomain, "initial_data", {"proofs": {}}, raising=False)
    with pytest.raises(RuntimeError, match="keeps domain data now"):
        upstream.proof_domain_parallel()
    monkeypatch.setattr(ProofDomain, "merge_domaindata", lambda self, d, o: None)
    with pytest.raises(RuntimeError, match="has a merge_domaindata of its own"):
        upstream.proof_domain_parallel()


def test_myst_nb_runs_notebooks_over_unix_sockets(tmp_path):
    import myst_nb.core.execute.cache as cache
    import nbformat

    import upstream

    upstream.kernels_over_ipc()
    patched = cache.single_nb_execution
    upstream.kernels_over_ipc()  # applied once, however many builds this process runs
    assert cache.single_nb_execution is patched and patched.over_ipc
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, ipykernel.connect as c\n"
        "print(json.loads(open(c.get_connection_file()).read())['transport'])")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    result = cache.single_nb_execution(nb, cwd=str(tmp_path), timeout=120, allow_errors=False)
    assert result.err is None, result.exc_string
    assert nb.cells[0].outputs[0]["text"] == "ipc\n"


def test_the_build_remembers_pybtex_plugins_before_it_reads(monkeypatch):
    import upstream

    class App:  # records what the extension's setup connects
        def __init__(self):
            self.connected = []

        def connect(self, event, handler, priority=500):
            self.connected.append((event, handler))

    app, calls = App(), []
    upstream.setup(app)
    monkeypatch.setattr(upstream, "pybtex_plugins", lambda: calls.append(1))
    for event, handler in app.connected:
        if event == "builder-inited":
            handler(app)
    assert calls == [1]


def test_remembered_pybtex_plugins_are_found_without_a_scan(monkeypatch):
    import pybtex.plugin

    pybtex_plugins()

    def scan(**query):
        raise AssertionError(f"pybtex scanned the installed packages' entry points: {query}")

    monkeypatch.setattr(pybtex.plugin, "entry_points", scan)
    found = [pybtex.plugin.find_plugin(group, name).__module__ for group, name in PYBTEX_PLUGINS]
    assert found == ["pybtex.backends.plaintext", "pybtex_docutils"]


def test_an_unchanged_rebuild_changes_neither_configuration_nor_search_index(tmp_path):
    """Sphinx compares the configuration with the one the last build pickled; extensions
    that change it while the builder starts made every rebuild say "The configuration has
    changed (8 options...)" (upstream.remember_config_as_read). A third build, with one
    option really changed, shows that the message is what this test looks for."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "index.md").write_text("# A one-page book\n\n```{index} rebuild\n```\n"
                                   "An unchanged rebuild reads nothing.\n")
    first, out = build(book, tmp_path, execute=False)
    assert first.returncode == 0, first.stderr[-3000:]
    index = (out / "searchindex.js").read_text()
    assert '"indexentries":{"rebuild":[[0,"index-0",false]]}' in index
    again, _ = build(book, tmp_path, execute=False)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 added, 0 changed, 0 removed" in again.stdout, again.stdout[-3000:]
    assert "The configuration has changed" not in again.stdout, again.stdout[-3000:]
    # ... and writes the same search index, its index entries included
    # (upstream.search_index_entries; sphinx-doc/sphinx#12599 emptied them)
    assert (out / "searchindex.js").read_text() == index, "the rebuild changed searchindex.js"
    changed = subprocess.run(again.args[:3] + ["-D", "html_permalinks_icon=§"] + again.args[3:],
                             capture_output=True, text=True, timeout=600,
                             env=dict(os.environ, MATCALC_NB_CACHE=str(tmp_path / "cache"),
                                      MATCALC_NB_EXECUTION_MODE="off"))
    assert changed.returncode == 0, changed.stderr[-3000:]
    assert "The configuration has changed (1 option: 'html_permalinks_icon')" in changed.stdout


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
