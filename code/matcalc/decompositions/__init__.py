"""Derivatives of decompositions and matrix functions, as checked claims.

Each module (``eigen``, ``svd``, ``cholesky``, ``qr``,
``matfun``, ``solve``, ``symfun``, ``spectral``) holds the functions and, next to them, their claims
(:class:`~matcalc.claim.Claim`): the differential or the reverse-mode form of a factor or a
matrix function, with a deliberately wrong variant and well-conditioned random points (two
sizes, two matrices each). :func:`claims` lists them, in chapter order; they are the
catalogue's section "Decompositions and matrix functions". A rule refuses by name where it
has no derivative or the point is outside its domain: :class:`TieError` at repeated
eigenvalues or singular values, :class:`RankError` at a zero singular value (or a direction
that changes the rank), :class:`DomainError` naming an eigenvalue outside the domain.
Functions of the values that are symmetric in them (``spectral``) and functions of a
symmetric matrix (``symfun``) are differentiable at ties, and their rules hold there.

>>> [c.name for c in claims()][:2]
['eigenvalues of a symmetric matrix', 'eigenvalues, reverse mode']
>>> from matcalc.registry import get
>>> get("matrix exponential").check(seeds=(0,)).passed
True
"""

from .. import registry
from ..claim import Claim
from . import cholesky, eigen, matfun, qr, solve, spectral, svd, symfun
from ._validate import DomainError, RankError, TieError
from .points import SECTION, points, sample, symmetric_part

__all__ = ["SECTION", "DomainError", "RankError", "TieError", "cholesky", "claims", "eigen",
           "matfun", "points", "qr", "sample", "solve", "spectral", "svd", "symfun",
           "symmetric_part"]


def claims() -> list[Claim]:
    """The decomposition claims, in chapter order (eigen, SVD, factors, functions).

    >>> len(claims()) >= 19
    True
    """
    return registry.claims(section=SECTION)
