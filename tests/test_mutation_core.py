"""Small, fast tests of the checker's internals, written to kill surviving mutants
(benchmarks/mutation.md lists what remains and why)."""

import numpy as np
import pytest

from matcalc import as_vec_jacobian, check_differential, check_gradient, check_hessian, jacobian
from matcalc.backend import EPS, TOLERANCES
from matcalc._inputs import call_at, working_precision
from matcalc.check import precision_setting, prepare, zero_rule
from matcalc.checkresult import CheckResult
from matcalc.compare import (SAFETY, ZERO, Direction, check_along_directions, compare,
                             random_direction, verdict_of)
from matcalc.directional import (CONFIRM, Estimate, central_difference, complex_step,
                                 directional_derivative, function_noise)
from matcalc.scaled import binary_scale, inner, norm, rms
from matcalc.hessian import hvp_from_hessian


def est(value, error, noise=0.0, method="m", note="n"):
    return Estimate(value, error, noise, method, 1e-3, 7, note)


# --- compare: the three verdicts and their boundaries ----------------------------------------

def test_verdict_of():
    assert verdict_of(["PASSED", "PASSED"]) == "PASSED"
    assert verdict_of(["PASSED", "UNRESOLVED"]) == "UNRESOLVED"
    assert verdict_of(["UNRESOLVED", "FAILED", "PASSED"]) == "FAILED"
    assert verdict_of([]) == "PASSED"


def test_compare_passes_resolved_agreement_and_reports_numbers():
    d, rel = compare(1.0, 0.0, est(1.0 + 1e-12, 1e-13), 1e-8)
    assert d.status == "PASSED" and d.method == "m" and d.note == "n"
    assert rel == pytest.approx(1e-12, rel=1e-3)
    assert d.disagreement == pytest.approx(1e-12, rel=1e-3)
    assert d.allowed == pytest.approx(1e-8 * (1 + 1e-12))
    assert d.numeric_error == 1e-13
    assert isinstance(d.claimed, float) and isinstance(d.numeric, float)


def test_compare_fails_beyond_tolerance_and_beyond_safety_times_error():
    assert compare(1.0, 0.0, est(1.0 + 2e-8, 1e-13), 1e-8)[0].status == "FAILED"
    # within SAFETY x error: not a failure (but unresolved, the error being > rtol)
    e = 1e-6
    d, rel = compare(1.0 + 0.9 * SAFETY * e, 0.0, est(1.0, e), 1e-8)
    assert d.status == "UNRESOLVED" and rel <= 1e-8
    d, _ = compare(1.0 + 1.1 * SAFETY * e, 0.0, est(1.0, e), 1e-8)
    assert d.status == "FAILED"


def test_compare_resolution_boundary_uses_error_plus_claim_rounding():
    d, _ = compare(1.0, 0.0, est(1.0, 0.9e-8), 1e-8)
    assert d.status == "PASSED"
    d, _ = compare(1.0, 0.2e-8, est(1.0, 0.9e-8), 1e-8)  # 1.1e-8 > rtol * size
    assert d.status == "UNRESOLVED"
    d, _ = compare(1.0, 0.0, est(1.0, 2e-8), 1e-8, reference=3.0)  # resolved against 3
    assert d.status == "PASSED"


def test_compare_zero_to_rounding_needs_rounding_limited_error():
    # numeric 1e-15 with error 1e-14 at its noise floor: both zero to rounding
    d, _ = compare(0.0, 0.0, est(1e-15, 1e-14, noise=1e-14), 1e-8)
    assert d.status == "PASSED" and d.note.startswith("zero to rounding")
    # a nonzero claim at that level is not confirmed: any claim of that size would agree
    d, _ = compare(2e-15, 0.0, est(1e-15, 1e-14, noise=1e-14), 1e-8)
    assert d.status == "UNRESOLVED" and "only a claim of exactly zero" in d.note
    # and nothing passes that way in the underflow range, not even a zero claim
    d, _ = compare(0.0, 0.0, est(1e-15, 1e-14, noise=1e-14), 1e-8, zero="underflow")
    assert d.status == "UNRESOLVED" and "underflow" in d.note and d.note.endswith("(numerical "
                                                                                 "derivative: n)")
    with pytest.raises(ValueError, match="zero must be one of"):
        compare(0.0, 0.0, est(1e-15, 1e-14, noise=1e-14), 1e-8, zero="any")
    # the same error, not at the rounding floor: unresolved
    d, _ = compare(0.0, 0.0, est(1e-15, 1e-14, noise=1e-17), 1e-8)
    assert d.status == "UNRESOLVED"
    # a value far above the rounding-limited error is not zero to rounding
    d, _ = compare(2 * ZERO * 1e-14, 0.0, est(2 * ZERO * 1e-14, 1e-14, noise=1e-14), 1e-20)
    assert d.status == "UNRESOLVED"


def test_compare_arrays_use_norms():
    d, rel = compare(np.array([3.0, 4.0]), 0.0, est(np.array([3.0, 4.0 + 5e-9]),
                                                     np.array([1e-12, 1e-12])), 1e-8)
    assert d.status == "PASSED" and rel == pytest.approx(1e-9, rel=1e-6)
    assert isinstance(d.claimed, np.ndarray) and isinstance(d.numeric, np.ndarray)
    assert d.numeric_error == pytest.approx(np.sqrt(2) * 1e-12)


def test_compare_all_zero():
    d, rel = compare(0.0, 0.0, est(0.0, 0.0), 1e-8)
    assert rel == 0.0 and d.status in ("PASSED", "UNRESOLVED")


# --- CheckResult ------------------------------------------------------------------------------

def direction(status="PASSED", claimed=2.0, numeric=2.0, error=1e-9, note=""):
    return Direction(claimed, numeric, error, abs(claimed - numeric), 1e-8, "central", note,
                     status)


def test_result_defaults_verdict_from_passed():
    assert CheckResult("gradient", True, 0.0, 1e-8, 3, (2,), ()).verdict == "PASSED"
    assert CheckResult("gradient", False, 1.0, 1e-8, 3, (2,), ()).verdict == "FAILED"
    r = CheckResult("gradient", False, 0.0, 1e-8, 3, (2,), (), "UNRESOLVED")
    assert r.verdict == "UNRESOLVED" and not bool(r)


def test_result_achievable_and_unresolved_text():
    r = CheckResult("gradient", False, 1e-9, 1e-8, 9, (2, 2),
                    (direction(error=2e-6), direction(claimed=4.0, numeric=4.0, error=4e-6),
                     direction(claimed=0.0, numeric=0.0, error=1.0)), "UNRESOLVED")
    assert r.achievable == pytest.approx(1e-6)
    text = str(r)
    assert text.startswith("gradient check UNRESOLVED: claimed and numerical values differ by "
                           "0.00e+00 relative, within what the numerical derivative resolves "
                           "here; tolerance 1e-08")
    assert "accurate only to 1.0e-06 relative" in text and "rtol=3e-06" in text
    assert "9 evaluations" in text and "3 random directions" in text and "(2, 2)" in text


def test_result_text_precision_notes_and_failed_sign():
    r = CheckResult("gradient", False, 0.5, 5e-4, 9, (2,),
                    (direction(note="b"), direction(note="a"), direction(note="a")),
                    "FAILED", "float32")
    text = str(r)
    assert "relative error 5.00e-01 > tolerance 5e-04" in text
    assert ", f computes in float32)" in text
    assert text.splitlines()[-2:] == ["  note: a", "  note: b"]
    assert "f computes in" not in str(CheckResult("gradient", True, 0.0, 1e-8, 1, (2,),
                                                  (direction(),)))


def test_result_text_for_a_differential_names_the_worst_entry():
    d = Direction(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.5, 4.0]]),
                  1e-9, 0.5, 1e-8, "central", "", "FAILED")
    text = str(CheckResult("differential", False, 0.1, 1e-8, 5, (2, 2), (d,)))
    row = text.splitlines()[2].split()
    assert row[1:3] == ["(1,", "0)"] and float(row[3]) == 3.0 and float(row[4]) == 3.5


def test_result_method_lists_each_method_once():
    r = CheckResult("gradient", True, 0.0, 1e-8, 1, (2,),
                    (direction(), dataclass_replace(direction(), method="complex step")))
    assert r.method == "central, complex step"


def dataclass_replace(obj, **kw):
    import dataclasses
    return dataclasses.replace(obj, **kw)


# --- the per-direction loop -------------------------------------------------------------------

def test_check_along_directions_passes_resolution_and_counts():
    seen = []

    def estimate(d, resolution, relative):
        seen.append((resolution, relative))
        return est(d, 1e-12, method="exact")

    r = check_along_directions("gradient", (3,), drawn=[2.0, 2.0], claims=[(2.0, 1e-15, 0.0)] * 2,
                               estimate=estimate, rtol=1e-8, evaluations=5, precision="float32")
    assert r.evaluations == 5 + 2 * 7 and r.shape == (3,) and r.precision == "float32"
    assert len(r.directions) == 2 and r.tolerance == 1e-8 and r.passed
    assert seen[0][0] == pytest.approx(0.1 * 1e-8 * 2.0 + 1e-15) and seen[0][1] == 1e-9


