"""Sphinx configuration for the book: declarations only. Built with
``sphinx-build -c . book <out>`` (see Makefile); the hooks (MathJax served from the build,
the notebook cache key, notebook downloads) live in the local extension
book/_ext/matcalc_book.py, and the workarounds of upstream problems (each guarded by the
version it was written for) in book/_ext/upstream.py.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Executed cells render their Markdown displays as MyST (roles become links): see
# matcalc.plaintext.markdown. The kernels inherit the variable.
os.environ["MATCALC_MARKDOWN"] = "myst"
sys.path[:0] = [str(ROOT / "book" / "_ext"), str(ROOT / "tools")]

from matcalc_book import code_fingerprint, latex_macros, mathjax_macros, prune_caches  # noqa: E402

project = "Matrix Calculus, Checked"
author = "The matcalc authors"
copyright = "2026, the matcalc authors"
language = "en"

extensions = [
    "buildgc",  # the garbage collector set for a build (book/_ext/buildgc.py)
    "upstream",  # workarounds of upstream problems, one per problem (book/_ext/upstream.py)
    "myst_nb",
    "sphinx_proof",
    "sphinx_exercise",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx_design",
    "sphinx.ext.autodoc",
    "matcalc_book",
    "derive_box",  # Pyodide and the wheels for the in-browser derivation box
    "latex_pdf",  # the PDF numbered like the HTML, proofs, printed tables (book/_ext/latex_pdf.py)
]
# The API page (book/api.md) documents matcalc from its docstrings, in source order.
autodoc_member_order = "bysource"
autodoc_default_options = {"undoc-members": False}
autodoc_preserve_defaults = True  # "eps=EPS", not "eps=2.220446049250313e-16"
# Type annotations name numpy's array class; numpy's own inventory is not fetched (offline).
nitpick_ignore = [("py:class", "numpy.ndarray"), ("py:class", "np.ndarray")]
# Standard-library, numpy and sympy classes in type annotations (their inventories are not
# fetched).
nitpick_ignore_regex = [("py:class", r"(collections\.abc|typing|numpy|np|sympy)\..*")]
# Annotations show the package's names unqualified (``Claim``, ``Matrix``), each linked to
# its entry on the API page (the aliases of matcalc.types among them).
python_use_unqualified_type_names = True

exclude_patterns = ["_build", "_ext", "**.ipynb_checkpoints", "**/__pycache__"]
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


# --- MyST and notebook execution -----------------------------------------------------------
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3


CACHE_ROOT = Path(os.environ.get("MATCALC_NB_CACHE", ROOT / "_build" / ".jupyter_cache"))
nb_execution_mode = os.environ.get("MATCALC_NB_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(CACHE_ROOT / code_fingerprint(ROOT / "code"))
prune_caches(CACHE_ROOT, keep=nb_execution_cache_path)
nb_execution_raise_on_error = True  # a failing cell fails the build, naming the chapter
nb_execution_show_tb = True
nb_execution_timeout = 600
nb_merge_streams = True  # merged by concatenation: see upstream.coalesce_streams_exactly
# Results such as a checked derivation display as MyST Markdown (tables with math).
nb_render_markdown_format = "myst"

# --- math served from the build (matcalc_book copies MathJax 3 into _static/mathjax) --------
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
html_static_path = [str(ROOT / "book" / "_static")]
html_js_files = [
    "catalogue-filter.js",  # filters the catalogue tables; does nothing elsewhere
    "wide-tables.js",  # stacks the tables wider than the text column
]
html_css_files = ["book.css"]  # layout of wide tables, formulas and contrast fixes
html_favicon = "book/_static/favicon.svg"  # also spares browsers a 404 for /favicon.ico
html_context = {"default_mode": "auto"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None
html_show_sourcelink = False

# --- LaTeX / PDF (same macros as the HTML) ------------------------------------------------------
latex_engine = "pdflatex"
# Characters the book's text and outputs use that pdflatex does not know by default.
LATEX_UNICODE = {"2713": r"\ensuremath{\checkmark}", "2717": r"\ensuremath{\times}",
                 "2223": r"\ensuremath{\mid}", "2016": r"\ensuremath{\Vert}",
                 "2202": r"\ensuremath{\partial}", "2207": r"\ensuremath{\nabla}",
                 # matcalc.plaintext's notation in printed reports (Greek: GREEK below)
                 "1D40": r"\ensuremath{^{\mathsf{T}}}", "207B": r"\ensuremath{^{-}}",
                 "2218": r"\ensuremath{\circ}", "2297": r"\ensuremath{\otimes}",
                 "221A": r"\ensuremath{\surd}", "211D": r"\ensuremath{\mathbb{R}}",
                 "2264": r"\ensuremath{\le}", "2265": r"\ensuremath{\ge}",
                 "2260": r"\ensuremath{\ne}", "2192": r"\ensuremath{\to}",
                 "21A6": r"\ensuremath{\mapsto}", "2248": r"\ensuremath{\approx}",
                 "221E": r"\ensuremath{\infty}", "2113": r"\ensuremath{\ell}",
                 "220E": r"\ensuremath{\blacksquare}",
                 "2211": r"\ensuremath{\sum}", "22C5": r"\ensuremath{\cdot}",
                 "2212": r"\ensuremath{-}", "2032": r"\ensuremath{'}",
                 "0176": r"\ensuremath{\hat{Y}}", "1E20": r"\ensuremath{\bar{G}}",
                 "0302": r"\^{}", "0304": r"\={}", "1D62": r"\ensuremath{_i}",
                 "2099": r"\ensuremath{_n}", "2080": r"\ensuremath{_0}",
                 "2081": r"\ensuremath{_1}", "2082": r"\ensuremath{_2}",
                 "2074": r"\ensuremath{^4}", "2070": r"\ensuremath{^0}",
                 "1D34": r"\ensuremath{^{H}}", "207A": r"\ensuremath{^{+}}",
                 "22A5": r"\ensuremath{\perp}"}
# Every Greek letter with a LaTeX command (printed reports may show any of them).
GREEK = ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi omicron "
         "pi rho varsigma sigma tau upsilon phi chi psi omega").split()
LATEX_UNICODE |= {f"{0x3B1 + k:04X}": rf"\ensuremath{{\{name}}}" for k, name in enumerate(GREEK)
                  if name != "omicron"}
LATEX_UNICODE |= {f"{0x391 + k:04X}": rf"\ensuremath{{\{name.capitalize()}}}"
                  for k, name in enumerate(GREEK)
                  if name in "gamma delta theta lambda xi pi sigma upsilon phi psi omega".split()}
# amsthm for proofs (book/_ext/latex_pdf.py); the depth of section numbers LaTeX starts with,
# restored after the pages the HTML leaves unnumbered; more stretch before a line overflows.
LATEX_LAYOUT = r"""\usepackage{amsthm}
\AtBeginDocument{\edef\matcalcsecnumdepth{\arabic{secnumdepth}}}
\setlength{\emergencystretch}{3em}
% a figure in an admonition (the plot of an exercise's solution) cannot float out of its
% box ("Not in outer par mode"): there it is set in place, with its caption and number
\makeatletter
\AtBeginEnvironment{sphinxadmonition}{\renewenvironment{figure}[1][]%
  {\def\@captype{figure}\par\medskip\centering}{\par\medskip}}
\makeatother
"""
latex_elements = {
    # printed reports hold long "words" (numbers, shapes): wrap them anywhere, not overflow
    "sphinxsetup": "verbatimforcewraps=true, verbatimmaxoverfull=0",
    "preamble": "\\usepackage{amsmath,amssymb}\n" + LATEX_LAYOUT + latex_macros(MACROS) + "\n"
    + "\n".join(f"\\DeclareUnicodeCharacter{{{k}}}{{{v}}}" for k, v in LATEX_UNICODE.items()),
}
latex_documents = [("index", "matcalc-book.tex", project, author, "manual")]
