"""Matrix identities as checked claims: the algebra of the Frobenius product.

Each identity is a :class:`~matcalc.claim.Claim` of kind ``"identity"``: both sides as
functions that work on numpy arrays and on sympy matrices alike (written with the helpers of
:mod:`matcalc.ops` such as ``tr``, ``hadamard``, ``kron``, ``inner`` rather than ``np.``
functions), checked exactly at small sizes and numerically at larger random sizes. The
chapter on the Frobenius product states them as theorems and checks these objects; the
tests import the same ones. :data:`FALSE_IDENTITIES` holds tempting identities that are
wrong (claims of their own, not registered): their checks fail.

>>> IDENTITIES["move right factor"].check().passed
True
>>> FALSE_IDENTITIES["move without transpose"].check().passed
False
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .claim import Claim
from .frobenius import frob
from .ops import hadamard, inner, kron, tr
from .registry import register_all
from .vec import vec

if TYPE_CHECKING:
    from .types import Function

__all__ = ["FALSE_IDENTITIES", "IDENTITIES", "SECTION"]

#: The registry section of the identities.
SECTION = "Identities of the Frobenius product"
_EXACT, _NUMERIC = {"m": 2, "n": 3, "p": 4, "q": 2}, {"m": 7, "n": 5, "p": 6, "q": 4}


def _identity(key: str, name: str, shapes: Mapping[str, str], lhs: Function,
              rhs: Function) -> Claim:
    letters = {d for s in shapes.values() for d in s}
    left, _, right = name.partition(" = ")
    return Claim(name=key, kind="identity", latex=left, result=right, shapes=shapes, wrt=(),
                 function=lhs, claim=rhs,
                 exact_sizes={k: v for k, v in _EXACT.items() if k in letters},
                 numeric_sizes={k: v for k, v in _NUMERIC.items() if k in letters})


def _identities() -> tuple[Claim, ...]:
    mn, np_, mp = "mn", "np", "mp"
    return (
        _identity("trace form", "A:B = tr(A^T B)", {"A": mn, "B": mn},
                  lambda A, B: frob(A, B), lambda A, B: tr(A.T @ B)),
        _identity("vec form", "A:B = vec(A)^T vec(B)", {"A": mn, "B": mn},
                  lambda A, B: frob(A, B), lambda A, B: inner(vec(A), vec(B))),
        _identity("symmetry", "A:B = B:A", {"A": mn, "B": mn},
                  lambda A, B: frob(A, B), lambda A, B: frob(B, A)),
        _identity("transposition", "A:B = A^T:B^T", {"A": mn, "B": mn},
                  lambda A, B: frob(A, B), lambda A, B: frob(A.T, B.T)),
        _identity("move right factor", "(AB):C = A:(C B^T)", {"A": mn, "B": np_, "C": mp},
                  lambda A, B, C: frob(A @ B, C), lambda A, B, C: frob(A, C @ B.T)),
        _identity("move left factor", "(AB):C = B:(A^T C)", {"A": mn, "B": np_, "C": mp},
                  lambda A, B, C: frob(A @ B, C), lambda A, B, C: frob(B, A.T @ C)),
        _identity("cyclic trace", "tr(ABC) = tr(CAB)", {"A": mn, "B": np_, "C": "pm"},
                  lambda A, B, C: tr(A @ B @ C), lambda A, B, C: tr(C @ A @ B)),
        _identity("hadamard", "(A o B):C = A:(B o C)", {"A": mn, "B": mn, "C": mn},
                  lambda A, B, C: frob(hadamard(A, B), C),
                  lambda A, B, C: frob(A, hadamard(B, C))),
        _identity("vec of product", "vec(A X B) = (B^T kron A) vec(X)",
                  {"A": mn, "X": np_, "B": "pq"}, lambda A, X, B: vec(A @ X @ B),
                  lambda A, X, B: kron(B.T, A) @ vec(X)),
    )


def _false_identities() -> tuple[Claim, ...]:
    mm = "mm"
    return (
        _identity("move without transpose", "(AB):C = A:(C B)  [false]",
                  {"A": "mn", "B": "nn", "C": "mn"},
                  lambda A, B, C: frob(A @ B, C), lambda A, B, C: frob(A, C @ B)),
        _identity("trace is not fully commutative", "tr(ABC) = tr(ACB)  [false]",
                  {"A": mm, "B": mm, "C": mm},
                  lambda A, B, C: tr(A @ B @ C), lambda A, B, C: tr(A @ C @ B)),
        _identity("vec with A^T", "vec(A X B) = (B kron A^T) vec(X)  [false]",
                  {"A": mm, "X": mm, "B": mm},
                  lambda A, X, B: vec(A @ X @ B), lambda A, X, B: kron(B, A.T) @ vec(X)),
    )


#: The identities of the chapter on the Frobenius product, by key (registered in
#: :data:`SECTION`).
IDENTITIES = {c.name: c for c in register_all(SECTION, _identities())}
#: Tempting identities that are false: claims of their own (not registered) that fail.
FALSE_IDENTITIES = {c.name: c for c in _false_identities()}
