"""The expression tree of :mod:`matcalc.derive`: matrices with shapes in dimension letters.

A node has an operation ``op``, its arguments ``args``, a shape (two dimensions, each a
letter, a product of letters such as ``m*p``, or ``"1"``; ``("1", "1")`` is a scalar) and
``data`` (a name, a coefficient, an exponent, an axis). Python's operators build nodes with
numpy's semantics: ``@`` the matrix product, ``*`` the entrywise product (or scaling when
one side is a scalar), ``/`` division (by a scalar, or entrywise), ``**`` an entrywise power
with a constant exponent, ``.T`` the transpose, ``+`` and ``-`` with a scalar broadcast over a
matrix. Shapes are checked as nodes are built; sums and products of several terms are
flattened into one node; operations on numbers are folded into a number.

>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> (W @ X).shape
('m', 'k')
>>> W @ W
Traceback (most recent call last):
...
ValueError: shape mismatch: W @ W multiplies m x n by m x n (n != m)
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from fractions import Fraction
from numbers import Number
from typing import Any, NoReturn

from .constants import dimension, dim_product, fold_power, number
from .tree import contains, depth, size, variables, walk

__all__ = ["Expr", "matrix", "vector", "scalar", "const", "ones", "eye", "zero", "dim",
           "SCALAR", "is_scalar", "flat", "ELEMENTWISE", "NONSMOOTH", "PROPERTIES",
           # re-exported: the tree queries (.tree) and number/dimension rules (.constants)
           "variables", "contains", "depth", "size", "walk", "number", "fold_power",
           "dim_product", "dimension"]

SCALAR = ("1", "1")
#: Entrywise functions: the language's (exp ... relu) and two that appear in derivatives,
#: sign (of abs) and step (of relu, the Heaviside step).
ELEMENTWISE = ("exp", "log", "tanh", "sigmoid", "softplus", "sqrt", "abs", "relu", "sign",
               "step")
#: Entrywise functions that are not differentiable everywhere: where they are not.
NONSMOOTH = {"abs": "where its argument is 0", "relu": "where its argument is 0",
             "sign": "where its argument is 0", "step": "where its argument is 0"}
#: Properties a variable may declare.
PROPERTIES = ("symmetric", "spd", "diagonal", "invertible", "positive")
_FLAT = ("add", "mm", "had")  # operations whose nested nodes are merged into one


class Expr:
    """One node of a matrix expression (see the module docstring).

    >>> e = matrix("A", "m", "n").T
    >>> e.op, e.shape, str(e)
    ('T', ('n', 'm'), 'A^T')
    """

    __array_priority__ = 1000  # numpy defers to our operators
    __slots__ = ("op", "args", "shape", "data", "_key", "_hash")

    def __init__(self, op: str, args: Iterable[Expr] = (), shape: Iterable[str] = SCALAR,
                 data: Any = None):
        self.op: str = op
        self.args: tuple[Expr, ...] = tuple(args)
        self.shape: tuple[str, ...] = tuple(shape)
        self.data: Any = data
        self._key: tuple | None = None
        self._hash: int | None = None

    @property
    def key(self) -> tuple:
        """A hashable structural key: equal keys mean the same expression."""
        if self._key is None:
            self._key = (self.op, self.data, self.shape, tuple(a.key for a in self.args))
        return self._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and (self is other or self.key == other.key)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.key)
        return self._hash

    @property
    def name(self) -> str:
        """The variable's name ("" for an expression that is not a variable)."""
        return str(self.data[0]) if self.op == "var" else ""

    @property
    def props(self) -> frozenset:
        """The variable's declared properties (variables only)."""
        return self.data[1] if self.op == "var" else frozenset()

    def __str__(self) -> str:
        from .latex import plain
        return plain(self)

    def __repr__(self) -> str:
        return f"<{self.__str__()} : {self.shape[0]} x {self.shape[1]}>"

    @property
    def latex(self) -> str:
        """The expression in the book's LaTeX macros."""
        from .latex import latex
        return latex(self)

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"

    # -- numpy's functions refuse an expression by name ---------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        name = getattr(ufunc, "__name__", str(ufunc))
        if method == "__call__" and name in _ARITHMETIC and len(inputs) == 2 and not kw:
            a, b = (x.item() if getattr(x, "shape", None) == () else x for x in inputs)
            if all(isinstance(x, Expr | Number) for x in (a, b)):
                return _ARITHMETIC[name](a, b)  # a numpy scalar and an expression
        return _numpy_refused(name, self)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        return _numpy_refused(getattr(func, "__name__", str(func)), self)

    # -- operators (numpy semantics) -----------------------------------------------------
    @property
    def T(self) -> Expr:
        if self.op == "num":
            return self
        return Expr("T", (self,), self.shape[::-1])

    def __matmul__(self, other: object) -> Expr:
        other = _wrap(other, "@")
        (a, b), (c, d) = self.shape, other.shape
        if b != c:
            raise ValueError(f"shape mismatch: {self} @ {other} multiplies {a} x {b} by "
                             f"{c} x {d} ({b} != {c})")
        return flat("mm", (self, other), (a, d))

    def __rmatmul__(self, other: object) -> Expr:
        return _wrap(other, "@").__matmul__(self)

    def __add__(self, other: object) -> Expr:
        return _broadcast_sum(self, _wrap(other, "+"), "+")

    def __radd__(self, other: object) -> Expr:
        return _broadcast_sum(_wrap(other, "+"), self, "+")

    def __sub__(self, other: object) -> Expr:
        return _broadcast_sum(self, -_wrap(other, "-"), "-")

    def __rsub__(self, other: object) -> Expr:
        return _broadcast_sum(_wrap(other, "-"), -self, "-")

    def __neg__(self) -> Expr:
        if self.op == "num":
            return const(-self.data)
        return Expr("mul", (self,), self.shape, Fraction(-1))

    def __pos__(self) -> Expr:
        return self

    def __mul__(self, other: object) -> Expr:
        return _broadcast_product(self, _wrap(other, "*"))

    def __rmul__(self, other: object) -> Expr:
        return _broadcast_product(_wrap(other, "*"), self)

    def __truediv__(self, other: object) -> Expr:
        other = _wrap(other, "/")
        if other.op == "num" and other.data == 0:
            raise ValueError(f"division by zero: {self} / 0")
        return _broadcast_product(self, other ** -1, "/")

    def __rtruediv__(self, other: object) -> Expr:
        return _broadcast_product(_wrap(other, "/"), self ** -1, "/")

    def __pow__(self, p: Any) -> Expr:
        if isinstance(p, Expr):
            if p.op != "num":
                raise ValueError(f"not supported: ** with a non-constant exponent ({p}); "
                                 f"the exponent must be a number")
            p = p.data
        p = number(p)
        if self.op == "num":
            return const(fold_power(self.data, p))
        return Expr("pow", (self,), self.shape, p)

    def __rpow__(self, base: object) -> Expr:
        raise ValueError(f"not supported: a number raised to a matrix expression ({base} ** "
                         f"{self}); write exp(log({base}) * ...) instead")

    def __bool__(self) -> bool:
        raise TypeError("a matrix expression has no truth value")


