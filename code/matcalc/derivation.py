"""Derivations that are checked step by step.

A derivation with differentials is a chain of expressions that are claimed to be equal,

    dL = (WX - Y):d(WX - Y) = (WX - Y):(dW X) = (WX - Y)X^T:dW,

ending, for a scalar function, in the form G:dW that identifies the gradient G. A
:class:`Derivation` holds such a chain as data: each :class:`Step` has the LaTeX the book
prints and a Python function of the variables and the differential that computes it. Checking
a derivation checks every link of the chain separately, so a wrong step is *named*:

* link 0: the first expression against the true differential of the function;
* link k: step k against step k + 1;
* last link (when a gradient is claimed): the last step against G:dW, plus an independent
  :func:`~matcalc.check_gradient` of G.

Every link is checked exactly, by expanding both sides in generic symbolic matrices at small
sizes (a proof for those sizes), and numerically at larger rectangular sizes and several
random points (evidence). Expressions are written with ``@``, ``.T`` and the helpers of
:mod:`matcalc.ops`, so one function serves both.
"""

import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np

from .backend import TOLERANCES, relative_difference, rng
from .backend import scalar as _scalar
from .chainlayout import ChainLayout, header_note
from .check import check_differential, check_gradient
from .checkresult import FAILED, UNRESOLVED, CheckResult
from .frobenius import frob
from .plaintext import plain
from .report import Report
from .symbolic import verify, verify_differential
from ._inputs import CallError, call_keywords_unchanged
from .variables import Variables, arguments

__all__ = ["Step", "Derivation", "chain"]

NUMERIC_RTOL = TOLERANCES["identity"]
_SQUARE_KINDS = ("symmetric", "spd")


@dataclass(frozen=True)
class Step:
    """One expression of a derivation: ``latex`` as printed, ``expr`` as computed.

    ``expr`` is a function whose parameter names are variable names of the derivation and
    ``d<variable>`` for the differential, e.g. ``lambda W, X, dW: frob(W @ X, dW @ X)``.
    ``why`` names the rule that leads *to* this step.
    """

    latex: str
    expr: object = field(repr=False)
    why: str = ""


def _sym(V):
    return (V + V.T) / 2


def _is_var_keyword(fn, name):
    p = inspect.signature(fn).parameters.get(name)
    return p is not None and p.kind is inspect.Parameter.VAR_KEYWORD


def _params(fn, what):
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a Python function with named parameters") from exc


