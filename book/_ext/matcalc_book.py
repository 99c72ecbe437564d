"""The book's own Sphinx extension: everything conf.py used to do by hand.

- serve MathJax 3 from the build (copied from the django-static-mathjax wheel), so the HTML
  works offline;
- key the notebook cache on the matcalc sources and prune caches of older sources;
- a download link for each chapter's notebook, and the notebooks themselves, standalone
  (tools/standalone.py), with the matcalc wheel they install;
- the printed outputs of cells kept out of the search index, and the bibliography page's
  empty chapter out of the PDF.

Workarounds of problems in the packages the build uses live in book/_ext/upstream.py, one
per problem. conf.py keeps only declarations (extensions, macros, options) and lists both.
"""

import hashlib
import shutil
from pathlib import Path

from sphinx.util import logging

import run_chapter  # tools/run_chapter.py: what a chapter is, and its notebook
from upstream import coalesce_streams_exactly  # the page's stream merge, for the notebooks

logger = logging.getLogger(__name__)

__all__ = ["code_fingerprint", "latex_macros", "mathjax_macros", "prepare_mathjax",
           "prune_caches", "sphinx_numbers", "setup"]

BIBLIOGRAPHY_PAGE = "bibliography"
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2"]


def mathjax_macros(macros):
    """MathJax 3 form of the macro dictionary: body strings, or [body, nargs].

    >>> mathjax_macros({"d": r"\\mathrm{d}", "frob": ("#1:#2", 2)})
    {'d': '\\\\mathrm{d}', 'frob': ['#1:#2', 2]}
    """
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in macros.items()}


def latex_macros(macros):
    """LaTeX preamble form (``\\providecommand`` then ``\\renewcommand``, so an existing
    definition is not an error).

    >>> print(latex_macros({"R": r"\\mathbb{R}"}))
    \\providecommand{\\R}{}
    \\renewcommand{\\R}{\\mathbb{R}}
    """
    lines = []
    for name, v in macros.items():
        body, nargs = (v if isinstance(v, tuple) else (v, 0))
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\providecommand{{\\{name}}}{{}}")
        lines.append(f"\\renewcommand{{\\{name}}}{args}{{{body}}}")
    return "\n".join(lines)


def code_fingerprint(code_dir):
    """Hash of every source file of the matcalc package (paths and contents).

    The notebook cache is keyed on it: jupyter-cache hashes only the cells, so without this a
    change in code/ would leave stale outputs in a green build.
    """
    h = hashlib.sha256()
    code_dir = Path(code_dir)
    for path in sorted(code_dir.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".cfg"} \
                and "__pycache__" not in path.parts and ".egg-info" not in str(path) \
                and path.relative_to(code_dir).parts[0] != "build":
            h.update(str(path.relative_to(code_dir)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]


def prune_caches(cache_root, keep):
    """Remove every cache directory under ``cache_root`` except ``keep``: caches of older
    sources of code/ are never valid again."""
    cache_root = Path(cache_root)
    if cache_root.is_dir():
        for old in cache_root.iterdir():
            if old.is_dir() and old != Path(keep):
                shutil.rmtree(old, ignore_errors=True)


def prepare_mathjax(dest):
    """Copy the parts of MathJax 3 the pages need into ``dest/mathjax`` (once per output)."""
    import mathjax  # the django-static-mathjax package

    src = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    target = Path(dest) / "mathjax"
    marker = target / ".complete"
    if marker.exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / part, target / part)
    marker.write_text("copied from django-static-mathjax\n")


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        prepare_mathjax(Path(app.outdir) / "_static")


