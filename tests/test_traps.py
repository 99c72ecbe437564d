"""Traps: every way found to get a wrong derivative accepted by a checker (issue 21).

Each trap pairs a wrong claim that must not PASS with a right claim that must not FAIL (or,
where the trap is a misbehaving callable, a clear error naming the callable or argument),
and every call leaves the caller's arrays unchanged (``Untouched``). The checkers: the
gradient, differential, VJP, JVP and Hessian checks, ``jacobian``, ``directional_derivative``
and ``assert_gradient``.
"""

import numpy as np
import pytest

from matcalc import (Report, assert_gradient, check_differential, check_gradient, check_hessian,
                     check_jvp, check_vjp, directional_derivative, jacobian)
from matcalc._inputs import CallError, PerturbedPointError

R = np.random.default_rng(21)
X0 = R.standard_normal((3, 2))
W0, B0 = R.standard_normal((4, 2)), R.standard_normal(4)
A0 = R.standard_normal((2, 2)) + 3 * np.eye(2)


class Untouched:
    """Asserts on exit (also when the block raised) that the arrays did not change."""

    def __init__(self, *arrays):
        self.arrays = arrays
        self.copies = [np.array(a, copy=True) for a in arrays]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for a, c in zip(self.arrays, self.copies):
            assert np.array_equal(a, c), "a checker changed the caller's array"
        return False


@pytest.fixture(autouse=True)
def shared_arrays_untouched():
    """Every test leaves the module's arrays as they were, whatever it called."""
    with Untouched(X0, W0, B0, A0):
        yield


def refused(call, *arrays, match):
    """``call()`` raises a ValueError matching ``match``; the arrays are unchanged."""
    with Untouched(*arrays), pytest.raises(ValueError, match=match):
        call()


def verdict(call, *arrays):
    with Untouched(*arrays):
        return call().verdict


# --- in-place updates: each callable of each checker ------------------------------------------

def square_sum(X):
    return np.sum(X ** 2)


def grad_triples(W):  # right values (f = sum W^2, gradient 2W), computed in place
    W *= 2
    return W


def grad_wrong_in_place(W):  # "W *= 3; return W": 3W, wrong, and modifies W
    W *= 3
    return W


def f_centres(X):  # f(X) = |X - mean|^2, centring its argument in place
    X -= X.mean(axis=0)
    return np.sum(X ** 2)


def F_resets(X):  # F(X) = X^2, then zeroes its argument
    Y = X ** 2
    X[...] = 0
    return Y


@pytest.mark.parametrize("grad, name", [(grad_triples, "W"), (grad_wrong_in_place, "W")])
def test_gradient_that_modifies_its_argument_is_refused_by_name(grad, name):
    refused(lambda: check_gradient(square_sum, grad, X0), X0,
            match=f"grad \\({grad.__name__}\\) modified its argument {name} in place")
    refused(lambda: assert_gradient(square_sum, grad, X0), X0, match="modified its argument")
    assert verdict(lambda: check_gradient(square_sum, lambda W: 2 * W, X0), X0) == "PASSED"


def test_function_that_centres_its_argument_is_refused():
    refused(lambda: check_gradient(f_centres, lambda X: 2 * X, X0), X0,
            match=r"f \(f_centres\) modified its argument X in place \(\d+ of 6 entries")
    pure = lambda X: np.sum((X - X.mean(axis=0)) ** 2)
    assert verdict(lambda: check_gradient(pure, lambda X: 2 * X, X0), X0) == "FAILED"
    right = lambda X: 2 * (X - X.mean(axis=0))
    assert verdict(lambda: check_gradient(pure, right, X0), X0) == "PASSED"


def test_differential_callables_that_modify_arguments_are_refused():
    refused(lambda: check_differential(F_resets, lambda X, dX: -dX, X0), X0,
            match=r"F \(F_resets\) modified its argument X")

    def dF_doubles_dX(X, dX):
        dX *= 2
        return X * dX

    refused(lambda: check_differential(lambda X: X ** 2, dF_doubles_dX, X0), X0,
            match=r"dF \(dF_doubles_dX\) modified its argument dX")
    assert verdict(lambda: check_differential(lambda X: X ** 2, lambda X, dX: -dX, X0),
                   X0) == "FAILED"
    assert verdict(lambda: check_differential(lambda X: X ** 2, lambda X, dX: 2 * X * dX, X0),
                   X0) == "PASSED"