def test_check_along_directions_reference_is_the_typical_claim():
    def estimate(d, resolution, relative):
        return est(d, 2e-10 * (1 + (d < 1)))  # error 4e-10 on the cancelled direction

    r = check_along_directions("gradient", (1,), drawn=[10.0, 1e-3],
                               claims=[(10.0, 0.0, 0.0), (1e-3, 0.0, 0.0)], estimate=estimate,
                               rtol=1e-8)
    assert r.verdict == "PASSED"  # 4e-10 <= 1e-8 * rms(10, 1e-3) although > 1e-8 * 1e-3


# --- random directions, inputs, precision -------------------------------------------------------

def test_random_direction_projection():
    gen = np.random.default_rng(0)
    P = random_direction(gen, (3, 3), lambda V: (V + V.T) / 2)
    assert np.allclose(P, P.T) and P.shape == (3, 3)
    with pytest.raises(ValueError, match="zero"):
        random_direction(gen, (2,), lambda V: 0 * V)
    with pytest.raises(ValueError, match=r"project\(V\) has shape \(3,\)"):
        random_direction(gen, (2,), lambda V: np.ones(3))


def test_prepare_and_call_at():
    assert prepare(np.ones(2), 1, 0.5).dtype == np.float64
    for bad in (0, 1.5, -1, True, None):
        with pytest.raises(ValueError, match="directions"):
            prepare(np.ones(2), bad, 1e-8)
    for bad in (0.0, 1.0, -1e-8, None, "1e-8", True, float("nan")):
        with pytest.raises(ValueError, match="rtol"):
            prepare(np.ones(2), 1, bad)
    for bad in (-1, None, 1.5, True):
        with pytest.raises(ValueError, match="seed must be a non-negative integer"):
            prepare(np.ones(2), 1, 1e-8, seed=bad)
    with pytest.raises(ValueError, match="method must be"):
        prepare(np.ones(2), 1, 1e-8, method="forward")
    values, dtype = call_at(lambda: np.float32(1.0), (), "f", (), "v")
    assert dtype == np.float32 and values.dtype == np.float64
    with pytest.raises(ValueError, match="dtype <U1"):
        call_at(lambda: "a", (), "f", (), "its value")
    with pytest.raises(ValueError, match="f raised KeyError at X"):
        call_at(lambda: {}["k"], (), "f", (), "its value")


def test_zero_rule():
    assert zero_rule(1e-15, "float64") == "exact"
    assert zero_rule(float(np.finfo(float).tiny), "float64") == "exact"
    assert zero_rule(1e-310, "float64") == "underflow"
    assert zero_rule(1e-40, "float32") == "underflow"  # float32's smallest normal: 1.2e-38
    assert zero_rule(1e-30, "float32") == "exact"
    assert zero_rule(1e-310, "float64", method="complex") == "exact"


def test_scaled_norms_are_exact_under_powers_of_two():
    A = np.array([[3.0, -4.0], [1.5, 0.25]])
    for k in (-1000, -500, 0, 500, 1000):
        s = 2.0 ** k
        assert norm(A * s) == norm(A) * s and rms(A * s) == rms(A) * s
        assert inner(A * s, A) == inner(A, A) * s
    assert norm([3e300, 4e300]) == 5e300 and norm([3e-300, 4e-300]) == pytest.approx(5e-300)
    assert binary_scale(0.0) == 1.0 and binary_scale(np.inf) == 1.0 and binary_scale(3.0) == 2.0
    assert binary_scale(-3.0) == 2.0 and binary_scale(2.0) == 2.0
    assert inner(np.array([1.0, 2.0]), np.array([1j, 1.0])) == 2 + 1j
    assert norm([]) == 0.0 and inner([], []) == 0.0


def test_precision_setting_and_working_precision():
    assert precision_setting(1e-8, 1.0) == (EPS, 1e-8, "float64")
    eps32 = float(np.finfo(np.float32).eps)
    assert precision_setting(1e-8, np.float32(1), 1.0) == (eps32, TOLERANCES["gradient_float32"],
                                                            "float32")
    assert precision_setting(0.5, np.float32(1))[1] == 0.5
    assert precision_setting(1e-8, np.float16(1))[2] == "float16"
    assert working_precision(np.int64(3)) == (EPS, "float64") == working_precision()
    assert working_precision(np.complex64(1)) == (eps32, "float32")
    assert working_precision(np.dtype(np.float16), np.float32(1))[1] == "float16"
    assert working_precision(np.longdouble(1), 1.0) == (EPS, "float64")
    assert rms([]) == 0.0 and rms([[3.0, 4.0]]) == pytest.approx(np.sqrt(12.5))


# --- numerical derivatives --------------------------------------------------------------------

def test_function_noise_measures_rounding_not_curvature():
    X = np.linspace(1, 2, 6)
    smooth = function_noise(lambda Z: np.sum(Z ** 2), X, np.ones(6), np.sum(X ** 2))
    assert smooth < 1e-12
    rng = np.random.default_rng(0)
    noisy = lambda Z: np.sum(Z) + 1e-9 * rng.standard_normal()
    assert 1e-10 < function_noise(noisy, X, np.ones(6), noisy(X)) < 1e-7
    # leaving the domain at once: falls back to eps |f|
    f = lambda Z: np.sum(Z) if np.array_equal(Z, X) else np.nan
    assert function_noise(f, X, np.ones(6), 9.0) == pytest.approx(9.0 * EPS)


def test_central_difference_estimate_and_stops():
    calls = []

    def phi(t):
        calls.append(t)
        return np.exp(t)

    value, error, noise, step = central_difference(phi, 0.1)
    assert abs(value - 1) <= error < 1e-9 and 0 < step < 0.1 and noise > 0
    n_full = len(calls)
    calls.clear()
    central_difference(phi, 0.1, resolution=1e-3)
    assert 6 <= len(calls) < n_full  # stops once resolved, but only after a later level
    calls.clear()
    central_difference(phi, 0.1, good_enough=lambda v, e, n: True)
    assert len(calls) == 4
    assert central_difference(lambda t: None, 0.1) == (None, None, 0.0, 0.1)
    calls.clear()
    central_difference(phi, 0.1, max_steps=5)
    assert len(calls) == 10 and min(abs(t) for t in calls) == pytest.approx(0.1 / 4 ** 4)
    v2, e2, _, _ = central_difference(phi, 0.1, ratio=2.0)
    assert abs(v2 - 1) <= e2 < 1e-8


def test_central_difference_skips_a_domain_hole_and_resets_extrapolation():
    phi = lambda t: None if abs(t) > 0.01 else np.sin(t)
    value, error, _, step = central_difference(phi, 1.0)
    assert abs(value - 1) <= error < 1e-9 and step < 0.01


def test_relative_resolution_refines_a_small_value():
    calls = []

    def phi(t):  # derivative 1e-3 at 0, large higher derivatives
        calls.append(t)
        return 1e-3 * t + 0.1 * (np.sin(10 * t) - 10 * t)

    v_abs, e_abs, *_ = central_difference(phi, 0.1, resolution=1e-2)
    n_abs = len(calls)
    calls.clear()
    v_rel, e_rel, *_ = central_difference(phi, 0.1, resolution=1e-2, relative_resolution=1e-6)
    assert len(calls) > n_abs and e_rel < e_abs
    assert abs(v_rel - 1e-3) <= e_rel <= 1e-9


def test_complex_step_refusals():
    X, V = np.ones(2), np.ones(2)
    assert complex_step(lambda Z: np.abs(Z).sum(), X, V, 1e-20, ())[0] is None
    assert "shape" in complex_step(lambda Z: Z, X, V, 1e-20, ())[1]
    assert "non-finite" in complex_step(lambda Z: np.sum(Z) / 0, X, V, 1e-20, ())[1]
    assert "ValueError" in complex_step(lambda Z: int("x"), X, V, 1e-20, ())[1]
    value, why = complex_step(lambda Z: np.sum(Z ** 3), X, V, 1e-20, ())
    assert why == "" and float(value) == pytest.approx(6.0, rel=1e-15)


def test_directional_derivative_methods_errors_and_counts():
    X = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="method must be"):
        directional_derivative(np.sum, X, X, method="forward")
    with pytest.raises(ValueError, match="direction V .* is zero"):
        directional_derivative(np.sum, X, np.zeros(2))
    forced = directional_derivative(lambda Z: np.sum(Z ** 2), X, np.ones(2), method="complex")
    assert forced.method == "complex step" and forced.evaluations == 2
    assert float(forced.error) == pytest.approx(100 * EPS * 6.0)
    auto = directional_derivative(lambda Z: np.sum(Z ** 3), X, np.ones(2), out_shape=(),
                                  noise=0.0)
    assert auto.method == "complex step" and auto.note == "confirmed by central differences"
    assert float(auto.value) == 15.0 and float(np.max(auto.error)) < 1e-10
    central = directional_derivative(lambda Z: np.sum(np.abs(Z) ** 3), X, np.ones(2))
    assert central.method == "central differences" and "real values" in central.note
    assert abs(float(central.value) - 15.0) <= float(np.max(central.error)) < 1e-8


