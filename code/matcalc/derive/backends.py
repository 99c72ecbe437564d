"""The two kinds of values an expression is evaluated on: sympy matrices and expressions
(generic symbols for the exact checks, 50-digit numbers for the high-precision ones) and
numpy arrays (float64). Each kind supplies the same small set of matrix operations; numpy
is imported only when numpy values are used.

>>> import sympy as sp
>>> B = SympyValues()
>>> B.trace(B.inv(sp.Matrix([[2, 0], [0, 4]])))
3/4
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

__all__ = ["SympyValues", "NumpyValues", "backend_of", "is_sympy", "DIGITS"]

DIGITS = 50  # the precision of the sympy floats of the high-precision checks


def is_sympy(value: object) -> bool:
    """True for a sympy object (decided without importing sympy).

    >>> is_sympy(1.5)
    False
    """
    sp = sys.modules.get("sympy")
    return sp is not None and isinstance(value, sp.Basic | sp.MatrixBase)


class SympyValues:
    """sympy matrices and expressions (generic symbols or high-precision numbers).

    >>> SympyValues().number(Fraction(1, 3))
    1/3
    """

    def __init__(self) -> None:
        import sympy
        self.sp = sympy

    def mat(self, v: object) -> Any:
        return v if isinstance(v, self.sp.MatrixBase) else self.sp.Matrix([[v]])

    def scalar(self, v: object) -> Any:
        return v[0, 0] if isinstance(v, self.sp.MatrixBase) else v

    def number(self, p: Fraction | float) -> Any:
        if isinstance(p, Fraction | int):
            return self.sp.Rational(p)
        return self.sp.Float(p, DIGITS)

    def each(self, v: object, f: Callable) -> Any:
        return v.applyfunc(f) if isinstance(v, self.sp.MatrixBase) else f(v)

    def matrix(self, rows: int, cols: int, fill: int) -> Any:
        return self.sp.ones(rows, cols) * fill

    def eye(self, n: int) -> Any:
        return self.sp.eye(n)

    def logdet(self, A: Any) -> Any:
        d = self.det(A)
        return self.sp.log(abs(d) if d.is_number else d)

    def entrywise(self, op: str) -> Callable:
        sp = self.sp
        numeric = lambda f, g: lambda x: f(x) if x.is_number else g(x)
        return {"exp": sp.exp, "log": sp.log, "tanh": sp.tanh,
                "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
                "softplus": lambda x: sp.log(1 + sp.exp(x)), "sqrt": sp.sqrt, "abs": sp.Abs,
                "relu": numeric(lambda x: x if x > 0 else sp.Integer(0), lambda x: sp.Max(x, 0)),
                "sign": sp.sign,
                "step": numeric(lambda x: sp.Integer(1 if x > 0 else 0), sp.Heaviside)}[op]

    def softmax(self, Z: Any, axis: int) -> Any:
        E = Z.applyfunc(self.sp.exp)
        if axis == 0:
            return self.sp.Matrix(E.rows, E.cols, lambda i, j: E[i, j] / sum(E[:, j]))
        return self.sp.Matrix(E.rows, E.cols, lambda i, j: E[i, j] / sum(E[i, :]))

    def kron(self, A: Any, B: Any) -> Any:
        return self.sp.Matrix(A.rows * B.rows, A.cols * B.cols,
                              lambda i, j: A[i // B.rows, j // B.cols] * B[i % B.rows,
                                                                          j % B.cols])

    def reshape(self, a: Any, rows: int, cols: int) -> Any:  # column-major, as vec
        return self.sp.Matrix(rows, cols, lambda i, j: a[j * rows + i])

    def flat(self, v: Any) -> list:
        return [v[i, j] for j in range(v.cols) for i in range(v.rows)]

    def power(self, v: Any, p: Any) -> Any:
        return self.each(v, lambda x: x ** p)

    def inv(self, A: Any) -> Any:
        if all(x.is_number for x in A):
            return A.inv()
        # symbolic: adjugate over determinant, without sympy's simplification of every
        # pivot (which takes minutes on the entries of a product of generic matrices)
        return A.adjugate(method="berkowitz") / self.det(A)

    def matpow(self, A: Any, k: int) -> Any:
        # by repeated squaring: sympy's own power of a symbolic matrix may try its Jordan
        # form, which takes minutes
        out, base = None, A
        while k:
            if k & 1:
                out = base if out is None else out * base
            k >>= 1
            if k:
                base = base * base
        return out

    def det(self, A: Any) -> Any:
        return A.det(method="berkowitz" if not all(x.is_number for x in A) else "bareiss")

    def trace(self, A: Any) -> Any:
        return A.trace()

    def total(self, A: Any) -> Any:
        return sum(A)

    def hadamard(self, a: Any, b: Any) -> Any:
        return a.multiply_elementwise(b) if isinstance(a, self.sp.MatrixBase) else a * b

    def root(self, x: Any) -> Any:
        return self.sp.sqrt(x)

    def diagm(self, v: Any) -> Any:
        return self.sp.diag(*list(v))

    def diagv(self, A: Any) -> Any:
        return self.sp.Matrix([A[i, i] for i in range(A.rows)])

    def stack(self, rows: list) -> Any:
        return self.sp.Matrix.vstack(*rows)

    def row(self, block: Any, p: int, q: int) -> Any:
        return self.sp.Matrix(1, p * q, lambda _, k: block[k % p, k // p])


class NumpyValues:
    """numpy arrays (float64, or complex128 for the complex-step derivatives of the checks:
    every operation is the holomorphic extension of the real one, so abs(x) is
    sign(Re x) x there).

    >>> float(NumpyValues().trace(NumpyValues().eye(3)))
    3.0
    """

    def __init__(self) -> None:
        import numpy
        self.np = numpy

    def mat(self, v: object) -> Any:
        np = self.np
        return v if isinstance(v, np.ndarray) and v.ndim == 2 else np.array([[v]])

    def scalar(self, v: object) -> Any:
        return v.reshape(-1)[0] if hasattr(v, "reshape") else v

    def number(self, p: Fraction | float) -> float:
        return float(p)

    def each(self, v: Any, f: Callable) -> Any:
        return f(v)

    def matrix(self, rows: int, cols: int, fill: int) -> Any:
        return self.np.full((rows, cols), float(fill))

    def eye(self, n: int) -> Any:
        return self.np.eye(n)

    def logdet(self, A: Any) -> Any:
        np = self.np
        if not np.iscomplexobj(A):
            return float(np.linalg.slogdet(A)[1])
        d = np.linalg.det(A)
        return np.log(d if d.real > 0 else -d)  # log|det| continued off the real line

    def entrywise(self, op: str) -> Callable:
        np = self.np
        real = lambda x: np.real(np.asarray(x))
        return {"exp": np.exp, "log": np.log, "tanh": np.tanh,
                "sigmoid": self._sigmoid, "softplus": self._softplus,
                "sqrt": np.sqrt, "abs": lambda x: np.sign(real(x)) * x,
                "relu": lambda x: np.where(real(x) > 0, x, 0.0),
                "sign": lambda x: np.sign(real(x)),
                "step": lambda x: (real(x) > 0).astype(float)}[op]

    def _sigmoid(self, x: Any) -> Any:
        """1/(1 + e^-x) without overflow or a premature 0: e^x/(1 + e^x) where Re x < 0
        (0.5 (1 + tanh(x/2)) is exactly 0 below x = -37, where sigmoid is 1e-17).
        Analytic in each half, so the complex step goes through it."""
        np = self.np
        x = np.asarray(x)
        negative = np.real(x) < 0
        e = np.exp(np.where(negative, x, -x))
        return np.where(negative, e / (1 + e), 1 / (1 + e))

    def _softplus(self, x: Any) -> Any:
        """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow."""
        np = self.np
        x = np.asarray(x)
        positive = np.real(x) > 0
        return np.where(positive, x, 0) + np.log1p(np.exp(np.where(positive, -x, x)))

    def softmax(self, Z: Any, axis: int) -> Any:
        np = self.np
        E = np.exp(Z - np.real(Z).max(axis=axis, keepdims=True))
        return E / E.sum(axis=axis, keepdims=True)

    def kron(self, A: Any, B: Any) -> Any:
        return self.np.kron(A, B)

    def reshape(self, a: Any, rows: int, cols: int) -> Any:
        return self.np.asarray(a).reshape(rows, cols, order="F")

    def flat(self, v: Any) -> Any:
        return self.np.asarray(v).reshape(-1, order="F")

    def power(self, v: Any, p: float) -> Any:
        return self.np.power(v, p)

    def inv(self, A: Any) -> Any:
        return self.np.linalg.inv(A)

    def matpow(self, A: Any, k: int) -> Any:
        return self.np.linalg.matrix_power(A, k)

    def det(self, A: Any) -> Any:
        return self.np.linalg.det(A)

    def trace(self, A: Any) -> Any:
        return self.np.trace(A)

    def total(self, A: Any) -> Any:
        return self.np.sum(A)

    def hadamard(self, a: Any, b: Any) -> Any:
        return a * b

    def root(self, x: Any) -> Any:
        return self.np.sqrt(x)

    def diagm(self, v: Any) -> Any:
        return self.np.diagflat(v)

    def diagv(self, A: Any) -> Any:
        return self.np.diag(A).reshape(-1, 1).copy()

    def stack(self, rows: list) -> Any:
        return self.np.vstack(rows)

    def row(self, block: Any, p: int, q: int) -> Any:
        return block.reshape(1, p * q, order="F")


def backend_of(env: dict) -> NumpyValues | SympyValues:
    """The values of ``env``'s kind: sympy if any is a sympy object, else numpy.

    >>> import sympy as sp
    >>> type(backend_of({"A": sp.eye(2)})).__name__
    'SympyValues'
    """
    return SympyValues() if any(is_sympy(v) for k, v in env.items() if not k.startswith("#")) \
        else NumpyValues()