def linear(X, W, b):
    return X @ W.T + b


def test_vjp_and_layer_that_modify_arguments_are_refused():
    X = R.standard_normal((5, 2))

    def vjp_doubles_W(X, W, b, G):
        W *= 2
        return G @ W, G.T @ X, G.sum(0)

    def vjp_scales_G(X, W, b, G):
        G *= 0.5
        return G @ W, G.T @ X, G.sum(0)

    def F_normalises_X(X, W, b):
        X /= np.linalg.norm(X)
        return X @ W.T + b

    right = lambda X, W, b, G: (G @ W, G.T @ X, G.sum(0))
    args = (X, W0, B0)
    refused(lambda: check_vjp(linear, vjp_doubles_W, args), *args, match="vjp .* argument W")
    refused(lambda: check_vjp(linear, vjp_scales_G, args), *args, match="vjp .* argument G")
    refused(lambda: check_vjp(F_normalises_X, right, args), *args, match="F .* argument X")
    assert verdict(lambda: check_vjp(linear, right, args), *args) == "PASSED"
    wrong = lambda X, W, b, G: (G @ W, 2 * G.T @ X, G.sum(0))
    assert check_vjp(linear, wrong, args).failed == ("W",)


def test_jvp_that_modifies_its_tangent_is_refused():
    X = R.standard_normal((5, 2))

    def jvp_doubles_dX(X, W, b, dX, dW, db):
        dX *= 2
        return dX @ W.T + X @ dW.T + db

    args = (X, W0, B0)
    refused(lambda: check_jvp(linear, jvp_doubles_dX, args), *args,
            match=r"jvp \(jvp_doubles_dX\) modified its argument dX")
    right = lambda X, W, b, dX, dW, db: dX @ W.T + X @ dW.T + db
    assert verdict(lambda: check_jvp(linear, right, args), *args) == "PASSED"
    assert check_jvp(linear, lambda X, W, b, dX, dW, db: 2 * dX @ W.T + X @ dW.T + db,
                     args).failed == ("X",)


def test_hessian_callables_that_modify_arguments_are_refused():
    x = np.array([1.0, -2.0])
    f = lambda x: x @ A0 @ x
    H = A0 + A0.T

    def hvp_scales_V(x, V):
        V *= 2
        return H @ V

    def hessian_moves_x(x):
        x += 1
        return H

    def grad_moves_x(x):
        x[0] = 0
        return H @ x

    refused(lambda: check_hessian(f, x, hvp=hvp_scales_V), x, match="hvp .* argument V")
    refused(lambda: check_hessian(f, x, hessian=hessian_moves_x), x, match="hessian .* x")
    refused(lambda: check_hessian(f, x, hvp=lambda x, V: H @ V, grad=grad_moves_x), x,
            match="grad .* argument x")
    assert verdict(lambda: check_hessian(f, x, hvp=lambda x, V: H @ V), x) == "PASSED"
    assert verdict(lambda: check_hessian(f, x, hvp=lambda x, V: 2 * H @ V), x) == "FAILED"


def test_jacobian_and_directional_derivative_refuse_a_function_that_zeroes_its_argument():
    x = np.arange(1.0, 4.0)
    refused(lambda: jacobian(F_resets, x), x, match=r"F \(F_resets\) modified its argument X")
    refused(lambda: directional_derivative(F_resets, x, np.ones(3)), x, match="modified")
    with Untouched(x):
        assert np.allclose(jacobian(lambda X: X ** 2, x), np.diag(2 * x))


def test_in_place_updates_at_perturbed_points_cannot_reach_the_check():
    """A function that scrambles the perturbed point it is given (but not X: it checks) is
    harmless: every perturbed point is an array of its own."""
    def f_scrambles_perturbed(Z):
        value = np.sum(Z ** 2)
        if not np.array_equal(Z, X0):
            Z[...] = 1e6
        return value

    assert verdict(lambda: check_gradient(f_scrambles_perturbed, lambda X: 2 * X, X0),
                   X0) == "PASSED"
    assert verdict(lambda: check_gradient(f_scrambles_perturbed, lambda X: 2.01 * X, X0),
                   X0) == "FAILED"


