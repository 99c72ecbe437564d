"""Linear forms: gradients of a^T x, a^T X b and relatives, and the Jacobian arrays of
XA and X^T A (Matrix Cookbook 2.4.1)."""

import numpy as np

from ..ops import tr
from .entry import gradient, jacobian

SECTION = "Linear forms"
ENTRIES = (
    gradient(
        name="x^T a",
        cookbook="69",
        latex=r"x^\T a = a^\T x",
        result="a",
        shapes={"x": "n1", "a": "n1"},
        variable="x",
        f=lambda x, a: (x.T @ a)[0, 0],
        grad=lambda x, a: a,
    ),
    gradient(
        name="a^T X b",
        cookbook="70",
        latex=r"a^\T X b",
        result=r"a b^\T",
        shapes={"a": "m1", "X": "mn", "b": "n1"},
        f=lambda a, X, b: (a.T @ X @ b)[0, 0],
        grad=lambda a, X, b: a @ b.T,
    ),
    gradient(
        name="a^T X^T b",
        cookbook="71",
        latex=r"a^\T X^\T b",
        result=r"b a^\T",
        shapes={"a": "n1", "X": "mn", "b": "m1"},
        f=lambda a, X, b: (a.T @ X.T @ b)[0, 0],
        grad=lambda a, X, b: b @ a.T,
    ),
    gradient(
        name="a^T X a",
        cookbook="72",
        latex=r"a^\T X a",
        result=r"a a^\T",
        shapes={"a": "n1", "X": "nn"},
        f=lambda a, X: (a.T @ X @ a)[0, 0],
        grad=lambda a, X: a @ a.T,
    ),
    jacobian(
        name="d(XA)_ij/dX_mn",
        cookbook="74",
        latex=r"\partial (XA)_{ij}/\partial X_{mn}",
        result=r"\delta_{im}A_{nj}",
        shapes={"X": "mn", "A": "np"},
        f=lambda X, A: X @ A,
        jac=lambda X, A: np.einsum("im,nj->ijmn", np.eye(X.shape[0]), A),
    ),
    jacobian(
        name="d(X^T A)_ij/dX_mn",
        cookbook="75",
        latex=r"\partial (X^\T A)_{ij}/\partial X_{mn}",
        result=r"\delta_{in}A_{mj}",
        shapes={"X": "mn", "A": "mp"},
        f=lambda X, A: X.T @ A,
        jac=lambda X, A: np.einsum("in,mj->ijmn", np.eye(X.shape[1]), A),
    ),
    gradient(
        name="tr(A^T X)",
        latex=r"\tr(A^\T X) = A : X",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        f=lambda A, X: tr(A.T @ X),
        grad=lambda A, X: A,
    ),
)
