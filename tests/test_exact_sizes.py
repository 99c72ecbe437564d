"""Every exact ("proved") check expands at sizes where every dimension is at least 2.

At a dimension of 1 scalars commute and transposes vanish, so an identity that is false in
general can expand to zero there (the checking chapter's own rule). This walks every rule,
differential and derivation of the package and every derivation of the worked examples."""

import importlib
import inspect
import pkgutil

import pytest

import matcalc.examples
from matcalc.derivation import Derivation
from matcalc.differentials import DIFFERENTIAL_RULES, FALSE_DIFFERENTIALS
from matcalc.identities import FALSE_IDENTITIES, IDENTITIES
from matcalc.variables import degenerate


def _example_derivations():
    """(name, Derivation) for every public function of matcalc.examples.* that builds a
    derivation when called with its defaults."""
    found = []
    for info in pkgutil.iter_modules(matcalc.examples.__path__, "matcalc.examples."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters.values()
            if any(p.default is p.empty for p in params) or "cost" in name:
                continue
            variants = [{}]
            for p in params:  # derivations of several variables: one per choice
                if isinstance(p.default, str) and p.name in ("variable", "parameter"):
                    variants = [{p.name: v} for v in ("Q", "K", "V", "U", "W1", "b1", "W2", "b2")]
                elif isinstance(p.default, bool):
                    variants = [{p.name: False}, {p.name: True}]
            for kwargs in variants:
                try:
                    made = fn(**kwargs)
                except (ValueError, KeyError, TypeError):
                    continue  # not a choice this function offers
                if isinstance(made, Derivation):
                    found.append((f"{info.name.split('.')[-1]}.{name}{kwargs or ''}", made))
    return found


EXAMPLES = _example_derivations()


def test_the_walk_finds_the_worked_examples():
    names = " ".join(name for name, _ in EXAMPLES)
    for expected in ("attention.derivation", "network.derivation", "softmax_derivation",
                     "lowrank.derivation", "linear_model.derivation"):
        assert expected in names
    assert len(EXAMPLES) >= 25


def test_degenerate_names_dimensions_below_two():
    assert degenerate({"m": 2, "n": 1, "k": 3}) == ["n"]
    assert degenerate({"1": 1, "m": 2}) == []


@pytest.mark.parametrize("name, identity", list(IDENTITIES.items()) + list(FALSE_IDENTITIES.items()))
def test_identities_are_proved_at_sizes_two_or_more(name, identity):
    used = {k: v for k, v in identity.exact_sizes.items()
            if any(k in shape for shape in identity.shapes.values())}
    assert degenerate(used) == [], f"{name}: exact sizes {used}"


@pytest.mark.parametrize("name, rule", list(DIFFERENTIAL_RULES.items()) + list(FALSE_DIFFERENTIALS.items()))
def test_differential_rules_are_proved_at_sizes_two_or_more(name, rule):
    assert degenerate(rule.exact_sizes) == [], f"{name}: exact sizes {rule.exact_sizes}"


@pytest.mark.parametrize("name, derivation", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example_derivations_are_proved_at_sizes_two_or_more(name, derivation):
    if derivation.exact_sizes is None:
        pytest.skip(f"{name} has no exact check")
    assert degenerate(derivation.exact_sizes) == [], f"{name}: {derivation.exact_sizes}"


def test_square_differential_rules_are_proved_at_three_by_three():
    """At 2 x 2 a false square rule can expand to zero by coincidence (Cayley-Hamilton)."""
    square = {key: rule for key, rule in DIFFERENTIAL_RULES.items()
              if all(tuple(shape) == ("n", "n") for shape in rule.shapes.values())}
    assert {"inverse", "determinant", "log-determinant", "square", "cube"} <= set(square)
    assert {key: rule.exact_sizes for key, rule in square.items()} == {
        key: {"n": 3} for key in square}
