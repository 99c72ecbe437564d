"""Every catalogue entry is verified; corrupted entries are rejected; conditions are tested
both ways; the catalogue can be searched by number and by expression."""

import numpy as np
import pytest

from matcalc.catalogue import SECTIONS, Entry, entries, find

ENTRIES = entries()
IDS = [e.name for e in ENTRIES]


def test_catalogue_size_and_fields():
    assert len(ENTRIES) >= 80
    assert len(set(IDS)) == len(IDS)
    assert sum(1 for e in ENTRIES if e.cookbook) >= 60
    for e in ENTRIES:
        assert e.section in SECTIONS
        assert hasattr(e, "name") and hasattr(e, "cookbook") and callable(e.check)
    assert {e.section for e in ENTRIES} == set(SECTIONS)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_is_verified(entry):
    result = entry.check()
    assert result.passed, f"{entry.name}: {result}"
    if entry.exact is not None and entry.kind != "jacobian" and entry.kind != "diagonal-gradient":
        assert result.exact is not None and result.exact.passed


def _value(entry):
    """The claimed derivative at a random point, to see whether a transpose changes it."""
    kinds = dict(entry.kinds)
    if entry.kind == "symmetric-partials":
        kinds[entry.variable] = "symmetric"
    env = entry._numbers(kinds)
    if entry.kind == "differential":
        env["d" + entry.variable] = np.random.default_rng(5).standard_normal(
            env[entry.variable].shape)
    if entry.kind == "hessian":
        env["V"] = np.random.default_rng(5).standard_normal(env[entry.variable].shape)
    from matcalc.catalogue import _call
    return np.asarray(_call(entry.derivative, env), dtype=float)


@pytest.mark.parametrize("how", ["sign", "factor", "transpose"])
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_corrupted_entry_is_rejected(entry, how):
    if how == "transpose":
        D = _value(entry)
        if D.ndim < 2 or 1 in D.shape[-2:]:
            pytest.skip("a vector or scalar: transposing is a reshape, not an error of the kind")
        if D.shape[-2] == D.shape[-1] and np.allclose(D, np.swapaxes(D, -1, -2)):
            pytest.skip("the claimed derivative is symmetric here: a transpose changes nothing")
    bad = entry.corrupted(how)
    exact = entry.kind == "symmetric-partials"  # that kind is verified by its exact part
    try:
        result = bad.check(exact=exact)
    except ValueError as err:  # a transposed rectangular matrix: rejected by its shape
        assert "shape" in str(err)
        return
    assert not result.passed, f"corrupted ({how}) {entry.name} passed: {result}"


CONDITIONAL = [e for e in ENTRIES
               if any(k != e.variable and v == "symmetric" for k, v in e.kinds.items())
               and e.kind in ("gradient", "differential")]


def test_there_are_conditional_entries():
    names = {e.name for e in CONDITIONAL}
    assert {"tr[(X^T C X)^-1 A]", "tr[(X^T C X)^-1 (X^T B X)]", "weighted LS in s"} <= names


@pytest.mark.parametrize("entry", CONDITIONAL, ids=[e.name for e in CONDITIONAL])
def test_conditions_are_tested_both_ways(entry):
    result = entry.check(exact=False)
    assert result.passed and result.condition_needed is True
    assert result.without_conditions is not None and not result.without_conditions.passed
    assert "without the condition it FAILS" in result.how


def test_symmetric_rule_is_partials_not_gradient():
    for e in [x for x in ENTRIES if x.kind == "symmetric-partials"]:
        r = e.check()
        assert r.passed and r.exact.passed and not r.numeric.passed
    assert {e.cookbook for e in ENTRIES if e.kind == "symmetric-partials"} == {"138", "139",
                                                                                "140", "141"}


def test_find_by_number_and_expression():
    assert [e.name for e in find("101")] == ["tr(AXB)"]
    assert [e.name for e in find("(49)")] == ["det X"]
    assert "96, 98" in {e.cookbook for e in find("98")}
    assert {e.name for e in find("log det")} >= {"log det(X^T X)", "log det S, S spd"}
    assert find("no such expression") == []


def test_entry_errors_are_clear():
    with pytest.raises(ValueError, match="kind must be one of"):
        Entry("x", "Determinants", "x", "x", "magic", {"X": "nn"}, lambda X: X, lambda X: X)
    with pytest.raises(ValueError, match="variable 'Y' is not in shapes"):
        Entry("x", "Determinants", "x", "x", "gradient", {"X": "nn"}, lambda X: X,
              lambda X: X, variable="Y")
    with pytest.raises(ValueError, match="unknown corruption"):
        ENTRIES[0].corrupted("shuffle")