def test_a_subtly_wrong_complex_step_is_rejected():
    # The imaginary part is perturbed by 1e-8 relative: not analytic, and central
    # differences at 1e-10 see it.
    def f(Z):
        out = np.sum(Z ** 3)
        return out + 1j * 1e-8 * np.imag(out) if np.iscomplexobj(out) else out
    e = directional_derivative(f, np.array([1.0, 2.0]), np.ones(2))
    assert e.method == "central differences" and "differs" in e.note
    assert abs(float(e.value) - 15.0) < 1e-9
    assert CONFIRM <= 1e-10


# --- hessian and jacobian ------------------------------------------------------------------------

def test_hvp_from_hessian_shapes():
    V = np.arange(6.0).reshape(2, 3)
    H4 = np.einsum("ik,jl->ijkl", np.eye(2), np.eye(3)) * 2
    assert np.allclose(hvp_from_hessian(H4, V), 2 * V)
    assert np.allclose(hvp_from_hessian(2 * np.eye(6), V), 2 * V)
    with pytest.raises(ValueError, match=r"\(2, 3, 2, 3\).*\(6, 6\).*\(5, 5\)"):
        hvp_from_hessian(np.eye(5), V)


def test_check_hessian_arguments_and_verdicts():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    f = lambda x: 0.5 * x @ A @ x
    x = np.array([1.0, -2.0])
    with pytest.raises(ValueError, match="exactly one"):
        check_hessian(f, x)
    with pytest.raises(ValueError, match="exactly one"):
        check_hessian(f, x, hvp=lambda x, V: A @ V, hessian=lambda x: A)
    with pytest.raises(ValueError, match="real scalar"):
        check_hessian(lambda x: x, x, hessian=lambda x: A)
    r = check_hessian(f, x, hessian=lambda x: A)
    assert r.verdict == "PASSED" and r.tolerance == TOLERANCES["hessian_nested"]
    assert r.kind == "hessian" and r.shape == (2,) and r.evaluations > 10
    g = check_hessian(f, x, hessian=lambda x: A, grad=lambda x: A @ x)
    assert g.verdict == "PASSED" and g.tolerance == TOLERANCES["gradient"]
    bad_grad = check_hessian(f, x, hessian=lambda x: A, grad=lambda x: 2 * A @ x)
    assert bad_grad.verdict == "FAILED" and "gradient itself is FAILED" in str(bad_grad)
    B = np.array([[2.0, 1.0], [0.0, 3.0]])  # not symmetric
    asym = check_hessian(lambda x: 0.5 * x @ B @ x, x, hessian=lambda x: B)
    assert asym.verdict == "FAILED" and "not symmetric" in str(asym)
    wrong = check_hessian(f, x, hvp=lambda x, V: 1.01 * A @ V)
    assert wrong.verdict == "FAILED"
    assert r.passed is True and g.passed is True and wrong.passed is False
    loose = check_hessian(f, x, hessian=lambda x: A, grad=lambda x: A @ x, rtol=1e-3)
    assert loose.tolerance == 1e-3 and loose.passed is True
    loose = check_hessian(f, x, hessian=lambda x: A, rtol=1e-3)
    assert loose.tolerance == 1e-3
    with pytest.raises(ValueError, match="Hessian-vector product has the shape"):
        check_hessian(f, x, hvp=lambda x, V: np.ones(3))


def test_jacobian_precision_and_values():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    J = jacobian(lambda x: A @ x, np.array([1.0, 1.0]))
    assert np.allclose(J, A, atol=1e-12)
    J32 = jacobian(lambda x: (A @ x).astype(np.float32), np.array([1.0, 1.0]))
    assert np.allclose(J32, A, rtol=1e-4)


def test_check_differential_float32_and_zero_claim_rounding():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    r = check_differential(lambda X: (A @ X).astype(np.float32), lambda X, dX: A @ dX,
                           np.eye(2))
    assert r.precision == "float32" and r.tolerance == TOLERANCES["gradient_float32"]
    assert r.verdict == "PASSED"


def test_check_gradient_counts_noise_evaluations_and_reports_float32():
    calls = []

    def f(X):
        calls.append(1)
        return np.sum(X ** 2)

    r = check_gradient(f, lambda X: 2 * X, np.ones(3))
    assert r.evaluations == len(calls)
    r32 = check_gradient(lambda X: np.float32(np.sum(X ** 2)), lambda X: 2 * X, np.ones(3))
    assert r32.precision == "float32" and r32.verdict == "PASSED"


# --- killing survivors of the first mutation run ------------------------------------------------

def counted(f):
    calls = []

    def g(*args):
        calls.append(1)
        return f(*args)
    return g, calls


def test_every_check_counts_every_evaluation():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, -2.0])
    f, calls = counted(lambda x: 0.5 * x @ A @ x)
    assert check_hessian(f, x, hessian=lambda x: A).evaluations == len(calls)
    g, gcalls = counted(lambda x: A @ x)
    calls.clear()
    r = check_hessian(f, x, hessian=lambda x: A, grad=g)
    # check_hessian's own f(X) and the gradient check's grad(X) are not counted
    assert r.evaluations == len(calls) + len(gcalls) - 2
    F, fcalls = counted(lambda X: X @ X)
    r = check_differential(F, lambda X, dX: X @ dX + dX @ X, np.eye(2) + 0.1)
    assert r.evaluations == len(fcalls) and r.kind == "differential"


def test_check_differential_uses_the_projection():
    # d tr(X X) = 2 tr(X dX) = 2 X^T : dX, equal to 2 X : dX for symmetric dX only
    X = np.array([[1.0, 2.0], [0.5, 3.0]])
    claim = lambda X, dX: 2 * np.sum(X * dX)
    sym = lambda V: (V + V.T) / 2
    F = lambda X: np.trace(X @ X)
    assert check_differential(F, claim, X, project=sym).verdict == "PASSED"
    assert check_differential(F, claim, X).verdict == "FAILED"


def test_hessian_report_lists_directions_from_one():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    text = str(check_hessian(lambda x: 0.5 * x @ A @ x, np.ones(2), hvp=lambda x, V: A @ V))
    lines = text.splitlines()
    assert "claimed W:H[V]" in lines[1] and lines[2].split()[0] == "1"
    assert lines[4].split()[0] == "3"


def test_jacobian_passes_its_method_and_as_vec_jacobian():
    with pytest.raises(ValueError, match="method='complex' cannot be used"):
        jacobian(np.abs, np.ones(2), method="complex")
    from matcalc.jacobian import as_vec_jacobian
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    J = jacobian(lambda X: A @ X, np.ones((2, 3)))
    assert np.allclose(as_vec_jacobian(J), np.kron(np.eye(3), A))
    assert as_vec_jacobian(J, out_ndim=1).shape == (2, 18)
    with pytest.raises(ValueError, match="out_ndim=5"):
        as_vec_jacobian(J, out_ndim=5)


def test_random_direction_float_projection_and_default():
    gen = np.random.default_rng(1)
    P = random_direction(gen, (2, 2), lambda V: (V > 0).astype(int))
    assert P.dtype == np.float64


def test_hvp_from_hessian_column_major():
    V = np.array([[1.0, 2.0], [3.0, 4.0]])
    H = np.diag([1.0, 2.0, 3.0, 4.0])  # on vec(V) = [1, 3, 2, 4] (column-major)
    assert np.allclose(hvp_from_hessian(H, V), [[1.0, 6.0], [6.0, 16.0]])
    assert hvp_from_hessian(np.eye(4, dtype=int), V.astype(int)).dtype == np.float64


def test_nested_hessian_of_a_non_analytic_function():
    # |x|^3 is not complex-analytic in numpy: the inner derivative is the fixed stencil
    x = np.array([0.7, -1.3, 2.1])
    f = lambda x: np.sum(np.abs(x) ** 3)
    right = check_hessian(f, x, hessian=lambda x: np.diag(6 * np.abs(x)))
    assert right.verdict == "PASSED" and right.passed is True
    assert right.directions[0].numeric == pytest.approx(right.directions[0].claimed, rel=1e-7)
    wrong = check_hessian(f, x, hessian=lambda x: np.diag(6.06 * np.abs(x)))
    assert wrong.verdict == "FAILED"
    f32 = check_hessian(lambda x: np.float32(f(x)), x, hessian=lambda x: np.diag(6 * np.abs(x)),
                        grad=lambda x: 3 * np.abs(x) * x)
    assert f32.precision == "float32"


# --- killing survivors of the second mutation run (2026-11-27, afternoon) -----------------------

QUARTIC = lambda x: 0.25 * np.sum(x ** 4) + x[0] * x[1]


def quartic_hvp(x, V):
    """H[V] of QUARTIC: depends on x (a constant Hessian hides an ignored argument)."""
    return 3 * x ** 2 * V + np.array([V[1], V[0], 0.0])


