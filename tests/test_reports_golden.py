"""The printed reports, word for word: a derivation that passes and one with a wrong step
(plain text and Markdown), an identity disproved and proved, and
failing gradient, differential and Hessian checks and a float32 one. Measured numbers (relative
differences, errors, evaluation counts) are masked as '#': they depend on the machine's floating point; the
words, marks, counts, sizes and exact counter-examples do not. A change of wording is then a
deliberate edit of tests/golden/reports.txt (regenerate with MATCALC_REGENERATE_GOLDEN=1)."""

import os
import re
from pathlib import Path

import numpy as np
import sympy as sp

from matcalc import check_differential, check_gradient, check_hessian, frob
from matcalc.derivation import Derivation, Step, chain
from matcalc.symbolic import matrix, verify

GOLDEN = Path(__file__).parent / "golden" / "reports.txt"


def _derivation(wrong):
    second = ((lambda A, x, dx: frob((A + A) @ x, dx)) if wrong
              else (lambda A, x, dx: frob((A + A.T) @ x, dx)))
    return Derivation(
        "x^T A x", {"A": "nn", "x": "n1"}, "x", function=lambda A, x: (x.T @ A @ x)[0, 0],
        steps=[Step(r"\d x^\T A x + x^\T A \d x",
                    lambda A, x, dx: frob(dx, A @ x) + frob(x, A @ dx), why="product rule"),
               Step(r"(A + A^\T)x : \d x", second, why="moving factors")],
        gradient=lambda A, x: (A + A.T) @ x, exact_sizes={"n": 2}, numeric_sizes={"n": 3})


def reports():
    parts = []
    for wrong in (False, True):
        result = _derivation(wrong).check()
        parts += [str(result), result._repr_markdown_()]
    general = Derivation("tr(AS)", {"A": "nn", "S": "nn"}, "S", lambda A, S: (A @ S).trace(),
                         [Step(r"\tfrac12 (A + A^\T) : \d S",
                               lambda A, S, dS: frob((A + A.T) / 2, dS))],
                         numeric_sizes={"n": 3})  # right only for a symmetric S
    result = general.check()
    parts += [str(result), result._repr_markdown_()]
    norm = chain("norm", {"x": "n1"}, [Step(r"\|x\|^2", lambda x: frob(x, x)),
                                      Step(r"x^\T x", lambda x: (x.T @ x)[0, 0], "definition"),
                                      Step(r"|x|^2", lambda x: frob(x, x), "entries")],
                 exact_sizes={"n": 2}, numeric_sizes={"n": 3})
    result = norm.check()
    parts += [str(result), result._repr_markdown_()]
    A, B = matrix("A", 2), matrix("B", 2)
    parts += [str(verify(A @ B, B @ A)), str(verify(A + B, B + A))]
    x, y, z = sp.symbols("x y z", real=True)
    parts += [str(verify(x * y + x * z, 0)),  # factored when short: x*(y + z)
              str(verify(2 * sp.tanh(x * y), sp.tanh(x * y))),  # a 15-digit counter-example
              str(verify(1 / (x - 2) + 1 / (y + 3), 0))]  # the first probe point is a pole
    X = np.array([[1.0, 2.0], [0.5, 3.0]])
    parts += [str(check_gradient(lambda X: np.sum(X ** 3), lambda X: 3 * X ** 2 + 1e-3, X)),
              str(check_differential(lambda X: X @ X, lambda X, dX: 2 * X @ dX, X)),
              str(check_hessian(lambda x: x[0] * x[1] ** 2, np.array([1.0, 2.0]),
                                hessian=lambda x: np.array([[0.0, 2 * x[1]], [0.0, 2 * x[0]]]))),
              str(check_gradient(lambda X: np.float32(np.sum(X ** 3)), lambda X: 3 * X ** 2,
                                 X, rtol=1e-12))]
    text = "\n----\n".join(parts) + "\n"
    text = re.sub(r"-?\d+(\.\d+)?e[+-]\d+", "#", text)
    return re.sub(r"\d+ evaluations", "# evaluations", text)


def test_reports_word_for_word():
    text = reports()
    if os.environ.get("MATCALC_REGENERATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
