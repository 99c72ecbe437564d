"""Generated code run against the derivation before it is returned (see :mod:`.codegen`).

>>> from .engine import derive
>>> from .expr import vector
>>> x = vector("x", "n")
>>> verify(derive(x.T @ x, "x"), "import numpy as np\\ndef f(x):\\n    return 2 * x\\n",
...        "numpy").startswith("Checked")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import Derived

__all__ = ["verify", "CODE_RTOL", "FLOAT32_RTOL"]

CODE_RTOL = 1e-10  # the generated code and the engine evaluate the same formula
FLOAT32_RTOL = 1e-4  # ... when JAX computes in float32 (its default)


def _module(language: str):
    try:
        if language == "jax":
            import jax.numpy
            return jax.numpy
        import numpy
        return numpy
    except ImportError:
        return None


def verify(r: Derived, text: str, language: str) -> str:
    """Run the function defined in ``text`` at a random point of ``r``'s checks and compare
    it with the engine's answer; the sentence saying so (or why it could not run).
    Raises DerivationFailed when they disagree.

    >>> from .engine import derive
    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> verify(derive(x.T @ x, "x"), "def f(x):\\n    return 3 * x\\n", "numpy")
    Traceback (most recent call last):
    ...
    matcalc.derive.checks.DerivationFailed: the generated numpy code disagrees with the derivation (relative difference 5.0e-01); it is not returned
    """
    from .checks import DerivationFailed, numpy_available
    from .points import float_point
    if not numpy_available() or _module(language) is None:
        missing = "numpy" if not numpy_available() else "JAX"
        return f"NOT verified: {missing} is not installed here, so this code was not run."
    import numpy as np
    namespace: dict = {}
    exec(compile(text, f"<matcalc.derive {language} code>", "exec"), namespace)
    f = [v for k, v in namespace.items() if callable(v) and not k.startswith("_")
         and getattr(v, "__module__", None) is None][-1]
    extra = {r.direction.name: r.direction} if r.kind != "gradient" and r.direction is not None \
        else {}
    variables = {**r.variables, **extra}
    env = float_point(variables, r.sizes, [], seed=7)
    args = [env[name] for name in f.__code__.co_varnames[:f.__code__.co_argcount]]
    got = np.asarray(f(*args), dtype=float)
    want = np.asarray(r.evaluate(**env), dtype=float)
    difference = float(np.max(np.abs(got.reshape(want.shape) - want)) /
                       max(float(np.max(np.abs(want))), 1e-300))
    float32 = language == "jax" and np.asarray(f(*args)).dtype == np.float32
    tolerance = FLOAT32_RTOL if float32 else CODE_RTOL
    if not difference <= tolerance:
        raise DerivationFailed(f"the generated {language} code disagrees with the derivation "
                               f"(relative difference {difference:.1e}); it is not returned")
    return (f"Checked: agrees with the derivation at a random point ("
            f"{', '.join(f'{k}={v}' for k, v in sorted(r.sizes.items()))}): relative "
            f"difference {difference:.1e}" + (" (JAX in float32)" if float32 else "") + ".")
