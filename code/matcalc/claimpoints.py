"""Where a :class:`~matcalc.claim.Claim` is evaluated: the values of its variables
(:func:`values`, random; :func:`symbols`, generic symbolic), with an upstream gradient for
a vector-Jacobian product (:func:`upstream`), its functions bound to a point
(:func:`bound`), and the shape a claimed value must have (:func:`require_shape`).

Random values come from ``rng("catalogue", seed)`` (see :func:`matcalc.backend.rng`) at
the claim's ``numeric_sizes``, or from the claim's own ``point(seed)``; symbolic values are
generic matrices at its ``exact_sizes``.

>>> from matcalc.registry import get
>>> env = values(get("tr(AXB)"), {}, seed=1)
>>> env["X"].shape, env["dX"].shape
((5, 4), (5, 4))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .backend import rng
from .claim import Claim
from .variables import Variables, call_by_name

if TYPE_CHECKING:
    from .types import Env, Function

__all__ = ["Kinds", "bound", "require_shape", "symbols", "upstream", "values"]

#: The kinds of the claim's variables, by name (see :data:`matcalc.variables.KINDS`).
Kinds = Mapping[str, str]


def values(claim: Claim, kinds: Kinds, seed: int = 0) -> Env:
    """Random values of the claim's variables (and ``d<wrt>``) at its numeric sizes, drawn
    from ``rng("catalogue", seed)``, or ``claim.point(seed)`` when the claim gives its own
    points. Raises ValueError as :class:`~matcalc.variables.Variables`.

    >>> from matcalc.registry import get
    >>> sorted(values(get("tr(AXB)"), {}))
    ['A', 'B', 'X', 'dX']
    """
    if claim.point is not None:
        return dict(claim.point(seed))
    return Variables(claim.shapes, kinds, claim.varying).numbers(
        claim.numeric_sizes, generator=rng("catalogue", seed))


def symbols(claim: Claim, kinds: Kinds) -> Env:
    """Generic symbolic matrices for the claim's variables (and ``d<wrt>``) at its exact
    sizes. Raises ValueError, naming the claim, when it has no exact sizes.

    >>> from matcalc.registry import get
    >>> symbols(get("tr(AXB)"), {})["X"].shape
    (3, 2)
    """
    if claim.exact_sizes is None:
        raise ValueError(f"claim {claim.name!r} has no exact sizes: it is checked "
                         f"numerically only")
    return Variables(claim.shapes, kinds, claim.varying).symbols(claim.exact_sizes)


def require_shape(claim: Claim, what: str, claimed: Any, expected: Any, of: str) -> None:
    """Nothing if ``claimed`` has the shape of ``expected`` (a 1 x 1 matrix and a scalar
    count as the same shape); otherwise ValueError naming the claim, ``what`` was claimed,
    ``of`` what the shape must be, and both shapes.

    >>> from matcalc.registry import get
    >>> require_shape(get("tr(AXB)"), "gradient", np.ones((2, 3)), np.ones((3, 2)), "X")
    Traceback (most recent call last):
    ValueError: claim 'tr(AXB)': the claimed gradient has shape (2, 3), but X has shape (3, 2)
    """
    got, want = np.shape(claimed), np.shape(expected)
    if got != want and not (np.size(claimed) == 1 == np.size(expected)):
        raise ValueError(f"claim {claim.name!r}: the claimed {what} has shape {got}, but "
                         f"{of} has shape {want}")


def upstream(claim: Claim, kinds: Kinds, seed: int) -> Env:
    """:func:`values` at ``seed`` with a random upstream gradient ``G`` of the shape of the
    claim's output, drawn from ``rng("catalogue", seed + 1000)``.

    >>> from matcalc.registry import get
    >>> env = upstream(get("ReLU"), {}, 0)
    >>> env["G"].shape == env["X"].shape
    True
    """
    env = values(claim, kinds, seed)
    out = np.asarray(call_by_name(claim.function, env))
    return {**env, "G": rng("catalogue", seed + 1000).standard_normal(out.shape)}


def bound(claim: Claim, fn: Function, env: Env, extra: tuple[str, ...]) -> Function:
    """``fn`` as a positional function of the claim's inputs ``wrt`` (then of the names in
    ``extra``), the other values of ``env`` fixed.

    >>> from matcalc.registry import get
    >>> c = get("product rule")
    >>> env = values(c, {})
    >>> f = bound(c, c.function, env, ())
    >>> bool(np.allclose(f(env["X"], env["Y"]), env["X"] @ env["Y"]))
    True
    """
    names = (*claim.wrt, *extra)

    def bound(*args: Any) -> Any:
        return call_by_name(fn, {**env, **dict(zip(names, args))})
    return bound
