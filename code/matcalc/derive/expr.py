"""The expression tree of :mod:`matcalc.derive`: matrices with shapes in dimension letters.

A node has an operation ``op``, its arguments ``args``, a shape (two dimension letters, ``"1"``
for a unit dimension, so ``("1", "1")`` is a scalar) and ``data`` (a name, a coefficient, an
exponent). Python's operators build nodes with numpy's semantics: ``@`` the matrix product,
``*`` the entrywise product (or scaling when one side is a scalar), ``/`` division (by a scalar,
or entrywise), ``**`` an entrywise power with a constant exponent, ``.T`` the transpose, ``+``
and ``-`` with a scalar broadcast over a matrix. Shapes are checked as nodes are built.

>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> (W @ X).shape
('m', 'k')
>>> W @ W
Traceback (most recent call last):
...
ValueError: shape mismatch: W @ W multiplies m x n by m x n (n != m)
"""

from fractions import Fraction
from numbers import Number

__all__ = ["Expr", "matrix", "vector", "scalar", "const", "ones", "eye", "zero", "SCALAR",
           "is_scalar", "variables", "contains", "ELEMENTWISE", "PROPERTIES"]

SCALAR = ("1", "1")
#: Entrywise functions of the language (softmax is column-wise, not entrywise).
ELEMENTWISE = ("exp", "log", "tanh", "sigmoid", "softplus")
#: Properties a variable may declare, and the kind of random value used to check with it.
PROPERTIES = {"symmetric": "symmetric", "spd": "spd", "diagonal": "diagonal",
              "invertible": "general", "positive": "positive"}


def number(value):
    """A Python number as an exact Fraction when it is one (0.5 -> 1/2), else a float."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, Number):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    frac = Fraction(float(value)).limit_denominator(10**6)
    return frac if float(frac) == float(value) else float(value)


class Expr:
    """One node of a matrix expression (see the module docstring).

    >>> e = matrix("A", "m", "n").T
    >>> e.op, e.shape, str(e)
    ('T', ('n', 'm'), 'A^T')
    """

    __array_priority__ = 1000  # numpy defers to our operators
    __slots__ = ("op", "args", "shape", "data", "_key")

    def __init__(self, op, args=(), shape=SCALAR, data=None):
        self.op, self.args, self.shape, self.data = op, tuple(args), tuple(shape), data
        self._key = None

    # -- identity ----------------------------------------------------------------------
    @property
    def key(self):
        """A hashable structural key: equal keys mean the same expression."""
        if self._key is None:
            self._key = (self.op, self.data, self.shape, tuple(a.key for a in self.args))
        return self._key

    def __eq__(self, other):
        return isinstance(other, Expr) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    @property
    def name(self):
        """The variable's name (variables only)."""
        return self.data[0] if self.op == "var" else None

    @property
    def props(self):
        """The variable's declared properties (variables only)."""
        return self.data[1] if self.op == "var" else frozenset()

    def __str__(self):
        from .latex import plain
        return plain(self)

    def __repr__(self):
        return f"<{self.__str__()} : {self.shape[0]} x {self.shape[1]}>"

    @property
    def latex(self):
        """The expression in the book's LaTeX macros."""
        from .latex import latex
        return latex(self)

    def _repr_latex_(self):
        return f"${self.latex}$"

    # -- operators (numpy semantics) -----------------------------------------------------
    @property
    def T(self):
        return Expr("T", (self,), self.shape[::-1])

    def __matmul__(self, other):
        other = _wrap(other, "@")
        (a, b), (c, d) = self.shape, other.shape
        if b != c:
            raise ValueError(f"shape mismatch: {self} @ {other} multiplies {a} x {b} by "
                             f"{c} x {d} ({b} != {c})")
        return Expr("mm", (self, other), (a, d))

    def __rmatmul__(self, other):
        return _wrap(other, "@").__matmul__(self)

    def __add__(self, other):
        return _add(self, _wrap(other, "+"), "+")

    def __radd__(self, other):
        return _add(_wrap(other, "+"), self, "+")

    def __sub__(self, other):
        return _add(self, -_wrap(other, "-"), "-")

    def __rsub__(self, other):
        return _add(_wrap(other, "-"), -self, "-")

    def __neg__(self):
        return Expr("mul", (self,), self.shape, Fraction(-1))

    def __pos__(self):
        return self

    def __mul__(self, other):
        return _times(self, _wrap(other, "*"))

    def __rmul__(self, other):
        return _times(_wrap(other, "*"), self)

    def __truediv__(self, other):
        other = _wrap(other, "/")
        return _times(self, other ** -1, "/")

    def __rtruediv__(self, other):
        return _times(_wrap(other, "/"), self ** -1, "/")

    def __pow__(self, p):
        if isinstance(p, Expr):
            if p.op != "num":
                raise ValueError(f"not supported: ** with a non-constant exponent ({p}); "
                                 f"the exponent must be a number")
            p = p.data
        return Expr("pow", (self,), self.shape, number(p))

    def __rpow__(self, base):
        raise ValueError(f"not supported: a number raised to a matrix expression ({base} ** "
                         f"{self}); write exp(log({base}) * ...) instead")

    def __bool__(self):
        raise TypeError("a matrix expression has no truth value")


