"""matcalc: check matrix calculus.

Numerical checks of gradients and differentials along random directions
(:func:`check_gradient`, :func:`check_differential`; :func:`assert_gradient` for a test
suite), the explicit Jacobian array
(:func:`jacobian`), the Frobenius product and vec/commutation helpers, and exact symbolic
verification at concrete sizes (:mod:`matcalc.symbolic`).

The names below are imported when first used (PEP 562), so ``import matcalc.derive`` does
not import numpy: the derivation engine's symbolic path runs where numpy is not available.

>>> from matcalc import check_gradient
>>> check_gradient.__module__
'matcalc.check'
"""

# Private names: a submodule (matcalc.types) becomes an attribute of the package when it is
# imported, so a global named like one would be replaced.
import importlib as _importlib
import sys as _sys
from types import ModuleType as _ModuleType

#: Each public name and the module that defines it.
_LAZY = {
    "CheckResult": "check", "assert_gradient": "check", "check_differential": "check",
    "check_gradient": "check", "directional_derivative": "directional", "frob": "frobenius",
    "check_hessian": "hessian", "as_vec_jacobian": "jacobian", "jacobian": "jacobian",
    "Report": "report", "commutation": "vec", "unvec": "vec", "vec": "vec",
    "check_jvp": "vjp", "check_vjp": "vjp",
}

__all__ = ["CheckResult", "as_vec_jacobian", "assert_gradient", "check_differential", "check_gradient", "check_hessian",
           "check_jvp", "check_vjp",
           "commutation", "directional_derivative", "frob", "jacobian", "Report", "unvec", "vec"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """The public name ``name``, imported from its module on first use.

    >>> import matcalc
    >>> matcalc.frob.__name__
    'frob'
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'matcalc' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))


class _Package(_ModuleType):
    """The package's module type: importing the submodule ``matcalc.vec`` (or
    ``matcalc.jacobian``) does not replace the function of the same name, as the eager
    imports of an ``__init__`` never let it."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _ModuleType) and _LAZY.get(name) == name:
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
