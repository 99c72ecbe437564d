"""matcalc.rational: rational functions as uncancelled numerator/denominator polynomials,
the fast path of every exact check (matcalc.symbolic)."""

import pytest
import sympy as sp

from matcalc.rational import WorkBound, NotRational, TooLarge, fractions, vanishes
from matcalc.symbolic import matrix, verify, verify_differential

x, y = sp.symbols("x y", real=True)


def field_value(expr, symbols):
    return sp.polys.fields.field(symbols, sp.QQ)[0].from_expr(expr)


@pytest.mark.parametrize("expr", [
    x / (x - y) + y / (y - x),                    # = 1 after cancelling
    (x**2 - y**2) / (x + y) - 3 * x * y ** -2,
    sp.Rational(2, 3) * (1 / x + 1 / y) ** 3,
    (x * y - 1) ** -2 * (x + 1),
])
def test_pairs_equal_the_cancelled_fraction_of_the_field(expr):
    ring, [(p, q)] = fractions([expr], [x, y])
    field = ring.to_field()
    assert field.new(p, q) == field_value(expr, [x, y])


def test_equal_denominators_are_reused_not_multiplied():
    ring, [(p, q)] = fractions([1 / (x - y) + 2 / (x - y)], [x, y])
    assert q == ring(x - y) and p == ring(3)


def test_a_shared_subexpression_is_converted_once_and_zero_is_found():
    X = matrix("X", 3)
    residual = X.inv() * X - sp.eye(3)
    symbols = sorted(X.free_symbols, key=str)
    ring, pairs = fractions(list(residual), symbols)
    assert all(p == 0 for p, _ in pairs)
    assert all(q != 0 for _, q in pairs)


@pytest.mark.parametrize("expr, words", [
    (sp.sqrt(x), "Pow"),
    (sp.exp(x) + 1, "exp"),
    (sp.Float(0.5) * x, "Float"),
    (x * sp.Symbol("z"), "z"),                      # a symbol not in the list
    (1 / ((x + 1) ** 2 - x**2 - 2 * x - 1), "identically zero"),
])
def test_what_is_not_a_rational_function_is_refused_by_name(expr, words):
    with pytest.raises(NotRational, match=words):
        fractions([expr], [x, y])


def test_exact_checks_through_the_fast_path_still_prove_and_refute():
    X, dX = matrix("X", 2), matrix("dX", 2)
    assert verify(X.inv() * X, sp.eye(2)).status == "proved"
    wrong = verify(X.inv() * X, 2 * sp.eye(2))
    assert wrong.status == "disproved" and wrong.counter_example is not None
    f = X.inv() * X.inv()
    right = -X.inv() * dX * X.inv() ** 2 - X.inv() ** 2 * dX * X.inv()
    assert verify_differential(f, zip(X, dX), right).passed
    slip = verify_differential(f, zip(X, dX), -2 * X.inv() ** 2 * dX * X.inv())
    assert slip.status == "disproved" and slip.failing


def test_differences_the_fast_path_does_not_take_are_still_decided():
    """A difference of exactly 1 (the literal-zero shortcut must not take it), and a float
    coefficient, which is not a rational function over the rationals (sympy's cancel then
    decides it)."""
    assert verify(x + 1, x).status == "disproved"
    assert verify(sp.Float(0.5) * x * y, x * y / 3).status == "disproved"
    assert verify(sp.Float(0.5) * x * y, x * y / 2).status == "proved"


def test_each_shared_subexpression_is_converted_once():
    """e_k = x e_{k-1} + y e_{k-1}: a tree of 2^40 leaves stored as 40 shared nodes. Walked
    once per occurrence (without the memo) it would never finish; once per node, it is
    instant."""
    e = x + y
    for _ in range(39):
        e = sp.Add(sp.Mul(x, e, evaluate=False), sp.Mul(y, e, evaluate=False), evaluate=False)
    ring, [(p, q)] = fractions([e], [x, y])
    assert q == 1 and p == ring((x + y) ** 40)


def test_a_budget_gives_the_same_pairs_as_no_budget():
    exprs = [x / (x - y) + y / (y - x), (x * y - 1) ** -2 * (x + 1), (1 / x + 1 / y) ** 3]
    _, free = fractions(exprs, [x, y])
    _, bounded = fractions(exprs, [x, y], WorkBound())
    assert bounded == free


@pytest.mark.parametrize("budget, expr, words", [
    (WorkBound(limit=100), (x + y + 1) ** 40, "36 and 3 terms .* bound of 100"),
    (WorkBound(limit=10), ((x + y + 1) ** 3 + 1) * ((x - y) ** 3 + 1), "bound of 10"),
    (WorkBound(), x ** 65, "exponent 65 is over 64"),
    (WorkBound(deadline=lambda: True), (x + 1) * (y + 1), "time cap"),
])
def test_a_budget_stops_a_conversion_that_would_exceed_it_by_name(budget, expr, words):
    with pytest.raises(TooLarge, match=words):
        fractions([expr], [x, y], budget)
    fractions([expr], [x, y])   # without a budget the same conversion runs


def test_the_total_work_of_one_conversion_is_bounded_too():
    budget = WorkBound(limit=50)
    with pytest.raises(TooLarge, match="total work is over 500"):
        fractions([sum((x + i) * (y + i) for i in range(400))], [x, y], budget)
    assert budget.spent > 500


@pytest.mark.parametrize("expr, answer", [
    (x / (x - y) + y / (y - x) - 1, True),
    ((x + 1) ** 2 - x ** 2 - 2 * x - 1, True),
    (sp.Integer(0), True),
    (x ** 2 - y, False),
    (sp.Rational(1, 3), False),
    (sp.exp(x) - 1, None),                            # not a rational function
    (1 / ((x + 1) ** 2 - x ** 2 - 2 * x - 1), None),  # a division by zero
    (sp.Float(0.5), None),
])
def test_vanishes_decides_rational_functions_and_says_none_for_the_rest(expr, answer):
    assert vanishes(expr) is answer
