"""The PDF as the HTML shows the book: LaTeX-only changes to the assembled doctree.

- Numbers: a page the HTML leaves unnumbered ("How to use this book", the questions, the
  API reference, the appendix on the checker) is an unnumbered chapter of the PDF, so that the chapters, and with them
  the theorem and equation numbers, are the HTML's (without this, "How to use this book" was
  chapter 1 and every later number was one higher than on the web pages).
- Proofs: sphinx-proof writes a proof as an admonition without a title, which LaTeX typeset
  as an empty title bar above the text; here it is amsthm's proof (italic "Proof.", a square
  at the end).
- Wide tables printed by code cells (the catalogue, the backward rules, derivation steps):
  column widths that suit their content and a smaller type, instead of equal columns, and
  numbers such as 4e-16 kept on one line.

Sphinx numbers theorems and exercises in the LaTeX from its own (HTML) numbering; LaTeX
numbers equations and chapters itself: tests/test_pdf.py compares both with the HTML's.
"""

import re

from docutils import nodes

__all__ = ["TABLE_WIDTHS", "setup"]

# Column widths (relative) of the tables with formulas or code in narrow columns, by their
# header row: the tables code cells print, and two tables of the first chapters.
TABLE_WIDTHS = {
    ("Cookbook", "name", "identity", "note", "checked"): (7, 13, 40, 24, 16),
    ("layer", "forward", "VJP for each input", "VJP / JVP error", "wrong variant (error)"):
        (12, 30, 36, 9, 13),
    ("step", "expression", "rule"): (7, 58, 35),
    ("expression", "rule", "check"): (46, 30, 24),
    ("Symbol", "Meaning", "numpy"): (22, 42, 36),
    ("operation", "matrix form", "index form", "einsum", "checked (relative difference)"):
        (17, 20, 25, 22, 16),
    ("check", "what a pass means", "what it does not mean"): (24, 38, 38),
    ("checker", "callables (what they receive at X)", "also refuses"): (32, 32, 36),
    ("the step says", "what you would do by hand", "the book's result"): (32, 40, 28),
}
NUMBER = re.compile(r"(\d)e-(\d)")
# Footnote size, narrow gaps between columns, cells set ragged right (justified, a narrow
# column stretched its spaces across the cell); \raggedright itself would redefine the \\
# that ends a table row, so only \rightskip is set, where each cell's paragraph starts.
FITTED_TABLE = ("\\begingroup\\footnotesize\\setlength{\\tabcolsep}{3pt}"
                "\\def\\sphinxAtStartPar{\\leavevmode\\nobreak\\hskip0pt"
                "\\rightskip=0pt plus 3em\\relax}\n")


def _raw(tex):
    return nodes.raw("", tex, format="latex")


def _numbered_like_the_html(app, doctree):
    """Each page's chapter numbered as in the HTML: secnumdepth -1 (no numbers) before a
    page the HTML does not number, LaTeX's own depth before one it does."""
    from sphinx import addnodes

    for start in doctree.findall(addnodes.start_of_file):
        numbered = bool(app.env.toc_secnumbers.get(start["docname"]))
        depth = r"\matcalcsecnumdepth" if numbered else "-1"
        start.insert(0, _raw(f"\\setcounter{{secnumdepth}}{{{depth}}}\n"))


def _proofs_as_proofs(doctree):
    """sphinx-proof's proofs (title-less admonitions whose text starts with "Proof. ") as
    amsthm proof environments."""
    for box in list(doctree.findall(nodes.admonition)):
        if "proof" not in box["classes"] or any(isinstance(c, nodes.title) for c in box.children):
            continue
        first = next(box.findall(nodes.Text), None)
        if first is not None and first.astext().startswith("Proof. "):
            first.parent.replace(first, nodes.Text(first.astext()[len("Proof. "):]))
        box.replace_self([_raw("\\begin{proof}\n"), *box.children, _raw("\n\\end{proof}\n")])


def _header(table):
    head = next(table.findall(nodes.thead), None)
    row = next(head.findall(nodes.row), None) if head is not None else None
    return tuple(entry.astext().strip() for entry in row.children) if row is not None else ()


def _fitted_tables(doctree):
    """The tables of TABLE_WIDTHS with their widths, in footnote size with narrower gaps
    between columns, as longtables (a table taller than the page breaks between rows);
    formulas in them may break after a comma, and numbers such as 4e-16 may not break."""
    for table in list(doctree.findall(nodes.table)):
        widths = TABLE_WIDTHS.get(_header(table))
        if widths is None:
            continue
        for colspec, width in zip(table.findall(nodes.colspec), widths):
            colspec["colwidth"] = width
        table["classes"] += ["colwidths-given", "longtable"]
        for text in list(table.findall(nodes.Text)):
            if isinstance(text.parent, nodes.math):
                text.parent.replace(text, nodes.Text(text.astext().replace(",", ",\\allowbreak ")))
            elif NUMBER.search(text.astext()):
                text.parent.replace(text, nodes.Text(NUMBER.sub("\\1e\u2212\\2", text.astext())))
        parent, at = table.parent, table.parent.index(table)
        parent.insert(at + 1, _raw("\n\\endgroup\n"))
        parent.insert(at, _raw(FITTED_TABLE))


def _for_the_pdf(app, doctree, docname):
    if app.builder.format != "latex":
        return
    _numbered_like_the_html(app, doctree)
    _proofs_as_proofs(doctree)
    _fitted_tables(doctree)


def setup(app):
    """Register the hook (Sphinx entry point)."""
    app.connect("doctree-resolved", _for_the_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