def _write_notebooks(app, exception):
    """After an HTML build, write _notebooks/<chapter>.ipynb for every chapter, notebooks
    that stand alone (tools/standalone.py: macros defined, MyST turned into Markdown, the
    build's outputs kept), and the matcalc wheel beside them that their first cell installs."""
    background = _background_wheel(app)  # (joined even when the build failed)
    if exception is not None or app.builder.format != "html":
        return
    import time

    import standalone  # tools/standalone.py

    start = time.perf_counter()
    chapters = [Path(app.env.doc2path(d)) for d in sorted(app.env.found_docs)]
    chapters = [p for p in chapters if run_chapter.is_chapter(p)]
    if not chapters:
        return
    dest = Path(app.outdir) / "_notebooks"
    wheel = background.result() if background else _current_wheel(app, dest)
    written = all((dest / f"{p.stem}.ipynb").is_file() for p in chapters)
    if not _READ.get(app) and written and background is None and wheel is not None:
        return  # nothing was read again: the notebooks and the wheel written last time stand
    macros = ((app.config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    base = (app.config.html_baseurl.rstrip("/") + "/") if app.config.html_baseurl else "../"
    problems = standalone.export_chapters(
        chapters, dest, macros,
        numbers=sphinx_numbers(app.env), citations=_citations(app), base=base,
        executed=_cached_outputs(app.config.nb_execution_cache_path)
        if app.config.nb_execution_mode == "cache" else None,
        wheel=wheel)
    _remember_wheel(app, dest)
    for problem in problems:
        logger.warning(f"downloadable notebook: {problem}")
    logger.info(f"notebooks and matcalc wheel written to _notebooks/ "
                f"in {time.perf_counter() - start:.1f} s")


_READ = {}  # app -> the documents this build reads (an unchanged rebuild reads none)
_WHEEL_JOBS = {}  # app -> the wheel being built while the pages are written


def _start_wheel(app, env):
    """(env-updated) Build the wheel while Sphinx writes the pages, if the one in _notebooks/
    is not from the present code: the writing uses one core, the wheel's build (a setuptools
    process) takes the other, and a clean build ends a second sooner."""
    from concurrent.futures import ThreadPoolExecutor

    import standalone  # tools/standalone.py

    dest = Path(app.outdir) / "_notebooks"
    if app.builder.format != "html" or _current_wheel(app, dest) is not None:
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matcalc-wheel")
    _WHEEL_JOBS[app] = pool.submit(standalone.build_wheel, Path(app.confdir) / "code", dest)
    pool.shutdown(wait=False)  # the thread ends with the build


def _background_wheel(app):
    """The build :func:`_start_wheel` started for this build (a future), finished; None if
    none was started. Its ``result()`` is the wheel, or raises what the build raised."""
    from concurrent.futures import wait

    job = _WHEEL_JOBS.pop(app, None)
    if job is not None:
        wait([job])
    return job


def _remember_reading(app, env, docnames):
    _READ[app] = list(docnames)


def _wheel_stamp(app, dest):
    """The code fingerprint and the wheel's hash, kept with the doctrees (not the output)."""
    wheels = sorted(dest.glob("matcalc-*.whl"))
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest() if len(wheels) == 1 else ""
    return Path(app.doctreedir) / "matcalc-wheel.txt", wheels, digest


def _current_wheel(app, dest):
    """The wheel in ``dest`` if it was built from the present sources of code/, else None
    (an unchanged rebuild does not spend seconds building the same wheel again)."""
    stamp, wheels, digest = _wheel_stamp(app, dest)
    fingerprint = code_fingerprint(Path(app.confdir) / "code")
    current = stamp.is_file() and stamp.read_text() == f"{fingerprint} {digest}\n"
    return wheels[0] if digest and current else None


def _remember_wheel(app, dest):
    stamp, _, digest = _wheel_stamp(app, dest)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f"{code_fingerprint(Path(app.confdir) / 'code')} {digest}\n")


def sphinx_numbers(env):
    """The numbers Sphinx gave figures, theorems, exercises and equations:
    (docname, anchor) -> "4.5".

    >>> class Env:
    ...     toc_fignumbers = {"differentials": {"theorem": {"thm-inverse": (4, 5)}}}
    >>> sphinx_numbers(Env())
    {('differentials', 'thm-inverse'): '4.5'}
    """
    return {(docname, anchor): ".".join(map(str, number))
            for docname, kinds in env.toc_fignumbers.items()
            for ids in kinds.values() for anchor, number in ids.items()}


def _citations(app):
    """key -> (author-year text, page, anchor) for every entry of the bibliography."""
    from pybtex.database import parse_file

    import standalone

    entries = {}
    for bib in getattr(app.config, "bibtex_bibfiles", None) or []:
        entries.update(parse_file(str(Path(app.confdir) / bib)).entries)
    anchors = {c.key: (c.bibliography_key.docname, c.citation_id)
               for c in app.env.domaindata.get("cite", {}).get("citations", [])}
    return {key: (text, *anchors.get(key, ("bibliography", "")))
            for key, text in standalone.citation_texts(entries).items()}


def _cached_outputs(cache_path):
    """path -> the chapter notebook with the outputs the build executed (from the
    jupyter-cache myst-nb filled), streams merged as on the pages; None if not cached."""
    import copy

    from jupyter_cache import get_cache

    cache = get_cache(cache_path)

    def executed(path):
        nb = run_chapter.notebook(path)
        try:
            cached = cache.get_cache_bundle(cache.match_cache_notebook(nb).pk).nb
        except KeyError:
            return None
        code = [c for c in cached.cells if c.cell_type == "code"]
        for cell, done in zip((c for c in nb.cells if c.cell_type == "code"), code):
            cell.outputs = coalesce_streams_exactly(copy.deepcopy(done.get("outputs", [])))
            cell.execution_count = done.get("execution_count")
        return nb
    return executed


def _notebook_link(app, pagename, templatename, context, doctree):
    """A download link for the chapter's notebook at the top of each chapter page, saying
    what the notebook needs, and the notebook first in the header's download menu (where
    the theme offered only the MyST source and a print view)."""
    if doctree is None or "body" not in context:
        return
    path = app.env.doc2path(pagename)
    if not run_chapter.is_chapter(path):
        return
    import standalone  # tools/standalone.py

    href = context["pathto"](f"_notebooks/{pagename}.ipynb", 1)
    wheel = standalone.wheel_name(Path(app.confdir) / "code")
    wheel_href = context["pathto"](f"_notebooks/{wheel}", 1)
    needs = standalone.requirements_text(standalone.extra_modules(Path(path).read_text()))
    context["body"] = (f'<p class="notebook-download"><a class="reference download" '
                       f'href="{href}" download="{pagename}.ipynb">Download this chapter as a '
                       f'Jupyter notebook (.ipynb)</a> and save it in one folder with <a '
                       f'class="reference download" href="{wheel_href}" download="{wheel}">the '
                       f'matcalc wheel</a>. {needs}</p>\n' + context["body"])
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group["buttons"]
                                if b.get("label") != "download-notebook-button"]
            group["buttons"].insert(0, {
                "type": "link", "url": href, "text": ".ipynb", "icon": "fas fa-code",
                "tooltip": "Download this chapter as a Jupyter notebook",
                "label": "download-notebook-button"})


