"""Every docstring example in matcalc runs and gives what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import matcalc

MODULES = ["matcalc"] + [f"matcalc.{m.name}" for m in pkgutil.iter_modules(matcalc.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_public_function_has_an_example():
    missing = [name for name in matcalc.__all__
               if callable(getattr(matcalc, name)) and ">>>" not in (getattr(matcalc, name).__doc__ or "")
               and name != "CheckResult"]
    from matcalc import symbolic
    missing += [f"symbolic.{n}" for n in ("matrix", "verify", "differential", "gradient")
                if ">>>" not in getattr(symbolic, n).__doc__]
    assert not missing, f"public functions without a docstring example: {missing}"
