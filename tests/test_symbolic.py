import numpy as np
import pytest
import sympy as sp

from matcalc import frob
from matcalc.symbolic import differential, gradient, matrix, verify


def test_matrix_entries_are_independent_symbols():
    A = matrix("A", 2, 3)
    assert A.shape == (2, 3) and len(A.free_symbols) == 6
    S = matrix("S", 3, symmetric=True)
    assert S == S.T and len(S.free_symbols) == 6
    big = matrix("B", 10, 2)
    assert str(big[9, 1]) == "B_10,2"


def test_matrix_errors():
    with pytest.raises(ValueError, match="square"):
        matrix("S", 2, 3, symmetric=True)
    with pytest.raises(ValueError, match="rows=0"):
        matrix("A", 0, 3)


@pytest.mark.parametrize("m,n,p", [(2, 3, 3), (3, 2, 4)])
def test_frobenius_rules_are_proved(m, n, p):
    A, B, C = matrix("A", m, n), matrix("B", n, p), matrix("C", m, p)
    assert verify(frob(A * B, C), frob(A, C * B.T)).passed
    assert verify(frob(A * B, C), frob(B, A.T * C)).passed


def test_false_rule_is_disproved_with_a_counter_example():
    A, B, C = matrix("A", 2, 3), matrix("B", 3, 3), matrix("C", 2, 3)
    result = verify(frob(A * B, C), frob(A, C * B))
    assert not result.passed and result.status == "disproved"
    index, point, value = result.counter_example
    # the counter-example really is one
    assert (frob(A * B, C) - frob(A, C * B)).subs(point) == value != 0
    assert "DISPROVED" in str(result)


def test_inverse_differential_proved_and_wrong_order_disproved():
    X, dX = matrix("X", 2), matrix("dX", 2)
    exact = differential(lambda M: M.inv(), X, dX)
    assert verify(exact, -X.inv() * dX * X.inv()).passed
    assert verify(exact, -X.inv() * X.inv() * dX).status == "disproved"


def test_log_det_differential():
    X, dX = matrix("X", 2), matrix("dX", 2)
    exact = differential(lambda M: sp.log(M.det()), X, dX)
    assert verify(exact, (X.inv() * dX).trace()).passed
    assert not verify(exact, (X.inv().T * dX).trace()).passed


def test_identity_that_needs_care_with_logs():
    X = matrix("X", 2)
    # log(det^2) = 2 log(det) fails for negative determinants: must not be "proved"
    assert not verify(sp.log(X.det() ** 2), 2 * sp.log(X.det())).passed
    assert verify(sp.exp(X.trace()), sp.exp(X[0, 0]) * sp.exp(X[1, 1])).passed


def test_wrong_rule_with_exp_and_tanh_is_disproved_not_simplified_forever():
    # The stored mistake of Cookbook (93) once made sympy's simplify and factor run for
    # hours: a transcendental difference is first evaluated at integer points.
    x, dx = matrix("x", 2, 1), matrix("dx", 2, 1)
    exact = differential(lambda v: v.applyfunc(sp.tanh), x, dx)
    right = sp.Matrix([(1 - sp.tanh(x[i]) ** 2) * dx[i] for i in range(2)])
    wrong = sp.Matrix([(1 + sp.tanh(x[i]) ** 2) * dx[i] for i in range(2)])
    assert verify(exact, right).passed
    result = verify(exact, wrong)
    assert result.status == "disproved"
    index, point, value = result.counter_example
    assert abs(complex((exact - wrong)[index].subs(point)) - complex(value)) < 1e-9
    assert abs(complex(value)) > 0.1


def test_gradient_and_symmetric_trap():
    X = matrix("X", 2, 3)
    A = matrix("A", 3, 2)
    assert verify(gradient((A * X).trace(), X), A.T).passed
    S = matrix("S", 2, symmetric=True)
    B = matrix("B", 2)
    g = gradient((B * S).trace(), S)  # derivative w.r.t. the shared symbols
    G = B.T
    assert verify(g, G + G.T - sp.diag(*[G[i, i] for i in range(2)])).passed


