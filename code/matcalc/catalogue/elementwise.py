"""Hadamard products and elementwise functions: exp, log, tanh, sigmoid, softmax and
logsumexp."""

import numpy as np

from ..backend import is_symbolic
from ..frobenius import frob
from ..ops import exp, hadamard, log, ones, ones_like, sigmoid, softmax, tanh
from .entry import differential, gradient

SECTION = "Hadamard products and elementwise functions"
ENTRIES = (
    gradient(
        name="1^T (A o X) 1",
        latex=r"\mathbf 1^\T(A\had X)\mathbf 1 = A : X",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        f=lambda A, X: frob(A, X),
        grad=lambda A, X: A,
    ),
    gradient(
        name="A : (X o X)",
        latex=r"A : (X\had X)",
        result=r"2A\had X",
        shapes={"A": "mn", "X": "mn"},
        f=lambda A, X: frob(A, hadamard(X, X)),
        grad=lambda A, X: 2 * hadamard(A, X),
    ),
    gradient(
        name="sum exp(X)",
        latex=r"\mathbf 1^\T \exp(X)\,\mathbf 1",
        result=r"\exp(X)",
        shapes={"X": "mn"},
        f=lambda X: frob(ones_like(X), exp(X)),
        grad=lambda X: exp(X),
    ),
    gradient(
        name="sum log(X)",
        latex=r"\mathbf 1^\T \log(X)\,\mathbf 1",
        result=r"1/X \text{ (entrywise)}",
        shapes={"X": "mn"},
        kinds={"X": "positive"},
        conditions="$X > 0$ entrywise",
        f=lambda X: frob(ones_like(X), log(X)),
        grad=lambda X: X.applyfunc(lambda x: 1 / x) if is_symbolic(X) else 1 / X,
    ),
    gradient(
        name="sum tanh(Xw)",
        latex=r"\mathbf 1^\T\tanh(Xw)",
        result=r"\bigl(1 - \tanh^2(Xw)\bigr)w^\T",
        shapes={"X": "mn", "w": "n1"},
        f=lambda X, w: frob(ones(X.shape[0], 1, X), tanh(X @ w)),
        grad=lambda X, w: (ones(X.shape[0], 1, X) - hadamard(tanh(X @ w), tanh(X @ w))) @ w.T,
    ),
    gradient(
        name="logsumexp",
        latex=r"\log \mathbf 1^\T\exp(z)",
        result=r"\operatorname{softmax}(z)",
        shapes={"z": "n1"},
        variable="z",
        f=lambda z: log(frob(ones(z.shape[0], 1, z), exp(z)))
          if is_symbolic(z) else float(np.log(np.sum(np.exp(z)))),
        grad=lambda z: softmax(z),
    ),
    gradient(
        name="softmax cross-entropy",
        latex=r"-y^\T\log\operatorname{softmax}(z)",
        result=r"(\mathbf 1^\T y)\operatorname{softmax}(z) - y",
        shapes={"z": "n1", "y": "n1"},
        variable="z",
        f=lambda z, y: -frob(y, log(softmax(z))),
        grad=lambda z, y: frob(ones(y.shape[0], 1, y), y) * softmax(z) - y,
        note="$\\operatorname{softmax}(z) - y$ when $y$ is a probability vector",
    ),
    gradient(
        name="1^T sigma(Xw)",
        latex=r"\mathbf 1^\T\sigma(Xw)",
        result=r"\sigma'(Xw)\,w^\T",
        shapes={"X": "mn", "w": "n1"},
        f=lambda X, w: frob(ones(X.shape[0], 1, X), sigmoid(X @ w)),
        grad=lambda X, w: hadamard(sigmoid(X @ w), ones(X.shape[0], 1, X) - sigmoid(X @ w)) @ w.T,
    ),
    differential(
        name="d(X o X)",
        latex=r"X\had X",
        result=r"2X\had\d X",
        shapes={"X": "mn"},
        f=lambda X: hadamard(X, X),
        diff=lambda X, dX: 2 * hadamard(X, dX),
    ),
    differential(
        name="d exp(X)",
        latex=r"\exp(X)",
        result=r"\exp(X)\had\d X",
        shapes={"X": "mn"},
        f=lambda X: exp(X),
        diff=lambda X, dX: hadamard(exp(X), dX),
    ),
    differential(
        name="d tanh(X)",
        latex=r"\tanh(X)",
        result=r"\bigl(1 - \tanh^2(X)\bigr)\had\d X",
        shapes={"X": "mn"},
        f=lambda X: tanh(X),
        diff=lambda X, dX: hadamard(ones_like(X) - hadamard(tanh(X), tanh(X)),
                                    dX),
    ),
)