def _no_empty_bibliography_chapter(app, doctree, docname):
    """In the PDF, the references go to LaTeX's own bibliography at the end of the book; the
    page holding the ``{bibliography}`` directive would be an empty numbered chapter before
    it. Drop that page's heading (its content, the citations, is moved to the end anyway)."""
    if app.builder.format != "latex":
        return
    from sphinx import addnodes

    for start in list(doctree.findall(addnodes.start_of_file)):
        if start.get("docname") == BIBLIOGRAPHY_PAGE:
            for section in [c for c in start.children if c.tagname == "section"]:
                section.replace_self(section.children[1:])


def _printed_outputs_unsearchable(app, doctree):
    """Printed cell outputs (numbers from a run: errors, timings, matrices) would fill the
    search index with tokens such as ``000435857016652e``. Mark them ``no-search``; prose,
    formulas and tables that cells display (the catalogue) stay searchable."""
    from docutils import nodes

    for block in doctree.findall(nodes.literal_block):
        if "output" in block.get("classes", []):
            block["classes"].append("no-search")


def setup(app):
    """Register the hooks (Sphinx entry point)."""
    app.connect("html-page-context", _notebook_link, priority=502)  # after the theme's buttons
    app.connect("env-before-read-docs", _remember_reading)
    app.connect("env-updated", _start_wheel)
    app.connect("build-finished", _write_notebooks)
    app.connect("build-finished", _copy_mathjax)
    app.connect("doctree-read", _printed_outputs_unsearchable)
    app.connect("doctree-resolved", _no_empty_bibliography_chapter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
