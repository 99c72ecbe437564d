"""A backward rule as data: the forward function, its VJP per input, its JVP, a wrong VJP.

A :class:`Rule` names its differentiable inputs; every other argument of the forward
function (integer labels, an index array, a dropout mask, a stride) is a constant taken
from the random point. Calling conventions, all by parameter name:

* ``forward(**point)`` is the layer's output;
* ``vjp(**point, G=G)`` returns a tuple of gradients, one per input, in ``inputs`` order;
* ``jvp(**point, dX=..., dW=...)`` returns dY (a tangent ``d<name>`` per input);
* ``wrong`` is a deliberately wrong VJP of the same signature, expected to FAIL.

``check()`` runs all three checks (:func:`matcalc.check_vjp`, :func:`matcalc.check_jvp`,
and the wrong variant) at the rule's random point.
"""

from dataclasses import dataclass, field

from ..backend import rng
from ..vjp import check_jvp, check_vjp

__all__ = ["Rule", "RuleCheck", "point_rng"]


def point_rng(seed):
    """The generator of a rule's random point (salted, seeded).

    >>> float(point_rng(0).standard_normal()) == float(point_rng(0).standard_normal())
    True
    """
    return rng("points", seed)


@dataclass(frozen=True)
class RuleCheck:
    """The three checks of one rule; ``passed`` when the rule passes and its wrong variant
    fails.

    >>> from matcalc.backward import find
    >>> print(find("tanh").check().summary())  # doctest: +ELLIPSIS
    tanh: VJP ok (error ...), JVP ok (error ...); wrong variant (missing square) fails (error ...)
    """

    rule: object
    vjp: object
    jvp: object
    wrong: object

    @property
    def passed(self):
        """Both rules pass and the wrong variant is refuted."""
        return bool(self.vjp.passed and self.jvp.passed and not self.wrong.passed)

    def __bool__(self):
        return self.passed

    def summary(self):
        """One line: the verdicts and the numbers that decided them."""
        wrong = "fails" if not self.wrong.passed else "PASSES (the check is blind to it)"
        return (f"{self.rule.name}: VJP {'ok' if self.vjp.passed else 'WRONG'} (error "
                f"{self.vjp.error:.1e}), JVP {'ok' if self.jvp.passed else 'WRONG'} (error "
                f"{self.jvp.error:.1e}); wrong variant ({self.rule.wrong_kind}) {wrong} "
                f"(error {self.wrong.error:.1e})")

    def __str__(self):
        return self.summary()

    __repr__ = __str__


@dataclass(frozen=True)
class Rule:
    """One layer's backward rule, batch-first; see the module docstring for the calling
    conventions.

    >>> from matcalc.backward import find
    >>> find("linear layer").check().passed
    True
    """

    name: str
    group: str
    latex: str  # the forward function
    differential: str  # dY in terms of the input differentials
    results: dict  # input name -> LaTeX of its VJP
    inputs: tuple
    forward: object
    vjp: object
    jvp: object
    wrong: object
    wrong_kind: str  # "transposed", "missing term", "mean vs sum", ...
    point: object  # seed -> dict of every argument of forward
    shapes: dict = field(default_factory=dict)  # input -> dimension letters (for display)
    note: str = ""

    def split(self, point):
        """``(inputs tuple, constants dict)`` of a point."""
        return (tuple(point[k] for k in self.inputs),
                {k: v for k, v in point.items() if k not in self.inputs})

    def functions(self, point, vjp=None):
        """Positional ``F(*inputs)``, ``vjp(*inputs, G)`` and ``jvp(*inputs, *tangents)``
        with the constants of ``point`` bound (the signatures :func:`~matcalc.check_vjp` takes)."""
        _, consts = self.split(point)
        names, n = self.inputs, len(self.inputs)
        vjp = vjp or self.vjp

        def F(*xs):
            return self.forward(**consts, **dict(zip(names, xs)))

        def V(*xs):
            return tuple(vjp(**consts, **dict(zip(names, xs[:n])), G=xs[n]))

        def J(*xs):
            tangents = {"d" + k: t for k, t in zip(names, xs[n:])}
            return self.jvp(**consts, **dict(zip(names, xs[:n])), **tangents)
        return F, V, J

    def check(self, seed=0, rtol=None):
        """Check the VJP and the JVP, and that the wrong variant fails."""
        point = self.point(seed)
        X, _ = self.split(point)
        F, V, J = self.functions(point)
        _, W, _ = self.functions(point, vjp=self.wrong)
        opts = {"seed": seed, "names": self.inputs}
        if rtol is not None:
            opts["rtol"] = rtol
        return RuleCheck(self, check_vjp(F, V, X, **opts), check_jvp(F, J, X, **opts),
                         check_vjp(F, W, X, **opts))
