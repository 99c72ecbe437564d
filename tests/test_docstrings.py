"""Every docstring example in matcalc runs and gives what it shows; public functions have one."""

import doctest
import importlib
import inspect
import pkgutil

import pytest

import matcalc

MODULES = ["matcalc"] + [m.name for m in pkgutil.walk_packages(matcalc.__path__, "matcalc.")]


@pytest.mark.parametrize("name", MODULES + ["matcalc_book", "standalone", "buildgc",
                                           "upstream"])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def _public_functions():
    for name in MODULES:
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        if exported is None:
            continue
        for attr in exported:
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{name}.{attr}", obj


def test_every_public_function_has_an_example():
    missing = [qual for qual, obj in _public_functions()
               if ">>>" not in (obj.__doc__ or "")
               and not (inspect.isclass(obj) and qual.rsplit(".", 1)[1] in NO_EXAMPLE)]
    assert not missing, f"public functions without a docstring example: {missing}"


# Result and record types: they are shown by the functions that return them.
NO_EXAMPLE = {"CheckResult", "Step", "Direction", "Estimate"}


def test_the_walk_found_the_subpackages():
    assert {"matcalc.examples.linear_model", "matcalc.derivation", "matcalc.ops"} <= set(MODULES)
