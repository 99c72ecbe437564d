"""Backward rules of the layers ML readers train, batch-first, as data.

Every rule (:class:`~matcalc.backward.Rule`) holds the forward function, its VJP for each
input, its JVP and a deliberately wrong VJP; ``rule.check()`` checks all three.
:data:`~matcalc.backward.RULES` is the table, :func:`~matcalc.backward.find` looks a rule up
by a part of its name.

>>> find("layer norm").inputs
('X', 'gamma', 'beta')
"""

from . import activations, attention, block, conv, matrix, norms
from .rule import Rule, RuleCheck

__all__ = ["RULES", "Rule", "RuleCheck", "find"]

#: Every rule of the package (see the module docstring).
RULES = (matrix.RULES + activations.RULES + norms.RULES + attention.RULES + conv.RULES
         + block.RULES)


def find(text):
    """The rule whose name contains ``text`` (case-insensitive); ValueError if none or many.

    >>> find("ReLU").name
    'ReLU'
    """
    hits = [r for r in RULES if text.lower() in r.name.lower()]
    exact = [r for r in hits if r.name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(hits) != 1:
        names = [r.name for r in (hits or RULES)]
        raise ValueError(f"{len(hits)} rules match {text!r}; "
                         f"{'they are' if hits else 'the rules are'}: {names}")
    return hits[0]
