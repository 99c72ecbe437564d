"""The type aliases of the package's annotations.

``Array`` is a numpy array; ``Matrix`` is a numpy array or a sympy matrix (the functions of
:mod:`matcalc.ops` and the claims' functions take either); ``Function`` is a Python callable
whose parameters name the variables it takes.

>>> import numpy as np
>>> isinstance(np.eye(2), Array)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Union

import numpy as np

if TYPE_CHECKING:
    import sympy

__all__ = ["Array", "Function", "Matrix", "Scalar"]

Array = np.ndarray
#: A numpy array or a sympy matrix.
Matrix = Union[np.ndarray, "sympy.MatrixBase"]
#: A number, numpy or sympy.
Scalar = Union[float, complex, np.number, "sympy.Expr"]
#: A function of named variables.
Function = Callable[..., Any]
