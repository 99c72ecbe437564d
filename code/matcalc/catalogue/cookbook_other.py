"""The Matrix Cookbook's chapter 2 lines that no other section module states (each claim
carries the ``section`` of the Cookbook's own grouping), and its basic differential rules
(33)-(44).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..claim import Claim
from ..frobenius import frob
from ..ops import det, exp, eye, hadamard, inv, kron, logdet, matrix_power, ones_like, tanh, tr
from ..registry import register_all

if TYPE_CHECKING:
    from ..types import Array, Function, Matrix


def _pinv_wide(Y: Matrix) -> Matrix:
    """Yᵀ(YYᵀ)⁻¹ for a wide Y of full row rank, exact for sympy matrices."""
    return Y.T @ inv(Y @ Y.T)


def _power_gradient(a: Matrix, X: Matrix, b: Matrix, k: int = 3) -> Matrix:
    P = [matrix_power(X, r) for r in range(k + 1)]
    terms = [P[r].T @ P[k] @ (b @ a.T + a @ b.T) @ P[k - 1 - r].T for r in range(k)]
    return terms[0] + terms[1] + terms[2]


def _tanh_exp_gradient(x: Matrix, A: Matrix, B: Matrix, C: Matrix) -> Matrix:
    s, r = tanh(B @ x), exp(C @ x)
    return (B.T @ hadamard(ones_like(s) - hadamard(s, s), A @ r)
            + C.T @ hadamard(r, A.T @ s))


def _jac_xtbx(X: Array, B: Array) -> Array:
    n = X.shape[1]
    return (np.einsum("lj,ki->klij", np.eye(n), X.T @ B)
            + np.einsum("kj,il->klij", np.eye(n), B @ X))


#: The Matrix Cookbook's chapter 2 lines that no other section module states; each entry
#: carries the section of the Cookbook's own grouping.
_COOKBOOK = (
    Claim(
        kind="gradient",
        name="sum_k d det(X)/dX_ik X_jk", section="Determinants", cookbook="47",
        latex=r"\det\bigl((I + T)X\bigr)", result=r"\det\bigl((I + T)X\bigr)(I + T)^{-\T}",
        shapes={"T": "nn", "X": "nn"}, wrt="T",
        alias=r"\textstyle\sum_k \frac{\partial\det X}{\partial X_{ik}}X_{jk} = \delta_{ij}\det X",
        note="the gradient with respect to $T$ at $T = 0$ is "
             "$\\bigl[\\sum_k \\partial\\det(X)/\\partial X_{ik}\\,X_{jk}\\bigr]_{ij}$, and it "
             "is $\\det(X)\\,I$: the Cookbook's (47); the entry for (50) checks the same "
             "statement as a differential",
        function=lambda T, X: det((eye(T.shape[0], T) + T) @ X),
        claim=lambda T, X: det((eye(T.shape[0], T) + T) @ X) * inv(eye(T.shape[0], T) + T).T,
        wrong=lambda T, X: det((eye(T.shape[0], T) + T) @ X) * inv(X).T),
    Claim(
        kind="hessian",
        name="second derivative of det", section="Determinants", cookbook="48",
        latex=r"\det X",
        result=r"\det(X)\bigl(\tr(X^{-1}V)\,X^{-\T} - X^{-\T}V^\T X^{-\T}\bigr)",
        shapes={"X": "nn"},
        note="along a straight line $Y = X + tV$ the Cookbook's term "
             "$\\tr(Y^{-1}\\,\\partial^2 Y/\\partial x^2)$ vanishes, and "
             "$\\d^2\\det = \\det(X)\\bigl(\\tr(X^{-1}V)^2 - \\tr\\bigl((X^{-1}V)^2\\bigr)\\bigr)$",
        function=lambda X: det(X), gradient=lambda X: det(X) * inv(X).T,
        claim=lambda X, V: det(X) * (tr(inv(X) @ V) * inv(X).T - inv(X).T @ V.T @ inv(X).T),
        wrong=lambda X, V: det(X) * (tr(inv(X) @ V) * inv(X).T - inv(X).T @ V @ inv(X).T)),
    Claim(
        kind="gradient",
        name="log det(X^T X) with respect to X^+", section="Determinants", cookbook="56",
        latex=r"\log\det(X^\T X),\ X = Y^+", result=r"-2X^\T",
        shapes={"Y": "nm"}, wrt="Y",
        conditions="$Y = X^+$ wide of full row rank ($X$ tall of full column rank)",
        exact_sizes=None, note="numeric only: the exact expansion through two inverses is slow",
        function=lambda Y: logdet(_pinv_wide(Y).T @ _pinv_wide(Y)),
        claim=lambda Y: -2 * _pinv_wide(Y).T, wrong=lambda Y: 2 * _pinv_wide(Y).T),
    Claim(
        kind="jacobian",
        name="dX/dX_ij", section="Linear forms", cookbook="73",
        latex=r"\partial X/\partial X_{ij}", result=r"J^{ij}",
        shapes={"X": "mn"}, function=lambda X: X,
        note="$J^{ij}$ is the single-entry matrix: the Jacobian array is "
             "$\\delta_{ai}\\delta_{bj}$",
        claim=lambda X: np.einsum("ai,bj->abij", np.eye(X.shape[0]), np.eye(X.shape[1])),
        wrong=lambda X: np.einsum("ai,bj->abij", np.eye(X.shape[0]), np.ones((X.shape[1],) * 2))),
    Claim(
        kind="gradient",
        name="(sum of X)^2", section="Quadratic forms", cookbook="76",
        latex=r"\textstyle\sum_{klmn}X_{kl}X_{mn}",
        result=r"2\bigl(\textstyle\sum_{kl}X_{kl}\bigr)\mathbf 1\mathbf 1^\T",
        shapes={"X": "mn"},
        function=lambda X: frob(ones_like(X), X) ** 2,
        claim=lambda X: 2 * frob(ones_like(X), X) * ones_like(X),
        wrong=lambda X: frob(ones_like(X), X) * ones_like(X)),
    Claim(
        kind="jacobian",
        name="d(X^T B X)_kl/dX_ij", section="Quadratic forms", cookbook="79",
        latex=r"\partial(X^\T BX)_{kl}/\partial X_{ij}",
        result=r"\delta_{lj}(X^\T B)_{ki} + \delta_{kj}(BX)_{il}",
        shapes={"X": "mn", "B": "mm"}, function=lambda X, B: X.T @ B @ X,
        claim=lambda X, B: _jac_xtbx(X, B), wrong=lambda X, B: _jac_xtbx(X, B.T + B) / 2),
    Claim(
        kind="gradient",
        name="a^T (X^k)^T X^k b", section="Higher order and non-linear forms", cookbook="92",
        latex=r"a^\T(X^3)^\T X^3 b",
        result=r"\textstyle\sum_{r=0}^{2}(X^r)^\T X^3(ba^\T + ab^\T)(X^{2-r})^\T",
        shapes={"a": "n1", "X": "nn", "b": "n1"},
        note="shown for $k = 3$; the Cookbook's printed form is not confirmed here",
        function=lambda a, X, b: (a.T @ matrix_power(X, 3).T @ matrix_power(X, 3) @ b)[0, 0],
        claim=lambda a, X, b: _power_gradient(a, X, b),
        wrong=lambda a, X, b: _power_gradient(a, X, b).T),
    Claim(
        kind="gradient",
        name="s(x)^T A r(x)", section="Higher order and non-linear forms", cookbook="93",
        latex=r"s(x)^\T A\,r(x),\ s = \tanh(Bx),\ r = \exp(Cx)",
        result=r"\Bigl[\frac{\partial s}{\partial x}\Bigr]^\T Ar"
               r" + \Bigl[\frac{\partial r}{\partial x}\Bigr]^\T A^\T s",
        shapes={"x": "n1", "A": "mp", "B": "mn", "C": "pn"}, wrt="x",
        note="shown for entrywise $s$ and $r$: $\\partial s/\\partial x = "
             "\\operatorname{diag}(1 - s^2)B$, $\\partial r/\\partial x = "
             "\\operatorname{diag}(r)\\,C$",
        function=lambda x, A, B, C: (tanh(B @ x).T @ A @ exp(C @ x))[0, 0],
        claim=lambda x, A, B, C: _tanh_exp_gradient(x, A, B, C),
        wrong=lambda x, A, B, C: B.T @ A @ exp(C @ x) + C.T @ A.T @ tanh(B @ x)),
    Claim(
        kind="gradient",
        name="tr(A X^-1 B), Cookbook form", section="Traces of inverses", cookbook="124",
        latex=r"\tr(AX^{-1}B)", result=r"-X^{-\T}A^\T B^\T X^{-\T}",
        shapes={"A": "pn", "X": "nn", "B": "np"},
        note="the same function as (63), written with the transposes distributed",
        function=lambda A, X, B: tr(A @ inv(X) @ B),
        claim=lambda A, X, B: -inv(X).T @ A.T @ B.T @ inv(X).T,
        wrong=lambda A, X, B: -inv(X) @ B @ A @ inv(X)),
)

def _rule(number: str, name: str, latex: str, result: str, f: Function, diff: Function,
          wrong: Function, shapes: Mapping[str, str] | None = None, note: str = "") -> Claim:
    """A basic differential rule of the Cookbook's section 2 (numbers 33 to 44)."""
    return Claim(kind="differential", name=name, section="Differentials", cookbook=number,
                 latex=latex, result=result, shapes=shapes or {"X": "mn"}, function=f,
                 claim=diff, wrong=wrong, note=note)


