"""Matrix operations that work on numpy arrays and on sympy matrices alike.

Identities (:mod:`matcalc.identities`), derivations (:mod:`matcalc.derivation`) and the book's
worked examples are written once with these functions, then evaluated exactly on generic
symbolic matrices and numerically on random arrays. Use them instead of ``np.`` functions
in such expressions; ``@``, ``.T``, ``+``, ``-`` and scalar factors already work on both.
(Divide by integers, ``M / 2``, rather than multiplying by floats, ``0.5 * M``, so that the
symbolic side stays exact.)
"""

import numpy as np
import sympy as sp

from .backend import is_symbolic, is_symbolic_matrix

__all__ = ["tr", "hadamard", "kron", "inner", "inv", "det", "logdet", "exp", "log", "tanh",
           "sigmoid", "softmax", "matrix_power", "eye", "ones", "ones_like"]


def _symbolic(*args):
    return is_symbolic(*args)


def _square(M, what):
    shape = M.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"{what} needs a square matrix, got shape {tuple(shape)}")


def tr(M):
    """Trace, for numpy arrays and sympy matrices.

    >>> tr(np.eye(3))
    3.0
    """
    _square(M, "tr")
    return M.trace() if is_symbolic_matrix(M) else np.trace(M).item()


def hadamard(A, B):
    """Entrywise product A o B, for numpy arrays and sympy matrices.

    >>> hadamard(np.array([[1., 2.]]), np.array([[3., 4.]]))
    array([[3., 8.]])
    """
    if tuple(A.shape) != tuple(B.shape):
        raise ValueError(f"hadamard needs equal shapes, got {tuple(A.shape)} and "
                         f"{tuple(B.shape)}")
    if _symbolic(A, B):
        return sp.Matrix(A).multiply_elementwise(sp.Matrix(B))
    return np.multiply(A, B)


def kron(A, B):
    """Kronecker product A (x) B, for numpy arrays and sympy matrices.

    >>> kron(np.eye(2), np.ones((1, 2)))
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    if _symbolic(A, B):
        return sp.kronecker_product(sp.Matrix(A), sp.Matrix(B))
    return np.kron(A, B)


def inner(u, v):
    """u^T v for two vectors (1-D arrays or sympy column matrices), as a scalar.

    >>> inner(np.array([1., 2.]), np.array([3., 4.]))
    11.0
    """
    if _symbolic(u, v):
        return (sp.Matrix(u).T * sp.Matrix(v))[0, 0]
    return float(np.dot(u, v))


def inv(M):
    """Matrix inverse.

    >>> inv(np.array([[2., 0.], [0., 4.]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    _square(M, "inv")
    return M.inv() if is_symbolic_matrix(M) else np.linalg.inv(M)


def det(M):
    """Determinant.

    >>> round(det(np.array([[2., 1.], [1., 3.]])), 12)
    5.0
    """
    _square(M, "det")
    return M.det() if is_symbolic_matrix(M) else np.linalg.det(M).item()


def logdet(M):
    """``log |det M|``, computed stably (slogdet) for arrays.

    >>> round(logdet(np.diag([2., 3.])), 12) == round(float(np.log(6.)), 12)
    True
    """
    _square(M, "logdet")
    if is_symbolic_matrix(M):
        return sp.log(M.det())
    sign, value = np.linalg.slogdet(M)
    if sign == 0:
        raise ValueError(f"logdet of a singular {M.shape[0]}x{M.shape[1]} matrix")
    return float(value)


def _elementwise(name, numeric, symbolic):
    def f(M):
        if is_symbolic_matrix(M):
            return M.applyfunc(symbolic)
        if isinstance(M, sp.Basic):
            return symbolic(M)
        return numeric(M)

    f.__name__ = name
    f.__doc__ = (f"Entrywise {name}, for numpy arrays and sympy matrices.\n\n"
                 f"    >>> {name}(np.ones((1, 2))).shape\n    (1, 2)\n"
                 f"    >>> {name}(sp.Matrix([[1]])).shape\n    (1, 1)\n")
    return f


exp = _elementwise("exp", np.exp, sp.exp)
log = _elementwise("log", np.log, sp.log)
tanh = _elementwise("tanh", np.tanh, sp.tanh)
sigmoid = _elementwise("sigmoid", lambda x: 1 / (1 + np.exp(-x)), lambda x: 1 / (1 + sp.exp(-x)))


def softmax(Z):
    """Column-wise softmax: each column of exp(Z) divided by its sum (numerically stable for
    arrays).

    >>> bool(np.allclose(softmax(np.zeros((2, 3))), 0.5))
    True
    """
    if is_symbolic_matrix(Z):
        E = Z.applyfunc(sp.exp)
        sums = sp.ones(1, Z.shape[0]) * E
        return sp.Matrix(Z.shape[0], Z.shape[1], lambda i, j: E[i, j] / sums[0, j])
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def matrix_power(X, k):
    """X^k for a square X and an integer k >= 0, by repeated products (exact for sympy).

    >>> matrix_power(np.array([[1., 1.], [0., 1.]]), 3)
    array([[1., 3.],
           [0., 1.]])
    """
    _square(X, "matrix_power")
    if int(k) != k or k < 0:
        raise ValueError(f"matrix_power needs an integer power k >= 0, got {k!r}")
    out = eye(X.shape[0], X)
    for _ in range(int(k)):
        out = out @ X
    return out


def eye(n, like=None):
    """Identity of size n: a sympy matrix if ``like`` is one, else a numpy array.

    >>> eye(2)
    array([[1., 0.],
           [0., 1.]])
    """
    return sp.eye(n) if is_symbolic_matrix(like) else np.eye(n)


def ones(rows, cols, like=None):
    """Matrix of ones: a sympy matrix if ``like`` is one, else a numpy array.

    >>> ones(1, 2)
    array([[1., 1.]])
    """
    return sp.ones(rows, cols) if is_symbolic_matrix(like) else np.ones((rows, cols))


def ones_like(M):
    """A matrix of ones of M's shape, of M's kind (sympy or numpy).

    >>> ones_like(np.zeros((1, 2)))
    array([[1., 1.]])
    """
    return ones(M.shape[0], M.shape[1], M)
