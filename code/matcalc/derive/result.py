"""The result of the engine: :class:`Derived`, the derivation with its steps and the record
of the checks that ran (a :class:`~matcalc.Report` of :class:`~matcalc.CheckResult`, each
made by :func:`engine_check`: its verdict and what it proved).

``derive`` (a gradient), ``differential`` (dF of a matrix-valued F, with its vec form) and
``hessian`` (the map V -> H[V], with its vec form) all return a :class:`Derived`; ``kind``
says which. Nothing is returned unless its checks passed.

>>> from .engine import derive
>>> from .expr import vector
>>> x = vector("x", "n")
>>> r = derive(x.T @ x, "x")
>>> r.kind, str(r.answer), r.passed
('gradient', '2 x', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..checkresult import PASSED, CheckResult
from ..report import Report
from .expr import Expr

__all__ = ["Step", "Derived", "engine_check"]

_LONG = 600  # answers longer than this (characters) say how long they are


@dataclass(frozen=True)
class Step:
    """One expression of a derivation and the rule that leads to it.

    >>> from .expr import matrix
    >>> Step(matrix("A", "m", "n"), "linearity").latex
    'A'
    """

    expr: Expr
    why: str

    @property
    def latex(self) -> str:
        """The step in the book's LaTeX."""
        return self.expr.latex

    def __str__(self) -> str:
        return f"{self.expr}    [{self.why}]"


def engine_check(name: str, verdict: str, proved: str, error: float = 0.0,
                 detail: str = "") -> CheckResult:
    """One check of a derivation as a :class:`~matcalc.CheckResult`: ``name`` (which check,
    its ``kind``), ``verdict`` ("PASSED", "FAILED" or "UNRESOLVED"), ``proved`` (what a
    passed verdict establishes, its ``what``), ``error`` (the largest relative difference;
    0.0 for an exact proof) and ``detail`` (the first wrong link, or a note: its ``note``).

    >>> c = engine_check("exact", "PASSED", "every link proved for all values at n=2 (sympy)")
    >>> c.passed, c.kind, str(c)
    (True, 'exact', 'PASSED: every link proved for all values at n=2 (sympy)')
    """
    return CheckResult(name, verdict == PASSED, error, verdict=verdict, what=proved,
                       note=detail)


