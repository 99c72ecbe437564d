"""The Frobenius-product identities of the book hold exactly and numerically; the false ones
fail."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

from matcalc import frob
from matcalc.claim import Claim
from matcalc.identities import FALSE_IDENTITIES, IDENTITIES
from matcalc.ops import hadamard, inner, kron, tr


def _at(claim, **sizes):
    return dataclasses.replace(claim, exact_sizes=sizes, numeric_sizes=sizes)


@pytest.mark.parametrize("key", list(IDENTITIES))
def test_identity_is_proved_at_two_size_sets(key):
    claim = IDENTITIES[key]
    assert claim.check().get("exact").passed
    assert _at(claim, m=3, n=2, p=2, q=3).check().get("exact").passed


@pytest.mark.parametrize("key", list(IDENTITIES))
def test_identity_holds_numerically_at_rectangular_sizes(key):
    result = _at(IDENTITIES[key], m=9, n=4, p=7, q=5).check(exact=False)
    assert result.passed, str(result)


@pytest.mark.parametrize("key", list(FALSE_IDENTITIES))
def test_false_identities_fail_both_checks(key):
    report = FALSE_IDENTITIES[key].check()
    exact = report.get("exact")
    assert exact.status == "disproved" and exact.counter_example is not None
    assert not report.get("numeric").passed and report.verdict == "FAILED"


def test_helpers_agree_between_numpy_and_sympy():
    A = sp.Matrix([[1, 2], [3, 4]])
    B = sp.Matrix([[0, 1], [5, -1]])
    a, b = np.array(A, dtype=float), np.array(B, dtype=float)
    assert float(tr(A)) == tr(a) == 5
    assert np.array_equal(np.array(hadamard(A, B), dtype=float), hadamard(a, b))
    assert np.array_equal(np.array(kron(A, B), dtype=float), kron(a, b))
    assert float(inner(sp.Matrix([1, 2]), sp.Matrix([3, 4]))) == inner(np.array([1, 2]), np.array([3, 4])) == 11


def _identity(name, shapes, lhs, rhs, **sizes):
    return Claim(name=name, kind="identity", latex="lhs", result="rhs", shapes=shapes,
                 function=lhs, claim=rhs, **sizes)


def test_identity_errors_name_what_is_missing():
    with pytest.raises(ValueError, match=r"exact_sizes has no size for \['z'\]"):
        _identity("x", {"A": "mz"}, lambda A: A, lambda A: A)
    bad = _identity("shapes", {"A": "mn"}, lambda A: A, lambda A: A.T)
    with pytest.raises(ValueError, match=r"the left side has shape \(5, 4\), the right side "
                                         r"\(4, 5\)"):
        bad.check(exact=False)


def test_a_wrong_numeric_side_is_detected():
    claim = _identity("off by a factor", {"A": "mn", "B": "mn"},
                      lambda A, B: frob(A, B), lambda A, B: (1 + 1e-9) * frob(A, B))
    report = claim.check()
    assert not report.get("numeric").passed and not report.get("exact").passed