def test_verify_errors():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        verify(matrix("A", 2, 3), matrix("B", 3, 2))
    with pytest.raises(ValueError, match="sympy"):
        verify(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"\(2, 2\) but dX has shape \(2, 3\)"):
        differential(lambda M: M, matrix("X", 2), matrix("dX", 2, 3))
    with pytest.raises(ValueError, match="scalar"):
        gradient(matrix("X", 2), matrix("X", 2))


def test_verify_differential_in_the_field_and_outside_it():
    from matcalc.symbolic import differential, verify_differential
    X, dX = matrix("X", 2, 3), matrix("dX", 2, 3)
    A = matrix("A", 3, 2)
    f = (X * A).inv()
    right = -f * dX * A * f
    assert verify_differential(f, zip(X, dX), right).passed
    wrong = verify_differential(f, zip(X, dX), -f * A.T * dX.T * f)  # transposed move
    assert wrong.status == "disproved" and wrong.counter_example is not None
    index, point, value = wrong.counter_example
    assert value != 0 and set(point) <= (set(X) | set(dX) | set(A))
    # not a rational function: sympy's derivative, as differential() computes it
    g = (X * A).applyfunc(sp.tanh)
    dg = (dX * A).multiply_elementwise((X * A).applyfunc(lambda z: 1 - sp.tanh(z) ** 2))
    assert verify_differential(g, zip(X, dX), dg).passed
    assert not verify_differential(g, zip(X, dX), 2 * dg).passed
    # the same answer as differential(), on a function small enough for its expression tree
    assert verify(differential(lambda M: (M * A).det(), X, dX),
                  verify_differential((X * A).det(), zip(X, dX), 0).failing[0][1]).passed
    # symmetric: X_12 and X_21 are one symbol, moved by one direction symbol
    S, dS = matrix("S", 2, symmetric=True), matrix("dS", 2, symmetric=True)
    assert verify_differential(S.inv(), zip(S, dS), -S.inv() * dS * S.inv()).passed
    # a symmetric matrix moved in a general direction: not one symbol per move
    with pytest.raises(ValueError, match="one direction symbol"):
        verify_differential(S.inv(), zip(S, matrix("dX", 2)), -S.inv())
    with pytest.raises(ValueError, match=r"\(2, 2\).*\(1, 1\)"):
        verify_differential(S.inv(), zip(S, dS), S[0, 0])
    # constant entries that do not move are allowed
    D = sp.Matrix([[S[0, 0], 0], [0, S[1, 1]]])
    dD = sp.Matrix([[dS[0, 0], 0], [0, dS[1, 1]]])
    assert verify_differential(D.det(), zip(D, dD), S[1, 1] * dS[0, 0] + S[0, 0] * dS[1, 1]).passed
    with pytest.raises(ValueError):
        verify_differential(D.det(), zip(D, dS), 0)


def test_transcendental_identities_are_proved_and_refuted():
    """exp, tanh and log go through expansion, a numerical probe and simplify."""
    x, y = sp.symbols("x y", real=True)
    assert verify(sp.diff(sp.tanh(x * y), x), y * (1 - sp.tanh(x * y) ** 2)).passed
    assert verify(sp.exp(x) * sp.exp(y), sp.exp(x + y)).passed
    wrong = verify(sp.diff(sp.tanh(x * y), x), 1 - sp.tanh(x * y) ** 2)
    assert wrong.status == "disproved"
    # saturated at every integer probe (1 - tanh(60)^2 ~ 1e-52): decided at the probes / 10
    big = 1 - sp.tanh(30 * x * y) ** 2
    assert verify(2 * big, big).status == "disproved"