class Derivation:
    """A chain of expressions for the differential of ``function`` with respect to ``wrt``
    (one variable name, or a tuple of names when several vary together, as in d(XY)).

    ``shapes`` maps each variable to its shape in dimension letters (``{"W": "mn"}`` or
    ``{"W": ("m", "n")}``); ``kinds`` may mark square variables ``"symmetric"`` or ``"spd"``
    (symmetric positive definite: numerically ``A A^T/n + I``, symbolically a generic
    symmetric matrix). ``function`` takes variables by name; each step's ``expr`` takes
    variables and ``d<wrt>`` by name. ``gradient`` (for a scalar function of one variable) is
    the claimed gradient; the last step must then equal ``gradient:d<wrt>``.

    >>> from matcalc import frob
    >>> d = Derivation(
    ...     "x^T A x", {"A": "nn", "x": "n1"}, "x",
    ...     function=lambda A, x: (x.T @ A @ x)[0, 0],
    ...     steps=[Step(r"\\d x^\\T A x + x^\\T A \\d x", lambda A, x, dx: frob(dx, A @ x) + frob(x, A @ dx)),
    ...            Step(r"(A + A^\\T)x : \\d x", lambda A, x, dx: frob((A + A.T) @ x, dx))],
    ...     gradient=lambda A, x: (A + A.T) @ x, exact_sizes={"n": 2}, numeric_sizes={"n": 6})
    >>> d.check().passed
    True
    """

    def __init__(self, name, shapes, wrt, function, steps, *, gradient=None, kinds=None,
                 exact_sizes=None, numeric_sizes=None, start=None, seeds=(0, 1, 2)):
        self.name = name
        if (wrt is None) != (function is None):
            raise ValueError(f"derivation {name!r}: give both wrt and function (a derivation "
                             f"of a differential) or neither (a chain of equalities)")
        if wrt is None and len(steps) < 2:
            raise ValueError(f"a chain of equalities needs at least two steps, got {len(steps)}")
        self.wrt = () if wrt is None else (wrt,) if isinstance(wrt, str) else tuple(wrt)
        for var in self.wrt:
            if var not in shapes:
                raise ValueError(f"wrt={var!r} is not one of the variables {sorted(shapes)}")
        if gradient is not None and len(self.wrt) != 1:
            raise ValueError(f"a gradient can be claimed for one variable, not for {self.wrt}")
        try:
            self.variables = Variables(shapes, dict(kinds or {}), self.wrt)
        except ValueError as exc:
            raise ValueError(f"derivation {name!r}: {exc}") from None
        self.shapes = self.variables.shapes
        self.kinds = dict(self.variables.kinds)
        self.dnames = {var: "d" + var for var in self.wrt}
        self.function = function
        self.steps = [s if isinstance(s, Step) else Step(*s) for s in steps]
        if not self.steps:
            raise ValueError(f"derivation {name!r} has no steps")
        self.gradient = gradient
        self.start = start or (r"\d f" if function is not None else self.steps[0].latex)
        self.exact_sizes = dict(exact_sizes) if exact_sizes is not None else None
        self.numeric_sizes = dict(numeric_sizes or {})
        self.seeds = tuple(seeds)
        known = set(self.shapes) | set(self.dnames.values())
        if function is not None:
            self._check_names(function, set(self.shapes), "function")
        for k, step in enumerate(self.steps, 1):
            self._check_names(step.expr, known, f"step {k} ({step.latex})")
        if gradient is not None:
            self._check_names(gradient, set(self.shapes), "gradient")
        letters = {d for shape in self.shapes.values() for d in shape}
        for label, sizes in (("exact_sizes", self.exact_sizes),
                             ("numeric_sizes", self.numeric_sizes)):
            if sizes is not None:
                _require_sizes(name, label, sizes, letters)
        if not self.seeds or not all(_whole(s) and s >= 0 for s in self.seeds):
            raise ValueError(f"derivation {name!r}: seeds must be one or more non-negative "
                             f"integers, got {seeds!r}")

    def _check_names(self, fn, known, what):
        unknown = [p for p in _params(fn, what) if p not in known and not _is_var_keyword(fn, p)]
        if unknown:
            raise ValueError(f"{what} of derivation {self.name!r} has parameters {unknown} "
                             f"that are not variables; known names are {sorted(known)}")

    def _call(self, fn, env, what="expression"):
        args = arguments(fn, env)
        try:
            return call_keywords_unchanged(fn, args, what)
        except CallError as exc:  # it changed an argument in place: the message names it
            raise ValueError(f"derivation {self.name!r}: {exc}") from None
        except Exception as exc:
            shapes = ", ".join(f"{k}: {tuple(v.shape)}" for k, v in args.items()
                               if hasattr(v, "shape"))
            raise ValueError(f"derivation {self.name!r}: {what} raised {type(exc).__name__} "
                             f"with {shapes}: {exc}") from exc

    def _symbols(self, sizes):
        return self.variables.symbols(sizes)

    def _numbers(self, sizes, generator):
        return self.variables.numbers(sizes, generator=generator)

    def _expressions(self):
        """(latex, why, fn(env)) for every member of the chain after the true differential."""
        chain = [(s.latex, s.why,
                  (lambda k, s: lambda env: self._call(s.expr, env, f"step {k} ({s.latex})"))(
                      k, s))
                 for k, s in enumerate(self.steps, 1)]
        if self.gradient is not None:
            (var, dvar), = self.dnames.items()
            pretty = re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_{\2}", var)
            chain.append((rf"G : \d {pretty}", "identification, with $G$ the claimed gradient",
                          lambda env: frob(self._gradient_value(env), env[dvar])))
        return chain

    def _gradient_value(self, env):
        G = self._call(self.gradient, env, "gradient")
        var = self.wrt[0]
        shape, want = tuple(G.shape), tuple(env[var].shape)
        if shape != want:
            raise ValueError(f"derivation {self.name!r}: the gradient has shape {shape} but "
                             f"{var} has shape {want}; a gradient has the shape of its "
                             f"variable")
        return G

    def _exact_first_link(self, sym, first_fn):
        """The first step against the exact differential of the function, computed in the
        field of fractions (or by sympy for transcendental functions): the symbolic
        variables and their differentials share structure (a symmetric X has a symmetric
        dX), so each entry symbol moves with one direction symbol."""
        moves = [(x, dx) for var, dvar in self.dnames.items()
                 for x, dx in zip(sym[var], sym[dvar])]
        value = _scalar(self._call(self.function, sym, "function"))
        return verify_differential(value, moves, _scalar(first_fn(sym)))

    def check(self) -> Report:
        """Check every link: a :class:`~matcalc.Report` of one report per link (``"link
        0"``, ``"link 1"``, ...: its ``"exact"`` check, when exact sizes are given, and its
        ``"numeric"`` one) and, when a gradient is claimed, the gradient's own
        :func:`~matcalc.check_gradient` (``"gradient"``). ``report.failed[0]`` names the
        first wrong link; the report prints as the chain
        (:class:`~matcalc.chainlayout.ChainLayout`). Raises ValueError, naming the step,
        when a step cannot be evaluated or two consecutive steps differ in shape."""
        chain = self._expressions()
        sym = self._symbols(self.exact_sizes) if self.exact_sizes is not None else None
        points = [self._numbers(self.numeric_sizes, rng("points", seed)) for seed in self.seeds]
        links = [self._first_link(chain[0], sym, points)] if self.function is not None else []
        for k in range(1, len(chain)):
            (src, _, f_src), (dst, _, f_dst) = chain[k - 1], chain[k]
            error = max(_link_difference(f_src(env), f_dst(env), src, dst) for env in points)
            parts: tuple = () if sym is None else (
                ("exact", verify(_scalar(f_src(sym)), _scalar(f_dst(sym)))),)
            numeric = CheckResult("comparison", error <= NUMERIC_RTOL, error, NUMERIC_RTOL,
                                  sizes=self.numeric_sizes)
            links.append(Report(title=f"{plain(src)} = {plain(dst)}",
                                checks=parts + (("numeric", numeric),)))
        checks: tuple = tuple((f"link {k}", link) for k, link in enumerate(links))
        if self.gradient is not None:
            env, var = points[0], self.wrt[0]
            checks += (("gradient", check_gradient(
                lambda V: self._call(self.function, {**env, var: V}, "function"),
                lambda V: self._call(self.gradient, {**env, var: V}, "gradient"), env[var],
                project=_sym if self.kinds.get(var) in _SQUARE_KINDS else None)),)
        targets = [(latex, why) for latex, why, _ in chain]
        if self.function is None:
            targets = targets[1:]  # a chain of equalities starts at its first step
        else:
            targets[0] = (targets[0][0], targets[0][1] or "the differential")
        layout = ChainLayout(self.start, tuple(targets), dict(self.exact_sizes or {}),
                             dict(self.numeric_sizes))
        return Report(title=self.name, checks=checks, layout=layout,
                      note=header_note(self.exact_sizes, self.numeric_sizes))

    def _first_link(self, first, sym, points) -> Report:
        """Link 0: the first step is the differential of the function."""
        first_latex, _, first_fn = first
        parts: tuple = () if sym is None else (
            ("exact", self._exact_first_link(sym, first_fn)),)
        checks = [self._differential_check(first_fn, env) for env in points]
        worst, note = _first_link_verdict(checks)
        return Report(title=f"{plain(self.start)} = {plain(first_latex)}",
                      checks=parts + (("numeric", worst),), note=note)

    def _differential_check(self, first_fn, env):
        if len(self.wrt) == 1:  # checked at the variable's own shape
            var, dvar = self.wrt[0], self.dnames[self.wrt[0]]

            def F1(X):
                return np.asarray(self._call(self.function, {**env, var: X}, "function"))

            shape = F1(env[var]).shape

            def dF1(X, dX):  # a 1 x 1 step of a scalar function is the scalar
                out = np.asarray(first_fn({**env, var: X, dvar: dX}))
                return out.reshape(shape) if out.size == int(np.prod(shape)) else out

            symmetric = self.kinds.get(var) in _SQUARE_KINDS
            return check_differential(F1, dF1, env[var],
                                      project=(lambda V: (V + V.T) / 2) if symmetric else None)
        # Several varying variables are packed into one flat vector for the numerical check.
        shapes = [env[var].shape for var in self.wrt]
        cuts = np.cumsum([int(np.prod(s)) for s in shapes])[:-1]

        def unpack(flat):
            return [p.reshape(s) for p, s in zip(np.split(flat, cuts), shapes)]

        def F(flat):
            moved = dict(zip(self.wrt, unpack(flat)))
            return np.asarray(self._call(self.function, {**env, **moved}, "function"))

        packed = np.concatenate([env[var].ravel() for var in self.wrt])
        shape = F(packed).shape

        def dF(flat, dflat):
            moved = dict(zip(self.wrt, unpack(flat)))
            moved.update(zip(self.dnames.values(), unpack(dflat)))
            out = np.asarray(first_fn({**env, **moved}))
            return out.reshape(shape) if out.size == int(np.prod(shape)) else out

        symmetric = [self.kinds.get(var) in _SQUARE_KINDS for var in self.wrt]

        def project(dflat):
            parts = [(P + P.T) / 2 if sym else P for P, sym in zip(unpack(dflat), symmetric)]
            return np.concatenate([P.ravel() for P in parts])

        return check_differential(F, dF, packed, project=project if any(symmetric) else None)


