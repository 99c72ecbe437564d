"""A catalogue of matrix-calculus identities in the spirit of the Matrix Cookbook, every entry
verified.

The catalogue is a view of the one registry of checked claims (:mod:`matcalc.registry`):
its entries are the claims of the sections in :data:`SECTIONS`, in page order. The section
modules here (``determinants.py``, ``inverses.py``, ..., ``structured.py``,
``cookbook_other.py``) declare the identities of the Matrix Cookbook's chapter 2 (version of
November 15, 2012) and more, each a :class:`~matcalc.claim.Claim` declared with keyword
arguments; the last two sections are the backward rules of the layers
(:mod:`matcalc.backward`) and the derivatives of decompositions
(:mod:`matcalc.decompositions`), declared next to their functions. ``entry.check()``
verifies an entry (a :class:`~matcalc.Report`): exactly at small sizes where that is
feasible, numerically at rectangular sizes; an entry with a condition is also checked
*without* it, to show whether the condition is needed. :func:`verify_all` checks many
entries and keeps the results in a cache keyed on the source of :mod:`matcalc`.

>>> len(entries()) >= 200
True
>>> e = find("101")[0]
>>> e.name, e.cookbook, e.check().passed
('tr(AXB)', '101', True)
"""

from .. import registry
from ..claim import Claim
from .cache import verify_all

__all__ = ["SECTIONS", "entries", "find", "verify_all"]

#: The section titles, in page order.
SECTIONS = ("Determinants", "Inverses", "Eigenvalues", "Linear forms", "Quadratic forms",
            "Higher order and non-linear forms", "Hessians", "Traces, first order",
            "Traces, second order", "Traces, higher order", "Traces of inverses", "Norms",
            "Hadamard products and elementwise functions", "Kronecker products and vec",
            "Differentials", "Structured matrices", "Backward rules",
            "Decompositions and matrix functions")


def entries() -> list[Claim]:
    """All catalogue entries, section by section in page order (see :data:`SECTIONS`).

    >>> sorted({e.kind for e in entries()})[:2]
    ['diagonal-gradient', 'differential']
    """
    everything = registry.claims(section=SECTIONS)
    return [c for section in SECTIONS for c in everything if c.section == section]


def find(query: str) -> list[Claim]:
    """Entries with the Cookbook number ``query``, or whose text contains it (see
    :func:`matcalc.registry.find`, which this is, over the catalogue's entries).

    >>> [e.name for e in find("108")]
    ['tr(X^T B X)']
    >>> find("(49)")[0].name
    'det X'
    """
    return registry.find(query, within=entries())
