"""A two-layer network, affine - elementwise nonlinearity - affine, with squared loss.

A1 = W1 X + b1 1^T,  H = tanh(A1),  Y_hat = W2 H + b2 1^T,  L = 1/2 ||Y_hat - Y||_F^2,

with samples as columns. Backpropagation is the chain rule for differentials applied from
the loss backwards: each layer turns the gradient with respect to its output into
gradients with respect to its parameters and its input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..derivation import Derivation, Step
from ..frobenius import frob
from ..ops import hadamard, ones, ones_like, tanh

if TYPE_CHECKING:
    from ..types import Array, Env, Matrix, Scalar

__all__ = ["sample", "forward", "loss", "backprop", "derivation", "PARAMETERS"]

PARAMETERS = ("W1", "b1", "W2", "b2")
SHAPES = {"W1": "hn", "b1": "h1", "W2": "mh", "b2": "m1", "X": "nk", "Y": "mk"}


def sample(n: int = 3, h: int = 4, m: int = 2, k: int = 5, seed: int = 0) -> dict[str, Array]:
    """Random parameters and data as a dict: W1 (h x n), b1 (h x 1), W2 (m x h), b2 (m x 1),
    X (n x k), Y (m x k).

    >>> p = sample()
    >>> {k: v.shape for k, v in p.items()}["W1"]
    (4, 3)
    """
    rng = np.random.default_rng(seed)
    dims = {"n": n, "h": h, "m": m, "k": k, "1": 1}
    return {name: rng.standard_normal((dims[s[0]], dims[s[1]])) for name, s in SHAPES.items()}


def forward(W1: Matrix, b1: Matrix, W2: Matrix, b2: Matrix, X: Matrix
            ) -> tuple[Matrix, Matrix, Matrix]:
    """(A1, H, Y_hat) for the input X.

    >>> p = sample()
    >>> forward(p["W1"], p["b1"], p["W2"], p["b2"], p["X"])[2].shape
    (2, 5)
    """
    one = ones(1, X.shape[1], X)
    A1 = W1 @ X + b1 @ one
    H = tanh(A1)
    return A1, H, W2 @ H + b2 @ one


def loss(W1: Matrix, b1: Matrix, W2: Matrix, b2: Matrix, X: Matrix, Y: Matrix) -> Scalar:
    """1/2 ||Y_hat - Y||_F^2.

    >>> p = sample()
    >>> loss(**p) > 0
    True
    """
    R = forward(W1, b1, W2, b2, X)[2] - Y
    return frob(R, R) / 2


def _parts(W1: Matrix, b1: Matrix, W2: Matrix, b2: Matrix, X: Matrix, Y: Matrix
           ) -> tuple[Matrix, Matrix, Matrix]:
    """H, G2 = Y_hat - Y and G1 = (W2^T G2) o (1 - H o H)."""
    _, H, Y_hat = forward(W1, b1, W2, b2, X)
    G2 = Y_hat - Y
    return H, G2, hadamard(W2.T @ G2, ones_like(H) - hadamard(H, H))


def backprop(W1: Matrix, b1: Matrix, W2: Matrix, b2: Matrix, X: Matrix, Y: Matrix
             ) -> dict[str, Matrix]:
    """All four gradients, by parameter name, by differentials from the loss backwards:

    dL = G2 : dY_hat with G2 = Y_hat - Y, dY_hat = dW2 H + W2 dH + db2 1^T
       -> grad W2 = G2 H^T, grad b2 = G2 1, and G2 : W2 dH = W2^T G2 : dH;
    dH = (1 - H o H) o dA1  -> G1 = (W2^T G2) o (1 - H o H);
    dA1 = dW1 X + db1 1^T   -> grad W1 = G1 X^T, grad b1 = G1 1.

    >>> from matcalc import check_gradient
    >>> p = sample()
    >>> all(check_gradient(lambda V, k=k: loss(**{**p, k: V}), lambda V, k=k: backprop(**{**p, k: V})[k],
    ...                    p[k]).passed for k in PARAMETERS)
    True
    """
    H, G2, G1 = _parts(W1, b1, W2, b2, X, Y)
    one = ones(X.shape[1], 1, X)
    return {"W1": G1 @ X.T, "b1": G1 @ one, "W2": G2 @ H.T, "b2": G2 @ one}


def _vars(env: Env) -> Env:
    return {k: env[k] for k in SHAPES}


def _row_of_ones(env: Env) -> Matrix:
    return ones(1, env["X"].shape[1], env["X"])


def derivation(parameter: str = "W1") -> Derivation:
    """The gradient with respect to one ``parameter`` (a name in :data:`PARAMETERS`), step
    by step. Raises ValueError, naming it, for another name.

    >>> all(derivation(p).check().passed for p in PARAMETERS)
    True
    """
    if parameter not in PARAMETERS:
        raise ValueError(f"parameter must be one of {PARAMETERS}, got {parameter!r}")
    d = "d" + parameter

    def parts(env: Env) -> tuple[Matrix, Matrix, Matrix]:
        return _parts(**_vars(env))

    def right(env: Env) -> Matrix:
        """The factor multiplying the differential: X or H for weights, 1^T for biases."""
        if parameter == "W1":
            return env["X"]
        if parameter == "W2":
            return parts(env)[0]
        return _row_of_ones(env)

    if parameter in ("W2", "b2"):
        steps = [
            Step(r"G_2 : \d\hat Y",
                 lambda **env: frob(parts(env)[1], env[d] @ right(env)),
                 rf"$G_2 = \hat Y - Y$; $\d\hat Y = \d {parameter[0]}_2\,"
                 + (r"H$" if parameter == "W2" else r"\mathbf 1^\T$")),
            Step((r"G_2 H^\T : \d W_2" if parameter == "W2" else r"G_2\mathbf 1 : \d b_2"),
                 lambda **env: frob(parts(env)[1] @ right(env).T, env[d]),
                 "move the right factor across")]
    else:
        def d_a1(env: Env) -> Matrix:
            return env[d] @ right(env)

        def tanh_prime(env: Env) -> Matrix:
            H = parts(env)[0]
            return ones_like(H) - hadamard(H, H)

        steps = [
            Step(r"G_2 : W_2\,\d H",
                 lambda **env: frob(parts(env)[1], env["W2"] @ hadamard(tanh_prime(env),
                                                                        d_a1(env))),
                 r"$\d\hat Y = W_2\,\d H$ ($W_2$, $b_2$ fixed)"),
            Step(r"W_2^\T G_2 : \bigl((1 - H\had H)\had \d A_1\bigr)",
                 lambda **env: frob(env["W2"].T @ parts(env)[1],
                                    hadamard(tanh_prime(env), d_a1(env))),
                 r"move $W_2$; $\d\tanh(A) = (1 - \tanh^2 A)\had\d A$"),
            Step(r"G_1 : \d A_1", lambda **env: frob(parts(env)[2], d_a1(env)),
                 r"the Hadamard factor moves: $G_1 = (W_2^\T G_2)\had(1 - H\had H)$"),
            Step((r"G_1 X^\T : \d W_1" if parameter == "W1" else r"G_1 \mathbf 1 : \d b_1"),
                 lambda **env: frob(parts(env)[2] @ right(env).T, env[d]),
                 "move the right factor across")]
    return Derivation(f"two-layer network, {parameter}", SHAPES, parameter, loss, steps,
                      gradient=lambda **env: backprop(**_vars(env))[parameter], start=r"\d L",
                      exact_sizes={"n": 2, "h": 2, "m": 2, "k": 2},
                      numeric_sizes={"n": 3, "h": 5, "m": 2, "k": 7})
