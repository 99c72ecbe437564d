"""matcalc.derive: from a reader's expression to its gradient, Jacobian and Hessian, with the
differential steps written out in the book's notation and every step checked.

>>> from matcalc.derive import matrix, derive, fro
>>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
>>> r = derive(0.5 * fro(W @ X - Y) ** 2, wrt="W")
>>> print(r.gradient)
(W X - Y) X^T
>>> r.check().passed
True
"""

from .engine import DerivationFailed, derive
from .expr import eye, matrix, ones, scalar, vector
from .language import (det, diag, exp, fro, frob, inv, kron, log, logdet, norm2, sigmoid,
                       softmax, softplus, sum, tanh, tr)
from .second import differential, hessian

__all__ = ["matrix", "vector", "scalar", "derive", "differential", "hessian", "tr", "inv", "det",
           "logdet", "fro", "frob", "norm2", "sum", "exp", "log", "tanh", "sigmoid", "softplus",
           "softmax", "diag", "kron", "ones", "eye", "DerivationFailed"]
