"""A layer's two claims: its VJP (the backward rule) and its forward mode (the JVP, its
differential), declared together.

A layer's claim names its differentiable inputs (``wrt``); every other argument of the
forward function (integer labels, an index array, a dropout mask, a stride) is a constant
taken from the random point. Calling conventions, all by parameter name:

* ``function(**point)`` is the layer's output;
* ``claim(**point, G=G)`` is its VJP: a tuple of gradients, one per input in ``wrt`` order
  (a single array for a single input);
* the forward mode ``jvp(**point, dX=..., dW=...)`` returns dY (a tangent ``d<name>`` per
  input).

>>> vjp, jvp = with_forward_mode(
...     Claim(name="scale by 3", kind="vjp", latex="Y = 3X", result={"X": r"3\\bar G"},
...           wrt="X", function=lambda X: 3 * X, claim=lambda X, G: 3 * G,
...           point=lambda seed: {"X": point_rng(seed).standard_normal((2, 2))}, seeds=(0,)),
...     jvp=lambda X, dX: 3 * dX, differential=r"\\d Y = 3\\,\\d X")
>>> jvp.name, jvp.kind, jvp.check().passed
('scale by 3, forward mode', 'differential', True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..backend import rng
from ..claim import Claim

__all__ = ["SECTION", "point_rng", "with_forward_mode"]

#: The catalogue section of the layers' claims.
SECTION = "Backward rules"


def point_rng(seed: int) -> np.random.Generator:
    """The generator of a layer's random point (salted, seeded).

    >>> float(point_rng(0).standard_normal()) == float(point_rng(0).standard_normal())
    True
    """
    return rng("points", seed)


def with_forward_mode(claim: Claim, *, jvp: Callable, differential: str) -> tuple[Claim, Claim]:
    """``(claim, its forward mode)``: the VJP claim as given (checked at seed 0 unless it
    says otherwise) and a differential claim ``"<name>, forward mode"`` with the same
    function, inputs and point, claiming ``jvp`` (LaTeX ``differential``).

    >>> c = Claim(name="id", kind="vjp", latex="Y = X", result={"X": "G"}, wrt="X",
    ...           function=lambda X: X, claim=lambda X, G: G, point=lambda s: {"X": 1.0})
    >>> [x.name for x in with_forward_mode(c, jvp=lambda X, dX: dX, differential="dX")]
    ['id', 'id, forward mode']
    """
    if claim.seeds == (0, 1, 2):  # the default: a layer is checked at one random point
        claim = dataclasses.replace(claim, seeds=(0,))
    forward = dataclasses.replace(claim, name=f"{claim.name}, forward mode",
                                  kind="differential", claim=jvp, result=differential,
                                  wrong=None, mistake="")
    return claim, forward
