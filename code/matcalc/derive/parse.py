"""Parse an expression string into the engine's objects with Python's ``ast`` (never
``eval``): only numbers, declared variables, the language's functions, ``.T`` and the
operators ``+ - * / ** @`` are accepted; anything else is an error naming it and its position.

>>> e = parse("0.5 * fro(W @ X - Y)**2", {"W": "mn", "X": "nk", "Y": "mk"})
>>> str(e)
'(1/2) ‖W X - Y‖^2'
>>> parse("W @ X", {"W": "mn", "X": "mk"})
Traceback (most recent call last):
...
ValueError: at position 1 (W @ X): shape mismatch: W @ X multiplies m x n by m x k (n != m)
"""

import ast

from . import language
from .expr import Expr, const, eye, matrix, ones

__all__ = ["parse", "FUNCTIONS", "parse_shape"]

#: The functions a string may call.
FUNCTIONS = {name: getattr(language, name) for name in language.__all__}
FUNCTIONS.update({"ones": ones, "eye": eye})
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.MatMult: "@"}


class _Error(ValueError):
    pass


def parse_shape(text):
    """A shape given as ``m,n`` (or ``n`` for a column vector, ``1`` for a scalar).

    >>> parse_shape("m,n"), parse_shape("n"), parse_shape("1")
    (('m', 'n'), ('n', '1'), ('1', '1'))
    """
    s = str(text).strip()
    if "," in s:
        parts = [p.strip() for p in s.split(",")]
    else:
        parts = list(s) if len(s) == 2 and s.isalpha() else [s]
    if len(parts) == 1:
        parts = [parts[0], "1"]
    if len(parts) != 2:
        raise ValueError(f"a shape is rows,cols (e.g. m,n) or one letter for a column, got "
                         f"{text!r}")
    return tuple(parts)


def parse(text, shapes, properties=None):
    """The expression ``text`` with the variables of ``shapes`` (name -> shape, e.g. "mn",
    ("m", "n") or "m,n") and ``properties`` (name -> list of properties, e.g. ["symmetric"]).

    >>> parse("logdet(S)", {"S": "n,n"}, {"S": ["spd"]}).args[0].props == {"spd", "symmetric", "invertible"}
    True
    """
    properties = properties or {}
    variables = {}
    for name, shape in shapes.items():
        rows, cols = parse_shape(shape) if isinstance(shape, str) else tuple(shape)
        props = {p: True for p in properties.get(name, ())}
        variables[name] = matrix(name, rows, cols, **props)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"at position {exc.offset}: syntax error in {text!r}: "
                         f"{exc.msg}") from None
    try:
        return _Walker(text, variables).visit(tree.body)
    except _Error as exc:
        raise ValueError(str(exc)) from None


class _Walker:
    def __init__(self, text, variables):
        self.text, self.vars = text, variables

    def where(self, node):
        col = getattr(node, "col_offset", 0)
        snippet = ast.get_source_segment(self.text.strip(), node) or ""
        return f"at position {col + 1} ({snippet})"

    def fail(self, node, message):
        raise _Error(f"{self.where(node)}: {message}")

    def visit(self, node):
        try:
            return self._visit(node)
        except _Error:
            raise
        except ValueError as exc:
            raise _Error(f"{self.where(node)}: {exc}") from None

    def _visit(self, node):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                return const(node.value)
            self.fail(node, f"unsupported constant {node.value!r}")
        if isinstance(node, ast.Name):
            if node.id in self.vars:
                return self.vars[node.id]
            if node.id in FUNCTIONS:
                self.fail(node, f"{node.id} is a function; call it, e.g. {node.id}(...)")
            self.fail(node, f"unknown name {node.id!r}; declare its shape (--shape "
                            f"{node.id}=rows,cols); variables are {sorted(self.vars)}")
        if isinstance(node, ast.BinOp):
            symbol = _BINARY.get(type(node.op))
            if symbol is None:
                self.fail(node, f"not supported: the operator {type(node.op).__name__}")
            a, b = self.visit(node.left), self.visit(node.right)
            return _apply(symbol, a, b)
        if isinstance(node, ast.UnaryOp):
            a = self.visit(node.operand)
            if isinstance(node.op, ast.USub):
                return -a
            if isinstance(node.op, ast.UAdd):
                return a
            self.fail(node, f"not supported: the operator {type(node.op).__name__}")
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                self.fail(node, f"not supported: the attribute .{node.attr} (only .T)")
            return self.visit(node.value).T
        if isinstance(node, ast.Call):
            return self.call(node)
        self.fail(node, f"not supported: {type(node).__name__} expressions")

    def call(self, node):
        if not isinstance(node.func, ast.Name):
            self.fail(node, "not supported: only the language's functions can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            self.fail(node.func, f"not supported: unknown function {name!r}; functions are "
                                 f"{', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            self.fail(node, f"{name} takes no keyword arguments")
        if name in ("ones", "eye"):
            dims = []
            for a in node.args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    dims.append(a.value)
                elif isinstance(a, ast.Name) and a.id not in self.vars:
                    dims.append(a.id)
                else:
                    self.fail(a, f"{name} takes dimension letters, e.g. {name}(\"k\")")
            return FUNCTIONS[name](*dims)
        args = [self.visit(a) for a in node.args]
        return FUNCTIONS[name](*args)


def _apply(symbol, a, b):
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
    if not isinstance(b, Expr) or b.op != "num":
        raise ValueError(f"not supported: ** with a non-constant exponent ({b})")
    return a ** b
