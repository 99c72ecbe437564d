"""The one registry of checked statements: every :class:`~matcalc.claim.Claim` of the
package, registered where it is written.

A module that declares claims calls :func:`register` on each (next to the functions the
claim is about); :func:`claims` imports the declaring modules (:data:`MODULES`) on first use
and returns the claims in their order. The catalogue, the backward-rule table and the
decompositions table are views of this registry (a section each, or several), and
:func:`find` and :func:`get` mean the same thing everywhere:

* ``find(text)`` — a list: the claims whose Cookbook number is ``text`` (a bare number) or
  whose text contains it (case-insensitive);
* ``get(name)`` — exactly one claim, by its name (KeyError naming close names otherwise).

>>> get("tr(AXB)").cookbook
'101'
>>> [c.name for c in find("(49)")]
['det X']
>>> len(claims(section="Backward rules")) >= 30
True
"""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .claim import Claim

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["MODULES", "claims", "find", "get", "register", "sections"]

#: The modules that declare claims, in the order their claims are listed (the catalogue's
#: sections first, in page order, then the chapters' rules).
MODULES = tuple(f"matcalc.catalogue.{name}" for name in (
    "determinants", "inverses", "eigenvalues", "linear_forms", "quadratic_forms",
    "nonlinear_forms", "hessians", "traces_first", "traces_second", "traces_higher",
    "traces_inverses", "norms", "elementwise", "kronecker", "differentials", "structured",
    "cookbook_other")) + (
    "matcalc.backward.matrix", "matcalc.backward.activations", "matcalc.backward.norms",
    "matcalc.backward.attention", "matcalc.backward.conv", "matcalc.backward.block",
    "matcalc.decompositions.eigen", "matcalc.decompositions.svd",
    "matcalc.decompositions.cholesky", "matcalc.decompositions.qr",
    "matcalc.decompositions.matfun", "matcalc.decompositions.solve",
    "matcalc.decompositions.symfun", "matcalc.decompositions.spectral",
    "matcalc.differentials", "matcalc.identities")

_REGISTRY: dict[str, Claim] = {}
_ORDER: dict[str, tuple[int, int]] = {}  # name -> (module's place in MODULES, arrival)
_LOADED = False


def _declaring_module() -> str:
    """The module that called into the registry (the first frame outside this module)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return "" if frame is None else frame.f_globals.get("__name__", "")


def register(claim: Claim, section: str | None = None) -> Claim:
    """Add ``claim`` to the registry and return it (a copy with ``section`` filled in when
    it is given and the claim has none). Raises ValueError, naming both sections, if another
    claim has the same name.

    >>> from matcalc.claim import Claim
    >>> c = Claim(name="example: A = A", kind="identity", latex="A", result="A",
    ...           shapes={"A": "mn"}, function=lambda A: A, claim=lambda A: A)
    >>> register(c, section="Examples").section
    'Examples'
    >>> _ = _REGISTRY.pop("example: A = A"), _ORDER.pop("example: A = A")
    """
    if section is not None and not claim.section:
        from dataclasses import replace
        claim = replace(claim, section=section)
    old = _REGISTRY.get(claim.name)
    if old is not None and old is not claim:
        raise ValueError(f"two claims are named {claim.name!r} (sections {old.section!r} "
                         f"and {claim.section!r}); names must be unique")
    _REGISTRY[claim.name] = claim
    module = _declaring_module()
    place = MODULES.index(module) if module in MODULES else len(MODULES)
    _ORDER.setdefault(claim.name, (place, len(_ORDER)))
    return claim


def register_all(section: str, items: Iterable[Claim]) -> tuple[Claim, ...]:
    """:func:`register` every claim of ``items`` under ``section``; returns them, as
    registered, in a tuple. Raises ValueError as :func:`register`.

    >>> register_all("Examples", ())
    ()
    """
    return tuple(register(c, section) for c in items)


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for name in MODULES:
            importlib.import_module(name)
        _LOADED = True


def claims(section: str | Iterable[str] | None = None, kind: str | None = None) -> list[Claim]:
    """Every registered claim, in the order of :data:`MODULES` and, within a module, of
    declaration, optionally only those of ``section`` (a title, or several) and of ``kind``
    (a key of :data:`~matcalc.claim.KINDS`). Imports the declaring modules on first use.

    >>> {c.kind for c in claims(kind="hessian")}
    {'hessian'}
    """
    _load()
    wanted = (section,) if isinstance(section, str) else \
        None if section is None else tuple(section)
    return [_REGISTRY[name] for name in sorted(_REGISTRY, key=_ORDER.__getitem__)
            if (wanted is None or _REGISTRY[name].section in wanted)
            and (kind is None or _REGISTRY[name].kind == kind)]


def sections() -> tuple[str, ...]:
    """The section titles, in the order of :func:`claims`.

    >>> sections()[0]
    'Determinants'
    """
    return tuple(dict.fromkeys(c.section for c in claims()))


def find(query: str, within: Iterable[Claim] | None = None) -> list[Claim]:
    """Claims (of ``within``, default all), in order, whose Cookbook number is ``query``, or
    whose text contains it; ``[]`` when none does.

    A bare number, with or without parentheses, matches Cookbook numbers exactly
    (``find("12")`` does not return (126)); anything else is a case-insensitive substring
    search of :meth:`Claim.search_text <matcalc.claim.Claim.search_text>`.

    >>> [c.name for c in find("108")]
    ['tr(X^T B X)']
    """
    pool = claims() if within is None else list(within)
    q = str(query).strip()
    number = q.removeprefix("(").removesuffix(")").strip()
    if number.isascii() and number.isdigit():
        return [c for c in pool if number in c.cookbook_numbers]
    return [c for c in pool if q.lower() in c.search_text().lower()]


def get(name: str) -> Claim:
    """The claim named ``name`` exactly; KeyError listing the closest names otherwise.

    >>> get("ReLU").kind
    'vjp'
    """
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=5, cutoff=0.4)
        hits = [n for n in _REGISTRY if name.lower() in n.lower()][:5]
        raise KeyError(f"no claim named {name!r}; did you mean one of "
                       f"{list(dict.fromkeys(hits + close))}? (find() searches)") from None
