"""Hadamard products and elementwise functions: exp, log, tanh, sigmoid, softmax and
logsumexp."""

import numpy as np

from ..backend import is_symbolic
from ..frobenius import frob
from ..ops import exp, hadamard, log, ones, ones_like, sigmoid, softmax, tanh
from ..claim import Claim
from ..registry import register_all

SECTION = "Hadamard products and elementwise functions"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="1^T (A o X) 1",
        latex=r"\mathbf 1^\T(A\had X)\mathbf 1",
        alias=r"A : X",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        function=lambda A, X: frob(A, X),
        claim=lambda A, X: A,
    ),
    Claim(
        kind="gradient",
        name="A : (X o X)",
        latex=r"A : (X\had X)",
        result=r"2A\had X",
        shapes={"A": "mn", "X": "mn"},
        function=lambda A, X: frob(A, hadamard(X, X)),
        claim=lambda A, X: 2 * hadamard(A, X),
    ),
    Claim(
        kind="gradient",
        name="sum exp(X)",
        latex=r"\mathbf 1^\T \exp(X)\,\mathbf 1",
        result=r"\exp(X)",
        shapes={"X": "mn"},
        function=lambda X: frob(ones_like(X), exp(X)),
        claim=lambda X: exp(X),
    ),
    Claim(
        kind="gradient",
        name="sum log(X)",
        latex=r"\mathbf 1^\T \log(X)\,\mathbf 1",
        result=r"1/X \text{ (entrywise)}",
        shapes={"X": "mn"},
        kinds={"X": "positive"},
        conditions="$X > 0$ entrywise",
        function=lambda X: frob(ones_like(X), log(X)),
        claim=lambda X: X.applyfunc(lambda x: 1 / x) if is_symbolic(X) else 1 / X,
    ),
    Claim(
        kind="gradient",
        name="sum tanh(Xw)",
        latex=r"\mathbf 1^\T\tanh(Xw)",
        result=r"\bigl(1 - \tanh^2(Xw)\bigr)w^\T",
        shapes={"X": "mn", "w": "n1"},
        function=lambda X, w: frob(ones(X.shape[0], 1, X), tanh(X @ w)),
        claim=lambda X, w: (ones(X.shape[0], 1, X) - hadamard(tanh(X @ w), tanh(X @ w))) @ w.T,
    ),
    Claim(
        kind="gradient",
        name="logsumexp",
        latex=r"\log \mathbf 1^\T\exp(z)",
        result=r"\operatorname{softmax}(z)",
        shapes={"z": "n1"},
        wrt="z",
        function=lambda z: log(frob(ones(z.shape[0], 1, z), exp(z)))
          if is_symbolic(z) else float(np.log(np.sum(np.exp(z)))),
        claim=lambda z: softmax(z),
    ),
    Claim(
        kind="gradient",
        name="softmax cross-entropy",
        latex=r"-y^\T\log\operatorname{softmax}(z)",
        result=r"(\mathbf 1^\T y)\operatorname{softmax}(z) - y",
        shapes={"z": "n1", "y": "n1"},
        wrt="z",
        function=lambda z, y: -frob(y, log(softmax(z))),
        claim=lambda z, y: frob(ones(y.shape[0], 1, y), y) * softmax(z) - y,
        note="$\\operatorname{softmax}(z) - y$ when $y$ is a probability vector",
    ),
    Claim(
        kind="gradient",
        name="1^T sigma(Xw)",
        latex=r"\mathbf 1^\T\sigma(Xw)",
        result=r"\sigma'(Xw)\,w^\T",
        shapes={"X": "mn", "w": "n1"},
        function=lambda X, w: frob(ones(X.shape[0], 1, X), sigmoid(X @ w)),
        claim=lambda X, w: hadamard(sigmoid(X @ w), ones(X.shape[0], 1, X) - sigmoid(X @ w)) @ w.T,
    ),
    Claim(
        kind="differential",
        name="d(X o X)",
        latex=r"X\had X",
        result=r"2X\had\d X",
        shapes={"X": "mn"},
        function=lambda X: hadamard(X, X),
        claim=lambda X, dX: 2 * hadamard(X, dX),
    ),
    Claim(
        kind="differential",
        name="d exp(X)",
        latex=r"\exp(X)",
        result=r"\exp(X)\had\d X",
        shapes={"X": "mn"},
        function=lambda X: exp(X),
        claim=lambda X, dX: hadamard(exp(X), dX),
    ),
    Claim(
        kind="differential",
        name="d tanh(X)",
        latex=r"\tanh(X)",
        result=r"\bigl(1 - \tanh^2(X)\bigr)\had\d X",
        shapes={"X": "mn"},
        function=lambda X: tanh(X),
        claim=lambda X, dX: hadamard(ones_like(X) - hadamard(tanh(X), tanh(X)),
                                    dX),
    ),
))
