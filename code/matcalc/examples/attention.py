"""Scaled dot-product attention O = softmax(Q K^T / sqrt(d)) V, softmax along rows.

Q is t x d (queries), K is s x d (keys), V is s x e (values). For a scalar loss with
upstream gradient G = grad_O L (t x e), take L = G : O. Then, with S = Q K^T / sqrt(d) and
A = softmax(S) (rows summing to one):

    grad_V = A^T G,   grad_A = G V^T,
    grad_S = A o (grad_A - (grad_A o A) 1 1^T)      (the softmax Jacobian, row by row),
    grad_Q = grad_S K / sqrt(d),   grad_K = grad_S^T Q / sqrt(d).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..derivation import Derivation, Step
from ..backend import is_symbolic_matrix
from ..frobenius import frob
from ..ops import hadamard, ones, softmax

if TYPE_CHECKING:
    from ..types import Array, Matrix, Scalar

__all__ = ["sample", "softmax_rows", "attention", "loss", "gradients", "derivation"]


def sample(t: int = 3, s: int = 4, d: int = 2, e: int = 3, seed: int = 0
           ) -> tuple[Array, ...]:
    """Random Q (t x d), K (s x d), V (s x e) and an upstream gradient G (t x e).

    >>> Q, K, V, G = sample()
    >>> Q.shape, K.shape, V.shape, G.shape
    ((3, 2), (4, 2), (4, 3), (3, 3))
    """
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(shape) for shape in [(t, d), (s, d), (s, e), (t, e)])


def _scale(Q: Matrix) -> Scalar:
    d = Q.shape[1]
    return sp.sqrt(d) if is_symbolic_matrix(Q) else np.sqrt(d)


def softmax_rows(S: Matrix) -> Matrix:
    """Row-wise softmax: the column-wise one of the transpose.

    >>> bool(np.allclose(softmax_rows(np.zeros((2, 4))), 0.25))
    True
    """
    return softmax(S.T).T


def attention(Q: Matrix, K: Matrix, V: Matrix) -> Matrix:
    """softmax(Q K^T / sqrt(d)) V.

    >>> Q, K, V, G = sample()
    >>> attention(Q, K, V).shape
    (3, 3)
    """
    return softmax_rows(Q @ K.T / _scale(Q)) @ V


def loss(Q: Matrix, K: Matrix, V: Matrix, G: Matrix) -> Scalar:
    """L = G : attention(Q, K, V), whose gradient in O is G.

    >>> Q, K, V, G = sample()
    >>> bool(np.isclose(loss(Q, K, V, G), np.sum(G * attention(Q, K, V))))
    True
    """
    return frob(G, attention(Q, K, V))


def gradients(Q: Matrix, K: Matrix, V: Matrix, G: Matrix) -> dict[str, Matrix]:
    """The gradients in Q, K and V for the upstream gradient G, by name.

    >>> from matcalc import check_gradient
    >>> Q, K, V, G = sample()
    >>> g = gradients(Q, K, V, G)
    >>> args = {"Q": Q, "K": K, "V": V, "G": G}
    >>> all(check_gradient(lambda M, n=n: loss(**{**args, n: M}),
    ...                    lambda M, n=n: gradients(**{**args, n: M})[n], args[n]).passed
    ...     for n in "QKV")
    True
    """
    c = _scale(Q)
    A = softmax_rows(Q @ K.T / c)
    gA = G @ V.T
    row = hadamard(gA, A) @ ones(A.shape[1], 1, A)          # (grad_A o A) 1
    gS = hadamard(A, gA - row @ ones(1, A.shape[1], A))
    return {"Q": gS @ K / c, "K": gS.T @ Q / c, "V": A.T @ G}


def derivation(variable: str = "Q") -> Derivation:
    """The gradient in ``variable`` (Q, K or V), step by step. Raises ValueError, naming
    it, for another variable.

    >>> all(derivation(v).check().passed for v in "QKV")
    True
    """
    shapes = {"Q": "td", "K": "sd", "V": "se", "G": "te"}
    sizes = dict(exact_sizes={"t": 2, "s": 2, "d": 2, "e": 2},
                 numeric_sizes={"t": 3, "s": 4, "d": 2, "e": 3})

    def A(Q: Matrix, K: Matrix) -> Matrix:
        return softmax_rows(Q @ K.T / _scale(Q))

    def gS(Q: Matrix, K: Matrix, V: Matrix, G: Matrix) -> Matrix:
        a, gA = A(Q, K), G @ V.T
        row = hadamard(gA, a) @ ones(a.shape[1], 1, a)
        return hadamard(a, gA - row @ ones(1, a.shape[1], a))

    def dA(Q: Matrix, K: Matrix, dS: Matrix) -> Matrix:
        """d softmax_rows(S) = A o (dS - (A o dS) 1 1^T)."""
        a = A(Q, K)
        row = hadamard(a, dS) @ ones(a.shape[1], 1, a)
        return hadamard(a, dS - row @ ones(1, a.shape[1], a))

    if variable == "V":
        steps = [Step(r"\bar G : (A\,\d V)", lambda Q, K, V, G, dV: frob(G, A(Q, K) @ dV),
                      "$A$ does not depend on $V$"),
                 Step(r"A^\T \bar G : \d V", lambda Q, K, V, G, dV: frob(A(Q, K).T @ G, dV),
                      "move $A$ across")]
    else:
        if variable == "Q":
            dS = lambda Q, K, d: d @ K.T / _scale(Q)
            final = (r"\nabla_S L\, K/\sqrt d : \d Q",
                     lambda Q, K, V, G, d: frob(gS(Q, K, V, G) @ K / _scale(Q), d))
        elif variable == "K":
            dS = lambda Q, K, d: Q @ d.T / _scale(Q)
            final = (r"\nabla_S L^\T Q/\sqrt d : \d K",
                     lambda Q, K, V, G, d: frob(gS(Q, K, V, G).T @ Q / _scale(Q), d))
        else:
            raise ValueError(f"variable must be 'Q', 'K' or 'V', got {variable!r}")
        dvar = "d" + variable
        steps = [
            Step(r"\bar GV^\T : \d A", lambda **env: frob(env["G"] @ env["V"].T,
                                                     dA(env["Q"], env["K"],
                                                        dS(env["Q"], env["K"], env[dvar]))),
                 r"$\d O = \d A\, V$; move $V$ across"),
            Step(r"A\had\bigl(\bar GV^\T - (\bar GV^\T\had A)\mathbf 1\mathbf 1^\T\bigr) : \d S",
                 lambda **env: frob(gS(env["Q"], env["K"], env["V"], env["G"]),
                                    dS(env["Q"], env["K"], env[dvar])),
                 r"$\d A = A\had(\d S - (A\had\d S)\mathbf 1\mathbf 1^\T)$; Hadamard factors "
                 r"move"),
            Step(final[0], lambda **env: final[1](env["Q"], env["K"], env["V"], env["G"],
                                                  env[dvar]),
                 r"$\d S = \d Q\,K^\T/\sqrt d$ or $Q\,\d K^\T/\sqrt d$; move across")]
    return Derivation(f"attention, {variable}", shapes, variable, loss, steps,
                      gradient=lambda **env: gradients(env["Q"], env["K"], env["V"],
                                                       env["G"])[variable],
                      start=r"\d L", **sizes)
