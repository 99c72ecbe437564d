"""A result's answer evaluated on numpy arrays: 1-D vectors are accepted as columns and
returned 1-D, numbers as 1 x 1 matrices.

>>> import numpy as np
>>> from .engine import derive
>>> from .expr import vector
>>> x = vector("x", "n")
>>> derive(x.T @ x, "x").evaluate(x=np.array([1.0, 2.0])).tolist()
[2.0, 4.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evaluate import function

if TYPE_CHECKING:
    from .result import Derived

__all__ = ["prepare", "evaluate_answer", "evaluate_vec_form"]


def prepare(arrays: dict, expr_vars: dict) -> dict:
    """Arrays by variable name as 2-D float arrays (1-D vectors become columns, numbers
    1 x 1), every variable present (others are ignored); ValueError naming a missing one.

    >>> from .expr import vector
    >>> prepare({"x": [1.0, 2.0]}, {"x": vector("x", "n")})["x"].shape
    (2, 1)
    """
    import numpy as np
    out = {}
    for n, v in expr_vars.items():
        if n not in arrays:
            raise ValueError(f"no value given for {n} ({v.shape[0]} x {v.shape[1]}); "
                             f"give every variable of the expression by name")
        a = np.asarray(arrays[n], dtype=float)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a.reshape(-1, 1) if v.shape[1] == "1" else a.reshape(1, -1)
        if a.ndim != 2:
            raise ValueError(f"{n} must be a number, a vector or a matrix, got an array of "
                             f"shape {a.shape}")
        out[n] = a
    for key in (k for k in arrays if k.startswith("#")):  # what a point says about itself
        out[key] = arrays[key]
    return out


def _inputs(r, arrays: dict) -> tuple:
    """(environment, the direction's name or None) for the result ``r``."""
    known = dict(r.variables)
    direction = r.direction if r.kind != "gradient" else None
    if direction is not None:
        if direction.name not in arrays:
            raise ValueError(f"give the direction as {direction.name}=...")
        known[direction.name] = direction
    return prepare(arrays, known), direction


def evaluate_answer(r: Derived, arrays: dict) -> Any:
    """The answer of ``r`` at ``arrays`` (with the direction for a differential or a
    Hessian), as an array of the variable's (or the function's) shape.

    >>> import numpy as np
    >>> from .engine import derive
    >>> from .expr import matrix
    >>> from .language import fro
    >>> derive(fro(matrix("A", "m", "n")) ** 2, "A").evaluate(A=np.ones((2, 2))).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    import numpy as np
    env, direction = _inputs(r, arrays)
    extra = {direction.name: direction} if direction is not None else {}
    value = np.asarray(function(r.answer, {**r.variables, **extra})(**env), dtype=float)
    if r.kind == "differential":
        return value.reshape(_shape(r.function, env)) if value.size > 1 else value
    name = r.variable.name
    want = env[name].shape
    value = np.broadcast_to(value, want).copy() if value.size == 1 else value.reshape(want)
    given = arrays[direction.name if direction is not None else name]
    return value.reshape(-1) if np.ndim(given) < 2 else value


def _shape(e, env: dict) -> tuple:
    from .evaluate import dimension_size, sizes_of
    sizes = sizes_of({n: v for n, v in _vars(e).items()}, env)
    return tuple(dimension_size(d, sizes) for d in e.shape)


def _vars(e) -> dict:
    from .expr import variables
    return variables(e)


def evaluate_vec_form(r: Derived, arrays: dict) -> Any:
    """The vec form of ``r`` (a Jacobian or a Hessian on vec) at ``arrays``; ValueError when
    ``r`` has none.

    >>> import numpy as np
    >>> from .second import differential
    >>> from .expr import matrix
    >>> d = differential(matrix("A", "m", "n") @ matrix("X", "n", "k"), "X")
    >>> d.vec_value(A=np.ones((2, 3)), X=np.ones((3, 4))).shape
    (8, 12)
    """
    import numpy as np
    if r.vec_form is None:
        why = r.vec_note or (f"a {r.kind} result has none; derive the differential with "
                             f"differential() for its Jacobian in vec form")
        raise ValueError(f"no Kronecker form: {why}")
    env = prepare({k: v for k, v in arrays.items() if k in r.variables}, r.variables)
    return np.asarray(function(r.vec_form, r.variables)(**env), dtype=float)
