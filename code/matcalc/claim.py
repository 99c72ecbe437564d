"""One checked statement of the package: the :class:`Claim` record.

Every statement the package checks — a catalogue identity, a layer's backward rule, the
derivative of a decomposition, a rule of differential calculus, an algebraic identity — is
a :class:`Claim`, declared with keyword arguments next to the functions it is about, with
its deliberately wrong variant and its random point beside it. :mod:`matcalc.registry`
keeps them; the catalogue, the backward-rule table and the decompositions table are views of
that one registry.

The field ``kind`` says what ``claim`` is, and so how it is checked
(:mod:`matcalc.claimchecks`):

=====================  =================================================================
kind                   ``claim``, a function of the variables (by parameter name) ...
=====================  =================================================================
gradient               ... returning the gradient of the scalar ``function`` (shape of wrt)
differential           ... and ``d<wrt>``, returning the differential of ``function``
vjp                    ... and ``G`` (the upstream gradient), returning the gradient of
                       ``G : function`` (a tuple, one per input, when ``wrt`` has several)
hessian                ... and ``V``, returning ``H[V]``; ``gradient`` is the gradient
jacobian               ... returning the Jacobian array (output indices, then wrt's)
symmetric-partials     ... returning partial derivatives by the distinct entries of a
                       symmetric variable (checked *not* to be a gradient)
diagonal-gradient      ... returning the gradient on the diagonal matrices
identity               ... returning an expression claimed equal to ``function``
=====================  =================================================================

A claim states one thing: a layer's VJP and its JVP (its differential) are two claims,
and so are a decomposition's differential and its reverse-mode form. ``wrong`` is a
deliberately wrong variant of ``claim`` (same parameters) that the check must refute, and
``mistake`` says what it gets wrong.

Where the claim is checked: variables that are matrices named by dimension letters get
random values at ``numeric_sizes`` and generic symbolic matrices at ``exact_sizes``
(``None``: no exact check); a claim about other kinds of values (tensors, labels, index
arrays, matrices with a chosen spectrum) gives ``point=lambda seed: {...}`` instead and is
checked numerically at ``seeds``.

>>> from matcalc.ops import tr
>>> c = Claim(name="tr(XA)", kind="gradient", latex=r"\\tr(XA)", result=r"A^\\T",
...           shapes={"X": "mn", "A": "nm"}, function=lambda X, A: tr(X @ A),
...           claim=lambda X, A: A.T, wrong=lambda X, A: A, mistake="transpose forgotten")
>>> c.exact_sizes, c.numeric_sizes
({'m': 3, 'n': 2}, {'m': 5, 'n': 4})
>>> report = c.check()
>>> report.passed, report.get("wrong variant: transpose forgotten").verdict
(True, 'FAILED')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .variables import Variables

if TYPE_CHECKING:
    from .report import Report
    from .types import Function, Sizes

__all__ = ["EXACT_SIZES", "KINDS", "NUMERIC_SIZES", "Claim"]

#: What ``claim`` can be (see the module docstring).
KINDS = ("gradient", "differential", "vjp", "hessian", "jacobian", "symmetric-partials",
         "diagonal-gradient", "identity")
#: Default sizes of the exact (symbolic) checks: small, every dimension >= 2. The letters
#: b (batch), h (hidden) and s (sequence) serve the network layers.
EXACT_SIZES = {"m": 3, "n": 2, "p": 2, "q": 2, "k": 2, "b": 2, "h": 2, "s": 2}
#: Default sizes of the numeric checks: rectangular, with distinct sizes (k excepted).
NUMERIC_SIZES = {"m": 5, "n": 4, "p": 3, "q": 6, "k": 2, "b": 7, "h": 8, "s": 9}


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One checked statement, declared with keyword arguments (the kinds are in the module
    docstring):

    * ``name`` (unique in the registry), ``kind``, ``latex`` (the function, in the book's
      LaTeX) and ``result`` (the claimed derivative's LaTeX, or one per input of a VJP);
    * ``function`` and ``claim``, functions of the variables by parameter name; ``wrong``
      and ``mistake``, the deliberately wrong variant and what it gets wrong; ``gradient``,
      the gradient beside a Hessian claim;
    * ``shapes`` (name to two dimension letters), ``wrt`` (the variable or variables
      differentiated; stored as a tuple), ``kinds`` (name to a condition of
      :data:`matcalc.variables.KINDS`), ``exact_sizes``, ``numeric_sizes``, or ``point``
      (seed to a dict of values) with ``seeds``;
    * for the catalogue: ``section``, ``cookbook`` (Matrix Cookbook numbers), ``conditions``,
      ``alias`` and ``note`` (Markdown with math).

    Raises ValueError, naming the claim, for an unknown kind, a variable not in ``shapes``,
    no seeds, a Hessian without its gradient, several variables for a kind that takes one,
    ``point`` with ``exact_sizes``, or sizes missing a dimension letter.

    >>> c = Claim(name="x^T x", kind="gradient", latex="x^\\\\T x", result="2x",
    ...           shapes={"x": "n1"}, wrt="x", function=lambda x: (x.T @ x)[0, 0],
    ...           claim=lambda x: 2 * x, wrong=lambda x: x, mistake="factor 2 lost")
    >>> c.check(exact=False).passed, c.wrt
    (True, ('x',))
    """

    name: str
    kind: str
    function: Function = field(repr=False)
    claim: Function = field(repr=False)
    latex: str
    result: str | Mapping[str, str]
    shapes: Mapping[str, str] = field(default_factory=dict)
    wrt: Sequence[str] = "X"
    kinds: Mapping[str, str] = field(default_factory=dict)
    wrong: Function | None = field(default=None, repr=False)
    mistake: str = ""
    gradient: Function | None = field(default=None, repr=False)
    exact_sizes: Sizes | None = field(default_factory=dict)
    numeric_sizes: Sizes = field(default_factory=dict)
    point: Callable[[int], Mapping[str, Any]] | None = field(default=None, repr=False)
    seeds: tuple[int, ...] = (0, 1, 2)
    section: str = ""
    cookbook: str | None = None
    conditions: str = ""
    alias: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        wrt = (self.wrt,) if isinstance(self.wrt, str) else tuple(self.wrt)
        if self.kind == "identity":
            wrt = ()  # nothing is differentiated
        object.__setattr__(self, "wrt", wrt)
        object.__setattr__(self, "shapes", dict(self.shapes))
        object.__setattr__(self, "kinds", dict(self.kinds))
        object.__setattr__(self, "seeds", tuple(self.seeds))
        self._validate()
        if self.point is not None:
            if self.exact_sizes:
                raise ValueError(f"claim {self.name!r}: a claim with point= is checked "
                                 f"numerically only; give exact_sizes=None")
            object.__setattr__(self, "exact_sizes", None)
            return
        self._complete_sizes()

    def _validate(self) -> None:
        name = self.name
        if self.kind not in KINDS:
            raise ValueError(f"claim {name!r}: kind must be one of {list(KINDS)}, got "
                             f"{self.kind!r}")
        if self.kind != "identity" and not self.wrt:
            raise ValueError(f"claim {name!r}: wrt names no variable")
        if self.point is None:
            unknown = [v for v in self.wrt if v not in self.shapes]
            if unknown:
                raise ValueError(f"claim {name!r}: wrt {unknown} not in shapes "
                                 f"{sorted(self.shapes)}")
        if not self.seeds:
            raise ValueError(f"claim {name!r}: seeds is empty; give at least one")
        if self.kind == "hessian" and self.gradient is None:
            raise ValueError(f"claim {name!r}: a Hessian claim needs its gradient")
        if len(self.wrt) > 1 and self.kind not in ("vjp", "differential"):
            raise ValueError(f"claim {name!r}: several variables {self.wrt} need kind "
                             f"'vjp' or 'differential', not {self.kind!r}")

    def _complete_sizes(self) -> None:
        """Fill the default sizes of the dimension letters the claim uses."""
        try:
            letters = Variables(self.shapes, self.kinds, self.varying).letters
        except ValueError as exc:
            raise ValueError(f"claim {self.name!r}: {exc}") from None
        for label, base in (("exact_sizes", EXACT_SIZES), ("numeric_sizes", NUMERIC_SIZES)):
            given = getattr(self, label)
            if given is None:
                if label == "numeric_sizes":
                    raise ValueError(f"claim {self.name!r}: numeric_sizes cannot be None")
                continue
            sizes = {k: v for k, v in base.items() if k in letters}
            sizes.update({k: v for k, v in given.items() if k in letters})
            missing = sorted(letters - set(sizes))
            if missing:
                raise ValueError(f"claim {self.name!r}: {label} has no size for {missing}")
            object.__setattr__(self, label, sizes)

    @property
    def varying(self) -> tuple[str, ...]:
        """The variables that get a differential ``d<name>`` (none for an identity).

        >>> from matcalc.registry import get
        >>> get("tr(AXB)").varying
        ('X',)
        """
        return () if self.kind == "identity" else tuple(self.wrt)

    @property
    def cookbook_numbers(self) -> tuple[str, ...]:
        """The Matrix Cookbook equation numbers, as strings (``"96, 98"`` gives two,
        ``"94-95"`` gives both ends).

        >>> Claim(name="t", kind="identity", latex="a", result="a", shapes={"A": "mn"},
        ...       function=lambda A: A, claim=lambda A: A, cookbook="94-95").cookbook_numbers
        ('94', '95')
        """
        return tuple(n for n in re.split(r"[,\s-]+", str(self.cookbook or "")) if n)

    def search_text(self) -> str:
        """The text searches compare a query with: name, section, LaTeX of the function and
        the result, alias, Cookbook number, conditions.

        >>> Claim(name="t", kind="identity", latex="a", result="b", shapes={"A": "mn"},
        ...       function=lambda A: A, claim=lambda A: A).search_text()
        't  a b   '
        """
        result = " ".join(self.result.values()) if isinstance(self.result, Mapping) \
            else self.result
        return " ".join(str(x) for x in (self.name, self.section, self.latex, result,
                                         self.alias, self.cookbook or "", self.conditions))

    def check(self, exact: bool = True, seeds: Sequence[int] | None = None) -> Report:
        """Check the claim: a :class:`~matcalc.Report` of its checks (exact at
        ``exact_sizes`` unless ``exact=False``, numeric at ``numeric_sizes`` or at the
        points of ``seeds``, default the claim's) and its controls (the wrong variant; the
        claim without its conditions when they are needed). Raises ValueError, naming the
        claim and the shapes, when the claim cannot be evaluated (see
        :func:`~matcalc.claimchecks.check_claim`).

        >>> from matcalc.registry import get
        >>> get("tr(AXB)").check().passed
        True
        """
        from .claimchecks import check_claim

        claim = self if seeds is None else dataclasses.replace(self, seeds=tuple(seeds))
        return check_claim(claim, exact)

    def corrupted(self, how: str) -> Claim:
        """A copy whose claim is wrong: ``"transpose"``, ``"sign"``, ``"factor"`` (times 2)
        or ``"wrong"`` (the stored wrong variant); it has no wrong variant of its own and is
        named ``"<name> [<how>]"``. Raises ValueError for another ``how``, or for
        ``"wrong"`` when the claim stores no wrong variant.

        >>> from matcalc.registry import get
        >>> get("tr(AXB)").corrupted("sign").check(exact=False).passed
        False
        """
        from .claimchecks import corrupt

        return dataclasses.replace(self, name=f"{self.name} [{how}]", claim=corrupt(self, how),
                                   wrong=None, mistake="")
