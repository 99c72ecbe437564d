"""Printed reports and `make run` show the book's notation as plain text, not raw LaTeX."""

import re

import pytest

from matcalc.derivation import Derivation, Step
from matcalc.frobenius import frob
from matcalc.plaintext import plain

RAW = re.compile(r"\\[A-Za-z]|\$|\{prf:|\{ref\}|\{eq\}")


@pytest.mark.parametrize("latex, text", [
    (r"(WX - Y) : (\d W\, X)", "(WX - Y) : (dW X)"),
    (r"-X^{-\T}(\d X)^\T X^{-\T}", "-X⁻ᵀ(dX)ᵀ X⁻ᵀ"),
    (r"\frob{\bar G X^\T}{\d W}", "Ḡ Xᵀ : dW"),
    (r"\tfrac12\fnorm{WX - Y}^2", "½‖WX - Y‖_F²"),
    (r"\sigma(X)\had(1 - \sigma(X))\had\d X", "σ(X) ∘ (1 - σ(X)) ∘ dX"),
    (r"$\d\lambda = v^\T\d A\,v$ ({prf:ref}`thm-eigenvalue-derivative`)",
     "dλ = vᵀdA v (thm-eigenvalue-derivative)"),
    (r"\grad_W L = (\hat Y - Y)X^\T", "∇_W L = (Ŷ - Y)Xᵀ"),
    # a Hadamard power keeps its exponent together (it printed "P^ ∘ -1 ∘ (...")
    (r"-(Y : (P^{\circ -1} \had \d P))", "-(Y : (P^(∘-1) ∘ dP))"),
    (r"p A^{\circ(p-1)} \had \d A", "p A^(∘(p-1)) ∘ dA"),
    # the engine's ASCII rule names get the same transposes as the LaTeX beside them
    (r"(W X - Y) X^\T : \d W | moving factors: A : BC = A C^T : B",
     "(W X - Y) Xᵀ : dW | moving factors: A : BC = A Cᵀ : B"),
    ("((X^T)^3)^-1 X^-T", "((Xᵀ)³)⁻¹ X⁻ᵀ"),
])
def test_book_notation_becomes_plain_text(latex, text):
    assert plain(latex) == text
    assert not RAW.search(plain(latex))


def test_a_printed_derivation_has_no_raw_latex():
    d = Derivation("square", {"X": "nn"}, "X", lambda X: X @ X,
                   [Step(r"2X\,\d X", lambda X, dX: 2 * X @ dX, r"the scalar rule $\d(x^2) = 2x\,\d x$")],
                   exact_sizes={"n": 2}, numeric_sizes={"n": 3})
    text = str(d.check())
    assert "WRONG" in text and "2X dX" in text
    assert not RAW.search(text), text


def test_frob_helper_used_in_the_test_is_the_package_one():
    assert frob([[1.0, 2.0]], [[3.0, 4.0]]) == 11.0
