"""The pitfalls of the chain-rule chapter: each a function, its gradient, and a tempting
wrong gradient that the checks must reject.

* :func:`square_loss`: L = 1/2 ||X^2 - Y||_F^2. The scalar rule d(X^2) = 2X dX gives a wrong
  gradient; the matrix rule d(X^2) = dX X + X dX gives the right one.
* :func:`trace_product`: tr(A X B). Its gradient is A^T B^T; the factors in the wrong order
  (B A, or A B without transposes) have the right shape when everything is square.
* Layouts: :func:`numerator_layout_derivative` is dL/dW in numerator layout, the transpose
  of the gradient. Used as a gradient it fails, silently when W is square.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np  # noqa: F401 - used by the docstring examples

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..ops import tr

if TYPE_CHECKING:
    from ..types import Matrix, Scalar

__all__ = ["square_loss", "square_loss_gradient", "square_loss_scalar_style_gradient",
           "square_loss_derivation", "trace_product", "trace_product_gradient",
           "trace_product_wrong_order", "numerator_layout_derivative"]


def square_loss(X: Matrix, Y: Matrix) -> Scalar:
    """L = 1/2 ||X X - Y||_F^2 for square X and Y.

    >>> square_loss(np.eye(2), np.eye(2))
    0.0
    """
    R = X @ X - Y
    return frob(R, R) / 2


def square_loss_gradient(X: Matrix, Y: Matrix) -> Matrix:
    """grad L = R X^T + X^T R with R = X^2 - Y, from dL = R:(dX X + X dX).

    >>> from matcalc import check_gradient
    >>> X, Y = np.array([[1., 2.], [0., 1.]]), np.eye(2)
    >>> check_gradient(lambda X: square_loss(X, Y), lambda X: square_loss_gradient(X, Y), X).passed
    True
    """
    R = X @ X - Y
    return R @ X.T + X.T @ R


def square_loss_scalar_style_gradient(X: Matrix, Y: Matrix) -> Matrix:
    """The wrong gradient from d(X^2) = 2X dX: 2 X^T R. It is right only when X and R commute.

    >>> from matcalc import check_gradient
    >>> X, Y = np.array([[1., 2.], [0., 1.]]), np.eye(2)
    >>> check_gradient(lambda X: square_loss(X, Y),
    ...                lambda X: square_loss_scalar_style_gradient(X, Y), X).passed
    False
    """
    return 2 * X.T @ (X @ X - Y)


def square_loss_derivation(scalar_style: bool = False) -> Derivation:
    """The derivation of :func:`square_loss_gradient`; ``scalar_style=True`` takes the wrong
    step d(X^2) = 2X dX, which the check names.

    >>> square_loss_derivation().check().passed, square_loss_derivation(True).check().failed[0]
    (True, 'link 1')
    """
    if scalar_style:
        middle = Step(r"(X^2 - Y) : (2X\,\d X)", lambda X, Y, dX: frob(X @ X - Y, 2 * X @ dX),
                      r"$\d(X^2) = 2X\,\d X$ (scalar rule, wrong)")
        last = Step(r"2X^\T(X^2 - Y) : \d X", lambda X, Y, dX: frob(2 * X.T @ (X @ X - Y), dX),
                    "move $2X$ across")
        grad = square_loss_scalar_style_gradient
    else:
        middle = Step(r"(X^2 - Y) : (\d X\,X + X\,\d X)",
                      lambda X, Y, dX: frob(X @ X - Y, dX @ X + X @ dX),
                      r"$\d(X^2) = \d X\,X + X\,\d X$")
        last = Step(r"\bigl((X^2 - Y)X^\T + X^\T(X^2 - Y)\bigr) : \d X",
                    lambda X, Y, dX: frob((X @ X - Y) @ X.T + X.T @ (X @ X - Y), dX),
                    "move each factor across")
        grad = square_loss_gradient
    return Derivation(
        "1/2 ||X^2 - Y||^2" + (" (scalar-style)" if scalar_style else ""),
        {"X": "nn", "Y": "nn"}, "X", square_loss,
        [Step(r"(X^2 - Y) : \d(X^2)", lambda X, Y, dX: frob(X @ X - Y, dX @ X + X @ dX),
              r"$\d\,\tfrac12 R:R = R:\d R$"),
         middle, last],
        gradient=grad, start=r"\d L", exact_sizes={"n": 2}, numeric_sizes={"n": 6})


def trace_product(A: Matrix, X: Matrix, B: Matrix) -> Scalar:
    """tr(A X B) for A (p x m), X (m x n), B (n x p).

    >>> trace_product(np.eye(2), np.eye(2), np.eye(2))
    2.0
    """
    return tr(A @ X @ B)


def trace_product_gradient(A: Matrix, X: Matrix, B: Matrix) -> Matrix:
    """grad_X tr(A X B) = A^T B^T, from d tr(AXB) = tr(A dX B) = A^T B^T : dX.

    >>> from matcalc import check_gradient
    >>> rng = np.random.default_rng(0)
    >>> A, X, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    >>> check_gradient(lambda X: trace_product(A, X, B),
    ...                lambda X: trace_product_gradient(A, X, B), X).passed
    True
    """
    return A.T @ B.T


def trace_product_wrong_order(A: Matrix, X: Matrix, B: Matrix) -> Matrix:
    """B A: the factors of tr(A dX B) = tr(B A dX) read off in the wrong layout (B A is the
    transpose of the gradient). Same shape as X when everything is square.

    >>> from matcalc import check_gradient
    >>> rng = np.random.default_rng(0)
    >>> A, X, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    >>> check_gradient(lambda X: trace_product(A, X, B),
    ...                lambda X: trace_product_wrong_order(A, X, B), X).passed
    False
    """
    return B @ A


def numerator_layout_derivative(W: Matrix, X: Matrix, Y: Matrix) -> Matrix:
    """dL/dW of L = 1/2 ||WX - Y||^2 in numerator layout: n x m, the transpose of the gradient.

    >>> W, X, Y = np.ones((2, 3)), np.ones((3, 4)), np.zeros((2, 4))
    >>> numerator_layout_derivative(W, X, Y).shape
    (3, 2)
    """
    return X @ (W @ X - Y).T