def test_check_hessian_evaluates_the_claim_at_x():
    x = np.array([1.0, -2.0, 0.5])
    grad = lambda x: x ** 3 + np.array([x[1], x[0], 0.0])
    assert check_hessian(QUARTIC, x, hvp=quartic_hvp).verdict == "PASSED"
    assert check_hessian(QUARTIC, x, hvp=quartic_hvp, grad=grad).verdict == "PASSED"
    at_zero = lambda x, V: quartic_hvp(np.zeros(3), V)
    assert check_hessian(QUARTIC, x, hvp=at_zero).verdict == "FAILED"
    assert check_hessian(QUARTIC, x, hvp=at_zero, grad=grad).verdict == "FAILED"


def test_check_hessian_shape_error_names_both_shapes():
    x = np.array([1.0, -2.0])
    with pytest.raises(ValueError) as err:
        check_hessian(lambda x: x @ x, x, hvp=lambda x, V: np.ones(3))
    assert str(err.value) == ("hvp's H[V] has shape (3,), but X has shape (2,): a Hessian-vector "
                              "product has the shape of the variable")


def test_check_hessian_value_error_names_f():
    with pytest.raises(ValueError) as err:
        check_hessian(lambda x: np.array(["a"]), np.ones(2), hvp=lambda x, V: V)
    assert str(err.value) == "f(X) has dtype <U1; its value must be real numbers"


def test_check_hessian_symmetry_alone_fails_a_slightly_skew_claim():
    """Skew by 5e-9 relative: invisible along random directions at rtol 1e-8, caught by the
    symmetry test alone (threshold 1e-10)."""
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
    K = 5e-9 * np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]])
    f = lambda x: 0.5 * x @ A @ x
    x = np.array([1.0, -2.0, 0.5])
    r = check_hessian(f, x, hvp=lambda x, V: (A + K) @ V, grad=lambda x: A @ x)
    assert r.verdict == "FAILED" and r.error < 1e-8, str(r)
    assert r.directions[0].note.startswith("the claimed Hessian is not symmetric: W:H[V] = ")
    assert "relative difference" in r.directions[0].note
    loose = check_hessian(f, x, hvp=lambda x, V: (A + K) @ V, grad=lambda x: A @ x,
                          symmetry_rtol=1e-6)
    assert loose.verdict == "PASSED", str(loose)
    # relative to the products themselves, however small they are
    tiny = check_hessian(lambda x: 1e-6 * f(x), x, hvp=lambda x, V: 1e-6 * (A + K) @ V,
                         grad=lambda x: 1e-6 * A @ x)
    assert tiny.verdict == "FAILED" and "not symmetric" in tiny.directions[0].note


def test_check_hessian_with_a_wrong_gradient_reports_its_error_and_notes_in_order():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    B = np.array([[2.0, 1.0], [0.0, 3.0]])
    x = np.array([1.0, -2.0])
    r = check_hessian(lambda x: 0.5 * x @ A @ x, x, hvp=lambda x, V: B @ V,
                      grad=lambda x: 2 * A @ x)
    assert r.verdict == "FAILED" and np.isfinite(r.error)
    assert r.error >= check_gradient(lambda x: 0.5 * x @ A @ x, lambda x: 2 * A @ x, x).error
    note = r.directions[0].note
    assert note.index("not symmetric") < note.index("; the gradient itself is FAILED (error ")
    assert all("not symmetric" not in d.note for d in r.directions[1:])
    right_grad = check_hessian(lambda x: 0.5 * x @ A @ x, x, hvp=lambda x, V: A @ V,
                               grad=lambda x: A @ x)
    assert np.isfinite(right_grad.error) and right_grad.error < 1e-8


def test_check_hessian_seed_and_directions_reach_every_inner_check():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    f, x = (lambda x: 0.5 * x @ A @ x), np.array([1.0, -2.0])
    kw = dict(hvp=lambda x, V: A @ V, grad=lambda x: A @ x)
    r0, r1 = check_hessian(f, x, **kw), check_hessian(f, x, seed=1, **kw)
    assert not np.allclose([d.claimed for d in r0.directions], [d.claimed for d in r1.directions])
    f_calls, g_calls = counted(f), counted(lambda x: A @ x)
    five = check_hessian(f_calls[0], x, hvp=lambda x, V: A @ V, grad=g_calls[0], directions=5)
    assert len(five.directions) == 5
    _, calls = f_calls
    three = len(calls)
    calls.clear()
    check_hessian(f_calls[0], x, hvp=lambda x, V: A @ V, grad=g_calls[0], directions=1)
    assert len(calls) < three  # the gradient check used the same number of directions
    r32 = check_hessian(lambda x: np.float32(f(x)), x, hvp=lambda x, V: A @ V,
                        grad=lambda x: A @ x)
    assert r32.precision == "float32"
    nested32 = check_hessian(lambda x: np.float32(f(x)), x, hvp=lambda x, V: A @ V, rtol=1e-2)
    assert nested32.precision in ("float32", "float64")


def test_jacobian_input_errors_name_the_problem():
    with pytest.raises(ValueError) as err:
        jacobian(lambda X: X, "abc")
    assert "X" in str(err.value)
    with pytest.raises(ValueError) as err:
        jacobian(lambda X: X + 1j, np.ones(2))
    assert str(err.value) == ("F(X) has complex values (dtype complex128) at a real X; its "
                              "values must be real")
    with pytest.raises(ValueError) as err:
        jacobian(lambda X: np.array(["a", "b"]), np.ones(2))
    assert str(err.value) == "F(X) has dtype <U1; its values must be real numbers"
    with pytest.raises(ValueError) as err:
        jacobian(lambda X: X * np.inf, np.ones(2))
    assert "F(X)" in str(err.value)
    with pytest.raises(ValueError) as err:
        jacobian(lambda X: 1 / 0, np.ones(2))
    assert str(err.value) == "F raised ZeroDivisionError at X: division by zero"
    assert jacobian(lambda X: (X > 0).astype(int) * 2, np.ones(2)).shape == (2, 2)


def test_nested_hessian_counts_every_evaluation_on_the_central_path():
    """|x| inside: not complex-analytic, so the inner derivative is the fixed 4-point stencil."""
    f, calls = counted(lambda x: np.sum(np.abs(x) ** 3))
    x = np.array([1.0, -2.0])
    r = check_hessian(f, x, hvp=lambda x, V: 6 * np.abs(x) * V)
    assert r.verdict == "PASSED", str(r)
    assert r.evaluations == len(calls)
    assert check_hessian(f, x, hvp=lambda x, V: 6.06 * np.abs(x) * V).verdict == "FAILED"


def test_assert_gradient_passes_options_on():
    from matcalc import assert_gradient
    f, X = (lambda X: np.sum(X ** 2)), np.ones((2, 2))
    assert_gradient(f, lambda X: 2 * X * (1 + 1e-5), X, rtol=1e-3)
    with pytest.raises(AssertionError, match="FAILED"):
        assert_gradient(f, lambda X: 2 * X * (1 + 1e-5), X)


def test_complex_step_estimate_reports_its_step():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    V = 2 * np.ones_like(X)
    est = directional_derivative(lambda Z: np.sum(Z ** 3), X, V)
    assert est.method == "complex step"
    assert est.step == pytest.approx(1e-20 * rms(X) / rms(V), rel=1e-12)
    assert est.error.dtype == np.float64 and est.error.shape == ()


def test_check_hessian_passes_rtol_to_the_gradient_check_and_keeps_unresolved():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    f, x = (lambda x: 0.5 * x @ A @ x), np.array([1.0, -2.0])
    near = lambda x: (1 + 1e-5) * A @ x  # 1e-5 off: within rtol 1e-3, not within 1e-8
    assert check_hessian(f, x, hvp=lambda x, V: A @ V, grad=near, rtol=1e-3).passed
    assert not check_hessian(f, x, hvp=lambda x, V: A @ V, grad=near).passed
    rounded = lambda x: float(np.float32(f(x)))  # float32 behind a float: unresolved at 1e-8
    r = check_hessian(rounded, x, hvp=lambda x, V: A @ V, grad=lambda x: A @ x)
    assert r.verdict == "UNRESOLVED" and not r.passed, str(r)


def test_as_vec_jacobian_accepts_every_split():
    J = np.arange(24.0).reshape(2, 3, 4)
    assert as_vec_jacobian(J, 0).shape == (1, 24)
    assert as_vec_jacobian(J, 3).shape == (24, 1)
    assert np.array_equal(as_vec_jacobian(J, 1), J.reshape(2, 12, order="F"))
    with pytest.raises(ValueError, match=r"out_ndim=4 does not fit a Jacobian of shape \(2, 3, 4\)"):
        as_vec_jacobian(J, 4)
    with pytest.raises(ValueError, match="out_ndim=-1"):
        as_vec_jacobian(J, -1)


def test_check_differential_complex_method_measures_no_noise():
    F, calls = counted(lambda X: X @ X)
    r = check_differential(F, lambda X, dX: X @ dX + dX @ X, np.eye(2) + 0.1, method="complex")
    assert r.verdict == "PASSED" and r.evaluations == len(calls) == 1 + 3  # f(X), 3 steps
    with pytest.raises(ValueError) as err:
        check_differential(lambda X: np.array(["a"]), lambda X, dX: dX, np.eye(2))
    assert str(err.value) == "F(X) has dtype <U1; its values must be real numbers"
    with pytest.raises(ValueError) as err:
        check_differential(lambda X: X, lambda X, dX: np.array(["a"]), np.eye(2))
    assert str(err.value) == "dF(X, dX) has dtype <U1; the differential must be real numbers"
    with pytest.raises(ValueError) as err:
        check_differential(lambda X: X, lambda X, dX: dX[0], np.eye(2))
    assert str(err.value) == ("dF(X, dX) has shape (2,), but F(X) has shape (2, 2): a "
                              "differential has the shape of the function's value")


