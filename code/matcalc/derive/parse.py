"""Parse an expression string into the engine's objects with Python's ``ast`` (never
``eval``): only numbers, declared variables, the language's functions (with ``axis=`` for
softmax, sum and mean), ``.T`` and the operators ``+ - * / ** @`` are accepted; anything
else is an error naming it and its position. Long sums and products are read without
recursion; the text, its nesting and its constants are bounded.

>>> e = parse("0.5 * fro(W @ X - Y)**2", {"W": "mn", "X": "nk", "Y": "mk"})
>>> str(e)
'(1/2) ‖W X - Y‖^2'
>>> parse("W @ X", {"W": "mn", "X": "mk"})
Traceback (most recent call last):
...
ValueError: at position 1 (W @ X): shape mismatch: W @ X multiplies m x n by m x k (n != m)
"""

from __future__ import annotations

import ast
import math
from typing import NoReturn

from . import language
from .expr import Expr, const, eye, matrix, ones

__all__ = ["parse", "FUNCTIONS", "parse_shape", "MAX_LENGTH", "MAX_NESTING"]

#: The functions a string may call.
FUNCTIONS = {name: getattr(language, name) for name in
             ("tr", "inv", "det", "logdet", "fro", "frob", "norm2", "sum", "mean", "exp", "log",
              "tanh", "sigmoid", "softplus", "sqrt", "abs", "relu", "softmax", "diag", "kron",
              "vec")}
FUNCTIONS.update({"ones": ones, "eye": eye})
_KEYWORDS = {"softmax": ("axis",), "sum": ("axis",), "mean": ("axis",)}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.MatMult: "@"}
MAX_LENGTH = 20000  # characters
MAX_NESTING = 200  # levels of nested calls, parentheses and unary operators


class _Error(ValueError):
    pass


def parse_shape(text: str) -> tuple:
    """A shape given as ``m,n`` (or ``n`` for a column vector, ``1`` for a scalar, ``m*p``
    for a product of dimensions).

    >>> parse_shape("m,n"), parse_shape("n"), parse_shape("1"), parse_shape("m*p")
    (('m', 'n'), ('n', '1'), ('1', '1'), ('m*p', '1'))
    """
    s = str(text).strip()
    if "," in s:
        parts = [p.strip() for p in s.split(",")]
    else:
        parts = list(s) if len(s) == 2 and s.isalpha() else [s]
    if len(parts) == 1:
        parts = [parts[0], "1"]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"a shape is rows,cols (e.g. m,n) or one letter for a column, got "
                         f"{text!r}")
    return tuple(parts)


