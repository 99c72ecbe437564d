"""One identity of the catalogue: the :class:`Entry` record and the constructor functions
the section modules declare their entries with.

An entry holds the function (``f``) and the claimed derivative as Python functions that
work on numpy arrays and sympy matrices alike, their LaTeX (``latex`` for the function,
``result`` for the claim, nothing else: an alias such as ":math:`A : X`" goes in
``alias``), the shapes of the variables in dimension letters, their conditions (``kinds``)
and the Matrix Cookbook number. The ``kind`` of the claim decides how it is checked (see
:mod:`matcalc.catalogue.checkers`); each kind has a constructor here:

========================  ===================  ===========================================
constructor               kind                 the claim (a function of the variables)
========================  ===================  ===========================================
:func:`gradient`          gradient             ``grad``: the gradient, shape of the variable
:func:`differential`      differential         ``diff``: the differential, also of ``d<var>``
:func:`hessian`           hessian              ``hvp``: ``H[V]``, also of ``V``; ``grad``
:func:`jacobian`          jacobian             ``jac``: the Jacobian array (numpy only)
:func:`vjp`               vjp                  ``vjp``: ``grad <G, f>``, also of ``G``
:func:`partials`          symmetric-partials   ``partials``: derivatives by distinct entries
:func:`diagonal_gradient` diagonal-gradient    ``grad``: the gradient on diagonal matrices
========================  ===================  ===========================================

Sizes: ``exact_sizes`` and ``numeric_sizes`` are given as *overrides* of
:data:`EXACT_SIZES` and :data:`NUMERIC_SIZES` (only the letters the entry uses are kept);
the record stores the complete sizes. ``exact_sizes=None`` means that no exact check is
feasible. Entries whose variables are not matrices of dimension letters give
``point=lambda seed: {...}`` instead (numeric checks only).

>>> from matcalc.ops import tr
>>> e = gradient(name="tr(XA)", latex=r"\\tr(XA)", result=r"A^\\T", shapes={"X": "mn", "A": "nm"},
...              f=lambda X, A: tr(X @ A), grad=lambda X, A: A.T)
>>> e.exact_sizes, e.numeric_sizes
({'m': 3, 'n': 2}, {'m': 5, 'n': 4})
>>> e.check().passed, e.corrupted("sign").check().passed
(True, False)
"""

import dataclasses
import re
from dataclasses import dataclass, field

import numpy as np

from ..variables import Variables, call_by_name
from .checkers import CHECKERS

__all__ = [
    "CORRUPTIONS",
    "EXACT_SIZES",
    "NUMERIC_SIZES",
    "Entry",
    "diagonal_gradient",
    "differential",
    "gradient",
    "hessian",
    "jacobian",
    "partials",
    "vjp",
]