#: The Cookbook's basic rules (33)-(44), each as the differential of one function of X (the
#: other matrices constant, or functions of X where the rule has two varying factors).
_BASIC = (
    _rule("33", "d(X + A), A constant", "X + A", r"\d X", lambda X, A: X + A,
          lambda X, A, dX: dX, lambda X, A, dX: dX + A, {"X": "mn", "A": "mn"},
          note="$\\d A = 0$ for a constant $A$"),
    _rule("34", "d(alpha X)", r"\alpha X", r"\alpha\,\d X", lambda X, a: a[0, 0] * X,
          lambda X, a, dX: a[0, 0] * dX, lambda X, a, dX: dX, {"X": "mn", "a": "11"}),
    _rule("35", "d(X + Y)", "X + Y", r"\d X + \d Y",
          lambda X: X + X @ X.T @ X, lambda X, dX: dX + dX @ X.T @ X + X @ dX.T @ X
          + X @ X.T @ dX, lambda X, dX: dX, note="shown with $Y = XX^\\T X$"),
    _rule("36", "d tr X", r"\tr X", r"\tr(\d X)", lambda X: tr(X), lambda X, dX: tr(dX),
          lambda X, dX: 2 * tr(dX), {"X": "nn"}),
    _rule("37", "d(XY), both varying", r"XY,\ Y = BX", r"\d X\,Y + X\,\d Y",
          lambda X, B: X @ B @ X, lambda X, B, dX: dX @ B @ X + X @ B @ dX,
          lambda X, B, dX: 2 * X @ B @ dX, {"X": "nn", "B": "nn"}),
    _rule("38", "d(X o Y)", r"X\had Y,\ Y = XB", r"\d X\had Y + X\had\d Y",
          lambda X, B: hadamard(X, X @ B), lambda X, B, dX: hadamard(dX, X @ B)
          + hadamard(X, dX @ B), lambda X, B, dX: hadamard(dX, X @ B),
          {"X": "mn", "B": "nn"}),
    _rule("39", "d(X kron Y)", r"X\kron Y,\ Y = BX", r"\d X\kron Y + X\kron\d Y",
          lambda X, B: kron(X, B @ X), lambda X, B, dX: kron(dX, B @ X) + kron(X, B @ dX),
          lambda X, B, dX: kron(dX, B @ X), {"X": "mn", "B": "pm"}),
    _rule("40", "d(X^-1), Cookbook (40)", r"X^{-1}", r"-X^{-1}\,\d X\,X^{-1}",
          lambda X: inv(X), lambda X, dX: -inv(X) @ dX @ inv(X),
          lambda X, dX: -inv(X) @ inv(X) @ dX, {"X": "nn"}, note="the rule (59) in differentials"),
    _rule("41", "d det X, adjugate form", r"\det X", r"\tr\bigl(\operatorname{adj}(X)\,\d X\bigr)",
          lambda X: det(X), lambda X, dX: tr(det(X) * inv(X) @ dX),
          lambda X, dX: tr(det(X) * inv(X).T @ dX), {"X": "nn"},
          note="$\\operatorname{adj}(X) = \\det(X)X^{-1}$ where $X$ is invertible"),
    _rule("42", "d det X, Cookbook (42)", r"\det X", r"\det(X)\tr(X^{-1}\d X)",
          lambda X: det(X), lambda X, dX: det(X) * tr(inv(X) @ dX),
          lambda X, dX: det(X) * tr(dX), {"X": "nn"}),
    _rule("43", "d log det X, Cookbook (43)", r"\log\lvert\det X\rvert", r"\tr(X^{-1}\d X)",
          lambda X: logdet(X), lambda X, dX: tr(inv(X) @ dX),
          lambda X, dX: tr(inv(X).T @ dX), {"X": "nn"}),
    _rule("44", "d(X^T)", r"X^\T", r"(\d X)^\T", lambda X: X.T, lambda X, dX: dX.T,
          lambda X, dX: -dX.T),
)

def _one_claim(entry: Claim) -> Claim:
    """A row reads "d f = result": a name given to the function ("P = V_k V_k^T") or a
    definition after the formula (",\\ Y = BX") moves to the note."""
    if not isinstance(entry.result, str):  # one result per input: nothing to move
        return entry
    notes, latex, result = [], entry.latex, entry.result
    named = re.match(r"^([A-Za-z])\s*=\s*(.*)$", latex)
    if named:
        notes.append(f"${latex}$")
        latex = named.group(2)
    for part in ("latex", "result"):
        text = latex if part == "latex" else result
        head, sep, rest = text.partition(r",\ ")
        if sep:
            notes.append(f"where ${rest}$")
            latex, result = (head, result) if part == "latex" else (latex, head)
    if not notes:
        return entry
    note = "; ".join(notes + ([entry.note] if entry.note else []))
    return dataclasses.replace(entry, latex=latex, result=result, note=note)


CLAIMS = register_all("", (_one_claim(e) for e in _COOKBOOK + _BASIC))
