"""How a derivation checked link by link prints: :class:`ChainLayout`.

:meth:`matcalc.derivation.Derivation.check` returns a :class:`~matcalc.Report` whose
checks are one report per link of the chain (labelled ``"link 0"``, ``"link 1"``, ...;
each with its ``"exact"`` check when one ran and its ``"numeric"`` one) and, when a gradient
is claimed, the gradient's own check (``"gradient"``). Its layout prints it as the chain:
as plain text, one line per link (``[ok ]`` or ``[WRONG]``) with what each check found and
the first wrong step named; as Markdown (what a notebook shows), a table of the expressions
with their rules.

>>> from matcalc import frob
>>> from matcalc.derivation import chain, Step
>>> r = chain("x^T x", {"x": "n1"}, [Step(r"x^\\T x", lambda x: (x.T @ x)[0, 0]),
...           Step(r"x : x", lambda x: frob(x, x), "trace form")],
...           exact_sizes={"n": 2}, numeric_sizes={"n": 3}).check()
>>> print(str(r).splitlines()[0])
derivation 'x^T x' PASSED: 1 links, exact at n=2, numeric at n=3
>>> print(r._repr_markdown_().splitlines()[-1])
| $= x : x$ | trace form | ✓ proved, ... |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .checkresult import FAILED, PASSED, sizes_text
from .plaintext import markdown, plain

if TYPE_CHECKING:
    from .report import Report

__all__ = ["ChainLayout", "header_note", "table_safe"]


@dataclass(frozen=True)
class ChainLayout:
    """The chain a derivation's report prints (a :class:`~matcalc.report.Layout`):
    ``start``, the LaTeX of the first expression; ``links``, ``(target, why)`` of each
    link in order (the LaTeX it arrives at and the rule that leads there; a link starts
    where the one before it ended); the sizes of the exact and of the numeric checks.

    >>> ChainLayout(r"\\d f", ((r"G : \\d X", "identification"),)).source(0)
    '\\\\d f'
    """

    start: str
    links: tuple[tuple[str, str], ...]
    exact_sizes: Mapping[str, int] = field(default_factory=dict)
    numeric_sizes: Mapping[str, int] = field(default_factory=dict)

    def source(self, index: int) -> str:
        """The LaTeX link ``index`` starts from."""
        return self.start if index == 0 else self.links[index - 1][0]

    def _links(self, report: Report) -> list[tuple[int, Any]]:
        return [(k, report.get(f"link {k}")) for k in range(len(self.links))]

    def text(self, report: Report) -> str:
        """One line per link with its checks, the gradient's check, the first wrong step."""
        links = self._links(report)
        lines = [f"derivation {report.title!r} {report.verdict}: {len(links)} links, "
                 f"{report.note}"]
        for k, link in links:
            lines += self._link_lines(k, link)
        first = dict(links[0][1].checks).get("numeric") if links else None
        if first is not None and first.kind == "differential" and not first.passed:
            lines.append("  first step against numerical derivatives: "
                         + str(first).splitlines()[0])
        gradient = dict(report.checks).get("gradient")
        if gradient is not None:
            lines.append("  gradient: " + str(gradient).splitlines()[0])
        wrong = next((k for k, link in links if link.verdict == FAILED), None)
        if wrong is not None:
            lines.append(f"  first wrong step: link {wrong}, from {plain(self.source(wrong))} "
                         f"to {plain(self.links[wrong][0])}")
        return "\n".join(lines)

    def _link_lines(self, k: int, link: Any) -> list[str]:
        target, why = self.links[k]
        parts = dict(link.checks)
        exact, numeric = parts.get("exact"), parts["numeric"]
        mark = {PASSED: "ok ", FAILED: "WRONG"}.get(link.verdict, "open")
        lines = [f"  [{mark}] {k}: {plain(self.source(k))}  =  {plain(target)}",
                 f"        exact: {'not run' if exact is None else exact.status}; numeric: "
                 f"relative difference {numeric.error:.1e}"
                 + (f" ({plain(why)})" if why else "")]
        if link.note:
            lines.append(f"        {link.note}")
        if exact is not None and not exact.passed:
            lines += ["        " + s.strip() for s in str(exact).splitlines()[1:]
                      if "counter-example" in s]
        return lines

    def markdown(self, report: Report) -> str:
        """A table of the expressions, each with its rule and its checks."""
        rows = ["| expression | rule | check |", "|---|---|---|"]
        proved = True  # every exact check that ran proved its link
        for k, link in self._links(report):
            target, why = self.links[k]
            parts = dict(link.checks)
            exact = "not run" if "exact" not in parts else parts["exact"].status
            proved = proved and ("exact" not in parts or parts["exact"].passed)
            mark = {PASSED: "✓", FAILED: "✗ **wrong step**"}.get(
                link.verdict, "? **not confirmed**")
            rows.append(f"| $= {table_safe(target)}$ | {why} | {mark} {exact}, "
                        f"{parts['numeric'].error:.0e} |")
        verdict = "passed" if report.passed else report.verdict
        sizes = ", ".join(f"${k}={v}$" for k, v in self.exact_sizes.items())
        num = ", ".join(f"${k}={v}$" for k, v in self.numeric_sizes.items())
        grad = ""
        g: Any = dict(report.checks).get("gradient")
        if g is not None:
            grad = (f" The gradient's own check: relative error {g.error:.1e} with "
                    f"{g.evaluations} evaluations ({g.method}).")
        exact_part = (f"proved exactly at {sizes}, " if proved else f"checked exactly at "
                      f"{sizes}, ") if sizes else ""
        return markdown(f"**Derivation {verdict}**: each link {exact_part}with the largest "
                        f"relative difference at {num} shown.{grad}\n\nStarting from "
                        f"${table_safe(self.start)}$:\n\n" + "\n".join(rows) + "\n")


def table_safe(latex: str) -> str:
    """LaTeX without a bare ``|``, which would end a Markdown table cell: ``\\|`` becomes
    ``\\Vert`` and ``|`` becomes ``\\vert``.

    >>> table_safe(r"\\|x\\| + |y|")
    '\\\\Vert x\\\\Vert  + \\\\vert y\\\\vert '
    """
    return latex.replace(r"\|", r"\Vert ").replace("|", r"\vert ")


def header_note(exact_sizes: Mapping[str, int] | None,
                numeric_sizes: Mapping[str, int]) -> str:
    """Where a derivation's links were checked, for its report's note.

    >>> header_note({"n": 2}, {"n": 5})
    'exact at n=2, numeric at n=5'
    """
    exact = sizes_text(exact_sizes) if exact_sizes else "no sizes"
    return f"exact at {exact}, numeric at {sizes_text(numeric_sizes) if numeric_sizes else ''}"
