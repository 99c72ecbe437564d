"""Variables of a checked identity: shapes in dimension letters, kinds, and their values.

A shape is two dimension letters (``"mn"``, or ``"n1"`` for a column); a kind is a
condition on the matrix (``"symmetric"``, ``"spd"``, ...). Given sizes for the letters,
:class:`Variables` makes generic symbolic matrices (for exact checks) or random arrays (for
numeric checks), with the differentials ``d<name>`` of the varying ones. Derivations,
identities and catalogue entries all draw their points here.

>>> v = Variables({"X": "mn", "S": "nn"}, kinds={"S": "spd"}, varying=("X",))
>>> env = v.numbers({"m": 3, "n": 2}, seed=0)
>>> sorted(env), env["dX"].shape
(['S', 'X', 'dX'], (3, 2))
>>> bool(np.all(np.linalg.eigvalsh(env["S"]) > 0))
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._inputs import call_keywords_unchanged
from .backend import rng as make_rng

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from .types import Env, Function, Sizes

__all__ = ["Variables", "KINDS", "SQUARE_KINDS", "degenerate"]

#: Conditions a variable may carry, and what a random value of that kind is.
KINDS = {
    "general": "a matrix of independent standard normal entries",
    "symmetric": "(A + Aᵀ)/2 for a general A; its differentials are symmetric too",
    "spd": "A Aᵀ/n + I: symmetric positive definite (symbolically: generic symmetric)",
    "positive": "|A| + 1/2 entrywise (for logarithms and powers)",
    "orthogonal": "the Q factor of a general square matrix",
    "diagonal": "a diagonal matrix with entries |a| + 1/2",
}
SQUARE_KINDS = ("symmetric", "spd", "orthogonal", "diagonal")


def degenerate(sizes: Sizes | None) -> list[str]:
    """The dimension letters of ``sizes`` whose size is below 2 (where scalars commute and
    transposes vanish, so an exact check there proves little), sorted; ``[]`` for None.

    >>> degenerate({"m": 3, "n": 1})
    ['n']
    """
    return sorted(k for k, v in (sizes or {}).items() if k != "1" and v < 2)


@dataclass(frozen=True)
class Variables:
    """Named matrices with shapes in dimension letters and optional kinds.

    ``shapes`` maps each name to two dimension letters (``"mn"``; ``"1"`` for a size of one),
    ``kinds`` a name to a key of :data:`KINDS`, and ``varying`` names the variables that get
    a differential ``d<name>``. Raises ValueError, naming the variable, for a shape that is
    not two letters, a varying name not in ``shapes``, an unknown kind, or a square kind
    (symmetric, spd, orthogonal, diagonal) on a shape with two different letters.

    >>> v = Variables({"A": "nn", "x": "n1"}, kinds={"A": "symmetric"}, varying=("x",))
    >>> sorted(v.symbols({"n": 2})), v.shape("x", {"n": 2})
    (['A', 'dx', 'x'], (2, 1))
    """

    shapes: Mapping[str, Sequence[str]]
    kinds: Mapping[str, str] = field(default_factory=dict)
    varying: Sequence[str] = ()

    def __post_init__(self) -> None:
        shapes = {k: tuple(v) for k, v in self.shapes.items()}
        object.__setattr__(self, "shapes", shapes)
        object.__setattr__(self, "varying", tuple(self.varying))
        for var, shape in shapes.items():
            if len(shape) != 2:
                raise ValueError(f"variable {var!r} needs a shape of two dimension letters, "
                                 f"got {shape!r}")
        for var in self.varying:
            if var not in shapes:
                raise ValueError(f"varying variable {var!r} is not one of {sorted(shapes)}")
        for var, kind in self.kinds.items():
            if var not in shapes or kind not in KINDS:
                raise ValueError(f"kinds: {var!r}: {kind!r}; variables are {sorted(shapes)}, "
                                 f"kinds are {sorted(KINDS)}")
            rows, cols = shapes[var]
            if kind in SQUARE_KINDS and rows != cols:
                raise ValueError(f"variable {var!r} is {kind} but has shape {rows} x {cols}; "
                                 f"it must be square (equal dimension letters)")

    @property
    def letters(self) -> set[str]:
        """The dimension letters used (``"1"`` excluded).

        >>> sorted(Variables({"A": "mn", "x": "n1"}).letters)
        ['m', 'n']
        """
        return {d for shape in self.shapes.values() for d in shape} - {"1"}

    def kind(self, var: str) -> str:
        """The kind of ``var`` (``"general"`` when none was declared).

        >>> Variables({"A": "nn"}, kinds={"A": "spd"}).kind("A")
        'spd'
        """
        return self.kinds.get(var, "general")

    def shape(self, var: str, sizes: Sizes) -> tuple[int, ...]:
        """The concrete shape of ``var`` at ``sizes``. Raises ValueError naming the letter
        that has no size.

        >>> Variables({"x": "n1"}).shape("x", {"n": 3})
        (3, 1)
        """
        try:
            return tuple(1 if d == "1" else int(sizes[d]) for d in self.shapes[var])
        except KeyError as exc:
            raise ValueError(f"no size for dimension {exc.args[0]!r} of {var!r} "
                             f"(sizes given: {sizes})") from None

    def _members(self) -> Iterator[tuple[str, str]]:
        yield from ((var, var) for var in self.shapes)
        yield from (("d" + var, var) for var in self.varying)

    def symbols(self, sizes: Sizes) -> Env:
        """Generic sympy matrices for every variable and differential at ``sizes``, by name
        (symmetric for the kinds symmetric and spd, diagonal for diagonal). Raises
        ValueError naming a letter that has no size.

        >>> Variables({"S": "nn"}, kinds={"S": "symmetric"}).symbols({"n": 2})["S"]
        Matrix([
        [S_11, S_12],
        [S_12, S_22]])
        """
        from .symbolic import matrix

        env: Env = {}
        for name, var in self._members():
            kind = self.kind(var)
            env[name] = matrix(name, *self.shape(var, sizes),
                               symmetric=kind in ("symmetric", "spd"))
            if kind == "diagonal":
                import sympy
                env[name] = sympy.diag(*[env[name][i, i] for i in range(env[name].shape[0])])
        return env

    def numbers(self, sizes: Sizes, seed: int = 0, *,
                generator: np.random.Generator | None = None) -> Env:
        """Random arrays for every variable and differential at ``sizes``, by name, of each
        variable's kind (see :data:`KINDS`), drawn from ``rng("points", seed)`` or from
        ``generator`` when it is given. Raises ValueError naming a letter that has no size.

        >>> env = Variables({"x": "n1"}, varying=("x",)).numbers({"n": 3})
        >>> env["x"].shape, env["dx"].shape
        ((3, 1), (3, 1))
        """
        gen = generator if generator is not None else make_rng("points", seed)
        return {name: _random(gen, self.shape(var, sizes), self.kind(var), name != var)
                for name, var in self._members()}


def _random(gen: np.random.Generator, shape: tuple[int, ...], kind: str,
            is_differential: bool) -> np.ndarray:
    A = gen.standard_normal(shape)
    if kind in ("symmetric", "spd") and is_differential or kind == "symmetric":
        return (A + A.T) / 2
    if is_differential:
        return np.diag(np.diag(A)) if kind == "diagonal" else A
    if kind == "spd":
        return A @ A.T / shape[0] + np.eye(shape[0])
    if kind == "positive":
        return np.abs(A) + 0.5
    if kind == "orthogonal":
        Q, R = np.linalg.qr(A)
        return Q * np.sign(np.diag(R))
    if kind == "diagonal":
        return np.diag(np.abs(np.diag(A)) + 0.5)
    return A


def arguments(fn: Function, env: Mapping[str, Any]) -> Env:
    """The entries of ``env`` that ``fn`` names as parameters (all of them for ``**kwargs``).
    Raises ValueError naming the required parameters that ``env`` lacks.

    >>> sorted(arguments(lambda X, A: None, {"X": 1, "A": 2, "B": 3}))
    ['A', 'X']
    """
    names, required, everything = _parameters(fn)
    if everything:
        return dict(env)
    missing = [p for p in required if p not in env]
    if missing:
        raise ValueError(f"the function needs {missing}, which are not among the variables "
                         f"{sorted(env)}")
    return {p: env[p] for p in names if p in env}


def _parameters(fn: Function) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(parameter names, the required ones, whether it takes ``**kwargs``) of ``fn``, read
    once per function (cached); an unhashable callable is read every time."""
    try:
        return _cached_parameters(fn)
    except TypeError:  # unhashable: not cached
        return _read_parameters(fn)


def _read_parameters(fn: Function) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    import inspect

    params = inspect.signature(fn).parameters
    everything = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    required = tuple(p for p, q in params.items() if q.default is q.empty
                     and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD))
    return tuple(params), required, everything


_cached_parameters = functools.lru_cache(maxsize=4096)(_read_parameters)


def call_by_name(fn: Function, env: Mapping[str, Any], role: str = "function") -> Any:
    """``fn`` called with the variables it names, taken from ``env`` (see
    :func:`arguments`, whose ValueError it raises); returns what ``fn`` returns. Arrays are
    passed as copies: a ``fn`` that changes one in place gets a ValueError (CallError)
    naming it by ``role`` and the variable, and ``env`` is left as it was.

    >>> call_by_name(lambda A, X: A - X, {"X": 1, "A": 5, "B": 0})
    4
    """
    return call_keywords_unchanged(fn, arguments(fn, env), role)
