"""The catalogue page's tables: one table per section, rendered from the entries and their
verification results.

:func:`table` returns a :class:`Table` that displays as HTML in the built book (each row
carries ``data-cookbook``, the entry's Cookbook numbers, and ``data-search``, the text
:func:`~matcalc.catalogue.find` searches, so the page's filter script only compares a query
with these attributes and never parses numbers itself) and as Markdown elsewhere (the PDF,
a plain notebook). A row reads "∇_X f = G": the identity cell holds the function and the
result only; aliases, conditions and notes have their own column.

>>> from matcalc.catalogue import find
>>> t = table("Traces, first order", entries=find("101"))
>>> 'data-cookbook="101"' in t._repr_html_()
True
>>> print(t._repr_markdown_().splitlines()[2])  # doctest: +ELLIPSIS
| 101 | tr(AXB) | $\\grad_{X}\\,\\tr(AXB) = A^\\T B^\\T$ |  | ✓ exact m=3, n=2, p=2; ... |
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backend import sizes_text

if TYPE_CHECKING:
    from ..claim import Claim
    from ..claimchecks import Digest

__all__ = ["COLUMNS", "Table", "checked", "headline", "identity", "notes", "table"]

COLUMNS = ("Cookbook", "name", "identity", "note", "checked")
GREEK = frozenset({"alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "mu",
                   "sigma", "tau", "phi", "omega"})


def identity(entry: Claim) -> str:
    """The LaTeX of the row's identity, "derivative of f = result", written for the entry's
    kind.

    >>> from matcalc.catalogue import find
    >>> identity(find("59")[0])
    '\\\\d\\\\bigl(X^{-1}\\\\bigr) = -X^{-1}\\\\,\\\\d X\\\\,X^{-1}'
    """
    f, result, var = entry.latex, entry.result, ",".join(entry.wrt)
    if not isinstance(result, str):  # a VJP with several inputs: one gradient each
        return r",\quad ".join(rf"\bar{{{_symbol(v)}}} = {r}" for v, r in result.items())
    if entry.kind in ("gradient", "diagonal-gradient"):
        return rf"\grad_{{{var}}}\,{f} = {result}"
    if entry.kind == "differential" and "=" in f:  # a named output: "\d Y = ..."
        return result
    if entry.kind == "differential":
        return rf"\d\bigl({f}\bigr) = {result}"
    if entry.kind == "hessian":
        return rf"{f}:\ H[V] = {result}"
    if entry.kind == "symmetric-partials":
        return rf"\partial/\partial {var}_{{\text{{distinct}}}}\ {f} = {result}"
    if entry.kind == "vjp":
        return rf"\bar G \mapsto \grad_{{{var}}}\frob{{\bar G}}{{F}} = {result}"
    return f"{f} = {result}"  # a Jacobian array, or an identity: the LaTeX names the entries


def _symbol(name: str) -> str:
    """An input's name in LaTeX: a Greek letter's name as the letter (``gamma`` as
    ``\\gamma``), any other name as it is."""
    return "\\" + name if name in GREEK else name


def notes(entry: Claim) -> str:
    """The note column (Markdown with math): alias, the function of a vector-Jacobian
    product, conditions and note.

    >>> from matcalc.catalogue import find
    >>> notes(find("115")[0])
    'also written $\\\\lVert X\\\\rVert_F^2$'
    """
    parts = []
    if entry.alias:
        parts.append(f"also written ${entry.alias}$")
    if entry.kind == "vjp":
        parts.append(f"$F = {entry.latex}$" if "=" not in entry.latex else f"${entry.latex}$")
    parts += [x for x in (entry.conditions, entry.note) if x]
    return "; ".join(parts)


def checked(entry: Claim, summary: Mapping[str, object]) -> str:
    """The "checked" column: the verdict, the sizes of the exact and numeric checks (named
    by their dimension letters), the numeric error, and what dropping the conditions did,
    from the entry and its ``summary`` (a :func:`~matcalc.claimchecks.digest`).

    >>> from matcalc.catalogue import find, verify_all
    >>> e = find("101")[0]
    >>> checked(e, verify_all([e], cache=False)[e.name])  # doctest: +ELLIPSIS
    '✓ exact m=3, n=2, p=2; ...e-1... at m=5, n=4, p=3'
    """
    numeric_at = ("the entry's points" if entry.point is not None
                  else sizes_text(entry.numeric_sizes))
    parts = []
    if entry.kind == "symmetric-partials":
        parts.append(f"partials exact {sizes_text(entry.exact_sizes)}; as gradient fails")
    else:
        if summary["exact"] is not None:
            parts.append(f"exact {sizes_text(entry.exact_sizes)}")
        parts.append(f"{summary['error']:.0e} at {numeric_at}")
    if summary["condition_needed"]:
        parts.append("fails without the condition")
    elif summary["condition_needed"] is False:
        parts.append("holds without the condition")
    return ("✓ " if summary["passed"] else "✗ ") + "; ".join(parts)


def _math_html(latex: str) -> str:
    return f'<span class="math notranslate nohighlight">\\({html.escape(latex)}\\)</span>'


def _formulas_html(latex: str) -> str:
    """A list of formulas ("a,\\quad b", or "a,\\ b") as one math span per formula, so that a
    long identity (a layer's VJP for several inputs) wraps between them on the page."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(latex):
        sep = next((s for s in (r",\quad", r",\ ") if latex.startswith(s, k)), None)
        if depth == 0 and sep:
            parts.append(latex[start:k])
            start = k = k + len(sep)
            continue
        depth += (latex[k] in "{([") - (latex[k] in "})]")
        k += 1
    parts.append(latex[start:])
    return ", ".join(_math_html(part.strip()) for part in parts)


def _markdown_html(text: str) -> str:
    """Markdown with ``$...$`` math (the note column) as HTML."""
    pieces = text.split("$")
    return "".join(_math_html(p) if k % 2 else html.escape(p) for k, p in enumerate(pieces))


def _cell(text: str) -> str:
    return text.replace("|", r"\vert ").replace("\n", " ")


@dataclass(frozen=True)
class Table:
    """The rows of one section: ``(entry, summary)`` pairs (a summary is the entry's
    :func:`~matcalc.claimchecks.digest`), shown as HTML in the built book and as Markdown
    elsewhere.

    >>> Table("Empty", ())._repr_markdown_().splitlines()[0]
    '| Cookbook | name | identity | note | checked |'
    """

    section: str
    rows: tuple[tuple[Claim, Digest], ...]

    def _repr_markdown_(self) -> str:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for e, s in self.rows:
            lines.append(f"| {e.cookbook or ''} | {e.name.replace('|', '∣')} | "
                         f"${_cell(identity(e))}$ | {_cell(notes(e))} | {checked(e, s)} |")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in COLUMNS)
        body = []
        for e, s in self.rows:
            cells = (html.escape(e.cookbook or ""), html.escape(e.name),
                     _formulas_html(identity(e)), _markdown_html(notes(e)),
                     html.escape(checked(e, s)))
            body.append(f'<tr data-cookbook="{" ".join(e.cookbook_numbers)}" '
                        f'data-search="{html.escape(e.search_text().lower())}">'
                        + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        # The theme's classes: styled and scrolling sideways like the tables MyST writes.
        return ('<div class="pst-scrollable-table-container">'
                f'<table class="table catalogue-table" '
                f'data-section="{html.escape(self.section)}">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def table(section: str, entries: Iterable[Claim] | None = None,
          results: Mapping[str, Digest] | None = None) -> Table:
    """The table of ``section``: those of ``entries`` (default: the catalogue's) in that
    section, with their results (default: :func:`~matcalc.catalogue.verify_all`, from the
    cache when it has them). Raises KeyError for an entry that ``results`` lacks.

    >>> from matcalc.catalogue import find
    >>> len(table("Traces of inverses", entries=find("126")).rows)
    2
    """
    from . import entries as all_entries
    from .cache import verify_all

    chosen = [e for e in (all_entries() if entries is None else entries) if e.section == section]
    results = verify_all(chosen) if results is None else results
    return Table(section, tuple((e, results[e.name]) for e in chosen))


def headline(results: Mapping[str, Digest] | None = None) -> str:
    """One Markdown line counting the catalogue's entries, their kinds and the Cookbook
    numbers, and saying whether all were verified (by ``results``, default
    :func:`~matcalc.catalogue.verify_all`), naming the ones that failed.

    >>> headline().startswith("**")
    True
    """
    from . import entries
    from .cache import verify_all

    chosen = entries()
    results = verify_all(chosen) if results is None else results
    failed = [e.name for e in chosen if not results[e.name]["passed"]]
    kinds = Counter(e.kind for e in chosen)
    verdict = "all verified" if not failed else f"{len(failed)} FAILED ({', '.join(failed)})"
    return (f"**{len(chosen)} entries, {verdict}** when this page was built "
            f"({sum(1 for e in chosen if e.cookbook)} with a Cookbook number; "
            + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + ").")