@dataclass(frozen=True)
class Derived:
    """A derivation with its steps, checked (see the module docstring).

    ``function`` (the expression differentiated), ``variable``, ``answer`` (the gradient G,
    dF, or H[V]), ``steps`` (:class:`Step`, the first equal to d(function)), ``checks`` (a
    :class:`matcalc.Report` of :class:`~matcalc.CheckResult`), ``skipped`` (checks that did
    not run, with the reason), ``vec_form`` (the matrix on vec: the Jacobian of dF or the Hessian, or None
    with ``vec_note``), ``note`` (about symmetric variables or non-differentiable points),
    ``names`` ((name, definition) pairs of the printed answer) and ``sizes`` (the sizes of
    the numeric checks).

    >>> from .engine import derive
    >>> from .expr import matrix
    >>> from .language import tr
    >>> r = derive(tr(matrix("A", "n", "m") @ matrix("X", "m", "n")), "X")
    >>> str(r.gradient), [label for label, _ in r.checks.checks][:2]
    ('A^T', ['exact', 'numeric: first step'])
    """

    kind: str
    function: Expr
    variable: Expr
    answer: Expr
    steps: tuple
    checks: Report
    skipped: tuple = ()
    direction: Expr | None = None
    vec_form: Expr | None = None
    vec_note: str = ""
    note: str = ""
    names: tuple = ()
    named_answer: Expr | None = None
    sizes: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict, repr=False)

    # -- verdict -------------------------------------------------------------------------
    @property
    def passed(self) -> bool:
        """Every check that ran passed (always True for a returned result)."""
        return self.checks.passed

    @property
    def verdict(self) -> str:
        """The verdict of the checks ("PASSED" for a returned result)."""
        return self.checks.verdict

    @property
    def error(self) -> float:
        """The largest relative difference any check measured (0.0 for exact proofs)."""
        return self.checks.error

    def check(self) -> Report:
        """The report of the checks run before the result was returned."""
        return self.checks

    @property
    def checked(self) -> str:
        """What was checked, in one paragraph: each check and what it proved, then what was
        skipped and why."""
        parts = [c.what if isinstance(c, CheckResult) else
                 f"{label}: derived and checked first ({c.verdict})"
                 for label, c in self.checks.checks]
        text = "checked: " + "; ".join(parts)
        for name, why in self.skipped:
            text += f"; {name} not run: {why}"
        return text

    # -- the answer ----------------------------------------------------------------------
    @property
    def gradient(self) -> Expr:
        """The gradient (a result of ``derive``); AttributeError for the other kinds."""
        if self.kind != "gradient":
            raise AttributeError(f"a {self.kind} result has no gradient; its answer is "
                                 f".answer")
        return self.answer

    @property
    def latex(self) -> str:
        """The answer in LaTeX with the book's macros."""
        return self.answer.latex

    def named(self) -> tuple:
        """(the answer with repeated subexpressions named, [(name, definition)])."""
        return (self.named_answer if self.named_answer is not None else self.answer,
                list(self.names))

    def named_steps(self) -> list:
        """The steps written with the names of the answer where they contain the same
        subexpressions (for printing; the checks ran on the steps themselves)."""
        from .naming import substitute
        expanded: dict = {}
        for name, definition in self.names:  # definitions use the names defined before them
            expanded[name] = substitute(definition, {
                Expr("var", (), d.shape, (n, frozenset({"named"}))).key: d
                for n, d in expanded.items()})
        subst = {d.key: Expr("var", (), d.shape, (n, frozenset({"named"})))
                 for n, d in expanded.items()}
        return [Step(substitute(s.expr, subst), s.why) for s in self.steps]

    def evaluate(self, **arrays: object) -> Any:
        """The answer at the given arrays (numpy), with the direction by name for a
        differential (``d<X>=``) or a Hessian (``V=``): 1-D vectors are accepted and returned 1-D."""
        from .numbers import evaluate_answer
        return evaluate_answer(self, arrays)

    def vec_value(self, **arrays: object) -> Any:
        """The vec form (Jacobian d vec F / d vec X, or the Hessian on vec X) at the arrays;
        ValueError when there is none."""
        from .numbers import evaluate_vec_form
        return evaluate_vec_form(self, arrays)

    def code(self, language: str = "numpy") -> str:
        """Python source of a function computing the answer with numpy or JAX, run against
        the derivation before it is returned (its docstring says how, or why it could not run)."""
        from .codegen import generate
        return generate(self, language)

    # -- printing ------------------------------------------------------------------------
    def _head(self) -> str:
        return {"gradient": "d L", "differential": f"d({self.function})",
                "hessian": "d G"}[self.kind]

    def _answer_line(self) -> str:
        shown, _ = self.named()
        label = {"gradient": f"gradient with respect to {self.variable.name}",
                 "differential": "dF", "hessian": f"H[{self._direction_name()}]"}[self.kind]
        text = f"{label}: {shown}"
        length = len(str(self.answer))
        if length > _LONG:
            text += f"\n  (the answer is {length:,} characters long)"
        return text

    def _direction_name(self) -> str:
        return self.direction.name if self.direction is not None else "V"

    def __str__(self) -> str:
        lines = [f"{self._head()} = " + "\n    = ".join(str(s) for s in self.named_steps()),
                 self._answer_line()]
        lines += [f"  with {n} = {d}" for n, d in self.names]
        if self.vec_form is not None:
            lines.append(f"vec form: {self.vec_form}")
        elif self.vec_note:
            lines.append(f"no Kronecker form: {self.vec_note}")
        if self.note:
            lines.append(self.note)
        lines.append(f"{self.checked} -> {self.verdict}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        rows = ["| step | expression | rule |", "|---|---|---|"]
        for k, s in enumerate(self.named_steps()):
            head = f"${_latex_head(self)}$" if k == 0 else ""
            rows.append(f"| {head} | $= {_table_safe(s.latex)}$ | {s.why} |")
        shown, defs = self.named()
        where = ", ".join(f"${n} = {d.latex}$" for n, d in defs)
        label = {"gradient": rf"\grad_{{{self.variable.latex}}} L", "differential": r"\d F",
                 "hessian": rf"H[{self._direction_name()}]"}[self.kind]
        out = "\n".join(rows) + f"\n\n${label} = {shown.latex}$"
        out += (f", with {where}" if where else "") + ".\n\n"
        if self.vec_form is not None:
            out += f"On vec: ${self.vec_form.latex}$.\n\n"
        if self.note:
            out += self.note + ".\n\n"
        text = self.checked[0].upper() + self.checked[1:]
        return out + f"*{text}*: **{self.verdict.lower()}**.\n"


def _latex_head(r: Derived) -> str:
    return {"gradient": r"\d L", "differential": r"\d F", "hessian": r"\d G"}[r.kind]


def _table_safe(latex: str) -> str:
    """LaTeX without a bare ``|``, which would end a Markdown table cell."""
    return latex.replace(r"\|", r"\Vert ").replace("|", r"\vert ")