def test_a_returned_array_changed_afterwards_does_not_change_the_claim():
    """grad returns a buffer that f overwrites at every later call: the claim is copied."""
    buffer = np.zeros_like(X0)

    def f(X):
        buffer[...] = 7.0
        return np.sum(X ** 2)

    def grad(X):
        buffer[...] = 2 * X
        return buffer

    assert verdict(lambda: check_gradient(f, grad, X0), X0) == "PASSED"


def test_a_differential_right_only_at_its_first_call_fails():
    calls = []

    def dF(X, dX):
        calls.append(1)
        return (dX @ X.T + X @ dX.T) if len(calls) == 1 else 0 * X @ X.T

    assert verdict(lambda: check_differential(lambda X: X @ X.T, dF, X0), X0) == "FAILED"


def _claim(kind, shapes, function, claim, wrong):
    from matcalc.claim import Claim
    return Claim(name="trap", kind=kind, latex="f", result="g", shapes=shapes,
                 function=function, claim=claim, wrong=wrong, mistake="a deliberate one",
                 exact_sizes=None)


def test_a_catalogue_claim_cannot_move_the_point_or_change_a_constant():
    """Claim.check() calls the claim on the point's values before and inside the checks: a
    claim that zeroes the point (so that a wrong VJP, G, looks like cos(0) G) or overwrites
    the constant A (so that ones look like the gradient of tr(XA)) is refused by name; the
    same values returned honestly FAIL, and the right claims PASS."""
    def vjp_zeroes_the_point(X, G):
        X *= 0
        return np.cos(X) * G

    def gradient_overwrites_a(X, A):
        A[...] = 1.0
        return A.T

    vjp = lambda claim: _claim("vjp", {"X": "mn"}, lambda X: np.sin(X), claim, lambda X, G: 7 * G)
    with pytest.raises(CallError, match=r"claim \(vjp_zeroes_the_point\) modified its argument X "):
        vjp(vjp_zeroes_the_point).check()
    assert vjp(lambda X, G: G).check().verdict == "FAILED"
    assert vjp(lambda X, G: np.cos(X) * G).check().verdict == "PASSED"
    grad = lambda claim: _claim("gradient", {"X": "mn", "A": "nm"},
                                lambda X, A: np.trace(X @ A), claim, lambda X, A: 2 * A.T)
    with pytest.raises(CallError, match=r"claim \(gradient_overwrites_a\) modified its argument A "):
        grad(gradient_overwrites_a).check()
    assert grad(lambda X, A: np.ones_like(A.T)).check().verdict == "FAILED"
    assert grad(lambda X, A: A.T).check().verdict == "PASSED"


def test_a_derivation_step_cannot_change_the_values_of_the_steps_after_it():
    from matcalc import frob
    from matcalc.derivation import Derivation, Step

    def zeroes_a(A, x, dx):   # a wrong first step that also zeroes A for the steps after it
        value = frob(dx, A @ x)
        A[...] = 0.0
        return value

    d = Derivation("x^T A x", {"A": "nn", "x": "n1"}, "x",
                   function=lambda A, x: (x.T @ A @ x)[0, 0],
                   steps=[Step(r"\d x^\T A x", zeroes_a),
                          Step(r"(A + A^\T)x : \d x", lambda A, x, dx: frob((A + A.T) @ x, dx))],
                   gradient=lambda A, x: (A + A.T) @ x, exact_sizes=None, numeric_sizes={"n": 3})
    with pytest.raises(ValueError, match="modified its argument A in place"):
        d.check()


# --- scales from 1e-300 to 1e300 -------------------------------------------------------------

half_square = lambda X: 0.5 * np.sum(X ** 2)  # gradient X


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-170, 1e-155, 1e-100, 1e-10, 1e10, 1e100,
                                   1e150])
def test_no_scale_passes_a_wrong_gradient(scale):
    X = X0 * scale
    for wrong in (lambda X: 1e10 * X, lambda X: 2 * X, lambda X: -X, lambda X: X * (1 + 1e-6)):
        result = check_gradient(half_square, wrong, X)
        assert result.verdict != "PASSED", result
        assert not np.isnan(result.error), result
    right = check_gradient(half_square, lambda X: X, X)
    assert right.verdict != "FAILED", right
    if 1e-150 <= scale <= 1e150:  # the values of f are normal floats: confirmed
        assert right.verdict == "PASSED", right


