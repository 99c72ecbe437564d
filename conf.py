"""Sphinx configuration for the book. Built with ``sphinx-build -c . book <out>`` (see Makefile).

The configuration lives at the top of the repository, the pages under book/, so only
book/ is scanned for pages.
"""

import hashlib
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent

project = "Matrix Calculus, Checked"
author = "The matcalc authors"
copyright = "2026, the matcalc authors"
language = "en"

extensions = [
    "myst_nb",
    "sphinx_proof",
    "sphinx_exercise",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx_design",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "**/__pycache__"]
numfig = True
math_numfig = True
math_eqref_format = "({number})"
numfig_format = {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s"}

# --- one dictionary of LaTeX macros, shared by MathJax (HTML) and the LaTeX preamble ------
# name -> body, or (body, number of arguments)
MACROS = {
    "R": r"\mathbb{R}",
    "tr": r"\operatorname{tr}",
    "vec": r"\operatorname{vec}",
    "diag": r"\operatorname{diag}",
    "frob": (r"#1\mathbin{:}#2", 2),
    "norm": (r"\lVert #1 \rVert", 1),
    "fnorm": (r"\lVert #1 \rVert_F", 1),
    "d": r"\mathrm{d}",
    "T": r"{\mathsf{T}}",
    "grad": r"\nabla",
    "kron": r"\otimes",
    "had": r"\circ",
    "sym": r"\operatorname{sym}",
    "bigO": r"\mathcal{O}",
    "eps": r"\varepsilon",
}


def mathjax_macros(macros):
    """MathJax 3 form: body strings, or [body, nargs]."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in macros.items()}


def latex_macros(macros):
    """LaTeX preamble form (\\providecommand so an existing definition is not an error)."""
    lines = []
    for name, v in macros.items():
        body, nargs = (v if isinstance(v, tuple) else (v, 0))
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\providecommand{{\\{name}}}{{}}")
        lines.append(f"\\renewcommand{{\\{name}}}{args}{{{body}}}")
    return "\n".join(lines)


# --- MyST and notebook execution -----------------------------------------------------------
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3


def code_fingerprint(code_dir):
    """Hash of every source file of the matcalc package (paths and contents).

    The notebook cache is keyed on it: jupyter-cache hashes only the cells, so without this a
    change in code/ would leave stale outputs in a green build.
    """
    h = hashlib.sha256()
    code_dir = Path(code_dir)
    for path in sorted(code_dir.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".cfg"} \
                and "__pycache__" not in path.parts and ".egg-info" not in str(path):
            h.update(str(path.relative_to(code_dir)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]


CACHE_ROOT = Path(os.environ.get("MATCALC_NB_CACHE", ROOT / "_build" / ".jupyter_cache"))
nb_execution_mode = os.environ.get("MATCALC_NB_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(CACHE_ROOT / code_fingerprint(ROOT / "code"))
nb_execution_raise_on_error = True  # a failing cell fails the build, naming the chapter
nb_execution_show_tb = True
nb_execution_timeout = 600
nb_merge_streams = True


def coalesce_streams_exactly(outputs):
    """Merge a cell's stream outputs by plain concatenation.

    myst-nb's own merge strips each chunk before joining, so where the kernel happened to
    flush between ``print``'s text and its newline, a blank line appears or not: two builds
    of the same page differed. Concatenating first makes the result independent of how the
    output was chunked; only the end is normalized, as myst-nb does.
    """
    merged, streams = [], {}
    for output in outputs or []:
        if output.get("output_type") != "stream":
            merged.append(output)
        elif output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            streams[output["name"]] = output
            merged.append(output)
    for output in streams.values():
        text = output["text"]
        text = re.sub(r"[^\n]\x08", "", text)          # backspaces
        text = re.sub(r".*\r(?=[^\n])", "", text)      # carriage returns not ending a line
        output["text"] = text.rstrip() + "\n"
    # stdout before stderr when they are adjacent, as myst-nb orders them
    for i in range(len(merged) - 1):
        a, b = merged[i], merged[i + 1]
        if (a.get("output_type") == b.get("output_type") == "stream"
                and a["name"] == "stderr" and b["name"] == "stdout"):
            merged[i], merged[i + 1] = b, a
    return merged


def _use_exact_stream_merge():
    import myst_nb.core.render

    myst_nb.core.render.coalesce_streams = coalesce_streams_exactly


_use_exact_stream_merge()

# Results such as a checked derivation display as MyST Markdown (tables with math).
nb_render_markdown_format = "myst"
# Old caches (from earlier versions of code/) are never valid again: drop them.
if CACHE_ROOT.is_dir():
    for old in CACHE_ROOT.iterdir():
        if old.is_dir() and str(old) != nb_execution_cache_path:
            shutil.rmtree(old, ignore_errors=True)

# --- math served from the build: MathJax 3 from the django-static-mathjax wheel -------------
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2"]


def prepare_mathjax(dest):
    """Copy the parts of MathJax 3 the pages need into ``dest/mathjax`` (once)."""
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


MATHJAX_STATIC = ROOT / "_build" / ".mathjax-static"
prepare_mathjax(MATHJAX_STATIC)
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"macros": mathjax_macros(MACROS)}}

# --- references, proofs, exercises -----------------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]  # relative to conf.py
bibtex_default_style = "alpha"
bibtex_reference_style = "author_year"
prf_realtyp_to_countertyp = {
    "lemma": "theorem", "corollary": "theorem", "proposition": "theorem",
}

# --- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = [str(MATHJAX_STATIC), str(ROOT / "book" / "_static")]
html_js_files = ["catalogue-filter.js"]  # filters the catalogue tables; does nothing elsewhere
html_css_files = ["catalogue.css"]
html_favicon = "book/_static/favicon.svg"  # also spares browsers a 404 for /favicon.ico
html_context = {"default_mode": "auto"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None
html_show_sourcelink = False

# --- each chapter as a downloadable notebook, generated from the same source ------------------
def _load_run_chapter():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_chapter", ROOT / "tools" / "run_chapter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN_CHAPTER = _load_run_chapter()  # tools/run_chapter.py: what a chapter is, and its notebook


def write_notebooks(app, exception):
    """After an HTML build, write _notebooks/<chapter>.ipynb for every chapter."""
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    out = Path(app.outdir) / "_notebooks"
    out.mkdir(parents=True, exist_ok=True)
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        if RUN_CHAPTER.is_chapter(source):
            nbformat.write(RUN_CHAPTER.notebook(source), str(out / f"{docname}.ipynb"))


def notebook_link(app, pagename, templatename, context, doctree):
    """A download link for the chapter's notebook at the top of each chapter page."""
    if doctree is None or "body" not in context:
        return
    if not RUN_CHAPTER.is_chapter(app.env.doc2path(pagename)):
        return
    href = context["pathto"](f"_notebooks/{pagename}.ipynb", 1)
    context["body"] = (f'<p class="notebook-download"><a class="reference download" '
                       f'href="{href}" download="{pagename}.ipynb">Download this chapter as a '
                       f'Jupyter notebook (.ipynb)</a></p>\n' + context["body"])


def label_exercises_for_latex(app, doctree, docname):
    """sphinx-exercise writes ``\\label{exercise:<label>}`` in LaTeX, but references point at
    ``<docname>:<label>``: add that label, carrying the exercise's number, for the PDF."""
    if app.builder.format != "latex":
        return
    from docutils import nodes
    from sphinx_exercise.nodes import exercise_enumerable_node

    for node in list(doctree.findall(exercise_enumerable_node)):
        label = node.get("label")
        source = node.source or ""
        owner = app.env.path2doc(source) if source else None
        if not label or owner is None:
            continue
        number = None
        for mapping in app.env.toc_fignumbers.get(owner, {}).values():
            for key in [label] + list(node.get("ids", [])):
                if key in mapping:
                    number = ".".join(str(n) for n in mapping[key])
        tex = "\\phantomsection"
        if number:
            tex += f"\\expandafter\\def\\csname @currentlabel\\endcsname{{{number}}}"
        tex += f"\\label{{\\detokenize{{{owner}:{label}}}}}"
        node.insert(0, nodes.raw("", tex, format="latex"))


def setup(app):
    app.connect("html-page-context", notebook_link)
    app.connect("build-finished", write_notebooks)
    app.connect("doctree-resolved", label_exercises_for_latex)


# --- LaTeX / PDF (same macros as the HTML) ------------------------------------------------------
latex_engine = "pdflatex"
# Characters the book's text and outputs use that pdflatex does not know by default.
LATEX_UNICODE = {"2713": r"\ensuremath{\checkmark}", "2717": r"\ensuremath{\times}",
                 "2223": r"\ensuremath{\mid}", "2016": r"\ensuremath{\Vert}",
                 "2202": r"\ensuremath{\partial}", "2207": r"\ensuremath{\nabla}"}
latex_elements = {
    "preamble": "\\usepackage{amsmath,amssymb}\n" + latex_macros(MACROS) + "\n"
    + "\n".join(f"\\DeclareUnicodeCharacter{{{k}}}{{{v}}}" for k, v in LATEX_UNICODE.items()),
}
latex_documents = [("index", "matcalc-book.tex", project, author, "manual")]
