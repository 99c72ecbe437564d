"""The differential rules of the book hold exactly and numerically; the false ones fail; the
Taylor remainder tells a differential from a wrong linear map."""

import numpy as np
import pytest

from matcalc.differentials import (DIFFERENTIAL_RULES, FALSE_DIFFERENTIALS, remainder_slope,
                                   taylor_remainder)
from matcalc.ops import inv


@pytest.mark.parametrize("key", list(DIFFERENTIAL_RULES))
def test_rule_is_proved_and_checked(key):
    result = DIFFERENTIAL_RULES[key].check()
    assert result.passed, str(result)
    assert result.get("exact").status == "proved"
    assert result.get("numeric").error < 1e-8


@pytest.mark.parametrize("key", list(FALSE_DIFFERENTIALS))
def test_false_rule_is_disproved_with_counter_example(key):
    result = FALSE_DIFFERENTIALS[key].check()
    assert not result.passed
    exact = result.get("exact")
    assert exact.status == "disproved" and exact.counter_example is not None
    assert not result.get("numeric").passed


def test_each_famous_mistake_is_the_control_of_its_rule():
    for key, false in FALSE_DIFFERENTIALS.items():
        rule = next(r for r in DIFFERENTIAL_RULES.values() if r.wrong is false.claim)
        (label, control), = rule.check().controls
        assert not control.passed and rule.mistake in label, key


def test_rules_cover_what_the_chapter_promises():
    expected = {"sum", "scalar multiple", "product", "transpose", "trace", "inverse",
                "determinant", "log-determinant", "hadamard", "exp", "sigmoid", "kronecker",
                "square", "cube", "gram"}
    assert expected <= set(DIFFERENTIAL_RULES)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_taylor_remainder_slopes(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 5)) + 5 * np.eye(5)
    V = rng.standard_normal((5, 5))
    steps = np.logspace(-5, -1, 9)
    right = taylor_remainder(inv, lambda X, V: -inv(X) @ V @ inv(X), X, V, steps)
    wrong = taylor_remainder(inv, lambda X, V: -inv(X) @ inv(X) @ V, X, V, steps)
    assert abs(remainder_slope(steps, right) - 2) < 0.1
    assert abs(remainder_slope(steps, wrong) - 1) < 0.1


def test_remainder_errors_name_shapes():
    X = np.eye(3)
    with pytest.raises(ValueError, match=r"V has shape \(2, 2\), but X has shape \(3, 3\)"):
        taylor_remainder(inv, lambda X, V: V, X, np.eye(2), [0.1])
    with pytest.raises(ValueError, match=r"dF\(X, V\) has shape \(3,\), but F\(X\) has shape"):
        taylor_remainder(inv, lambda X, V: V[0], X, X, [0.1])
    with pytest.raises(ValueError, match="positive"):
        remainder_slope([0.1, 0.01], [0.0, 1.0])
