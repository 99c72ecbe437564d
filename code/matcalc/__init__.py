"""matcalc: check matrix calculus.

Numerical checks of gradients and differentials along random directions
(:func:`check_gradient`, :func:`check_differential`; :func:`assert_gradient` for a test
suite), the explicit Jacobian array
(:func:`jacobian`), the Frobenius product and vec/commutation helpers, and exact symbolic
verification at concrete sizes (:mod:`matcalc.symbolic`).
"""

from .check import CheckResult, assert_gradient, check_differential, check_gradient
from .directional import directional_derivative
from .frobenius import frob
from .hessian import check_hessian
from .jacobian import as_vec_jacobian, jacobian
from .report import Report
from .vec import commutation, unvec, vec
from .vjp import check_jvp, check_vjp

__all__ = ["CheckResult", "as_vec_jacobian", "assert_gradient", "check_differential", "check_gradient", "check_hessian",
           "check_jvp", "check_vjp",
           "commutation", "directional_derivative", "frob", "jacobian", "Report", "unvec", "vec"]
__version__ = "0.1.0"
