"""Backward rules: the VJPs of the layers ML readers train, batch-first (``Y = X Wᵀ + b``).

One entry per (layer, input), generated from the rules of :mod:`matcalc.backward`, where each
rule also carries its JVP and a wrong variant; the chapter "Backpropagation as the adjoint of
the differential" derives them. Checked numerically at each rule's random point (their
variables are tensors, integer labels and index arrays, so there is no exact check).
"""

import numpy as np

from ..backend import rng
from ..backward import RULES
from .entry import vjp

SECTION = "Backward rules"


def _pick(fn, k, names):
    """The k-th gradient of a rule's VJP, called with the rule's own arguments only."""
    def one(**env):
        return fn(**{n: v for n, v in env.items() if n in names})[k]
    return one


def _corrupted(rule):
    """The inputs whose gradient the rule's wrong variant changes (the others get none)."""
    point = rule.point(0)
    G = rng("catalogue", 0).standard_normal(np.shape(rule.forward(**point)))
    right, wrong = rule.vjp(**point, G=G), rule.wrong(**point, G=G)
    return {name for name, a, b in zip(rule.inputs, right, wrong) if not np.allclose(a, b)}


def _entries(rule):
    names = set(rule.point(0)) | {"G"}
    corrupted = _corrupted(rule)
    for k, name in enumerate(rule.inputs):
        note = (f"Wrong variant: {rule.wrong_kind}." if name in corrupted else "") + (
            f" {rule.note}" if rule.note else "")
        # A rule written "R,\ U = ..." names a subexpression: the row shows R, the note U.
        result, _, where = rule.results[name].partition(r",\ ")
        if where:
            note = f"where ${where}$. " + note
        yield vjp(name=f"{rule.name}, {name}", latex=rule.latex, result=result,
                  shapes=dict(rule.shapes), variable=name, f=rule.forward,
                  vjp=_pick(rule.vjp, k, names),
                  wrong=_pick(rule.wrong, k, names) if name in corrupted else None,
                  point=rule.point, cookbook=None, exact_sizes=None, note=note)


ENTRIES = tuple(entry for rule in RULES for entry in _entries(rule))
