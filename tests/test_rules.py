"""The Frobenius-product rules of the book hold exactly and numerically; the false ones fail."""

import numpy as np
import pytest
import sympy as sp

from matcalc import frob
from matcalc.rules import FALSE_RULES, FROBENIUS_RULES, Identity, hadamard, inner, kron, tr


@pytest.mark.parametrize("key", list(FROBENIUS_RULES))
def test_rule_is_proved_at_two_size_sets(key):
    rule = FROBENIUS_RULES[key]
    assert rule.prove().passed
    assert rule.prove(m=3, n=2, p=2, q=3).passed


@pytest.mark.parametrize("key", list(FROBENIUS_RULES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rule_holds_numerically_at_rectangular_sizes(key, seed):
    result = FROBENIUS_RULES[key].evaluate(seed=seed, m=9, n=4, p=7, q=5)
    assert result.passed, str(result)


@pytest.mark.parametrize("key", list(FALSE_RULES))
def test_false_rules_fail_both_checks(key):
    rule = FALSE_RULES[key]
    exact = rule.prove()
    assert exact.status == "disproved" and exact.counter_example is not None
    assert not rule.evaluate().passed


def test_helpers_agree_between_numpy_and_sympy():
    A = sp.Matrix([[1, 2], [3, 4]])
    B = sp.Matrix([[0, 1], [5, -1]])
    a, b = np.array(A, dtype=float), np.array(B, dtype=float)
    assert float(tr(A)) == tr(a) == 5
    assert np.array_equal(np.array(hadamard(A, B), dtype=float), hadamard(a, b))
    assert np.array_equal(np.array(kron(A, B), dtype=float), kron(a, b))
    assert float(inner(sp.Matrix([1, 2]), sp.Matrix([3, 4]))) == inner(np.array([1, 2]), np.array([3, 4])) == 11


def test_identity_errors_name_what_is_missing():
    rule = Identity("x", {"A": ("m", "k")}, lambda A: A, lambda A: A)
    with pytest.raises(ValueError, match=r"needs sizes for \['k'\]"):
        rule.prove()
    bad = Identity("shapes", {"A": ("m", "n")}, lambda A: A, lambda A: A.T)
    with pytest.raises(ValueError, match=r"lhs has shape \(7, 5\), rhs has shape \(5, 7\)"):
        bad.evaluate()


def test_a_wrong_numeric_side_is_detected():
    rule = Identity("off by a factor", {"A": ("m", "n"), "B": ("m", "n")},
                    lambda A, B: frob(A, B), lambda A, B: (1 + 1e-9) * frob(A, B))
    assert not rule.evaluate().passed
    assert not rule.prove().passed
