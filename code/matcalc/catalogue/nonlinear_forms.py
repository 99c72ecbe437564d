"""Higher order and non-linear forms: a^T X^n b and the Jacobian arrays of X^n and X^-1
(Matrix Cookbook 2.4.3)."""

import numpy as np

from ..ops import matrix_power
from ..claim import Claim
from ..registry import register_all

SECTION = "Higher order and non-linear forms"
CLAIMS = register_all(SECTION, (
    Claim(
        kind="gradient",
        name="a^T X^n b",
        cookbook="91",
        latex=r"a^\T X^3 b",
        result=r"\textstyle\sum_{r=0}^{2}(X^r)^\T ab^\T(X^{2-r})^\T",
        shapes={"a": "n1", "X": "nn", "b": "n1"},
        function=lambda a, X, b: (a.T @ matrix_power(X, 3) @ b)[0, 0],
        claim=lambda a, X, b: sum((matrix_power(X, r).T @ a @ b.T @ matrix_power(X, 2 - r).T
                                  for r in range(3)), start=0 * X),
        note="shown for $n = 3$",
    ),
    Claim(
        kind="jacobian",
        name="d(X^n)_kl/dX_ij",
        cookbook="90",
        latex=r"\partial (X^3)_{kl}/\partial X_{ij}",
        result=r"\textstyle\sum_{r=0}^{2}(X^r J^{ij} X^{2-r})_{kl}",
        shapes={"X": "nn"},
        function=lambda X: X @ X @ X,
        claim=lambda X: sum(np.einsum("ki,jl->klij", np.linalg.matrix_power(X, r),
                                    np.linalg.matrix_power(X, 2 - r))
                          for r in range(3)),
        note="shown for $n = 3$",
    ),
    Claim(
        kind="jacobian",
        name="d(X^-1)_kl/dX_ij",
        cookbook="60",
        latex=r"\partial (X^{-1})_{kl}/\partial X_{ij}",
        result=r"-(X^{-1})_{ki}(X^{-1})_{jl}",
        shapes={"X": "nn"},
        function=lambda X: np.linalg.inv(X),
        claim=lambda X: -np.einsum("ki,jl->klij", np.linalg.inv(X), np.linalg.inv(X)),
    ),
))