def _nesting(tree: ast.AST) -> int:
    """The nesting depth of the tree, not counting the left operands of binary operators
    (a long sum is read as a loop)."""
    best, stack = 0, [(tree, 0)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        if isinstance(node, ast.BinOp):
            stack += [(node.left, d), (node.right, d + 1)]
        else:
            stack += [(child, d + 1) for child in ast.iter_child_nodes(node)]
    return best


def _tree(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ValueError(f"the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the expression has {len(text)} characters; at most {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"at position {exc.offset}: syntax error in {text[:80]!r}: "
                         f"{exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError("the expression is nested too deeply for Python's parser") from None
    depth = _nesting(tree)
    if depth > MAX_NESTING:
        raise ValueError(f"not supported: the expression nests {depth} levels deep; at most "
                         f"{MAX_NESTING}")
    return tree


def parse(text: str, shapes: dict, properties: dict | None = None) -> Expr:
    """The expression ``text`` with the variables of ``shapes`` (name -> shape, e.g. "mn",
    ("m", "n") or "m,n") and ``properties`` (name -> list of properties, e.g. ["symmetric"]).
    Raises ValueError naming the position and what is wrong.

    >>> parse("logdet(S)", {"S": "n,n"}, {"S": ["spd"]}).args[0].props == {"spd", "symmetric", "invertible"}
    True
    """
    properties = properties or {}
    unknown = sorted(set(properties) - set(shapes))
    if unknown:
        raise ValueError(f"properties given for {unknown}, which have no shape; declare "
                         f"them (--shape NAME=rows,cols)")
    variables = {}
    for name, shape in shapes.items():
        rows, cols = parse_shape(shape) if isinstance(shape, str) else tuple(shape)
        props = {p: True for p in properties.get(name, ())}
        variables[name] = matrix(name, rows, cols, **props)
    tree = _tree(text)
    try:
        return _Walker(text, variables).visit(tree.body)
    except _Error as exc:
        raise ValueError(str(exc)) from None


class _Walker:
    def __init__(self, text: str, variables: dict) -> None:
        self.text, self.vars = text.strip(), variables

    def where(self, node: ast.AST) -> str:
        col = getattr(node, "col_offset", 0)
        snippet = ast.get_source_segment(self.text, node) or ""
        if len(snippet) > 60:
            snippet = snippet[:57] + "..."
        return f"at position {col + 1} ({snippet})"

    def fail(self, node: ast.AST, message: str) -> NoReturn:
        raise _Error(f"{self.where(node)}: {message}")

    def visit(self, node: ast.AST) -> Expr:
        try:
            if isinstance(node, ast.BinOp):
                return self.binary(node)
            return self._visit(node)
        except _Error:
            raise
        except ValueError as exc:
            raise _Error(f"{self.where(node)}: {exc}") from None

    def binary(self, node: ast.BinOp) -> Expr:
        chain = []  # the left spine of a long sum or product, read as a loop
        left: ast.expr = node
        while isinstance(left, ast.BinOp):
            chain.append(left)
            left = left.left
        value = self.visit(left)
        for op in reversed(chain):
            symbol = _BINARY.get(type(op.op))
            if symbol is None:
                self.fail(op, f"not supported: the operator {type(op.op).__name__}")
            try:
                value = _apply(symbol, value, self.visit(op.right))
            except _Error:
                raise
            except ValueError as exc:
                raise _Error(f"{self.where(op)}: {exc}") from None
        return value

    def constant(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(node, f"not supported: the constant {value!r:.40} (only real numbers)")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, "the constant overflows float64 (it is inf); constants must be "
                            "finite, below 1.8e308")
        return const(value)

    def name(self, node: ast.Name) -> Expr:
        if node.id in self.vars:
            return self.vars[node.id]
        if node.id in FUNCTIONS:
            self.fail(node, f"{node.id} is a function; call it, e.g. {node.id}(...)")
        self.fail(node, f"unknown name {node.id!r}; declare its shape (--shape "
                        f"{node.id}=rows,cols); variables are {sorted(self.vars)}")

    def _visit(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                self.fail(node, f"not supported: the operator {type(node.op).__name__}")
            a = self.visit(node.operand)
            return -a if isinstance(node.op, ast.USub) else a
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                self.fail(node, f"not supported: the attribute .{node.attr} (only .T)")
            return self.visit(node.value).T
        if isinstance(node, ast.Call):
            return self.call(node)
        self.fail(node, f"not supported: {type(node).__name__} expressions")

    def call(self, node: ast.Call) -> Expr:
        if not isinstance(node.func, ast.Name):
            self.fail(node, "not supported: only the language's functions can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            self.fail(node.func, f"not supported: unknown function {name!r}; functions are "
                                 f"{', '.join(sorted(FUNCTIONS))}")
        if name in ("ones", "eye"):
            return FUNCTIONS[name](*(self.dimension(a, name) for a in node.args))
        kwargs: dict[str, int] = {}
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in _KEYWORDS.get(name, ()):
                self.fail(node, f"{name} takes no keyword argument {kw.arg!r}"
                          + (f" (only {', '.join(_KEYWORDS[name])})" if name in _KEYWORDS
                             else ""))
            kwargs[kw.arg] = self.integer(kw.value)
        args = [self.visit(a) for a in node.args]
        return FUNCTIONS[name](*args, **kwargs)

    def dimension(self, a: ast.AST, name: str) -> str:
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            return a.value
        if isinstance(a, ast.Name) and a.id not in self.vars:
            return a.id
        self.fail(a, f"{name} takes dimension letters, e.g. {name}(\"k\")")

    def integer(self, a: ast.AST) -> int:
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub) \
                and isinstance(a.operand, ast.Constant):
            return -self.integer(a.operand)
        if isinstance(a, ast.Constant) and isinstance(a.value, int) \
                and not isinstance(a.value, bool):
            return a.value
        self.fail(a, "axis takes an integer: 0, 1 or -1")


def _apply(symbol: str, a: Expr, b: Expr) -> Expr:
    if symbol == "+":
        return a + b
    if symbol == "-":
        return a - b
    if symbol == "*":
        return a * b
    if symbol == "/":
        return a / b
    if symbol == "@":
        return a @ b
    if b.op != "num":
        raise ValueError(f"not supported: ** with a non-constant exponent ({b})")
    return a ** b
