"""The type aliases of the package's annotations.

``Array`` is a numpy array and ``ArrayLike`` anything ``numpy.asarray`` takes; ``Matrix``
is a numpy array or a sympy matrix (the functions of :mod:`matcalc.ops` and the claims'
functions take either); ``Scalar`` is a number, numpy or sympy; ``Function`` is a Python
callable whose parameters name the variables it takes; ``Sizes`` gives each dimension
letter (``"m"``, ``"n"``, ...) its size; ``Env`` holds the values of named variables (a
point, with its differentials ``d<name>``).

The modules import these names only for type checking (``if TYPE_CHECKING:``), so importing
:mod:`matcalc` never imports this module or sympy.

>>> import numpy as np
>>> isinstance(np.eye(2), Array)
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import sympy

__all__ = ["Array", "ArrayLike", "Env", "Function", "Matrix", "Scalar", "Sizes"]

#: A numpy array.
Array = np.ndarray
#: Anything numpy.asarray takes (an array, a nested list, a number).
ArrayLike = npt.ArrayLike
#: A numpy array or a sympy matrix.
Matrix = Union[np.ndarray, "sympy.MatrixBase"]
#: A number, numpy or sympy.
Scalar = Union[float, complex, np.number, "sympy.Expr"]
#: A function of named variables.
Function = Callable[..., Any]
#: The size of each dimension letter, e.g. ``{"m": 3, "n": 2}``.
Sizes = Mapping[str, int]
#: Values of named variables (numpy arrays, sympy matrices or other values).
Env = dict[str, Any]
