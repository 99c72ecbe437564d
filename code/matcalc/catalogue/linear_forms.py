"""Linear forms: gradients of a^T x, a^T X b and relatives, and the Jacobian arrays of
XA and X^T A (Matrix Cookbook 2.4.1)."""

import numpy as np

from ..ops import tr
from ..claim import Claim
from ..registry import register_all

SECTION = "Linear forms"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="x^T a",
        cookbook="69",
        latex=r"x^\T a",
        alias=r"a^\T x",
        result="a",
        shapes={"x": "n1", "a": "n1"},
        wrt="x",
        function=lambda x, a: (x.T @ a)[0, 0],
        claim=lambda x, a: a,
    ),
    Claim(
        kind="gradient",
        name="a^T X b",
        cookbook="70",
        latex=r"a^\T X b",
        result=r"a b^\T",
        shapes={"a": "m1", "X": "mn", "b": "n1"},
        function=lambda a, X, b: (a.T @ X @ b)[0, 0],
        claim=lambda a, X, b: a @ b.T,
    ),
    Claim(
        kind="gradient",
        name="a^T X^T b",
        cookbook="71",
        latex=r"a^\T X^\T b",
        result=r"b a^\T",
        shapes={"a": "n1", "X": "mn", "b": "m1"},
        function=lambda a, X, b: (a.T @ X.T @ b)[0, 0],
        claim=lambda a, X, b: b @ a.T,
    ),
    Claim(
        kind="gradient",
        name="a^T X a",
        cookbook="72",
        latex=r"a^\T X a",
        result=r"a a^\T",
        shapes={"a": "n1", "X": "nn"},
        function=lambda a, X: (a.T @ X @ a)[0, 0],
        claim=lambda a, X: a @ a.T,
    ),
    Claim(
        kind="jacobian",
        name="d(XA)_ij/dX_mn",
        cookbook="74",
        latex=r"\partial (XA)_{ij}/\partial X_{mn}",
        result=r"\delta_{im}A_{nj}",
        shapes={"X": "mn", "A": "np"},
        function=lambda X, A: X @ A,
        claim=lambda X, A: np.einsum("im,nj->ijmn", np.eye(X.shape[0]), A),
    ),
    Claim(
        kind="jacobian",
        name="d(X^T A)_ij/dX_mn",
        cookbook="75",
        latex=r"\partial (X^\T A)_{ij}/\partial X_{mn}",
        result=r"\delta_{in}A_{mj}",
        shapes={"X": "mn", "A": "mp"},
        function=lambda X, A: X.T @ A,
        claim=lambda X, A: np.einsum("in,mj->ijmn", np.eye(X.shape[1]), A),
    ),
    Claim(
        kind="gradient",
        name="tr(A^T X)",
        latex=r"\tr(A^\T X)",
        alias=r"A : X",
        result="A",
        shapes={"A": "mn", "X": "mn"},
        function=lambda A, X: tr(A.T @ X),
        claim=lambda A, X: A,
    ),
))