def test_underflowed_values_are_no_evidence_and_say_so():
    result = check_gradient(half_square, lambda X: 1e10 * X, X0 * 1e-170)
    assert result.verdict == "UNRESOLVED"
    assert "underflow" in str(result) and "rescale f or X" in str(result)


def test_overflowing_values_are_refused_by_name():
    refused(lambda: check_gradient(half_square, lambda X: X, X0 * 1e300), match=r"f\(X\).*non-finite")


@pytest.mark.parametrize("c", [1e-280, 1e-100, 1e100, 1e280])
def test_scaling_f_alone(c):
    f = lambda X: c * np.sum(np.sin(X))
    assert check_gradient(f, lambda X: c * np.cos(X), X0).verdict == "PASSED"
    assert check_gradient(f, lambda X: c * np.cos(X) * (1 + 1e-6), X0).verdict == "FAILED"


def test_logsumexp_at_logits_of_1e3():
    z = 1e3 * R.standard_normal(6)
    lse = lambda z: z.max() + np.log(np.sum(np.exp(z - z.max())))
    softmax = lambda z: np.exp(z - lse(z))
    assert check_gradient(lse, softmax, z).verdict == "PASSED"
    assert check_gradient(lse, lambda z: softmax(z) * 1.001, z).verdict == "FAILED"


def _rescaled(f, grad, a, b):
    """f and grad for Y = 2^b X, with values 2^a f: the same problem in other units."""
    return (lambda Y: 2.0 ** a * f(Y * 2.0 ** -b),
            lambda Y: 2.0 ** (a - b) * grad(Y * 2.0 ** -b))