def _first_link_verdict(checks):
    """Link 0 over several points: wrong if any point FAILED; confirmed if the others PASSED
    and at least one did. A point where the numerical derivative cannot reach the tolerance
    (UNRESOLVED: the claim agrees within what the method resolves) says nothing against the
    step, so it is named in the note instead of failing the link. Returns (the check to
    report, whose verdict is the link's, note)."""
    failed = [c for c in checks if c.verdict == FAILED]
    confirmed = [c for c in checks if c.passed]
    open_ = [c for c in checks if c.verdict == UNRESOLVED]
    if failed:
        return max(failed, key=lambda c: c.error), \
            "numerical derivative of the function disagrees"
    if not confirmed:
        worst = max(open_, key=lambda c: c.achievable)
        return worst, (f"not confirmed: at every point the numerical derivative is "
                       f"accurate only to {worst.achievable:.1e} relative, coarser than "
                       f"the tolerance {worst.tolerance:.0e}")
    note = ""
    if open_:
        coarsest = max(c.achievable for c in open_)
        note = (f"confirmed at {len(confirmed)} of {len(checks)} points; at the other "
                f"{len(open_)} the numerical derivative is accurate only to {coarsest:.1e} "
                f"(agreement there {max(c.error for c in open_):.1e})")
    return max(confirmed, key=lambda c: c.error), note


