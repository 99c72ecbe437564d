"""Python source of a function computing a result's answer, with numpy or with JAX.

The source is run against the derivation before it is returned: at a random point of the
sizes of the result's numeric checks, the generated function and the engine's own
evaluation of the answer must agree to 1e-10 relative (1e-4 when JAX computes in float32);
its docstring says so, or says why it could not be run (numpy or JAX not installed). JAX
is imported only to run the check, and only if it is installed.

>>> from .engine import derive
>>> from .expr import matrix
>>> from .language import fro
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> print(derive(0.5 * fro(W @ X - Y) ** 2, "W").code("numpy"))  # doctest: +ELLIPSIS
import numpy as np
<BLANKLINE>
<BLANKLINE>
def gradient_W(W, X, Y):
    \"\"\"The gradient of (1/2) ‖W X - Y‖^2 with respect to W (matcalc.derive).
<BLANKLINE>
    Checked: agrees with the derivation at a random point (k=3, m=4, n=5): relative difference ...
    \"\"\"
    return (W @ X - Y) @ X.T
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

from .expr import Expr

if TYPE_CHECKING:
    from .result import Derived

__all__ = ["generate", "LANGUAGES", "source"]

LANGUAGES = ("numpy", "jax")
_HELPERS = {
    "softmax": "def _softmax(Z, axis):\n    E = np.exp(Z - Z.max(axis=axis, keepdims=True))\n"
               "    return E / E.sum(axis=axis, keepdims=True)\n",
    "sigmoid": "def _sigmoid(Z):\n    return 0.5 * (1 + np.tanh(0.5 * Z))\n",
    "comm": "def _commutation(m, n):  # K vec(X) = vec(X^T) for an m x n X\n"
            "    return np.eye(m * n)[np.arange(m * n).reshape(n, m).T.reshape(-1)]\n",
    "rearr": "def _rearrange(A, m, n, p, q):  # Van Loan's R(A) for m x n blocks of p x q\n"
             "    return A.reshape(m, p, n, q).transpose(2, 0, 3, 1).reshape(n * m, q * p)\n",
}
_NUMPY = {"exp": "np.exp", "log": "np.log", "tanh": "np.tanh", "sqrt": "np.sqrt",
          "abs": "np.abs", "sign": "np.sign", "sigmoid": "_sigmoid",
          "softplus": "(lambda Z: np.logaddexp(0.0, Z))", "relu": "(lambda Z: np.maximum(Z, 0.0))",
          "step": "(lambda Z: np.heaviside(Z, 0.0))"}
_JAX = {"exp": "np.exp", "log": "np.log", "tanh": "np.tanh", "sqrt": "np.sqrt",
        "abs": "np.abs", "sign": "np.sign", "sigmoid": "jax.nn.sigmoid",
        "softplus": "jax.nn.softplus", "relu": "jax.nn.relu",
        "step": "(lambda Z: np.heaviside(Z, 0.0))"}


class _Source:
    """Python source of expressions, with the dimension letters read from arguments."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.helpers: set[str] = set()
        self.letters: set[str] = set()

    def dim(self, d: str) -> str:
        parts = [p for p in d.split("*") if p != "1"]
        self.letters |= set(parts)
        return " * ".join(parts) or "1"

    def terms(self, args: tuple) -> str:
        out = ""
        for k, x in enumerate(args):
            negative = x.op == "mul" and x.data < 0
            text = self.wrap(Expr("mul", x.args, x.shape, -x.data) if negative else x, "add")
            out += (" - " if negative else " + ") + text if k else ("-" if negative else "") + text
        return out

    def number(self, c: Fraction | float) -> str:
        return repr(float(c)) if not (isinstance(c, Fraction) and c.denominator == 1) \
            else str(c.numerator)

    def __call__(self, e: Expr) -> str:
        op, a = e.op, e.args
        simple = {"var": lambda: e.name, "num": lambda: self.number(e.data),
                  "dim": lambda: f"({self.dim(e.data)})",
                  "ones": lambda: f"np.ones(({self.dim(e.shape[0])}, {self.dim(e.shape[1])}))",
                  "zero": lambda: f"np.zeros(({self.dim(e.shape[0])}, {self.dim(e.shape[1])}))",
                  "eye": lambda: f"np.eye({self.dim(e.shape[0])})",
                  "mm": lambda: " @ ".join(self.wrap(x) for x in a),
                  "had": lambda: " * ".join(self.wrap(x) for x in a),
                  "add": lambda: self.terms(a),
                  "T": lambda: f"{self.wrap(a[0])}.T",
                  "inv": lambda: f"np.linalg.inv({self(a[0])})",
                  "det": lambda: f"np.linalg.det({self(a[0])})",
                  "logdet": lambda: f"np.linalg.slogdet({self(a[0])})[1]",
                  "tr": lambda: f"np.trace({self(a[0])})", "sum": lambda: f"np.sum({self(a[0])})",
                  "frob": lambda: f"np.sum({self.wrap(a[0])} * {self.wrap(a[1])})",
                  "fro": lambda: f"np.sqrt(np.sum({self.wrap(a[0])} ** 2))",
                  "diagm": lambda: f"np.diagflat({self(a[0])})",
                  "diagv": lambda: f"np.diag({self(a[0])}).reshape(-1, 1)",
                  "kron": lambda: f"np.kron({self(a[0])}, {self(a[1])})",
                  "vec": lambda: f"{self.wrap(a[0])}.T.reshape(-1, 1)",
                  "unvec": lambda: f"{self.wrap(a[0])}.reshape({self.dim(e.shape[1])}, "
                                   f"{self.dim(e.shape[0])}).T"}
        if op in simple:
            return simple[op]()
        return self.special(e)

    def special(self, e: Expr) -> str:
        op, a = e.op, e.args
        if op == "mul":
            return " * ".join([self.number(e.data)] * (e.data != 1) + [self.wrap(x) for x in a])
        if op == "pow":
            return f"{self.wrap(a[0])} ** {self.number(e.data)}"
        if op == "softmax":
            if self.language == "jax":
                return f"jax.nn.softmax({self(a[0])}, axis={e.data})"
            self.helpers.add("softmax")
            return f"_softmax({self(a[0])}, {e.data})"
        if op == "comm":
            self.helpers.add("comm")
            return f"_commutation({self.dim(e.data[0])}, {self.dim(e.data[1])})"
        if op == "rearr":
            self.helpers.add("rearr")
            (m, n), (p, q) = e.data
            return f"_rearrange({self(a[0])}, {', '.join(self.dim(x) for x in (m, n, p, q))})"
        table = _JAX if self.language == "jax" else _NUMPY
        if op in table:
            if table[op] == "_sigmoid":
                self.helpers.add("sigmoid")
            return f"{table[op]}({self(a[0])})"
        raise ValueError(f"not supported: no {self.language} code for the operation {op!r}")

    def wrap(self, e: Expr, context: str = "") -> str:
        text = self(e)
        atomic = e.op in ("var", "num", "dim", "ones", "zero", "eye") or (
            e.op not in ("mm", "had", "add", "mul", "pow") or context == "add"
            and e.op != "add")
        return text if atomic and not text.startswith("-") else f"({text})"