POWERS = [(-800, -300), (800, 300), (-850, 0), (0, 850), (500, -450), (-3, 7)]
FUNCTIONS = {
    "cubic": (lambda X: np.sum(X ** 3), lambda X: 3 * X ** 2),
    "log|det|": (lambda X: np.linalg.slogdet(X)[1], lambda X: np.linalg.inv(X).T),
    "|X|^3 (central differences)": (lambda X: np.sum(np.abs(X) ** 3), lambda X: 3 * X * np.abs(X)),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("factor", [1.0, 1 + 1e-6])
def test_the_verdict_is_invariant_under_rescaling_by_powers_of_2(name, factor):
    f, grad = FUNCTIONS[name]
    g = lambda X: factor * grad(X)
    base = check_gradient(f, g, A0)
    assert base.verdict == ("PASSED" if factor == 1.0 else "FAILED"), base
    for a, b in POWERS:
        fs, gs = _rescaled(f, g, a, b)
        r = check_gradient(fs, gs, A0 * 2.0 ** b)
        assert (r.verdict, r.error, r.evaluations) == (base.verdict, base.error, base.evaluations)


def test_differential_hessian_and_vjp_are_invariant_too():
    F, dF = (lambda X: X @ X, lambda X, dX: X @ dX + dX @ X)
    base = check_differential(F, dF, A0)
    for a, b in POWERS[:3]:
        r = check_differential(lambda Y: 2.0 ** a * F(Y * 2.0 ** -b),
                               lambda Y, dY: 2.0 ** (a - b) * dF(Y * 2.0 ** -b, dY), A0 * 2.0 ** b)
        assert (r.verdict, r.error) == (base.verdict, base.error)
    f, hvp = (lambda x: np.sum(x ** 4), lambda x, V: 12 * x ** 2 * V)
    x = np.array([1.0, -0.5, 2.0])
    base = check_hessian(f, x, hvp=hvp)
    for a, b in POWERS[:3]:
        r = check_hessian(lambda y: 2.0 ** a * f(y * 2.0 ** -b), x * 2.0 ** b,
                          hvp=lambda y, V: 2.0 ** (a - 2 * b) * hvp(y * 2.0 ** -b, V))
        assert (r.verdict, r.error) == (base.verdict, base.error)


# --- claims that are not real numbers ----------------------------------------------------------

@pytest.mark.parametrize("claim, match", [
    (lambda X: 2 * X + 0j, "complex"), (lambda X: 2 * X * np.nan, "non-finite"),
    (lambda X: 2 * X * np.inf, "non-finite"), (lambda X: None, "dtype object"),
    (lambda X: "2X", "dtype <U2"), (lambda X: [[1.0, 2.0], [3.0]], "not an array"),
])
def test_gradient_claims_that_are_not_real_numbers_are_refused(claim, match):
    refused(lambda: check_gradient(square_sum, claim, X0), X0, match=f"grad.*{match}")


def test_hessian_claims_that_are_not_real_numbers_are_refused():
    x = np.array([1.0, 2.0])
    f = lambda x: x @ A0 @ x
    H = A0 + A0.T
    refused(lambda: check_hessian(f, x, hessian=lambda x: H + 1j), x, match=r"hessian\(X\).*complex")
    refused(lambda: check_hessian(f, x, hessian=lambda x: H * np.nan), x, match=r"hessian\(X\).*non-finite")
    refused(lambda: check_hessian(f, x, hvp=lambda x, V: H @ V * np.inf), x, match="hvp.*non-finite")
    refused(lambda: check_hessian(f, x, hvp=lambda x: H @ x), x, match="hvp raised TypeError")
    refused(lambda: check_hessian(f, x, hvp=lambda x, V: 1 / 0), x, match="hvp raised ZeroDivision")
    refused(lambda: check_hessian(f, x, hessian=lambda x: np.ones((3, 3))), x,
            match=r"hessian\(X\) has the wrong shape")


def test_other_claims_and_values_that_are_not_real_are_refused():
    X = R.standard_normal((5, 2))
    args = (X, W0, B0)
    refused(lambda: check_vjp(linear, lambda X, W, b, G: (G @ W, G.T @ X, G.sum(0) + 1j), args),
            *args, match="gradient for input 'b' has complex")
    refused(lambda: check_jvp(linear, lambda X, W, b, dX, dW, db: (dX @ W.T) * np.nan, args),
            *args, match=r"jvp\(X, W, b, dX, dW, db\).*non-finite")
    refused(lambda: check_differential(lambda X: X, lambda X, dX: dX + 0j, X0), X0, match="complex")
    refused(lambda: check_gradient(lambda X: np.sum(X) + 0j, lambda X: X, X0), X0,
            match=r"f\(X\) has complex")
    refused(lambda: check_gradient(lambda X: np.nan, lambda X: X, X0), X0, match="non-finite")


def test_a_function_that_lies_to_the_complex_step_is_caught():
    """f returns for a complex argument what a wrong gradient predicts: central differences
    contradict the complex step, which is then not used."""
    liar = lambda X: np.sum((1.5 if np.iscomplexobj(X) else 1.0) * X ** 2)
    assert verdict(lambda: check_gradient(liar, lambda X: 3 * X, X0), X0) == "FAILED"
    assert verdict(lambda: check_gradient(liar, lambda X: 2 * X, X0), X0) == "PASSED"


def test_a_claim_below_the_rounding_level_is_not_confirmed():
    """f = 1e8 + |X|^2 near X = 1e-9: f's values cannot resolve its derivative, so a nonzero
    claim of that size (right or wrong) is UNRESOLVED, not PASSED."""
    X = 1e-9 * X0
    f = lambda X: 1e8 + np.sum(X ** 2)
    assert check_gradient(f, lambda X: 200 * X, X).verdict == "UNRESOLVED"
    assert check_gradient(f, lambda X: 2 * X, X).verdict == "UNRESOLVED"


def test_a_noisy_function_does_not_pass_a_wrong_gradient():
    noise = np.random.default_rng(0)
    f = lambda X: np.sum(X ** 2) + 1e-9 * noise.standard_normal()
    assert check_gradient(f, lambda X: 2 * X * (1 + 1e-3), X0).verdict == "FAILED"
    assert check_gradient(f, lambda X: 2 * X, X0).verdict != "FAILED"


def test_a_float32_cast_of_a_wrong_gradient_does_not_lower_the_tolerance():
    wrong = lambda X: (2 * X * (1 + 3e-4)).astype(np.float32)
    result = check_gradient(square_sum, wrong, X0)
    assert result.verdict == "FAILED" and result.precision == "float64", result


# --- directions of the wrong shape ------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 3, 2), (2, 3), (6,), (3, 2, 1), (1, 3, 2)])
def test_a_direction_of_the_wrong_shape_is_refused(shape):
    V = np.ones(shape)
    refused(lambda: directional_derivative(square_sum, X0, V), X0, V,
            match=rf"direction V has shape \({shape[0]},.*X has shape \(3, 2\).*never broadcast")


def test_directions_that_are_zero_or_not_real_are_refused():
    refused(lambda: directional_derivative(square_sum, X0, 0 * X0), match="zero")
    refused(lambda: directional_derivative(square_sum, X0, X0 + 1j), match="complex")
    refused(lambda: directional_derivative(square_sum, X0, X0 * np.nan), match="non-finite")
    refused(lambda: check_gradient(square_sum, lambda X: 2 * X, X0, project=lambda V: V.T),
            X0, match=r"project\(V\) has shape \(2, 3\)")


# --- float32 and float16 functions, one precision for every checker ---------------------------

@pytest.mark.parametrize("dtype, tolerance", [(np.float32, 5e-4), (np.float16, 2e-2)])
def test_every_checker_reads_the_same_precision(dtype, tolerance):
    X = R.standard_normal((5, 2))
    F = lambda X, W: (X.astype(dtype) @ W.astype(dtype).T)
    results = [check_vjp(F, lambda X, W, G: (G @ W, G.T @ X), (X, W0)),
               check_jvp(F, lambda X, W, dX, dW: dX @ W.T + X @ dW.T, (X, W0))]
    for report in results:
        assert f"F computes in {np.dtype(dtype).name}" in str(report)
        for _, part in report.checks:
            assert (part.precision, part.tolerance) == (np.dtype(dtype).name, tolerance)
            assert part.verdict != "FAILED", part
    f = lambda X: np.sum(np.tanh(X.astype(dtype)))
    g = lambda X: 1 - np.tanh(X.astype(dtype)) ** 2
    for r in (check_gradient(f, g, X0), check_differential(f, lambda X, dX: np.sum(g(X) * dX), X0),
              check_hessian(f, X0, hvp=lambda X, V: -2 * np.tanh(X) * g(X) * V, grad=g)):
        assert (r.precision, r.tolerance) == (np.dtype(dtype).name, tolerance), r
        assert r.verdict != "FAILED", r
        assert f"computes in {np.dtype(dtype).name}" in str(r)


def test_float32_layers_pass_right_rules_and_fail_wrong_ones():
    X = R.standard_normal((5, 2))
    F = lambda X, W: (X.astype(np.float32) @ W.astype(np.float32).T)
    assert check_vjp(F, lambda X, W, G: (G @ W, G.T @ X), (X, W0)).passed
    assert check_jvp(F, lambda X, W, dX, dW: dX @ W.T + X @ dW.T, (X, W0)).passed
    assert check_vjp(F, lambda X, W, G: (G @ W, 1.01 * G.T @ X), (X, W0)).failed == ("W",)
    assert check_jvp(F, lambda X, W, dX, dW: dX @ W.T + 1.01 * X @ dW.T, (X, W0)).failed == ("W",)


@pytest.mark.parametrize("seed", range(4))
def test_float16_functions_never_pass_a_wrong_gradient_nor_fail_a_right_one(seed):
    rng = np.random.default_rng(seed)
    X, A = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    for f, g in [(lambda X: np.sum(X.astype(np.float16) ** 2), lambda X: 2 * X),
                 (lambda X: np.sum(X.astype(np.float16) @ A.astype(np.float16) * X.astype(np.float16)),
                  lambda X: X @ (A + A.T))]:
        assert check_gradient(f, g, X).verdict != "FAILED"
        for factor in (2.0, 1.1, -1.0):
            assert check_gradient(f, lambda X: factor * g(X), X).verdict != "PASSED"
        assert check_gradient(f, lambda X: -g(X), X).verdict == "FAILED"


# --- arguments named in errors -----------------------------------------------------------------

@pytest.mark.parametrize("options, match", [
    ({"rtol": None}, "rtol must be a number strictly between 0 and 1.*got None"),
    ({"rtol": 0}, "rtol must be"), ({"rtol": 1.5}, "rtol must be"), ({"rtol": "1e-8"}, "rtol"),
    ({"rtol": float("nan")}, "rtol must be"),
    ({"seed": None}, "seed must be a non-negative integer.*got None"),
    ({"seed": -1}, "seed must be a non-negative integer.*got -1"), ({"seed": 1.5}, "seed"),
    ({"directions": 0}, "directions must be a positive integer"),
    ({"directions": None}, "directions"), ({"method": "forward"}, "method must be"),
])
def test_every_checker_names_a_bad_argument(options, match):
    X = R.standard_normal((5, 2))
    calls = [lambda: check_gradient(square_sum, lambda X: 2 * X, X0, **options),
             lambda: check_differential(np.sin, lambda X, dX: np.cos(X) * dX, X0, **options),
             lambda: check_vjp(np.sin, lambda X, G: np.cos(X) * G, X, **options),
             lambda: check_jvp(np.sin, lambda X, dX: np.cos(X) * dX, X, **options)]
    if "method" not in options and options.get("rtol", 0) is not None:  # None: the default
        calls.append(lambda: check_hessian(np.sum, X0, hvp=lambda X, V: 0 * V, **options))
    for call in calls:
        refused(call, X0, X, match=match)


def test_other_arguments_are_named():
    refused(lambda: check_hessian(np.sum, X0, hvp=lambda X, V: V, symmetry_rtol=None),
            match="symmetry_rtol must be")
    refused(lambda: check_vjp(linear, lambda X, W, b, G: G, (X0, W0, B0), names=("a",)),
            match="names must be 3 strings")
    refused(lambda: jacobian(np.sin, X0, max_entries=0), match="max_entries must be")
    with pytest.raises(TypeError, match="grad must be a callable"):
        check_gradient(square_sum, 2 * X0, X0)
    with pytest.raises(TypeError, match="hvp must be a callable"):
        check_hessian(square_sum, X0, hvp=np.eye(6))


# --- memory, context, empty values --------------------------------------------------------------

def test_a_jacobian_too_large_is_refused_before_it_is_computed():
    calls = []
    F = lambda X: calls.append(1) or X
    refused(lambda: jacobian(F, np.ones((200, 200))),
            match=r"\(200, 200, 200, 200\): 1.6e\+09 entries \(12.8 GB\).*check_differential")
    assert len(calls) == 1  # F(X) only, for its shape
    assert jacobian(np.sin, np.ones((3, 4)), max_entries=144).shape == (3, 4, 3, 4)
    refused(lambda: jacobian(np.sin, np.ones((3, 4)), max_entries=143), match="above max_entries")


def f_fails_near_x(X):
    if not np.array_equal(X, X0):
        raise KeyError("only defined at X")
    return np.sum(X ** 2)


def test_an_exception_at_a_perturbed_point_says_where():
    with Untouched(X0), pytest.raises(PerturbedPointError) as err:
        check_gradient(f_fails_near_x, lambda X: 2 * X, X0)
    message = str(err.value)
    assert "f raised KeyError at a perturbed point X + tV" in message
    assert "relative distance" in message and "shape (3, 2)" in message
    assert err.value.point.shape == X0.shape and np.any(err.value.point != X0)
    assert np.allclose(err.value.point, X0 + err.value.step * err.value.direction)
    F = lambda X: f_fails_near_x(X) * X
    for call in (lambda: check_differential(F, lambda X, dX: dX, X0), lambda: jacobian(F, X0),
                 lambda: check_hessian(f_fails_near_x, X0, hvp=lambda X, V: 2 * V)):
        with pytest.raises(PerturbedPointError, match="at a perturbed point"):
            call()


def test_an_empty_value_is_refused_not_passed_vacuously():
    x = np.ones(3)
    refused(lambda: check_vjp(lambda X: X[:0], lambda X, G: np.zeros_like(X), x), x,
            match=r"F\(X\) is empty")
    refused(lambda: check_jvp(lambda X: X[:0], lambda X, dX: dX[:0], x), x, match="empty")
    refused(lambda: check_differential(lambda X: X[:0], lambda X, dX: dX[:0], x), x,
            match="empty")
    assert jacobian(lambda X: X[:0], x).shape == (0, 3)


# --- the VJP report ----------------------------------------------------------------------------

def test_the_vjp_report_names_the_wrong_input_and_shows_the_values():
    X = R.standard_normal((5, 2))
    wrong = lambda X, W, b, G: (G @ W, G.T @ X, G.mean(0))
    report = check_vjp(linear, wrong, (X, W0, B0))
    assert isinstance(report, Report) and not report.passed and report.failed == ("b",)
    text = str(report)
    assert text.startswith("VJP check: FAILED") and "not passed: b" in text
    assert "check b: VJP check FAILED" in text and "claimed vjp:V" in text
    assert report.evaluations == sum(r.evaluations for _, r in report.checks) > 0
    assert isinstance(CallError("x"), ValueError)


def test_a_float32_hessian_is_symmetric_to_float32_rounding():
    """A right Hessian claimed in float32 is symmetric only to float32 rounding: the symmetry
    test allows that rounding (it does not FAIL the right claim) and still fails a skew one."""
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, 2.0])
    f, g = (lambda x: 0.5 * x @ A @ x), (lambda x: A @ x)
    right32 = lambda x, V: (A @ V / 3).astype(np.float32) * 3
    assert check_hessian(f, x, hvp=right32, grad=g).verdict != "FAILED"
    skew = np.array([[0.0, 1e-4], [-1e-4, 0.0]])
    skew32 = lambda x, V: ((A + skew) @ V).astype(np.float32)
    result = check_hessian(f, x, hvp=skew32, grad=g, rtol=1e-3)
    assert result.verdict == "FAILED" and "not symmetric" in str(result)


