"""The multi-step derivations of the core chapters, each a checkable object.

The chapters display these (the rendered table is the derivation) and the tests check every
one, together with the slips in ``SLIPS``, which must fail at the step they name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..derivation import Derivation, Step, chain
from ..frobenius import frob
from ..ops import eye, hadamard, inv, kron, logdet, matrix_power, ones, ones_like, sigmoid, tr
from ..vec import vec

if TYPE_CHECKING:
    from ..types import Matrix, Scalar

__all__ = ["quadratic_inverse", "logdet_gram", "sigmoid_sum", "trace_power", "bilinear",
           "trace_product", "bias", "left_factor", "kronecker_gradient", "quadratic_as_frob",
           "three_moves", "DERIVATIONS", "SLIPS"]


def quadratic_inverse(slipped: bool = False) -> Derivation:
    """lambda(X) = a^T X^{-1} b: gradient -X^{-T} a b^T X^{-T}. ``slipped=True`` drops the
    transposes in the last step, as is easy to do.

    >>> quadratic_inverse().check().passed, quadratic_inverse(True).check().failed[0]
    (True, 'link 3')
    """
    def value(a: Matrix, X: Matrix, b: Matrix) -> Scalar:
        return (a.T @ inv(X) @ b)[0, 0]

    steps = [
        Step(r"a^\T \d(X^{-1})\, b",
             lambda a, X, b, dX: (a.T @ (-inv(X) @ dX @ inv(X)) @ b)[0, 0],
             "$a$, $b$ constant"),
        Step(r"-a^\T X^{-1}\d X\, X^{-1} b",
             lambda a, X, b, dX: -(a.T @ inv(X) @ dX @ inv(X) @ b)[0, 0],
             r"{prf:ref}`thm-inverse`"),
        Step(r"-(X^{-\T} a)(X^{-1}b)^\T : \d X",
             lambda a, X, b, dX: -frob((inv(X).T @ a) @ (inv(X) @ b).T, dX),
             r"$u^\T M v = u v^\T : M$"),
    ]
    if slipped:
        steps.append(Step(r"-X^{-1} a b^\T X^{-1} : \d X",
                          lambda a, X, b, dX: -frob(inv(X) @ a @ b.T @ inv(X), dX),
                          "transposes dropped"))
        gradient = lambda a, X, b: -inv(X) @ a @ b.T @ inv(X)
    else:
        steps.append(Step(r"-X^{-\T} a b^\T X^{-\T} : \d X",
                          lambda a, X, b, dX: -frob(inv(X).T @ a @ b.T @ inv(X).T, dX),
                          r"$(X^{-1}b)^\T = b^\T X^{-\T}$"))
        gradient = lambda a, X, b: -inv(X).T @ a @ b.T @ inv(X).T
    return Derivation("a^T X^-1 b" + (" (slipped)" if slipped else ""),
                      {"a": "n1", "X": "nn", "b": "n1"}, "X", value, steps,
                      gradient=gradient, start=r"\d\lambda",
                      exact_sizes={"n": 2}, numeric_sizes={"n": 6})


def logdet_gram() -> Derivation:
    """lambda(X) = log det(X^T X) for tall X: gradient 2 X (X^T X)^{-1}.

    >>> logdet_gram().check().passed
    True
    """
    return Derivation(
        "log det(X^T X)", {"X": "mn"}, "X", lambda X: logdet(X.T @ X),
        [Step(r"\tr\bigl((X^\T X)^{-1}\d(X^\T X)\bigr)",
              lambda X, dX: tr(inv(X.T @ X) @ (dX.T @ X + X.T @ dX)), "log-determinant rule"),
         Step(r"\tr\bigl((X^\T X)^{-1}(\d X)^\T X\bigr) + \tr\bigl((X^\T X)^{-1}X^\T \d X\bigr)",
              lambda X, dX: tr(inv(X.T @ X) @ dX.T @ X) + tr(inv(X.T @ X) @ X.T @ dX),
              "product rule, linearity of the trace"),
         Step(r"2\tr\bigl((X^\T X)^{-1}X^\T \d X\bigr)",
              lambda X, dX: 2 * tr(inv(X.T @ X) @ X.T @ dX), "transpose, symmetry, cyclic trace"),
         Step(r"2X(X^\T X)^{-1} : \d X", lambda X, dX: 2 * frob(X @ inv(X.T @ X), dX),
              "trace form of $:$")],
        gradient=lambda X: 2 * X @ inv(X.T @ X), start=r"\d\lambda",
        exact_sizes={"m": 3, "n": 2}, numeric_sizes={"m": 8, "n": 3})


def _dsigmoid(Z: Matrix) -> Matrix:
    s = sigmoid(Z)
    return hadamard(s, ones_like(Z) - s)


def sigmoid_sum() -> Derivation:
    """lambda(X) = 1^T sigma(X w): gradient sigma'(X w) w^T.

    >>> sigmoid_sum().check().passed
    True
    """
    return Derivation(
        "1^T sigma(Xw)", {"X": "mn", "w": "n1"}, "X",
        lambda X, w: frob(ones(X.shape[0], 1, X), sigmoid(X @ w)),
        [Step(r"\mathbf 1^\T\bigl(\sigma'(Xw)\had \d X\,w\bigr)",
              lambda X, w, dX: frob(ones(X.shape[0], 1, X), hadamard(_dsigmoid(X @ w), dX @ w)),
              "elementwise rule, chain rule"),
         Step(r"\sigma'(Xw) : (\d X\, w)", lambda X, w, dX: frob(_dsigmoid(X @ w), dX @ w),
              r"$\mathbf 1^\T(a\had b) = a : b$"),
         Step(r"\sigma'(Xw)\,w^\T : \d X", lambda X, w, dX: frob(_dsigmoid(X @ w) @ w.T, dX),
              "move $w$ across")],
        gradient=lambda X, w: _dsigmoid(X @ w) @ w.T, start=r"\d\lambda",
        exact_sizes={"m": 2, "n": 2}, numeric_sizes={"m": 7, "n": 4})


def trace_power() -> Derivation:
    """lambda(X) = tr(X^4): the trace lets the factors commute, gradient 4 (X^3)^T.

    >>> trace_power().check().passed
    True
    """
    return Derivation(
        "tr(X^4)", {"X": "nn"}, "X", lambda X: tr(matrix_power(X, 4)),
        [Step(r"\sum_{j=0}^{3}\tr\bigl(X^j\,\d X\,X^{3-j}\bigr)",
              lambda X, dX: sum(tr(matrix_power(X, j) @ dX @ matrix_power(X, 3 - j)) for j in range(4)),
              "{prf:ref}`thm-powers`, linearity of the trace"),
         Step(r"4\tr(X^3\,\d X)", lambda X, dX: 4 * tr(matrix_power(X, 3) @ dX), "cyclic trace"),
         Step(r"4(X^3)^\T : \d X", lambda X, dX: 4 * frob(matrix_power(X, 3).T, dX), "trace form of $:$")],
        gradient=lambda X: 4 * matrix_power(X, 3).T, start=r"\d\lambda",
        exact_sizes={"n": 2}, numeric_sizes={"n": 5})


def bilinear() -> Derivation:
    """lambda(X) = a^T X b: gradient a b^T (the shape of X).

    >>> bilinear().check().passed
    True
    """
    return Derivation(
        "a^T X b", {"a": "m1", "X": "mn", "b": "n1"}, "X", lambda a, X, b: (a.T @ X @ b)[0, 0],
        [Step(r"a^\T\,\d X\, b", lambda a, X, b, dX: (a.T @ dX @ b)[0, 0], "linear in $X$"),
         Step(r"a b^\T : \d X", lambda a, X, b, dX: frob(a @ b.T, dX),
              r"$u^\T M v = u v^\T : M$")],
        gradient=lambda a, X, b: a @ b.T, start=r"\d\lambda",
        exact_sizes={"m": 2, "n": 3}, numeric_sizes={"m": 5, "n": 4})


def trace_product(wrong_order: bool = False) -> Derivation:
    """lambda(X) = tr(A X B): gradient A^T B^T. ``wrong_order=True`` reads off B A.

    >>> trace_product().check().passed, trace_product(True).check().failed[0]
    (True, 'link 2')
    """
    last = (Step(r"BA : \d X", lambda A, X, B, dX: frob(B @ A, dX), r"forgot the transpose")
            if wrong_order else
            Step(r"A^\T B^\T : \d X", lambda A, X, B, dX: frob(A.T @ B.T, dX),
                 r"$\tr(M\,\d X) = M^\T : \d X$"))
    return Derivation(
        "tr(AXB)" + (" (wrong order)" if wrong_order else ""),
        {"A": "pm", "X": "mn", "B": "np"}, "X", lambda A, X, B: tr(A @ X @ B),
        [Step(r"\tr(A\,\d X\,B)", lambda A, X, B, dX: tr(A @ dX @ B), "linear in $X$"),
         Step(r"\tr(BA\,\d X)", lambda A, X, B, dX: tr(B @ A @ dX), "cyclic trace"),
         last],
        gradient=(lambda A, X, B: B @ A) if wrong_order else (lambda A, X, B: A.T @ B.T),
        start=r"\d\lambda",
        exact_sizes={"p": 2, "m": 2, "n": 2} if wrong_order else {"p": 2, "m": 3, "n": 2},
        numeric_sizes={"p": 4, "m": 4, "n": 4} if wrong_order else {"p": 3, "m": 5, "n": 4})


def _bias_loss(W: Matrix, X: Matrix, Y: Matrix, b: Matrix) -> Scalar:
    R = W @ X + b @ ones(1, X.shape[1], X) - Y
    return frob(R, R) / 2


def bias() -> Derivation:
    """L = 1/2 ||W X + b 1^T - Y||^2: gradient in b is (Y_hat - Y) 1.

    >>> bias().check().passed
    True
    """
    def residual(W: Matrix, X: Matrix, Y: Matrix, b: Matrix) -> Matrix:
        return W @ X + b @ ones(1, X.shape[1], X) - Y

    return Derivation(
        "bias", {"W": "mn", "X": "nk", "Y": "mk", "b": "m1"}, "b", _bias_loss,
        [Step(r"(\hat Y - Y) : (\d b\,\mathbf 1^\T)",
              lambda W, X, Y, b, db: frob(residual(W, X, Y, b), db @ ones(1, X.shape[1], X)),
              r"as in {prf:ref}`thm-linear-gradient`, $\d\hat Y = \d b\,\mathbf 1^\T$"),
         Step(r"(\hat Y - Y)\mathbf 1 : \d b",
              lambda W, X, Y, b, db: frob(residual(W, X, Y, b) @ ones(X.shape[1], 1, X), db),
              r"move $\mathbf 1^\T$ across")],
        gradient=lambda W, X, Y, b: residual(W, X, Y, b) @ ones(X.shape[1], 1, X),
        start=r"\d L", exact_sizes={"m": 2, "n": 2, "k": 3},
        numeric_sizes={"m": 4, "n": 3, "k": 6})


def left_factor() -> Derivation:
    """L = 1/2 ||A X - Y||^2 in X: gradient A^T (A X - Y).

    >>> left_factor().check().passed
    True
    """
    def loss(A: Matrix, X: Matrix, Y: Matrix) -> Scalar:
        return frob(A @ X - Y, A @ X - Y) / 2

    return Derivation(
        "1/2 ||AX - Y||^2", {"A": "pm", "X": "mk", "Y": "pk"}, "X", loss,
        [Step(r"(AX - Y) : (A\,\d X)", lambda A, X, Y, dX: frob(A @ X - Y, A @ dX),
              r"$\d\,\tfrac12 R:R = R:\d R$"),
         Step(r"A^\T(AX - Y) : \d X", lambda A, X, Y, dX: frob(A.T @ (A @ X - Y), dX),
              "move $A$ across, transposed")],
        gradient=lambda A, X, Y: A.T @ (A @ X - Y), start=r"\d L",
        exact_sizes={"p": 2, "m": 2, "k": 2}, numeric_sizes={"p": 3, "m": 2, "k": 4})


def kronecker_gradient() -> Derivation:
    """vec of the least-squares gradient through the Kronecker Jacobian, as a chain.

    >>> kronecker_gradient().check().passed
    True
    """
    def r(W: Matrix, X: Matrix, Y: Matrix) -> Matrix:
        return W @ X - Y

    return chain(
        "Kronecker route", {"W": "mn", "X": "nk", "Y": "mk"},
        [Step(r"(X^\T\kron I_m)^\T \vec(\hat Y - Y)",
              lambda W, X, Y: kron(X.T, eye(W.shape[0], W)).T @ vec(r(W, X, Y))),
         Step(r"(X\kron I_m)\vec(\hat Y - Y)",
              lambda W, X, Y: kron(X, eye(W.shape[0], W)) @ vec(r(W, X, Y)),
              r"$(A\kron B)^\T = A^\T\kron B^\T$"),
         Step(r"\vec\bigl(I_m(\hat Y - Y)X^\T\bigr)",
              lambda W, X, Y: vec(eye(W.shape[0], W) @ r(W, X, Y) @ X.T),
              "{prf:ref}`thm-vec-kron`"),
         Step(r"\vec\bigl((\hat Y - Y)X^\T\bigr)", lambda W, X, Y: vec(r(W, X, Y) @ X.T),
              "")],
        exact_sizes={"m": 2, "n": 2, "k": 3}, numeric_sizes={"m": 4, "n": 3, "k": 5})


def quadratic_as_frob() -> Derivation:
    """x^T A y = tr(A y x^T) = (x y^T):A, a chain of equalities.

    >>> quadratic_as_frob().check().passed
    True
    """
    return chain(
        "x^T A y", {"x": "m1", "A": "mn", "y": "n1"},
        [Step(r"x^\T A y", lambda x, A, y: (x.T @ A @ y)[0, 0]),
         Step(r"\tr(x^\T A y)", lambda x, A, y: tr(x.T @ A @ y), "a scalar is its trace"),
         Step(r"\tr(A y x^\T)", lambda x, A, y: tr(A @ y @ x.T), "cyclic trace"),
         Step(r"(xy^\T) : A", lambda x, A, y: frob(x @ y.T, A),
              r"$\tr(M^\T N) = M : N$ with $M = x y^\T$")],
        exact_sizes={"m": 2, "n": 3}, numeric_sizes={"m": 5, "n": 4})


def three_moves() -> Derivation:
    """(A X B):C = (X B):(A^T C) = X:(A^T C B^T), a chain of equalities.

    >>> three_moves().check().passed
    True
    """
    return chain(
        "(AXB):C", {"A": "mn", "X": "np", "B": "pq", "C": "mq"},
        [Step(r"(AXB) : C", lambda A, X, B, C: frob(A @ X @ B, C)),
         Step(r"(XB) : (A^\T C)", lambda A, X, B, C: frob(X @ B, A.T @ C),
              "move $A$ across"),
         Step(r"X : (A^\T C B^\T)", lambda A, X, B, C: frob(X, A.T @ C @ B.T),
              "move $B$ across")],
        exact_sizes={"m": 2, "n": 2, "p": 3, "q": 2},
        numeric_sizes={"m": 5, "n": 3, "p": 4, "q": 6})


DERIVATIONS = {f.__name__: f for f in (quadratic_inverse, logdet_gram, sigmoid_sum,
                                        trace_power, bilinear, trace_product, bias,
                                        left_factor, kronecker_gradient, quadratic_as_frob,
                                        three_moves)}

# Slips shown in the chapters: factory and the index of the link that must be named.
SLIPS = {"quadratic_inverse": (lambda: quadratic_inverse(slipped=True), 3),
         "trace_product": (lambda: trace_product(wrong_order=True), 2)}