_ARITHMETIC = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
               "multiply": lambda a, b: a * b, "true_divide": lambda a, b: a / b,
               "divide": lambda a, b: a / b, "power": lambda a, b: a ** b,
               "matmul": lambda a, b: a @ b}
_NUMPY_NAMES = {"trace": "tr", "inv": "inv", "det": "det", "slogdet": "logdet",
                "norm": "fro (or norm2)", "sum": "sum", "mean": "mean", "exp": "exp",
                "log": "log", "tanh": "tanh", "sqrt": "sqrt", "absolute": "abs",
                "kron": "kron", "diag": "diag", "matmul": "@", "multiply": "*", "add": "+",
                "subtract": "-", "divide": "/", "true_divide": "/", "power": "**",
                "transpose": ".T", "maximum": "relu"}


def _numpy_refused(name: str, e: Expr) -> NoReturn:
    use = _NUMPY_NAMES.get(name)
    hint = f"use {use} from matcalc.derive" if use else (
        "use the functions of matcalc.derive (tr, inv, det, logdet, fro, sum, exp, log, ...)")
    raise ValueError(f"numpy's {name} cannot take the matrix expression {e}: {hint}")


def _wrap(value: object, where: str) -> Expr:
    if isinstance(value, Expr):
        return value
    try:
        return const(value)
    except ValueError as exc:
        if isinstance(value, Number) and not isinstance(value, bool | complex):
            raise
        raise ValueError(f"cannot use {type(value).__name__} {value!r:.60} with {where} in an "
                         f"expression; use matrix(), vector(), scalar() or a number") from exc


def flat(op: str, args: Iterable[Expr], shape: tuple, data: Any = None) -> Expr:
    """A node of an associative operation (add, mm, had) with nested nodes of the same
    operation merged: flat("add", (a + b, c)) has three arguments.

    >>> x = vector("x", "n")
    >>> len(flat("add", (x + x, x), x.shape).args)
    3
    """
    merged: list[Expr] = []
    for a in args:
        merged.extend(a.args if a.op == op and op in _FLAT else [a])
    return Expr(op, merged, shape, data)


def is_scalar(e: Expr) -> bool:
    """True for a 1 x 1 expression (a scalar).

    >>> is_scalar(scalar("t")), is_scalar(vector("x", "n"))
    (True, False)
    """
    return tuple(e.shape) == SCALAR


def _shape_text(shape: tuple) -> str:
    return f"{shape[0]} x {shape[1]}"


