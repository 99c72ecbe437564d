"""A float32 computation hidden inside a float64 function (a cast in, a cast back out, or a
float64 inner product with float32 values, as check_vjp forms) must not cry wolf.

Found by the backprop chapter: the rounding noise was measured at a thousand float64 ulps,
where such a function does not move at all, so the ladder trusted steps at which the
perturbation vanished in the cast and reported the derivative 0 ("FAILED, relative error
1.00"). The noise is now measured where the function responds."""

import numpy as np
import pytest

from matcalc import check_gradient, check_vjp


def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_vjp(Z, G):
    P = softmax_rows(Z)
    return P * (G - np.sum(G * P, axis=1, keepdims=True))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("cast_back", [False, True])
def test_float32_inside_passes_right_and_fails_wrong(seed, cast_back):
    Z = np.random.default_rng(seed).standard_normal((8, 5))

    def F(Z):
        out = softmax_rows(Z.astype(np.float32))
        return out.astype(np.float64) if cast_back else out

    right = check_vjp(F, softmax_vjp, Z, rtol=5e-4)
    wrong = check_vjp(F, lambda Z, G: 1.003 * softmax_vjp(Z, G), Z, rtol=5e-4)
    assert right.passed, str(right)
    assert not wrong.passed, str(wrong)


def test_numeric_derivative_is_not_a_vanished_step():
    X = np.random.default_rng(3).standard_normal((4, 3))
    A = np.random.default_rng(4).standard_normal((4, 3))
    f = lambda X: float(np.sum(A.astype(np.float32) * np.tanh(X.astype(np.float32))))
    g = lambda X: A * (1 - np.tanh(X) ** 2)
    result = check_gradient(f, g, X, rtol=1e-3)
    assert result.passed, str(result)
    assert all(abs(d.numeric) > 0 for d in result.directions), str(result)
