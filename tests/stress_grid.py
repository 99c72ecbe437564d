"""What a cell of the stress grid decides, shared by the layer and the decomposition grids.

A cell runs one rule (its value, its derivative and its reverse form) at one stressed point
and compares with a high-precision reference. The rule passes the cell if either

* it returns finite numbers, of the input's precision (float32 in, float32 out), within the
  cell's tolerance of the reference; or
* it raises a *named* error: an exception raised by matcalc's own code (the last frame of
  its traceback is in the package), not a bare error from inside numpy, and only where the
  reference says there is nothing right to return (no value, no derivative, not
  representable in float64) or the input is outside the rule's stated domain.

Anything else (a NaN, an inf, a wrong number, a float64 result for float32 input, a bare
traceback, a refusal where the reference has an answer) fails the cell.
"""

import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matcalc
import numpy as np

PACKAGE = Path(matcalc.__file__).resolve().parent

#: Unit roundoff by dtype.
UNIT = {np.dtype(np.float64): 2.0 ** -53, np.dtype(np.float32): 2.0 ** -24}


@dataclass
class Outcome:
    """The rule's answer in one cell: ``values`` (name -> array) or ``error``."""

    values: dict = field(default_factory=dict)
    error: BaseException = None
    warned: list = field(default_factory=list)

    @property
    def named(self):
        """The error was raised by matcalc's own code (not from inside numpy)."""
        if self.error is None:
            return False
        frames = traceback.extract_tb(self.error.__traceback__)
        return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(PACKAGE)

    def describe(self):
        if self.error is None:
            return "returned"
        kind = "named" if self.named else "BARE"
        return f"{kind} {type(self.error).__name__}: {str(self.error)[:160]}"


def run(fn):
    """``Outcome`` of ``fn()``, which returns a dict of outputs, with the RuntimeWarnings
    numpy gave on the way (an overflow or an invalid operation inside a rule)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        try:
            out = Outcome(values=fn())
        except (ArithmeticError, ValueError, RuntimeError, LookupError, TypeError) as exc:
            out = Outcome(error=exc)
    out.warned = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return out


def relative_error(ours, ref):
    """‖ours − ref‖ / ‖ref‖ (Frobenius), with ‖ref‖ floored at 1e-30 (an exact zero
    reference then needs an answer of at most 1e-30 times the tolerance)."""
    ours, ref = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if ours.shape != ref.shape:
        return np.inf
    return float(np.linalg.norm(ours - ref) / max(float(np.linalg.norm(ref)), 1e-30))


def judge(outcome, reference, *, tol, dtype, refusal_ok):
    """The failures of one cell (empty when it passes), as strings.

    ``reference`` maps output names to arrays (an output missing from it has no reference,
    e.g. a value that is not unique at a tie); ``refusal_ok`` is None when the reference
    has an answer for everything the rule returns, else the reason a refusal is right.
    """
    if outcome.warned:
        return [f"numpy warned: {outcome.warned[0]}"]
    if outcome.error is not None:
        if not outcome.named:
            return [f"bare error from inside numpy: {outcome.describe()}"]
        if refusal_ok is None:
            return [f"refused where the reference has an answer: {outcome.describe()}"]
        return []
    problems = []
    if refusal_ok is not None and refusal_ok.startswith("must refuse"):
        problems.append(f"returned a value where it {refusal_ok}")
    for name, value in outcome.values.items():
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            problems.append(f"{name}: not finite ({np.sum(~np.isfinite(arr))} entries)")
            continue
        if arr.dtype.kind in "fc" and arr.dtype != dtype:
            problems.append(f"{name}: dtype {arr.dtype} for {np.dtype(dtype)} input")
        if name in reference:
            err = relative_error(arr, reference[name])
            if not err <= tol:
                problems.append(f"{name}: relative error {err:.1e} > tolerance {tol:.0e}")
    return problems
