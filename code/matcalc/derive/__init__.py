"""matcalc.derive: from a reader's expression to its gradient, Jacobian and Hessian, with the
differential steps written out in the book's notation and every step checked.

Importing it does not import numpy: the symbolic path (parsing, the differential rewrites,
the Frobenius moves, simplification, printing, the exact check, and the 50-digit check that
replaces the numeric one where numpy is missing) needs only sympy.

>>> from matcalc.derive import matrix, derive, fro
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> r = derive(0.5 * fro(W @ X - Y) ** 2, wrt="W")
>>> print(r.gradient)
(W X - Y) X^T
>>> r.check().passed
True
"""

from .checks import DerivationFailed
from .engine import derive
from .expr import Expr, dim, eye, matrix, ones, scalar, vector
from .language import (abs, det, diag, exp, fro, frob, inv, kron, log, logdet, mean, norm2,
                       relu, sigmoid, softmax, softplus, sqrt, sum, tanh, tr, vec)
from .result import Derived, Step
from .second import differential, hessian

__all__ = ["matrix", "vector", "scalar", "derive", "differential", "hessian", "tr", "inv", "det",
           "logdet", "fro", "frob", "norm2", "sum", "mean", "exp", "log", "tanh", "sigmoid",
           "softplus", "sqrt", "abs", "relu", "softmax", "diag", "kron", "vec", "ones", "eye",
           "dim", "DerivationFailed", "Derived", "Step", "Expr"]