def _broadcast_sum(a: Expr, b: Expr, symbol: str) -> Expr:
    if a.op == "num" and b.op == "num":
        return const(a.data + b.data)
    if a.shape != b.shape:
        if is_scalar(a):
            a = Expr("mul", (a, ones(*b.shape)), b.shape, Fraction(1))
        elif is_scalar(b):
            b = Expr("mul", (b, ones(*a.shape)), a.shape, Fraction(1))
        else:
            raise ValueError(f"shape mismatch: {a} {symbol} {b} adds {_shape_text(a.shape)} "
                             f"and {_shape_text(b.shape)}")
    return flat("add", (a, b), a.shape)


def _broadcast_product(a: Expr, b: Expr, symbol: str = "*") -> Expr:
    if a.op == "num" and b.op == "num":
        return const(a.data * b.data)
    if is_scalar(a) or is_scalar(b):
        shape = b.shape if is_scalar(a) else a.shape
        coef: Any = Fraction(1)
        args: list[Expr] = []
        for x in (a, b):  # a long product of scalars is one node
            if x.op == "mul":
                coef, args = coef * x.data, args + list(x.args)
            else:
                args.append(x)
        return Expr("mul", args, shape, coef)
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a} {symbol} {b} is entrywise, but the shapes are "
                         f"{_shape_text(a.shape)} and {_shape_text(b.shape)} (use @ for the "
                         f"matrix product)")
    return flat("had", (a, b), a.shape)


def matrix(name: str, rows: str, cols: str, **props: bool) -> Expr:
    """A matrix variable; ``rows`` and ``cols`` are dimension letters. Properties:
    ``symmetric``, ``spd`` (symmetric positive definite), ``invertible``, ``diagonal``,
    ``positive`` (entrywise, for logarithms and square roots). Raises ValueError naming
    what is wrong with the name, a dimension or a property.

    >>> S = matrix("S", "n", "n", symmetric=True)
    >>> S.shape, sorted(S.props)
    (('n', 'n'), ['symmetric'])
    """
    if not str(name).isidentifier() or keyword.iskeyword(str(name)) or not str(name).isascii():
        raise ValueError(f"a variable name must be an ASCII identifier that is not a Python "
                         f"keyword, got {name!r}")
    rows, cols = dimension(rows, name), dimension(cols, name)
    unknown = sorted(set(props) - set(PROPERTIES))
    if unknown:
        raise ValueError(f"unknown properties {unknown} for {name!r}; known are "
                         f"{sorted(PROPERTIES)}")
    chosen = frozenset(k for k, v in props.items() if v)
    if chosen & {"symmetric", "spd", "diagonal", "invertible"} and rows != cols:
        raise ValueError(f"{name!r} is declared {', '.join(sorted(chosen))} but has shape "
                         f"{rows} x {cols}; it must be square (equal dimension letters)")
    if "spd" in chosen:
        chosen |= {"symmetric", "invertible"}
    return Expr("var", (), (rows, cols), (str(name), chosen))


def vector(name: str, rows: str, **props: bool) -> Expr:
    """A column vector variable, ``rows x 1``.

    >>> vector("x", "n").shape
    ('n', '1')
    """
    return matrix(name, rows, "1", **props)


def scalar(name: str, **props: bool) -> Expr:
    """A scalar variable (1 x 1).

    >>> scalar("lam").shape
    ('1', '1')
    """
    return matrix(name, "1", "1", **props)


def const(value: object) -> Expr:
    """A numeric constant (a scalar); ValueError for a non-finite or non-real value.

    >>> const(0.5).data
    Fraction(1, 2)
    """
    return Expr("num", (), SCALAR, number(value))


def ones(rows: str, cols: str = "1") -> Expr:
    """The constant matrix of ones, ``rows x cols``; ``ones("k")`` is the column of k ones.

    >>> ones("k").shape
    ('k', '1')
    """
    shape = (dimension(rows, "ones"), dimension(cols, "ones"))
    return const(1) if shape == SCALAR else Expr("ones", (), shape)


def eye(n: str) -> Expr:
    """The identity matrix, ``n x n``.

    >>> eye("n").shape
    ('n', 'n')
    """
    n = dimension(n, "eye")
    return const(1) if n == "1" else Expr("eye", (), (n, n))


def zero(shape: tuple) -> Expr:
    """The zero matrix of ``shape`` (the number 0 for a scalar).

    >>> zero(("m", "n")).op, zero(SCALAR).op
    ('zero', 'num')
    """
    return const(0) if tuple(shape) == SCALAR else Expr("zero", (), tuple(shape))


def dim(d: str) -> Expr:
    """The size of the dimension ``d`` (a letter or a product m*n), as a scalar constant.

    >>> str(dim("m*n"))
    'm n'
    """
    d = dimension(d, "dim")
    return const(1) if d == "1" else Expr("dim", (), SCALAR, d)
