"""A catalogue of matrix-calculus identities in the spirit of the Matrix Cookbook, every entry
verified.

The entries are data: one module per section (``determinants.py``, ``inverses.py``, ...,
``structured.py``), each with a ``SECTION`` title and a tuple ``ENTRIES`` of
:class:`~matcalc.catalogue.entry.Entry` records declared with keyword arguments. Each entry
holds the function and its claimed gradient (or differential, Jacobian, Hessian,
vector-Jacobian product) as LaTeX and as Python functions, the shapes it is valid for
(dimension letters), its conditions and the Matrix Cookbook number (version of November 15,
2012) where there is one. ``entry.check()`` verifies it: exactly at small sizes where that
is feasible, numerically at rectangular sizes; an entry with a condition is also checked
*without* it, to show whether the condition is needed. :func:`verify_all` checks many
entries and keeps the results in a cache keyed on the source of :mod:`matcalc`.

>>> len(entries()) >= 80
True
>>> e = find("101")[0]
>>> e.name, e.cookbook, e.check().passed
('tr(AXB)', '101', True)
"""

import dataclasses
import importlib
import importlib.util

from .cache import verify_all
from .entry import Entry
from .results import EntryResult, Summary

__all__ = [
    "SECTIONS",
    "SECTION_MODULES",
    "Entry",
    "EntryResult",
    "Summary",
    "entries",
    "find",
    "verify_all",
]

#: The section modules, in page order. The last ones are written on other branches; a
#: module of :data:`OPTIONAL_SECTIONS` that does not exist (yet) is skipped.
SECTION_MODULES = ("determinants", "inverses", "eigenvalues", "linear_forms",
                   "quadratic_forms", "nonlinear_forms", "hessians", "traces_first",
                   "traces_second", "traces_higher", "traces_inverses", "norms",
                   "elementwise", "kronecker", "differentials", "structured",
                   "backward", "decompositions")
OPTIONAL_SECTIONS = ("backward", "decompositions")


def _section_modules():
    for name in SECTION_MODULES:
        qualified = f"{__name__}.{name}"
        if name in OPTIONAL_SECTIONS and importlib.util.find_spec(qualified) is None:
            continue
        yield importlib.import_module(qualified)


_MODULES = tuple(_section_modules())
#: The section titles, in page order.
SECTIONS = tuple(module.SECTION for module in _MODULES)
_ENTRIES = None


def entries():
    """All catalogue entries, in catalogue order (see :data:`SECTIONS`).

    >>> sorted({e.kind for e in entries()})[:2]
    ['diagonal-gradient', 'differential']
    """
    global _ENTRIES
    if _ENTRIES is None:
        found = [dataclasses.replace(e, section=module.SECTION) if not e.section else e
                 for module in _MODULES for e in module.ENTRIES]
        names = [e.name for e in found]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"duplicate catalogue names: {sorted(dupes)}")
        _ENTRIES = tuple(found)
    return list(_ENTRIES)


def find(query):
    """Entries with the Cookbook number ``query``, or whose text contains it.

    A bare number, with or without parentheses, matches Cookbook numbers exactly
    (``find("12")`` does not return entry (126)); anything else is a case-insensitive
    substring search of the name, LaTeX, alias and conditions.

    >>> [e.name for e in find("108")]
    ['tr(X^T B X)']
    >>> find("(49)")[0].name
    'det X'
    """
    q = str(query).strip()
    number = q.strip("()").strip()
    if number.isdigit():
        return [e for e in entries() if number in e.cookbook_numbers]
    return [e for e in entries() if q.lower() in e.search_text().lower()]