def _wrap(value, where):
    if isinstance(value, Expr):
        return value
    try:
        return const(value)
    except ValueError:
        raise ValueError(f"cannot use {type(value).__name__} {value!r} with {where} in an "
                         f"expression; use matrix(), vector(), scalar() or a number") from None


def is_scalar(e):
    """True for a 1 x 1 expression (a scalar).

    >>> is_scalar(scalar("t")), is_scalar(vector("x", "n"))
    (True, False)
    """
    return tuple(e.shape) == SCALAR


def _shape_text(shape):
    return f"{shape[0]} x {shape[1]}"


def _add(a, b, symbol):
    if a.shape != b.shape:
        if is_scalar(a):
            a = Expr("mul", (a, ones(*b.shape)), b.shape, Fraction(1))
        elif is_scalar(b):
            b = Expr("mul", (b, ones(*a.shape)), a.shape, Fraction(1))
        else:
            raise ValueError(f"shape mismatch: {a} {symbol} {b} adds {_shape_text(a.shape)} "
                             f"and {_shape_text(b.shape)}")
    return Expr("add", (a, b), a.shape)


def _times(a, b, symbol="*"):
    if is_scalar(a) or is_scalar(b):
        shape = b.shape if is_scalar(a) else a.shape
        return Expr("mul", (a, b), shape, Fraction(1))
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a} {symbol} {b} is entrywise, but the shapes are "
                         f"{_shape_text(a.shape)} and {_shape_text(b.shape)} (use @ for the "
                         f"matrix product)")
    return Expr("had", (a, b), a.shape)


def _dim(d, what):
    d = str(d)
    if not d or not all(p == "1" or p.replace("_", "").isalnum() and not p.isdigit()
                        for p in d.split("*")):
        raise ValueError(f"{what}: a dimension is a letter (or '1'), got {d!r}")
    return d


def matrix(name, rows, cols, **props):
    """A matrix variable; ``rows`` and ``cols`` are dimension letters. Properties:
    ``symmetric``, ``spd`` (symmetric positive definite), ``invertible``, ``diagonal``,
    ``positive`` (entrywise, for logarithms).

    >>> S = matrix("S", "n", "n", symmetric=True)
    >>> S.shape, sorted(S.props)
    (('n', 'n'), ['symmetric'])
    """
    if not str(name).isidentifier():
        raise ValueError(f"a variable name must be an identifier, got {name!r}")
    rows, cols = _dim(rows, name), _dim(cols, name)
    unknown = sorted(set(props) - set(PROPERTIES))
    if unknown:
        raise ValueError(f"unknown properties {unknown} for {name!r}; known are "
                         f"{sorted(PROPERTIES)}")
    chosen = frozenset(k for k, v in props.items() if v)
    if chosen & {"symmetric", "spd", "diagonal"} and rows != cols:
        raise ValueError(f"{name!r} is declared {', '.join(sorted(chosen))} but has shape "
                         f"{rows} x {cols}; it must be square (equal dimension letters)")
    if "spd" in chosen:
        chosen |= {"symmetric", "invertible"}
    return Expr("var", (), (rows, cols), (str(name), chosen))


def vector(name, rows, **props):
    """A column vector variable, ``rows x 1``.

    >>> vector("x", "n").shape
    ('n', '1')
    """
    return matrix(name, rows, "1", **props)


def scalar(name, **props):
    """A scalar variable (1 x 1).

    >>> scalar("lam").shape
    ('1', '1')
    """
    return matrix(name, "1", "1", **props)


def const(value):
    """A numeric constant (a scalar).

    >>> const(0.5).data
    Fraction(1, 2)
    """
    return Expr("num", (), SCALAR, number(value))


def ones(rows, cols="1"):
    """The constant matrix of ones, ``rows x cols``; ``ones("k")`` is the column of k ones.

    >>> ones("k").shape
    ('k', '1')
    """
    return Expr("ones", (), (_dim(rows, "ones"), _dim(cols, "ones")))


def eye(n):
    """The identity matrix, ``n x n``.

    >>> eye("n").shape
    ('n', 'n')
    """
    return Expr("eye", (), (_dim(n, "eye"),) * 2)


def zero(shape):
    """The zero matrix of ``shape`` (the number 0 for a scalar).

    >>> zero(("m", "n")).op, zero(SCALAR).op
    ('zero', 'num')
    """
    return const(0) if tuple(shape) == SCALAR else Expr("zero", (), shape)


def variables(e):
    """The variables of ``e`` by name (each name must have one shape and one set of
    properties).

    >>> sorted(variables(matrix("A", "m", "n") @ vector("x", "n")))
    ['A', 'x']
    """
    found = {}
    stack = [e]
    while stack:
        node = stack.pop()
        if node.op == "var":
            old = found.setdefault(node.name, node)
            if old != node:
                raise ValueError(f"variable {node.name!r} is used with two shapes or property "
                                 f"sets: {_shape_text(old.shape)} and {_shape_text(node.shape)}")
        stack.extend(node.args)
    return found


def contains(e, var):
    """True if the variable ``var`` (an Expr or a name) occurs in ``e``.

    >>> contains(matrix("A", "m", "n").T, "A")
    True
    """
    name = var.name if isinstance(var, Expr) else var
    if e.op == "var":
        return e.name == name
    return any(contains(a, name) for a in e.args)