def test_a_function_exactly_zero_nearby_is_not_confirmed_and_the_advice_says_why():
    """A dead ReLU: f is exactly 0 at and around X. Values that are exactly zero and values
    that underflowed look alike, so even the right claim (0) is not confirmed; the report
    must not advise 'rtol=0e+00' or call an accuracy of 0 coarse."""
    X = -1 - np.abs(X0)
    relu_sq = lambda X: np.sum(np.maximum(X, 0) ** 2)
    right = check_gradient(relu_sq, lambda X: 2 * np.maximum(X, 0), X)
    assert right.verdict == "UNRESOLVED"
    text = str(right)
    assert "exactly zero (a dead ReLU" in text and "no evidence" in text
    assert "rtol=0e+00" not in text and "accurate only to 0.0e+00" not in text
    assert check_gradient(relu_sq, lambda X: X, X).verdict == "FAILED"


@pytest.mark.parametrize("project, error, match", [
    (3, TypeError, "project must be a callable"),
    (lambda V: 1 / 0, CallError, "project raised ZeroDivisionError"),
    (lambda X, V: V, CallError, "project raised TypeError"),
    (lambda V: V + 1j, CallError, r"project\(V\) has complex values"),
    (lambda V: V * np.nan, CallError, r"project\(V\) .* non-finite"),
    (lambda V: V[:1], ValueError, r"project\(V\) has shape \(1, 2\), but X has shape \(3, 2\)"),
])
def test_a_bad_projection_is_named_not_blamed_on_the_claim(project, error, match):
    for check in (lambda: check_gradient(half_square, lambda X: X, X0, project=project),
                  lambda: check_differential(np.sin, lambda X, dX: np.cos(X) * dX, X0,
                                             project=project)):
        with pytest.raises(error, match=match):
            check()


@pytest.mark.parametrize("options, match", [
    ({"eps": np.nan}, "eps must be a number with 0 < eps < 1, got eps=nan"),
    ({"eps": 0.0}, "eps must be"),
    ({"resolution": -1.0}, "resolution must be a finite number >= 0"),
    ({"noise": -1.0}, "noise must be a finite number >= 0, or None"),
    ({"noise_safety": np.inf}, "noise_safety must be"),
    ({"relative_resolution": -2.0}, "relative_resolution must be"),
    ({"out_shape": (5,)}, r"F\(X\) has shape \(\), but out_shape has shape \(5,\)"),
])
def test_directional_derivative_names_a_bad_setting(options, match):
    with pytest.raises(ValueError, match=match):
        directional_derivative(half_square, X0, X0, **options)
