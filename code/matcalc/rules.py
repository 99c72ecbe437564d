"""Matrix identities as data: each is checked exactly (sympy) and numerically (numpy).

An :class:`Identity` names its matrices with shapes in dimension letters, and gives both
sides as functions that work on numpy arrays and on sympy matrices alike (use the helpers
of :mod:`matcalc.ops`, e.g. ``tr``, ``hadamard``, ``kron``, ``inner``, rather than ``np.``
functions). The book's chapters state these identities as theorems and call :meth:`Identity.prove` and
:meth:`Identity.evaluate`; the tests import the same objects.
"""

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .backend import Comparison, compare, rng
from .frobenius import frob
from .ops import hadamard, inner, kron, tr
from .symbolic import matrix, verify
from .variables import Variables
from .vec import vec

__all__ = ["Identity", "Numeric", "FROBENIUS_RULES", "FALSE_RULES", "tr", "hadamard", "kron", "inner"]


#: The outcome of :meth:`Identity.evaluate` (``passed``, ``error``, ``sizes``).
Numeric = Comparison


@dataclass(frozen=True)
class Identity:
    """``lhs(**mats) == rhs(**mats)`` for matrices of the given ``shapes``.

    >>> rule = Identity("transpose", {"A": ("m", "n"), "B": ("m", "n")},
    ...                 lambda A, B: frob(A, B), lambda A, B: frob(A.T, B.T))
    >>> rule.prove().passed, rule.evaluate().passed
    (True, True)
    """

    name: str
    shapes: dict
    lhs: object = field(repr=False)
    rhs: object = field(repr=False)
    exact_sizes: dict = field(default_factory=lambda: {"m": 2, "n": 3, "p": 4, "q": 2})
    numeric_sizes: dict = field(default_factory=lambda: {"m": 7, "n": 5, "p": 6, "q": 4})

    def _dims(self, sizes):
        letters = {d for shape in self.shapes.values() for d in shape}
        missing = letters - set(sizes)
        if missing:
            raise ValueError(f"identity {self.name!r} needs sizes for {sorted(missing)}, "
                             f"got {sizes}")
        return {k: v for k, v in sizes.items() if k in letters}

    def symbols(self, sizes=None):
        """Generic symbolic matrices for every named matrix."""
        sizes = self._dims(sizes or self.exact_sizes)
        return {name: matrix(name, sizes[r], sizes[c]) for name, (r, c) in self.shapes.items()}

    def prove(self, **sizes):
        """Exact expansion at concrete sizes (default ``exact_sizes``): an IdentityResult."""
        dims = self._dims({**self.exact_sizes, **sizes})
        mats = self.symbols(dims)
        return dataclasses.replace(verify(self.lhs(**mats), self.rhs(**mats)), sizes=dims)

    def evaluate(self, seed=0, **sizes):
        """Both sides at random matrices (default ``numeric_sizes``); relative difference."""
        dims = self._dims({**self.numeric_sizes, **sizes})
        mats = Variables(self.shapes).numbers(dims, generator=rng("examples", seed))
        left = np.asarray(self.lhs(**mats), dtype=float)
        right = np.asarray(self.rhs(**mats), dtype=float)
        if left.shape != right.shape:
            raise ValueError(f"identity {self.name!r}: lhs has shape {left.shape}, rhs has "
                             f"shape {right.shape} at sizes {dims}")
        return compare(left, right, what=f"identity {self.name!r}", sizes=dims)


def _rules():
    ident = Identity
    mn, np_, mp = ("m", "n"), ("n", "p"), ("m", "p")
    return {
        "trace form": ident("A:B = tr(A^T B)", {"A": mn, "B": mn},
                            lambda A, B: frob(A, B), lambda A, B: tr(A.T @ B)),
        "vec form": ident("A:B = vec(A)^T vec(B)", {"A": mn, "B": mn},
                          lambda A, B: frob(A, B), lambda A, B: inner(vec(A), vec(B))),
        "symmetry": ident("A:B = B:A", {"A": mn, "B": mn},
                          lambda A, B: frob(A, B), lambda A, B: frob(B, A)),
        "transposition": ident("A:B = A^T:B^T", {"A": mn, "B": mn},
                               lambda A, B: frob(A, B), lambda A, B: frob(A.T, B.T)),
        "move right factor": ident("(AB):C = A:(C B^T)", {"A": mn, "B": np_, "C": mp},
                                   lambda A, B, C: frob(A @ B, C),
                                   lambda A, B, C: frob(A, C @ B.T)),
        "move left factor": ident("(AB):C = B:(A^T C)", {"A": mn, "B": np_, "C": mp},
                                  lambda A, B, C: frob(A @ B, C),
                                  lambda A, B, C: frob(B, A.T @ C)),
        "cyclic trace": ident("tr(ABC) = tr(CAB)", {"A": mn, "B": np_, "C": ("p", "m")},
                              lambda A, B, C: tr(A @ B @ C), lambda A, B, C: tr(C @ A @ B)),
        "hadamard": ident("(A o B):C = A:(B o C)", {"A": mn, "B": mn, "C": mn},
                          lambda A, B, C: frob(hadamard(A, B), C),
                          lambda A, B, C: frob(A, hadamard(B, C))),
        "vec of product": ident("vec(A X B) = (B^T kron A) vec(X)",
                                {"A": mn, "X": np_, "B": ("p", "q")},
                                lambda A, X, B: vec(A @ X @ B),
                                lambda A, X, B: kron(B.T, A) @ vec(X)),
    }


FROBENIUS_RULES = _rules()

FALSE_RULES = {
    "move without transpose": Identity(
        "(AB):C = A:(C B)  [false]", {"A": ("m", "n"), "B": ("n", "n"), "C": ("m", "n")},
        lambda A, B, C: frob(A @ B, C), lambda A, B, C: frob(A, C @ B)),
    "trace is not fully commutative": Identity(
        "tr(ABC) = tr(ACB)  [false]", {"A": ("m", "m"), "B": ("m", "m"), "C": ("m", "m")},
        lambda A, B, C: tr(A @ B @ C), lambda A, B, C: tr(A @ C @ B)),
    "vec with A^T": Identity(
        "vec(A X B) = (B kron A^T) vec(X)  [false]", {"A": ("m", "m"), "X": ("m", "m"),
                                                      "B": ("m", "m")},
        lambda A, X, B: vec(A @ X @ B), lambda A, X, B: kron(B, A.T) @ vec(X)),
}
