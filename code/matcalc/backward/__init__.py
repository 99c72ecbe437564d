"""Backward rules of the layers ML readers train, batch-first, as checked claims.

Each module (``matrix``, ``activations``, ``norms``, ``attention``,
``conv``, ``block``) holds the layers' functions and, next to them, two claims per layer
(:func:`~matcalc.backward.pairs.with_forward_mode`): its VJP with a deliberately wrong
variant, and its forward mode (the JVP). :func:`claims` lists them; they are the
catalogue's section "Backward rules".

>>> [c.name for c in claims()][:2]
['linear layer', 'linear layer, forward mode']
>>> from matcalc.registry import get
>>> get("layer norm").wrt
('X', 'gamma', 'beta')
"""

from .. import registry
from ..claim import Claim
from . import activations, attention, block, conv, matrix, norms
from .pairs import SECTION

__all__ = ["SECTION", "activations", "attention", "block", "claims", "conv", "layers",
           "matrix", "norms", "vjps"]


def claims() -> list[Claim]:
    """The layers' claims, in chapter order: each layer's VJP, then its forward mode.

    >>> len(claims()) >= 60
    True
    """
    return registry.claims(section=SECTION)


def vjps() -> list[Claim]:
    """The layers' VJP claims (one per layer), in chapter order.

    >>> vjps()[0].name
    'linear layer'
    """
    return [c for c in claims() if c.kind == "vjp"]
