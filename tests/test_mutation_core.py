"""Small, fast tests of the checker's internals, written to kill surviving mutants
(benchmarks/mutation.md lists what each one guards)."""

import numpy as np
import pytest

from matcalc import check_gradient, check_hessian
from matcalc.compare import CheckResult, Direction, compare, verdict_of
from matcalc.directional import Estimate, central_difference, directional_derivative


def test_verdict_of():
    assert verdict_of(["PASSED", "PASSED"]) == "PASSED"
    assert verdict_of(["PASSED", "UNRESOLVED"]) == "UNRESOLVED"
    assert verdict_of(["UNRESOLVED", "FAILED", "PASSED"]) == "FAILED"