def _letters_from(variables: dict, letters: set) -> list:
    """Lines reading each needed dimension letter from an argument's shape."""
    lines, found = [], set()
    for name in sorted(variables):
        for axis, d in enumerate(variables[name].shape):
            if d in letters and d not in found:
                lines.append(f"    {d} = {name}.shape[{axis}]")
                found.add(d)
    return lines


def source(r: Derived, language: str) -> str:
    """The unverified source of the function for the result ``r`` (see :func:`generate`).

    >>> from .engine import derive
    >>> from .expr import vector
    >>> print(source(derive(vector("x", "n").T @ vector("x", "n"), "x"), "jax").splitlines()[0])
    import jax
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    write = _Source(language)
    shown, names = r.named()
    local = [f"    {n} = {write(d)}" for n, d in names]
    body = write(shown)
    extra = [r.direction] if r.kind != "gradient" and r.direction is not None else []
    arguments = sorted(r.variables) + [v.name for v in extra]
    everything = {**r.variables, **{v.name: v for v in extra}}
    name = {"gradient": "gradient", "differential": "differential",
            "hessian": "hessian_vector_product"}[r.kind] + f"_{r.variable.name}"
    imports = ["import jax", "import jax.numpy as jnp"] if language == "jax" else \
        ["import numpy as np"]
    lines = imports + ["", ""] + [_HELPERS[h] + "\n" for h in sorted(write.helpers)]
    lines += [f"def {name}({', '.join(arguments)}):",
              f'    """The {r.kind} of {r.function} with respect to {r.variable.name} '
              f'(matcalc.derive).', "", "    {checked}", '    """']
    lines += [f"    {v} = np.reshape({v}, ({'-1, 1' if everything[v].shape[1] == '1' and everything[v].shape[0] != '1' else '1, 1'}))"
              for v in arguments if "1" in everything[v].shape]
    lines += _letters_from(everything, write.letters) + local + [f"    return {body}"]
    text = "\n".join(lines).replace("\n\n\n\n", "\n\n\n")
    return re.sub(r"\bnp\.", "jnp.", text) if language == "jax" else text


def generate(r: Derived, language: str = "numpy") -> str:
    """The source of a function computing ``r``'s answer in ``language`` ("numpy" or
    "jax"), run against the derivation before it is returned (module docstring);
    ValueError for another language, DerivationFailed when the code disagrees.

    >>> from .engine import derive
    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> generate(derive(x.T @ x, "x"), "numpy").splitlines()[-1]
    '    return 2 * x'
    """
    from .codecheck import verify
    text = source(r, language)
    return text.replace("{checked}", verify(r, text, language))
