"""Worked examples of the core chapters at several shapes and seeds; the wrong variants the
chapters show must fail."""

import numpy as np
import pytest
import sympy as sp

from matcalc import as_vec_jacobian, check_gradient, commutation, jacobian
from matcalc.examples import linear_model as lm
from matcalc.examples import pitfalls, symmetric
from matcalc.notation import EINSUM_EXAMPLES, LAYOUT_EXAMPLES
from matcalc.ops import logdet
from matcalc.symbolic import gradient as symbolic_gradient
from matcalc.symbolic import matrix

SHAPES = [(2, 3, 4), (5, 1, 3), (1, 4, 2), (4, 4, 4)]


@pytest.mark.parametrize("m,n,k", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_linear_model_gradient_five_ways(m, n, k, seed):
    W, X, Y = lm.sample(m, n, k, seed)
    G = lm.gradient(W, X, Y)
    assert check_gradient(lambda W: lm.loss(W, X, Y), lambda W: G, W, seed=seed).passed
    for other in (lm.gradient_by_contraction, lm.gradient_by_kronecker, lm.gradient_by_rows):
        assert np.allclose(other(W, X, Y), G, atol=1e-10)
    J = jacobian(lambda W: W @ X, W)
    assert np.allclose(J, lm.output_jacobian(X, m), atol=1e-9)
    assert np.allclose(as_vec_jacobian(J), lm.kronecker_jacobian(X, m), atol=1e-9)
    # row ordering makes the Jacobian block diagonal
    rows = commutation(m, k) @ lm.kronecker_jacobian(X, m) @ commutation(m, n).T
    assert np.allclose(rows, np.kron(np.eye(m), X.T))


@pytest.mark.parametrize("sizes", [{"m": 2, "n": 3, "k": 2}, {"m": 3, "n": 2, "k": 1}])
def test_linear_model_derivation_every_link(sizes):
    result = lm.derivation(exact_sizes=sizes, numeric_sizes={"m": 6, "n": 3, "k": 8}).check()
    links = [link for label, link in result.checks if label.startswith("link ")]
    assert result.passed and links and all(link.get("exact").passed for link in links)


def test_linear_model_wrong_gradients_fail():
    W, X, Y = lm.sample(3, 3, 3, seed=1)
    f = lambda W: lm.loss(W, X, Y)
    for wrong in (lambda W: X @ (W @ X - Y).T, lambda W: (W @ X - Y).T @ X,
                  lambda W: X.T @ (W @ X - Y), lambda W: 2 * lm.gradient(W, X, Y),
                  lambda W: -lm.gradient(W, X, Y), lambda W: W @ X @ X.T):
        assert not check_gradient(f, wrong, W).passed
    assert not check_gradient(f, lambda W: pitfalls.numerator_layout_derivative(W, X, Y), W).passed
    Wr, Xr, Yr = lm.sample(2, 3, 4)
    with pytest.raises(ValueError, match=r"grad\(X\) has shape \(3, 2\), but X has shape \(2, 3\)"):
        check_gradient(lambda W: lm.loss(W, Xr, Yr),
                       lambda W: pitfalls.numerator_layout_derivative(W, Xr, Yr), Wr)


def test_linear_model_shape_errors_and_costs():
    W, X, Y = lm.sample(2, 3, 4)
    with pytest.raises(ValueError, match=r"W \(2, 3\), X \(4, 3\), Y \(2, 4\)"):
        lm.gradient(W, X.T, Y)
    rows = lm.route_costs([3, 5], repeats=1)
    assert [r["jacobian_bytes"] for r in rows] == [8 * 3 ** 4, 8 * 5 ** 4]
    assert [r["gradient_bytes"] for r in rows] == [8 * 3 ** 2, 8 * 5 ** 2]
    assert all(r["jacobian_seconds"] > 0 and r["differential_seconds"] > 0 for r in rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_square_loss_pitfall(seed):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    f = lambda X: pitfalls.square_loss(X, Y)
    assert check_gradient(f, lambda X: pitfalls.square_loss_gradient(X, Y), X).passed
    assert not check_gradient(f, lambda X: pitfalls.square_loss_scalar_style_gradient(X, Y),
                              X).passed
    # for a symmetric X with Y = 0, X and R = X^2 commute and the scalar rule happens to work
    S = rng.standard_normal((4, 4))
    S = S + S.T
    Z = np.zeros((4, 4))
    assert np.allclose(pitfalls.square_loss_scalar_style_gradient(S, Z),
                       pitfalls.square_loss_gradient(S, Z))


def test_square_loss_derivations():
    assert pitfalls.square_loss_derivation().check().passed
    wrong = pitfalls.square_loss_derivation(scalar_style=True).check()
    assert wrong.failed[0] == "link 1" and wrong.get("link 1").get("exact").status == "disproved"


@pytest.mark.parametrize("seed", [0, 1])
def test_trace_product_order(seed):
    rng = np.random.default_rng(seed)
    A, X, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((5, 3))
    f = lambda X: pitfalls.trace_product(A, X, B)
    result = check_gradient(f, lambda X: pitfalls.trace_product_gradient(A, X, B), X)
    assert result.passed and result.method == "complex step"
    A, X, B = (rng.standard_normal((4, 4)) for _ in range(3))
    assert not check_gradient(lambda X: pitfalls.trace_product(A, X, B),
                              lambda X: pitfalls.trace_product_wrong_order(A, X, B), X).passed


@pytest.mark.parametrize("n,seed", [(2, 0), (4, 1), (6, 2)])
def test_symmetric_trap(n, seed):
    S = symmetric.sample_spd(n, seed)
    f = lambda S: logdet(S)
    G = symmetric.logdet_gradient
    assert check_gradient(f, G, S, project=symmetric.sym).passed
    assert check_gradient(f, lambda S: symmetric.symmetric_gradient(G(S)), S,
                          project=symmetric.sym).passed
    assert not check_gradient(f, lambda S: symmetric.distinct_entry_partials(G(S)), S,
                              project=symmetric.sym).passed


def test_symmetric_trap_nonsymmetric_gradient():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((4, 4))
    S = symmetric.sym(rng.standard_normal((4, 4)))
    f = lambda S: np.trace(A @ S)
    assert check_gradient(f, lambda S: symmetric.sym(A.T), S, project=symmetric.sym).passed
    assert not check_gradient(f, lambda S: symmetric.distinct_entry_partials(A.T), S,
                              project=symmetric.sym).passed
    # without the restriction to symmetric directions, sym(A^T) is not the gradient
    assert not check_gradient(f, lambda S: symmetric.sym(A.T), S).passed


def test_distinct_entry_partials_are_what_symbolic_differentiation_gives():
    S = matrix("S", 3, symmetric=True)
    A = matrix("A", 3)
    partials = symbolic_gradient((A * S).trace(), S)
    G = A.T
    expected = G + G.T - sp.diag(*G.diagonal())
    assert sp.simplify(partials - expected) == sp.zeros(3)


def test_sym_requires_square():
    with pytest.raises(ValueError, match=r"square matrix, got shape \(2, 3\)"):
        symmetric.sym(np.ones((2, 3)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_notation_tables(seed):
    assert all(ex.check(seed) for ex in EINSUM_EXAMPLES)
    assert all(ex.check(seed) for ex in LAYOUT_EXAMPLES)


def test_notation_checks_can_fail():
    import dataclasses
    wrong = dataclasses.replace(EINSUM_EXAMPLES[0], spec="ki,kj->ij", shapes=((4, 4), (4, 4)))
    assert not wrong.check()
    swapped = dataclasses.replace(LAYOUT_EXAMPLES[0], numerator=LAYOUT_EXAMPLES[0].denominator,
                                  denominator=LAYOUT_EXAMPLES[0].numerator,
                                  variable_shape=(3,), constant_shapes=((3, 3),))
    assert not swapped.check()
