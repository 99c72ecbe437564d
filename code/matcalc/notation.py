"""Index notation and its numpy.einsum translation, as data the notation chapter prints and
the tests check: every formula here is evaluated both ways on random arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backend import TOLERANCES, compare
from .checkresult import CheckResult
from .vec import vec

__all__ = ["EinsumExample", "EINSUM_EXAMPLES", "LayoutExample", "LAYOUT_EXAMPLES"]


@dataclass(frozen=True)
class EinsumExample:
    """A formula in index notation (``index_latex``), computed by ``np.einsum(spec,
    *operands)``, and the same in matrix notation (``matrix_latex``), computed by
    ``matrix_form(*operands)`` (then ``reshape`` of the einsum result, when given), on
    random operands of ``shapes``.

    >>> ex = EINSUM_EXAMPLES[0]
    >>> ex.name, ex.spec, bool(ex.check())
    ('matrix product', 'ik,kj->ij', True)
    """

    name: str
    matrix_latex: str
    index_latex: str
    spec: str
    shapes: tuple[tuple[int, ...], ...]
    matrix_form: Callable[..., Any] = field(repr=False)
    reshape: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def operands(self, seed: int = 0) -> list[np.ndarray]:
        """Random operands of ``shapes`` (standard normal, from ``default_rng(seed)``).

        >>> [a.shape for a in EINSUM_EXAMPLES[0].operands()]
        [(3, 4), (4, 2)]
        """
        rng = np.random.default_rng(seed)
        return [rng.standard_normal(s) for s in self.shapes]

    def check(self, seed: int = 0) -> CheckResult:
        """Einsum against the matrix form on random operands: a
        :class:`~matcalc.CheckResult` (``bool()`` is the verdict, ``error`` the
        relative difference); a failed one, naming both shapes, when the shapes differ.

        >>> print(EINSUM_EXAMPLES[4].check())  # doctest: +ELLIPSIS
        trace: relative difference ... <= 1e-09, agrees
        """
        ops = self.operands(seed)
        by_einsum = np.einsum(self.spec, *ops)
        if self.reshape is not None:
            by_einsum = self.reshape(by_einsum)
        expected = np.asarray(self.matrix_form(*ops))
        if by_einsum.shape != expected.shape:
            return CheckResult("comparison", False, float("inf"), TOLERANCES["identity"],
                               what=f"{self.name}: einsum gives shape {by_einsum.shape}, the "
                               f"matrix form {expected.shape}")
        return compare(by_einsum, expected, what=self.name)


def _kron_reshape(T: np.ndarray) -> np.ndarray:
    a, b, c, d = T.shape
    return T.reshape(a * b, c * d)


EINSUM_EXAMPLES = (
    EinsumExample("matrix product", "AB", r"\sum_k A_{ik}B_{kj}", "ik,kj->ij",
                  ((3, 4), (4, 2)), lambda A, B: A @ B),
    EinsumExample("transpose product", r"A^\T B", r"\sum_k A_{ki}B_{kj}", "ki,kj->ij",
                  ((4, 3), (4, 2)), lambda A, B: A.T @ B),
    EinsumExample("matrix-vector", "Ax", r"\sum_j A_{ij}x_j", "ij,j->i",
                  ((3, 4), (4,)), lambda A, x: A @ x),
    EinsumExample("outer product", r"xy^\T", r"x_i y_j", "i,j->ij",
                  ((3,), (2,)), lambda x, y: np.outer(x, y)),
    EinsumExample("trace", r"\tr A", r"\sum_i A_{ii}", "ii->", ((4, 4),),
                  lambda A: np.trace(A)),
    EinsumExample("Frobenius product", r"\frob{A}{B}", r"\sum_{i,j} A_{ij}B_{ij}", "ij,ij->",
                  ((3, 4), (3, 4)), lambda A, B: np.sum(A * B)),
    EinsumExample("Hadamard product", r"A \had B", r"A_{ij}B_{ij}", "ij,ij->ij",
                  ((3, 4), (3, 4)), lambda A, B: A * B),
    EinsumExample("Kronecker product", r"A \kron B", r"A_{ij}B_{kl}\ \text{at}\ (ik, jl)",
                  "ij,kl->ikjl", ((2, 3), (4, 2)), lambda A, B: np.kron(A, B), _kron_reshape),
    EinsumExample("quadratic form", r"x^\T A y", r"\sum_{i,j} x_i A_{ij} y_j", "i,ij,j->",
                  ((3,), (3, 4), (4,)), lambda x, A, y: x @ A @ y),
    EinsumExample("trace of a product", r"\tr(ABC)", r"\sum_{i,j,k} A_{ij}B_{jk}C_{ki}",
                  "ij,jk,ki->", ((2, 3), (3, 4), (4, 2)), lambda A, B, C: np.trace(A @ B @ C)),
    EinsumExample("contraction with a Jacobian", r"G \text{ with } \partial F/\partial X",
                  r"\sum_{i,j} G_{ij}\,J_{ijkl}", "ij,ijkl->kl", ((2, 3), (2, 3, 4, 5)),
                  lambda G, J: (vec(G) @ J.reshape(6, 20, order="F")).reshape(4, 5, order="F")),
)


@dataclass(frozen=True)
class LayoutExample:
    """A derivative in numerator and denominator layout, for the notation chapter's table.

    ``function(x_or_X, *constants)`` of a variable of ``variable_shape`` and constants of
    ``constant_shapes``; ``numerator`` and ``denominator`` (functions of the same
    arguments) give the two claimed layouts, shown as ``numerator_latex`` and
    ``denominator_latex``; :meth:`check` compares both with a numerical Jacobian.

    >>> bool(LAYOUT_EXAMPLES[0].check())
    True
    """

    name: str
    expression: str
    numerator_latex: str
    denominator_latex: str
    variable_shape: tuple[int, ...]
    constant_shapes: tuple[tuple[int, ...], ...]
    function: Callable[..., Any] = field(repr=False)
    numerator: Callable[..., Any] = field(repr=False)
    denominator: Callable[..., Any] = field(repr=False)

    def check(self, seed: int = 0) -> CheckResult:
        """Both claimed layouts against a numerical Jacobian at random values drawn from
        ``default_rng(seed)``: the worse :class:`~matcalc.CheckResult` of the two.
        Raises ValueError when a claimed layout does not have the Jacobian's entries.

        >>> LAYOUT_EXAMPLES[3].check().passed
        True
        """
        from .jacobian import jacobian

        rng = np.random.default_rng(seed)
        x = rng.standard_normal(self.variable_shape)
        consts = [rng.standard_normal(s) for s in self.constant_shapes]
        J = jacobian(lambda v: self.function(v, *consts), x)  # F.shape + x.shape
        num = np.asarray(self.numerator(x, *consts))
        den = np.asarray(self.denominator(x, *consts))
        out_ndim = J.ndim - len(self.variable_shape)
        if len(self.variable_shape) == 2 and out_ndim == 0:
            # scalar by matrix: numerator layout is the transpose of the variable's shape
            pairs = ((num, J.T), (den, J))
        else:
            Jm = J.reshape(int(np.prod(J.shape[:out_ndim])), -1)
            pairs = ((num.reshape(Jm.shape), Jm), (den.reshape(Jm.T.shape), Jm.T))
        results = [compare(claim, numeric, tolerance=TOLERANCES["jacobian"],
                           what=f"{self.name}, {layout} layout against the numerical Jacobian")
                   for layout, (claim, numeric) in zip(("numerator", "denominator"), pairs)]
        return max(results, key=lambda r: (not r.passed, r.error))

LAYOUT_EXAMPLES = (
    LayoutExample("vector by vector", r"\partial (Ax)/\partial x", "A", r"A^\T", (4,),
                  ((3, 4),), lambda x, A: A @ x, lambda x, A: A, lambda x, A: A.T),
    LayoutExample("scalar by vector", r"\partial (a^\T x)/\partial x", r"a^\T", "a", (4,),
                  ((4,),), lambda x, a: a @ x, lambda x, a: a.reshape(1, -1),
                  lambda x, a: a.reshape(-1, 1)),
    LayoutExample("scalar by vector", r"\partial (x^\T A x)/\partial x", r"x^\T(A + A^\T)",
                  r"(A + A^\T)x", (4,), ((4, 4),), lambda x, A: x @ A @ x,
                  lambda x, A: (x @ (A + A.T)).reshape(1, -1),
                  lambda x, A: ((A + A.T) @ x).reshape(-1, 1)),
    LayoutExample("scalar by matrix", r"\partial \tr(AX)/\partial X", "A", r"A^\T", (3, 4),
                  ((4, 3),), lambda X, A: np.trace(A @ X), lambda X, A: A, lambda X, A: A.T),
    LayoutExample("scalar by matrix", r"\partial (a^\T X b)/\partial X", r"b a^\T",
                  r"a b^\T", (3, 4), ((3,), (4,)), lambda X, a, b: a @ X @ b,
                  lambda X, a, b: np.outer(b, a), lambda X, a, b: np.outer(a, b)),
)