#: Default sizes of the exact (symbolic) checks: small, every dimension >= 2.
EXACT_SIZES = {"m": 3, "n": 2, "p": 2, "q": 2, "k": 2}
#: Default sizes of the numeric checks: rectangular, with distinct sizes.
NUMERIC_SIZES = {"m": 5, "n": 4, "p": 3, "q": 6, "k": 2}
#: The deliberate mistakes :meth:`Entry.corrupted` makes ("wrong" uses the entry's stored
#: wrong variant).
CORRUPTIONS = ("transpose", "sign", "factor", "wrong")
#: Kinds that are checked with their condition only (the condition *is* the claim).
STRUCTURED = ("symmetric-partials", "diagonal-gradient")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One identity of the catalogue (see the module docstring for the fields).

    ``derivative`` is the claim, whose meaning depends on ``kind``; ``gradient`` is the
    gradient a Hessian entry is checked with; ``section`` is filled in from the section
    module's ``SECTION``; ``wrong`` is an optional deliberately wrong variant of
    ``derivative`` (same signature) that the checks must reject.

    >>> e = Entry(name="x^T x", kind="gradient", latex="x^\\\\T x", result="2x",
    ...           shapes={"x": "n1"}, variable="x", f=lambda x: (x.T @ x)[0, 0],
    ...           derivative=lambda x: 2 * x, wrong=lambda x: x)
    >>> e.check(exact=False).passed, e.corrupted("wrong").check(exact=False).passed
    (True, False)
    """

    name: str
    kind: str
    latex: str
    result: str
    shapes: dict
    f: object = field(repr=False)
    derivative: object = field(repr=False)
    variable: str = "X"
    gradient: object = field(default=None, repr=False)
    section: str = ""
    cookbook: object = None
    kinds: dict = field(default_factory=dict)
    conditions: str = ""
    alias: str = ""
    note: str = ""
    exact_sizes: object = field(default_factory=dict)
    numeric_sizes: dict = field(default_factory=dict)
    wrong: object = field(default=None, repr=False)
    point: object = field(default=None, repr=False)

    def __post_init__(self):
        if self.kind not in CHECKERS:
            raise ValueError(f"entry {self.name!r}: kind must be one of {sorted(CHECKERS)}, "
                             f"got {self.kind!r}")
        if self.variable not in self.shapes:
            raise ValueError(f"entry {self.name!r}: variable {self.variable!r} is not in "
                             f"shapes {sorted(self.shapes)}")
        if self.kind == "hessian" and self.gradient is None:
            raise ValueError(f"entry {self.name!r}: a Hessian entry needs its gradient")
        if self.point is not None:
            if self.exact_sizes:
                raise ValueError(f"entry {self.name!r}: an entry with point= is checked "
                                 f"numerically only; give exact_sizes=None")
            object.__setattr__(self, "exact_sizes", None)
            return
        try:
            letters = Variables(self.shapes, self.kinds, (self.variable,)).letters
        except ValueError as exc:
            raise ValueError(f"entry {self.name!r}: {exc}") from None
        for label, base in (("exact_sizes", EXACT_SIZES), ("numeric_sizes", NUMERIC_SIZES)):
            given = getattr(self, label)
            if given is None:
                if label == "numeric_sizes":
                    raise ValueError(f"entry {self.name!r}: numeric_sizes cannot be None")
                continue
            sizes = {k: v for k, v in base.items() if k in letters}
            sizes.update({k: v for k, v in given.items() if k in letters})
            missing = sorted(letters - set(sizes))
            if missing:
                raise ValueError(f"entry {self.name!r}: {label} has no size for {missing}")
            object.__setattr__(self, label, sizes)

    @property
    def cookbook_numbers(self):
        """The Cookbook equation numbers of the entry, as strings (``"96, 98"`` gives two,
        ``"94-95"`` gives both ends); the one place number matching is defined."""
        return tuple(n for n in re.split(r"[,\s-]+", str(self.cookbook or "")) if n)

    def search_text(self):
        """The text a substring search matches against (name, section, LaTeX, alias,
        conditions, note)."""
        return " ".join(str(x) for x in (self.name, self.section, self.latex, self.result,
                                         self.alias, self.cookbook or "", self.conditions))

    def check(self, exact=True):
        """Verify the entry; with conditions, also check whether it holds without them.

        ``exact=False`` skips the symbolic expansion (numeric checks only). Returns an
        :class:`~matcalc.catalogue.results.EntryResult`."""
        checker = CHECKERS[self.kind]
        result = checker(self, self.kinds, exact)
        relaxed = {k: v for k, v in self.kinds.items()
                   if v != "symmetric" or k == self.variable}
        if relaxed == self.kinds or self.kind in STRUCTURED:
            return result
        try:
            without = checker(self, relaxed, False)
            holds = without.passed
        except ValueError as exc:  # e.g. a function undefined without the condition
            without, holds = str(exc), False
        how = result.how + ("; without the condition it FAILS" if not holds else
                            "; it also holds without the condition")
        return dataclasses.replace(result, how=how, without_conditions=without,
                                   condition_needed=not holds)

    def corrupted(self, how):
        """A copy whose claim is wrong: ``"transpose"``, ``"sign"``, ``"factor"`` (times 2)
        or ``"wrong"`` (the entry's stored wrong variant)."""
        D = self.derivative
        if how == "transpose":
            def bad(**env):
                out = call_by_name(D, env)
                # For a Jacobian array, transpose the variable's pair of indices.
                return np.swapaxes(out, -1, -2) if np.ndim(out) > 2 else out.T
        elif how == "sign":
            def bad(**env):
                return -call_by_name(D, env)
        elif how == "factor":
            def bad(**env):
                return 2 * call_by_name(D, env)
        elif how == "wrong":
            if self.wrong is None:
                raise ValueError(f"entry {self.name!r} stores no wrong variant")
            bad = self.wrong
        else:
            raise ValueError(f"unknown corruption {how!r}: use one of {CORRUPTIONS}")
        return dataclasses.replace(self, name=f"{self.name} [{how}]", derivative=bad)


def _make(kind, derivative, fields):
    return Entry(kind=kind, derivative=derivative, **fields)


def gradient(*, grad, **fields):
    """An entry claiming the gradient ``grad`` (shape of the variable) of the scalar ``f``.

    >>> e = gradient(name="x^T x", latex="x^\\\\T x", result="2x", shapes={"x": "n1"},
    ...              variable="x", f=lambda x: (x.T @ x)[0, 0], grad=lambda x: 2 * x)
    >>> e.kind, e.check().passed
    ('gradient', True)
    """
    return _make("gradient", grad, fields)


def differential(*, diff, **fields):
    """An entry claiming the differential ``diff`` (a function of the variables and
    ``d<variable>``) of the function ``f``.

    >>> e = differential(name="d(X^T X)", latex="X^\\\\T X", result="...", shapes={"X": "mn"},
    ...                  f=lambda X: X.T @ X, diff=lambda X, dX: dX.T @ X + X.T @ dX)
    >>> e.check().passed
    True
    """
    return _make("differential", diff, fields)


def hessian(*, hvp, grad, **fields):
    """An entry claiming the Hessian of ``f`` as the map ``hvp`` (variables and ``V`` to
    ``H[V]``); ``grad`` is the gradient it is checked with.

    >>> e = hessian(name="x^T x", latex="x^\\\\T x", result="2V", shapes={"x": "n1"},
    ...             variable="x", f=lambda x: (x.T @ x)[0, 0], grad=lambda x: 2 * x,
    ...             hvp=lambda x, V: 2 * V)
    >>> e.check().passed
    True
    """
    return Entry(kind="hessian", derivative=hvp, gradient=grad, **fields)


def jacobian(*, jac, **fields):
    """An entry claiming the Jacobian array ``jac`` (numpy only, indices of the output then
    of the variable) of ``f``.

    >>> e = jacobian(name="dX_ij/dX_kl", latex="X", result="...", shapes={"X": "mn"},
    ...              f=lambda X: X, jac=lambda X: np.einsum("ik,jl->ijkl", np.eye(X.shape[0]),
    ...                                                     np.eye(X.shape[1])))
    >>> e.check().passed
    True
    """
    return _make("jacobian", jac, fields)


def vjp(*, vjp, **fields):
    """An entry claiming the vector-Jacobian product ``vjp`` of ``f`` with respect to
    ``variable``: a function of the variables and ``G`` (the upstream gradient, of
    ``f``'s output shape) returning the gradient of ``G : f`` (shape of the variable).

    >>> e = vjp(name="linear layer, W", latex="XW^\\\\T", result="G^\\\\T X",
    ...         shapes={"X": "bn", "W": "mn"}, variable="W", f=lambda X, W: X @ W.T,
    ...         vjp=lambda X, W, G: G.T @ X, exact_sizes={"b": 2, "n": 2, "m": 2},
    ...         numeric_sizes={"b": 3, "n": 4, "m": 5}, wrong=lambda X, W, G: G.T @ X @ W.T @ W)
    >>> e.check().passed, e.corrupted("wrong").check().passed
    (True, False)
    """
    return _make("vjp", vjp, fields)


def partials(*, partials, **fields):
    """An entry claiming the partial derivatives of ``f`` with respect to the distinct
    entries of a symmetric variable (the Cookbook's "symmetric" rules): proved exactly,
    and shown *not* to be a gradient.

    >>> from matcalc.ops import tr
    >>> e = partials(name="tr X, X symmetric", latex=r"\\tr X", result="I", shapes={"X": "nn"},
    ...              f=lambda X: tr(X), partials=lambda X: np.eye(X.shape[0]))
    >>> e.kind
    'symmetric-partials'
    """
    return _make("symmetric-partials", partials, fields)


def diagonal_gradient(*, grad, **fields):
    """An entry claiming the gradient of ``f`` on the diagonal matrices (checked along
    diagonal directions).

    >>> from matcalc.ops import tr
    >>> e = diagonal_gradient(name="tr X, X diagonal", latex=r"\\tr X", result="I",
    ...                       shapes={"X": "nn"}, f=lambda X: tr(X),
    ...                       grad=lambda X: np.eye(X.shape[0]))
    >>> e.check().passed
    True
    """
    return _make("diagonal-gradient", grad, fields)