def test_identity_reports_truncate_long_differences_and_many_symbols():
    A, B = matrix("A", 3), matrix("B", 3)
    r = verify(A * B * A * B, A * A * B * B)
    text = str(r)
    assert text.splitlines()[0] == ("identity DISPROVED at shape (3, 3): 9 of 9 entries of "
                                    "lhs - rhs are not 0")
    first = text.splitlines()[1]
    assert first.startswith("  entry (0, 0): lhs - rhs = ") and first.endswith(" terms)")
    assert " ... (" in first and len(first) < 260
    assert ", ..., entry (" in text.splitlines()[-1]  # more than 6 symbols in the point
    s = verify(A.trace() * 2, A.trace() + B.trace())
    assert str(s).startswith("scalar identity DISPROVED: lhs - rhs is not 0\n  lhs - rhs = ")
    assert str(verify(A.trace(), A.T.trace())) == \
        "scalar identity PROVED exactly: lhs - rhs simplifies to 0"


def test_differential_and_gradient_name_bad_arguments():
    X = matrix("X", 2)
    with pytest.raises(ValueError, match="^X must be a sympy matrix or expression, got str$"):
        differential(lambda M: M, "X", X)
    with pytest.raises(ValueError, match="^dX must be a sympy matrix or expression, got str$"):
        differential(lambda M: M, X, "dX")
    with pytest.raises(ValueError, match="^X must be a sympy matrix or expression, got list$"):
        gradient(X[0, 0], [1, 2])
    with pytest.raises(ValueError, match=r"scalar expression, got a matrix of shape \(2, 1\)"):
        gradient(X[:, 0], X)
    with pytest.raises(ValueError, match=r"shape \(1, 2\)"):
        gradient(X[0, :], X)
    assert gradient(sp.Matrix([[X[0, 1] ** 2]]), X) == sp.Matrix([[0, 2 * X[0, 1]], [0, 0]])


def test_an_identity_only_simplify_can_prove_is_proved():
    """Not rational, zero at every probe point, unchanged by expansion: simplify decides."""
    x = sp.Symbol("x", real=True)
    assert verify(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1).status == "proved"
    assert verify(sp.sin(x) ** 2 + sp.cos(x) ** 2, 2).status == "disproved"


def test_a_value_that_does_not_move_has_differential_zero():
    from matcalc.symbolic import verify_differential
    X, dX, A = matrix("X", 2), matrix("dX", 2), matrix("A", 2)
    assert verify_differential(A * A, zip(X, dX), sp.zeros(2)).passed
    assert not verify_differential(A * A, zip(X, dX), A).passed


def test_a_wrong_differential_reports_true_minus_claimed():
    from matcalc.symbolic import verify_differential
    X, dX = matrix("X", 2), matrix("dX", 2)
    wrong = verify_differential(X.det(), zip(X, dX), dX[0, 0])
    (index, difference), = wrong.failing
    true = X[1, 1] * dX[0, 0] + X[0, 0] * dX[1, 1] - X[0, 1] * dX[1, 0] - X[1, 0] * dX[0, 1]
    assert index == (0, 0) and sp.expand(difference - (true - dX[0, 0])) == 0


def test_a_wrong_entry_after_a_right_one_is_found():
    x, y = sp.symbols("x y", real=True)
    result = verify(sp.Matrix([[x, y]]), sp.Matrix([[x, 0]]))
    assert not result.passed and [index for index, _ in result.failing] == [(0, 1)]


def test_what_nothing_decides_is_undecided():
    x = sp.Symbol("x", real=True)
    assert verify(sp.Function("g")(x), 0).status == "undecided"


def test_verify_differential_reports_the_shape_and_the_number_of_entries():
    from matcalc.symbolic import verify_differential
    x, dx = sp.symbols("x dx", real=True)
    assert verify_differential(x**2, [(x, dx)], 2 * x * dx).shape == ()
    X, dX = matrix("X", 2), matrix("dX", 2)
    result = verify_differential(X.inv(), zip(X, dX), -X.inv() * dX * X.inv())
    assert result.shape == (2, 2) and result.entries == 4