def _link_difference(a, b, src, dst):
    try:
        return relative_difference(a, b)
    except ValueError:
        raise ValueError(f"{src} has shape {np.shape(a)} but {dst} has shape {np.shape(b)}; "
                         f"consecutive steps must have equal shapes") from None


def chain(name: str, shapes: Mapping[str, Any], steps: Sequence[Any],
          **options: Any) -> Derivation:
    """A chain of equalities with no differential, e.g. tr(x^T A y) = tr(A y x^T) = (x y^T):A.

    Every consecutive pair is checked exactly and numerically, as in a :class:`Derivation`
    (which it is, with no function and no variable); options as there.

    >>> from matcalc import frob
    >>> from matcalc.ops import tr
    >>> c = chain("x^T A y", {"x": "m1", "A": "mn", "y": "n1"},
    ...           [Step("x^T A y", lambda x, A, y: (x.T @ A @ y)[0, 0]),
    ...            Step("tr(A y x^T)", lambda x, A, y: tr(A @ y @ x.T), "cyclic trace"),
    ...            Step("(x y^T):A", lambda x, A, y: frob(x @ y.T, A), "trace form")],
    ...           exact_sizes={"m": 2, "n": 3}, numeric_sizes={"m": 5, "n": 4})
    >>> c.check().passed
    True
    """
    return Derivation(name, shapes, None, None, steps, **options)


def _require_sizes(name: str, label: str, sizes: dict, letters: set) -> None:
    """ValueError naming the letter when ``sizes`` misses a dimension letter of the shapes
    or gives one a size that is not a positive integer."""
    missing = letters - set(sizes) - {"1"}
    if missing:
        raise ValueError(f"derivation {name!r}: {label} has no size for "
                         f"{sorted(missing)} (given {sizes})")
    for letter, size in sizes.items():
        if not _whole(size) or size < 1:
            raise ValueError(f"derivation {name!r}: {label}[{letter!r}] must be a positive "
                             f"integer, got {size!r}")


def _whole(value: object) -> bool:
    """An integer (Python's or numpy's), not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool)