def test_nested_hessian_counts_the_widened_noise_measurement():
    """A float32 computation behind a float: the noise step is widened (more than four
    evaluations), and every one is counted."""
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    f, calls = counted(lambda x: float(np.float32(0.5 * x @ A @ x)))
    r = check_hessian(f, np.array([1.0, -2.0]), hvp=lambda x, V: A @ V, rtol=1e-2)
    assert r.evaluations == len(calls), str(r)


def test_check_gradient_errors_word_for_word():
    X = np.ones((2, 2))
    cases = [
        (lambda: check_gradient(lambda X: np.array("a"), lambda X: X, X),
         "f(X) has dtype <U1; its value must be real numbers"),
        (lambda: check_gradient(lambda X: 1.0, lambda X: np.array([["a"]]), X),
         "grad(X) has dtype <U1; the gradient must be real numbers"),
        (lambda: check_gradient(lambda X: 1.0, lambda X: X[0], X),
         "grad(X) has shape (2,), but X has shape (2, 2): a gradient has the shape of its "
         "variable"),
        (lambda: check_gradient(lambda X: 1.0, lambda X: X, X, project=lambda V: V[0]),
         "project(V) has shape (2,), but X has shape (2, 2): a projected direction has the "
         "shape of X"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError) as err:
            call()
        assert str(err.value) == message


def test_complex_step_says_why_it_was_not_used():
    X = np.array([1.0, 2.0])
    value, why = complex_step(lambda Z: np.abs(Z), X, np.ones(2), 1e-20, (2,))
    assert value is None and why == ("F returned real values for a complex argument (abs, eigh, "
                                     "svd, a cast inside it), so it is not complex-analytic "
                                     "as written")
    value, why = complex_step(lambda Z: Z / 0, X, np.ones(2), 1e-20, (2,))
    assert value is None and why == "F returned non-finite values for a complex argument"
    value, why = complex_step(lambda Z: Z.astype(float), X, np.ones(2), 1e-20, (2,))
    assert value is None and why == "F failed on a complex argument (ComplexWarning)"


# --- written against surviving "logic" mutants read one by one (benchmarks/mutation.md) ---

def test_a_zero_claimed_hessian_of_a_linear_function_passes():
    from matcalc import check_hessian
    X = np.arange(1.0, 7.0).reshape(2, 3)
    for claim in ({"hessian": lambda X: np.zeros((X.size, X.size))},
                  {"hvp": lambda X, V: np.zeros_like(V)}):
        result = check_hessian(lambda X: float(np.sum(X)), X, **claim)
        assert result.passed, result


def test_a_float32_gradient_of_a_float64_function_keeps_the_functions_precision():
    """The precision is f's: a claim cast to float32 is credited with float32 rounding (so a
    right one is not FAILED) but does not lower the tolerance (so a wrong one is not PASSED)."""
    from matcalc.check import precision_setting
    assert precision_setting(1e-8, 2.0, np.float32(1.0))[1:] == (5e-4, "float32")
    X = np.arange(1.0, 5.0).reshape(2, 2)
    f = lambda X: float(np.sum(X ** 2))
    right = check_gradient(f, lambda X: (2 * X).astype(np.float32), X)
    assert (right.tolerance, right.precision) == (1e-8, "float64"), right
    assert right.verdict == "UNRESOLVED", right  # float32 rounding is coarser than 1e-8
    rounded = check_gradient(f, lambda X: (2 * X / 3).astype(np.float32) * 3, X, rtol=1e-5)
    assert rounded.verdict == "PASSED", rounded
    wrong = check_gradient(f, lambda X: (2 * X * (1 + 3e-4)).astype(np.float32), X)
    assert wrong.verdict == "FAILED", wrong
    assert check_gradient(f, lambda X: 2.0000001 * X, X).verdict == "FAILED"  # float64 claim


# --- the input layer, the scaled comparison and the traps' code paths (issue 21) ---------------

from functools import partial  # noqa: E402

from matcalc._inputs import (CallError, PerturbedPointError, as_real_array,  # noqa: E402
                             as_real_result, call_unchanged, describe, parameter_names,
                             require_directions, require_method, require_rtol, require_shape,
                             tolerance_at)
from matcalc.check import differential_check, gradient_check  # noqa: E402


def test_describe_and_parameter_names():
    def grad(X):
        return X

    def my_grad(X):
        return X

    assert describe(lambda X: X, "grad") == "grad" and describe(grad, "grad") == "grad"
    assert describe(my_grad, "grad") == "grad (my_grad)" and describe(partial(my_grad), "g") == "g"
    assert parameter_names(lambda *a: a, ("X", "V")) == ["X", "V"]
    assert parameter_names(max, ("X",)) == ["X"]  # a builtin without a signature
    assert parameter_names(lambda a, b=1, *c, d: a, ("X", "V", "W")) == ["a", "b", "W"]


def test_modifications_are_described_exactly():
    def reshape(X):
        X.shape = (X.size,)

    def retype(X):
        X.dtype = np.int64

    def one_entry(X):
        X[1, 0] = 7.0

    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(CallError, match=r"f modified its argument X in place \(shape \(3, 2\) "
                                        r"float64 became \(6,\) float64\)"):
        call_unchanged(lambda X: reshape(X), (X,), "f", ("X",))
    with pytest.raises(CallError, match=r"float64 became \(3, 2\) int64"):
        call_unchanged(lambda X: retype(X), (X,), "f", ("X",))
    with pytest.raises(CallError, match=r"\(1 of 6 entries changed, e\.g\. at index \(1, 0\): "
                                        r"2\.0 -> 7\.0\)"):
        call_unchanged(lambda Z: one_entry(Z), (X,), "f", ("Z",))
    with_nan = np.array([np.nan, 1.0])
    assert call_unchanged(lambda a: 3, (with_nan,), "f", ("a",)) == 3  # NaN == NaN here
    ints = np.arange(3)
    with pytest.raises(CallError, match="2 of 3 entries"):
        call_unchanged(lambda a: a.__setitem__(slice(1, None), 0), (ints,), "f", ("a",))
    assert np.array_equal(X, np.arange(6.0).reshape(3, 2)) and np.array_equal(ints, [0, 1, 2])


def test_a_nested_refusal_is_not_wrapped_twice():
    inner_call = lambda X: call_unchanged(lambda Y: 1 / 0, (X,), "inner", ("X",))
    with pytest.raises(CallError) as err:
        call_unchanged(inner_call, (np.ones(2),), "outer", ("X",))
    assert str(err.value) == "inner raised ZeroDivisionError at X: division by zero"


def test_results_are_real_copies():
    out = np.array([1.0, 2.0])
    values, dtype = as_real_result(out, "g(X)", "a gradient")
    out[0] = 5.0
    assert values[0] == 1.0 and dtype == np.float64
    assert as_real_result(np.array([True]), "g", "v")[0].dtype == np.float64
    assert as_real_result(np.int8(3), "g", "v")[1] == np.int8
    with pytest.raises(CallError, match=r"g\(X\) is not an array"):
        as_real_result([[1.0], [1.0, 2.0]], "g(X)", "v")
    with pytest.raises(CallError, match=r"^g\(X\) \(shape \(2,\)\) has 1 non-finite"):
        as_real_result([1.0, np.inf], "g(X)", "v")


def test_argument_checks_return_normalised_values():
    assert require_rtol(np.float32(0.25)) == 0.25 and type(require_rtol(0.5)) is float
    assert require_rtol(0.5, "symmetry_rtol") == 0.5
    with pytest.raises(ValueError, match="^symmetry_rtol must be"):
        require_rtol(2, "symmetry_rtol")
    assert require_directions(np.int64(2)) == 2 and type(require_directions(2.0)) is int
    for bad in (True, 0.5, "3", 0):
        with pytest.raises(ValueError, match="directions"):
            require_directions(bad)
    for bad in (None, "Auto", 1):
        with pytest.raises(ValueError, match="method"):
            require_method(bad)
    assert tolerance_at(1e-12, "float64") == 1e-12 and tolerance_at(0.1, "float32") == 0.1
    assert tolerance_at(1e-8, "float16") == TOLERANCES["gradient_float16"]
    assert working_precision(np.float16(1), np.float32(1), 1.0)[1] == "float16"
    assert working_precision(1.0, np.float32(1))[1] == "float32"


def test_perturbed_point_error_names_the_distance():
    X, V = np.full(4, 2.0), np.ones(4)
    err = PerturbedPointError.at("f", KeyError("k"), X, V, 0.5)
    assert "t = 5.000e-01, at relative distance 2.5e-01 from X" in str(err)
    assert "(rms 1.00e+00); it did not raise at X: 'k'" in str(err)
    assert np.array_equal(err.point, X + 0.5) and err.step == 0.5 and err.direction is V
    assert "relative distance 5.0e-01" in str(PerturbedPointError.at("f", KeyError(), 0 * X,
                                                                      V, 0.5))
    with pytest.raises(PerturbedPointError, match="^g raised KeyError at a perturbed point"):
        directional_derivative(lambda Z: {}[0] if Z[0] != 1 else 0.0, np.ones(2), np.ones(2),
                               name="g")


def test_directional_derivative_names_f_and_validates_v():
    with pytest.raises(ValueError, match="^g could not be evaluated at any perturbed point"):
        directional_derivative(lambda Z: np.nan if Z[0] != 1 else 0.0, np.ones(2), np.ones(2),
                               name="g", method="central")
    with pytest.raises(ValueError, match=r"^g raised KeyError at X"):
        directional_derivative(lambda Z: {}[0], np.ones(2), np.ones(2), name="g")
    with pytest.raises(ValueError, match="^the direction V is complex"):
        directional_derivative(np.sum, np.ones(2), np.ones(2) * 1j)
    with pytest.raises(TypeError, match="^g must be a callable"):
        directional_derivative(3.0, np.ones(2), np.ones(2), name="g")


def test_compare_refuses_a_non_finite_estimate_and_scales_exactly():
    d, rel = compare(1.0, 0.0, est(np.inf, 1.0), 1e-8)
    assert d.status == "UNRESOLVED" and rel == np.inf and "not finite" in d.note
    assert d.numeric_error == d.disagreement == d.allowed == np.inf
    d, rel = compare(1.0, 0.0, est(1.0, np.nan), 1e-8)
    assert d.status == "UNRESOLVED"
    base = compare(1.0, 0.1e-8, est(1.0 + 3e-9, 0.5e-8, noise=1e-9), 1e-8, reference=3.0)
    for k in (-900, -300, 300, 1000):
        s = 2.0 ** k
        d, rel = compare(s, 0.1e-8 * s, est(s * (1 + 3e-9), 0.5e-8 * s, noise=1e-9 * s),
                         1e-8, reference=3.0 * s)
        assert (d.status, rel) == (base[0].status, base[1])
        assert d.allowed == base[0].allowed * s and d.disagreement == base[0].disagreement * s
    r = CheckResult("gradient", False, np.inf, 1e-8, 3, (2,), (d,), "UNRESOLVED")
    assert "relative error inf (not finite: see the notes), vs tolerance" in str(r)


def test_unresolved_advice_depends_on_the_accuracy_reached():
    def result(err):
        d = Direction(1.0, 1.0, err, 0.0, 1.0, "m", "")
        return CheckResult("gradient", False, 0.0, 1e-8, 3, (2,), (d,), "UNRESOLVED")
    assert "or rtol=3e-02 if that accuracy is enough" in str(result(0.01))
    assert "cannot tell a right claim from a wrong one" in str(result(0.2))
    assert "rtol=" not in str(result(0.2))


def test_vjp_kind_prints_the_scalar_table():
    d = Direction(1.5, 1.5, 1e-12, 0.0, 1e-8, "m", "")
    text = str(CheckResult("VJP", True, 0.0, 1e-8, 3, (2,), (d,), "PASSED", "float32"))
    assert "claimed vjp:V" in text and "F computes in float32" in text
    text = str(CheckResult("gradient", True, 0.0, 1e-8, 3, (2,), (d,), "PASSED", "float32"))
    assert "claimed G:V" in text and "f computes in float32" in text


def test_gradient_check_takes_the_callers_precision_and_kind():
    X = np.arange(1.0, 5.0)
    r = gradient_check(lambda X: np.sum(X ** 2), lambda X: 2 * X, X,
                       precision=(float(np.finfo(np.float32).eps), "float32"), kind="VJP")
    assert (r.kind, r.precision, r.tolerance, r.verdict) == ("VJP", "float32", 5e-4, "PASSED")
    with pytest.raises(ValueError, match="^F must return a real scalar"):
        gradient_check(lambda X: X, lambda X: X, X, roles=("F", "vjp"))
    with pytest.raises(ValueError, match=r"^vjp\(X\) has shape"):
        gradient_check(np.sum, lambda X: X[:2], X, roles=("F", "vjp"))


def test_a_lower_precision_differential_is_credited_with_its_rounding():
    X = np.arange(1.0, 5.0).reshape(2, 2)
    F, dF = (lambda X: X @ X), (lambda X, dX: X @ dX + dX @ X)
    third = lambda X, dX: (dF(X, dX) / 3).astype(np.float32) * 3
    r = differential_check(F, third, X)
    assert r.verdict == "UNRESOLVED" and r.precision == "float64", r
    assert differential_check(F, third, X, rtol=1e-5).verdict == "PASSED"
    off = lambda X, dX: (dF(X, dX) * (1 + 1e-4)).astype(np.float32)
    assert differential_check(F, off, X, rtol=1e-5).verdict == "FAILED"
    assert differential_check(F, lambda X, dX: dF(X, dX) * (1 + 1e-14), X,
                              rtol=1e-13).directions[0].allowed < 1e-11  # no claim rounding


def test_jacobian_size_limit_boundaries():
    assert jacobian(np.sin, np.ones(3), max_entries=9).shape == (3, 3)
    for bad in (True, 9.0, 0, -1):
        with pytest.raises(ValueError, match="max_entries must be a positive integer"):
            jacobian(np.sin, np.ones(3), max_entries=bad)
    with pytest.raises(ValueError, match=r"shape \(2, 4, 4\): 32 entries \(2.56e-07 GB\), and "
                                         r"4 columns.*max_entries=7 \(5.6e-05 MB\)"):
        jacobian(lambda X: X[:2, None] * X, np.ones(4), max_entries=7)
    J = jacobian(lambda X: X[:0], np.ones(3))
    assert J.shape == (0, 3) and J.dtype == np.float64


def test_noise_of_a_float16_function_and_of_zero():
    X, V = np.arange(1.0, 5.0), np.ones(4)
    f16 = lambda X: np.sum(X.astype(np.float16) ** 2)
    noise = function_noise(f16, X, V, f16(X), float(np.finfo(np.float16).eps))
    assert 1e-3 < noise < 0.5  # a few quanta of a value of 30, not its curvature at a big step
    assert function_noise(lambda X: 0.0, X, V, 0.0) == np.finfo(float).smallest_subnormal
    domain = lambda X: 0.0 if np.array_equal(X, np.arange(1.0, 5.0)) else np.log(-1.0)
    assert function_noise(domain, X, V, 0.0) == np.finfo(float).smallest_subnormal


def test_hessian_shapes_and_zero_claims():
    x = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^hessian\(X\) has the wrong shape: a Hessian"):
        check_hessian(lambda x: x @ x, x, hessian=lambda x: np.ones(3))
    linear_f = lambda x: 3 * x[0] - x[1]
    r = check_hessian(linear_f, x, hvp=lambda x, V: 0 * V)
    assert r.verdict == "PASSED", r
    assert check_hessian(linear_f, x, hvp=lambda x, V: 1e-3 * V).verdict == "FAILED"
    f32 = check_hessian(lambda x: np.float32(x @ x), x, hvp=lambda x, V: 2 * V)
    assert f32.precision == "float32" and f32.tolerance == 5e-4 and f32.verdict != "FAILED"


# --- killing survivors of the issue-21 run (benchmarks/mutation.md) ---------------------------

def counting(F, X):
    """F, and a list counting the calls of F at exactly X."""
    at_x = []

    def G(Z):
        if np.shape(Z) == np.shape(X) and np.array_equal(Z, X):
            at_x.append(1)
        return F(Z)
    return G, at_x


def raises_beyond(F, X, distance):
    """F that raises KeyError further than ``distance`` (max norm) from X."""
    def G(Z):
        if float(np.max(np.abs(Z - X))) > distance:
            raise KeyError("beyond")
        return F(Z)
    return G


def test_input_layer_details():
    with pytest.raises(CallError, match="f modified its argument X in place"):
        call_unchanged(lambda X: X.__setitem__(0, np.nan), (np.ones(2),), "f", ("X",))
    A = np.ones(2)
    B = as_real_array(A)
    assert B.dtype == np.float64 and not np.shares_memory(A, B)
    assert as_real_array([1, 2]).dtype == np.float64 and prepare([[1, 2]], 1, 0.5).dtype == float
    with pytest.raises(ValueError, match="^X has dtype <U3; pass a real numeric array$"):
        as_real_array("abc")
    with pytest.raises(ValueError, match=r"^G has shape \(2,\), but X has shape \(3,\)$"):
        require_shape(np.ones(2), (3,), "G", "X")

    def my_f(X):
        return np.nan
    with pytest.raises(CallError, match=r"^f \(my_f\)\(X\) \(shape \(\)\) has 1 non-finite"):
        call_at(my_f, (np.ones(2),), "f", ("X",), "its value")
    import warnings
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call_unchanged(lambda x: x / 0.0, (np.ones(2),), "f", ("x",))
    assert not seen  # floating-point warnings inside a user's callable are not shown
    X, V = np.full(4, 2.0), np.full(4, 2.0)
    err = PerturbedPointError.at("f", KeyError("k"), X, V, 0.5)
    assert "relative distance 5.0e-01" in str(err) and np.array_equal(err.point, X + 1.0)


def test_checkers_name_their_callables():
    X = np.arange(1.0, 5.0)
    cases = [(lambda: check_gradient(3.0, np.sin, X), "^f must be a callable"),
             (lambda: check_gradient(np.sum, 3.0, X), "^grad must be a callable"),
             (lambda: check_differential(3.0, np.sin, X), "^F must be a callable"),
             (lambda: check_differential(np.sin, 3.0, X), "^dF must be a callable"),
             (lambda: check_hessian(3.0, X, hvp=np.sin), "^f must be a callable"),
             (lambda: check_hessian(np.sum, X, hvp=np.sin, grad=3.0), "^grad must be a callable"),
             (lambda: jacobian(3.0, X), "^F must be a callable")]
    for call, message in cases:
        with pytest.raises(TypeError, match=message):
            call()
    with pytest.raises(ValueError, match="^X could not be turned into an array"):
        check_gradient(np.sum, np.sin, [[1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="^X has dtype <U1"):
        jacobian(np.sin, ["a"])
    assert len(check_gradient(np.sum, np.ones_like, X).directions) == 3
    assert len(check_differential(np.sin, lambda X, V: np.cos(X) * V, X).directions) == 3


def test_errors_at_perturbed_points_beyond_the_noise_steps_name_the_callable():
    X = np.arange(1.0, 5.0)
    f = raises_beyond(lambda Z: np.sum(np.abs(Z) ** 3), X, 1e-6)
    with pytest.raises(PerturbedPointError, match="^f raised KeyError at a perturbed point"):
        check_gradient(f, lambda Z: 3 * Z * np.abs(Z), X)
    F = raises_beyond(lambda Z: np.abs(Z) ** 3, X, 1e-6)
    with pytest.raises(PerturbedPointError, match="^F raised KeyError at a perturbed point"):
        check_differential(F, lambda Z, V: 3 * Z * np.abs(Z) * V, X)
    with pytest.raises(PerturbedPointError, match="^g raised KeyError at a perturbed point"):
        directional_derivative(F, X, np.ones(4), name="g")
    with pytest.raises(PerturbedPointError, match="^F raised KeyError"):
        function_noise(raises_beyond(np.sum, X, 0.0), X, np.ones(4), 10.0)
    grad = raises_beyond(lambda Z: 3 * Z * np.abs(Z), X, 0.0)
    with pytest.raises(PerturbedPointError, match="^grad raised KeyError at a perturbed point"):
        check_hessian(lambda Z: np.sum(np.abs(Z) ** 3), X, hvp=lambda Z, V: 6 * np.abs(Z) * V,
                      grad=grad)
    near = raises_beyond(lambda Z: np.sum(np.abs(Z) ** 3), X, 1e-9)
    with pytest.raises(PerturbedPointError, match=r"^f raised KeyError"):
        check_hessian(near, X, hvp=lambda Z, V: 6 * np.abs(Z) * V)


def test_f_is_evaluated_at_x_once():
    X = np.arange(1.0, 5.0)
    F, at_x = counting(lambda Z: np.abs(Z) ** 3, X)
    check_differential(F, lambda Z, V: 3 * Z * np.abs(Z) * V, X)
    assert len(at_x) == 1
    F, at_x = counting(lambda Z: np.abs(Z) ** 3, X)
    jacobian(F, X)
    assert len(at_x) == 1
    F, at_x = counting(lambda Z: np.sum(Z ** 3), X)
    est = directional_derivative(F, X, np.ones(4), out_shape=(), noise=1e-14)
    assert len(at_x) == 0
    F, at_x = counting(lambda Z: np.sum(Z ** 3), X)
    calls = []
    counted = lambda Z: calls.append(1) or F(Z)
    est = directional_derivative(counted, X, np.ones(4), method="complex", out_shape=())
    assert len(at_x) == 0 and est.evaluations == len(calls) == 1
    calls.clear()
    est = directional_derivative(counted, X, np.ones(4))
    assert est.evaluations == len(calls)


def test_complex_step_alone_reports_its_step_error_and_note():
    X, V = np.array([0.1, 0.2]), np.array([2.0, 2.0])
    est = directional_derivative(lambda Z: np.sum(Z ** 2), X, V, method="complex")
    cs = 2 * (0.1 * 2 + 0.2 * 2)
    assert est.value == pytest.approx(cs) and est.step == 1e-20 * np.sqrt(0.025) / 2.0
    assert float(est.error) == 100 * EPS * abs(float(est.value))
    assert est.note == "not validated (method='complex')"
    with pytest.raises(ValueError, match=r"^F\(X\) has complex values \(dtype complex128\) at "
                                         r"a real X; its value must be real$"):
        directional_derivative(lambda Z: np.sum(Z) + 1j, X, V)
    with pytest.raises(ValueError, match=r"^F raised KeyError at X"):
        directional_derivative(lambda Z: {}[0], X, V)
    with pytest.raises(ValueError, match=r"^X is complex"):
        directional_derivative(np.sum, X + 1j, V)


def test_steps_of_the_ladder():
    V = np.ones(3)
    est = directional_derivative(lambda Z: np.sum(np.abs(Z - 1) ** 3), np.zeros(3), V,
                                 method="central")
    k = np.log(0.1 / est.step) / np.log(4)
    assert abs(k - round(k)) < 1e-9  # steps 0.1 / 4^k: unit steps at X = 0
    f32 = lambda Z: np.float32(np.sum(np.abs(Z.astype(np.float32)) ** 3))
    X = np.arange(1.0, 4.0)
    est = directional_derivative(f32, X, V, method="central", eps=float(np.finfo(np.float32).eps))
    k = np.log(0.1 * np.sqrt(np.mean(X ** 2)) / est.step) / np.log(2)
    assert abs(k - round(k)) < 1e-9  # halving below float64
    plain = directional_derivative(lambda Z: np.sum(np.abs(Z) ** 3), X, V, method="central")
    safe = directional_derivative(lambda Z: np.sum(np.abs(Z) ** 3), X, V, method="central",
                                  noise_safety=1e6)
    assert float(np.max(safe.error)) > float(np.max(plain.error))


def test_noise_step_is_a_thousand_ulps_or_a_quarter_root_of_eps():
    X, V = np.ones(4), np.ones(4)
    bowl = lambda scale: (lambda Z: scale * np.sum((Z - 1) ** 2))
    delta = 1e3 * EPS  # second differences 2 (2 delta)^2 |V|^2 per unit of scale
    assert function_noise(bowl(1e12), X, V, 0.0) == pytest.approx(1e12 * 32 * delta ** 2, abs=0)
    eps16 = float(np.finfo(np.float16).eps)
    delta = np.sqrt(eps16) / 4
    assert function_noise(bowl(1e3), X, V, 0.0, eps16) == pytest.approx(1e3 * 32 * delta ** 2)


def test_compare_messages_and_boundaries():
    d, _ = compare(0.0, 0.0, est(1e-15, 1e-14, noise=1e-14), 1e-8, zero="underflow")
    assert d.note == ("f's rounding level here is below the smallest normal float: its values "
                      "underflow, or are exactly zero (a dead ReLU, a zero factor), and values "
                      "that agree there are no evidence. If f is zero near X its gradient there "
                      "is zero; otherwise rescale f or X (numerical derivative: n)")
    d, _ = compare(2e-15, 0.0, est(1e-15, 1e-14, noise=1e-14, note=""), 1e-8)
    assert d.note == ("claim and numeric value are both at the rounding level of the numerical "
                      "derivative here, and only a claim of exactly zero passes as zero to "
                      "rounding")
    e = 2.0 ** -50
    d, _ = compare(10 * e, 0.0, est(10 * e, e, noise=e, note=""), 1e-8)  # size = ZERO * err
    assert d.status == "UNRESOLVED" and d.note.startswith("claim and numeric value are both")
    rtol = 2.0 ** -20 / (1 + 2.0 ** -20)
    assert compare(1.0, 0.0, est(1 + 2.0 ** -20, 0.0), rtol)[0].status == "PASSED"  # rel = rtol
    assert compare(1.0, 0.0, est(1.0, 2.0 ** -30), 2.0 ** -30)[0].status == "PASSED"  # err = rtol
    d, _ = compare(np.array([3, 4]), 0.0, est(np.array([3, 4]), np.zeros(2)), 1e-8)
    assert d.claimed.dtype == np.float64 and d.numeric.dtype == np.float64
    d, _ = compare(1.0, 0.0, est(np.inf, 1.0, method="m"), 1e-8)
    assert (d.claimed, d.numeric, d.method) == (1.0, np.inf, "m")
    for c, n, e, rounding in [(1e300, 1e300, 1e-300, 0.0), (1e-300, 1e-300, 1e300, 0.0),
                              (1e-300, 1e-300, 1e-300, 1e300)]:
        d, rel = compare(c, rounding, est(n, e), 1e-8)
        assert np.isfinite(d.allowed) and np.isfinite(rel) and d.status != "FAILED"


def test_loop_defaults_and_resolution():
    seen = []

    def estimate(d, resolution, relative):
        seen.append(resolution)
        return est(d, 1e-12)
    r = check_along_directions("gradient", (1,), drawn=[2.0], claims=[(2.0, 1e-10, 0.0)],
                               estimate=estimate, rtol=1e-8)
    assert r.evaluations == 1 + 7 and r.precision == "float64"
    assert seen[0] == pytest.approx(0.1 * 1e-8 * 2.0 + 1e-10, rel=1e-12, abs=0)


def test_report_details():
    d = Direction(1.0, 1.0, 0.1, 0.0, 1.0, "m", "")
    text = str(CheckResult("gradient", False, 0.0, 1e-8, 3, (2,), (d,), "UNRESOLVED"))
    assert "or rtol=3e-01 if that accuracy is enough" in text  # achievable exactly 0.1
    h = CheckResult("hessian", True, 0.0, 1e-8, 3, (2,), (d,), "PASSED", "float32")
    assert "f computes in float32" in str(h)
    r = check_differential(lambda X: np.sum(X ** 2), lambda X, dX: np.sum(2 * X * dX),
                           np.ones(2))
    assert "         ()" in str(r).splitlines()[2]  # the worst entry of a scalar value


def test_differential_claims_carry_no_rounding_in_their_own_precision():
    X = np.arange(1.0, 5.0).reshape(2, 2)
    r = check_differential(lambda X: X @ X, lambda X, dX: X @ dX + dX @ X, X, rtol=1e-15)
    for d in r.directions:  # allowed is SAFETY x the numerical error alone at this tolerance
        assert d.allowed == pytest.approx(SAFETY * d.numeric_error, rel=1e-9, abs=0)
        assert d.allowed > 1e-15 * max(np.linalg.norm(d.claimed), np.linalg.norm(d.numeric))


def test_reference_is_the_gradient_norm_times_the_rms_of_the_direction():
    """Every G:V cancels (directions orthogonal to G); the numerical error is 1e-2, between
    1e-8 * |G| rms(V) / rms(V)^2 and 1e-8 * |G| rms(V): resolved only against the latter."""
    X = np.ones((2, 2))
    f = lambda X: 1e6 * np.sum(np.abs(X)) + 1e10
    r = check_gradient(f, lambda X: 1e6 * np.ones_like(X), X,
                       project=lambda V: 100 * (V - V.mean()))
    assert r.verdict == "PASSED", r


def test_float32_underflow_is_underflow_for_every_checker():
    """f computes in float32 and its values are float32 subnormals: the rounding level is
    below float32's smallest normal number (but above float64's), so a zero claim is not
    passed as zero to rounding."""
    X = np.arange(1.0, 5.0)
    f = lambda X: np.float32(1e-44 * np.sum(X))
    r = check_gradient(f, np.zeros_like, X)
    assert r.precision == "float32" and r.verdict == "UNRESOLVED", r
    F = lambda X: (1e-44 * X).astype(np.float32)
    r = check_differential(F, lambda X, dX: 0 * dX, X)
    assert r.precision == "float32" and r.verdict == "UNRESOLVED", r


def test_hessian_claims_named_and_seeded():
    x = np.array([1.0, 2.0])
    f = lambda x: x @ x
    with pytest.raises(ValueError, match=r"^hvp\(X, V\) has complex values \(dtype complex128\) "
                                         r"at a real X; a Hessian-vector product must be real$"):
        check_hessian(f, x, hvp=lambda x, V: 2 * V + 0j)
    with pytest.raises(ValueError, match=r"^hessian\(X\) has complex values \(dtype "
                                         r"complex128\) at a real X; a Hessian must be real$"):
        check_hessian(f, x, hessian=lambda x: 2 * np.eye(2) + 0j)
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    g = lambda x: A @ x
    third = lambda x, V: (A @ V / 3).astype(np.float32) * 3
    r = check_hessian(lambda x: 0.5 * x @ A @ x, x, hvp=third, grad=g)
    assert r.verdict != "FAILED", r
    r0 = check_hessian(lambda x: 0.5 * x @ A @ x, x, hvp=lambda x, V: A @ V)
    r1 = check_hessian(lambda x: 0.5 * x @ A @ x, x, hvp=lambda x, V: A @ V, seed=1)
    assert r0.directions[0].claimed != r1.directions[0].claimed


def test_jacobian_of_one_entry():
    assert jacobian(lambda X: X[0] * 2, np.ones(1), max_entries=1).shape == (1,)


# -- the one result class: its consistency rule and the texts of its kinds ------------------
def test_a_check_result_refuses_a_verdict_that_contradicts_passed():
    from matcalc.checkresult import CheckResult
    with pytest.raises(ValueError, match="cannot have the verdict 'FAILED'"):
        CheckResult("gradient", True, 0.0, verdict="FAILED")
    with pytest.raises(ValueError, match="cannot have the verdict 'PASSED'"):
        CheckResult("gradient", False, 1.0, verdict="PASSED")
    with pytest.raises(ValueError, match="'MAYBE'"):
        CheckResult("gradient", False, 1.0, verdict="MAYBE")
    assert CheckResult("gradient", False, 1.0, verdict="UNRESOLVED").verdict == "UNRESOLVED"


def test_a_comparison_prints_both_numbers_its_sizes_and_its_verdict():
    from matcalc.backend import compare
    agrees = compare([1.0, 2.0], [1.0, 2.0], what="a row", sizes={"m": 2, "n": 3})
    assert str(agrees) == "a row: relative difference 0.0e+00 at m=2, n=3 <= 1e-09, agrees"
    differs = compare([1.0, 2.0], [1.0, 3.0], tolerance=1e-3)
    assert str(differs) == "relative difference 3.2e-01 > 1e-03, DISAGREES"  # |(0, 1)| / |(1, 3)|


def test_an_exact_check_names_the_sizes_it_ran_at():
    from dataclasses import replace

    from matcalc.symbolic import matrix, verify
    A, B = matrix("A", 2), matrix("B", 2)
    proved = replace(verify(A + B, B + A), sizes={"n": 2})
    assert str(proved).startswith("identity PROVED exactly at shape (2, 2) at n=2: all 4")
    assert " at n=" not in str(verify(A + B, B + A))


def test_a_report_refuses_parts_it_cannot_judge_and_labels_used_twice():
    from matcalc import Report
    from matcalc.checkresult import CheckResult
    ok = CheckResult("gradient", True, 1e-12, 1e-8)

    class Lax:
        passed, verdict, error = False, "passed", 0.0

    with pytest.raises(TypeError, match="PASSED, FAILED or UNRESOLVED"):
        Report(title="lax", checks=(("x", Lax()),))
    with pytest.raises(ValueError, match=r"labels used twice: \['a'\]"):
        Report(title="twice", checks=(("a", ok),), controls=(("a", ok),))
    assert Report(title="nothing checked").verdict == "UNRESOLVED"
    assert Report(title="one", checks=(("a", ok),)).verdict == "PASSED"


def test_an_identity_check_has_the_status_of_its_verdict_and_other_kinds_print_plainly():
    from matcalc.checkresult import CheckResult
    assert CheckResult("identity", False, 1.0).status == "disproved"
    assert CheckResult("identity", False, 1.0, verdict="UNRESOLVED").status == "undecided"
    with pytest.raises(ValueError, match="cannot have the status 'disproved'"):
        CheckResult("identity", True, 0.0, status="disproved")
    assert str(CheckResult("exact", False, 0.0, verdict="UNRESOLVED")) == "exact check UNRESOLVED"


def test_an_unresolved_check_prints_the_plain_relative_difference():
    """At a badly conditioned point (f = 1e12 + a small term) the verdict's statistic is
    tiny, but the header prints the plain relative difference of the table instead."""
    f = lambda X: float(np.sum(np.abs(X) ** 3) + 1e12)
    X = np.array([1.0, 2.0, 3.0])
    r = check_gradient(f, lambda X: 3 * np.abs(X) * X, X)
    assert r.verdict == "UNRESOLVED" and r.error < r.difference
    worst = max(d.disagreement / max(abs(d.claimed), abs(d.numeric)) for d in r.directions)
    assert r.difference == pytest.approx(worst)
    assert str(r).startswith(f"gradient check UNRESOLVED: claimed and numerical values differ "
                             f"by {r.difference:.2e} relative")


def test_a_failed_check_at_a_noisy_point_prints_how_far_the_values_differ():
    f = lambda X: float(np.sum(np.abs(X) ** 3) + 1e12)
    X = np.array([1.0, 2.0, 3.0])
    r = check_gradient(f, lambda X: 1.5 * np.abs(X) * X, X)  # half the gradient
    assert r.verdict == "FAILED" and r.difference > 10 * r.error
    assert f"the values differ by {r.difference:.1e} relative, more than" in str(r)
    honest = check_gradient(lambda X: np.sum(X ** 2), lambda X: 3 * X, np.ones(3))
    assert honest.verdict == "FAILED" and "the values differ by" not in str(honest)
