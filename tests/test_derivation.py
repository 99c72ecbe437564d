"""Step-by-step derivations: right chains pass, each kind of wrong step is named."""

import pytest

from matcalc import frob
from matcalc.derivation import Derivation, Step
from matcalc.ops import inv, logdet, tr

SHAPES = {"W": "mn", "X": "nk", "Y": "mk"}
EXACT, NUMERIC = {"m": 2, "n": 3, "k": 2}, {"m": 5, "n": 7, "k": 4}


def loss(W, X, Y):
    return frob(W @ X - Y, W @ X - Y) / 2


def gradient(W, X, Y):
    return (W @ X - Y) @ X.T


GOOD = [Step(r"(WX-Y):\d(WX-Y)", lambda W, X, Y, dW: frob(W @ X - Y, dW @ X), "product"),
        Step(r"(WX-Y)X^\T:\d W", lambda W, X, Y, dW: frob((W @ X - Y) @ X.T, dW), "move X")]


def seed_derivation(steps=GOOD, grad=gradient, exact_sizes=EXACT):
    return Derivation("seed", SHAPES, "W", loss, steps, gradient=grad, exact_sizes=exact_sizes,
                      numeric_sizes=NUMERIC)


def test_right_derivation_passes_every_link():
    result = seed_derivation().check()
    assert result.passed, str(result)
    assert [link.exact.status for link in result.links] == ["proved"] * 3
    assert result.first_wrong is None
    assert result.gradient_check.passed and result.gradient_check.evaluations < 40


WRONG_STEPS = {
    # (steps, index of the link that must be reported first)
    "factor 2 in the first step": (
        [Step("2(WX-Y):dW X", lambda W, X, Y, dW: 2 * frob(W @ X - Y, dW @ X)), GOOD[1]], 0),
    "sign": ([Step("-(WX-Y):dW X", lambda W, X, Y, dW: -frob(W @ X - Y, dW @ X)), GOOD[1]], 0),
    "move without transpose": (
        [GOOD[0], Step("(WX-Y)X:dW", lambda W, X, Y, dW: frob((W @ X - Y) @ X.T @ X @ X.T,
                                                               dW))], 1),
    "missing term": (
        [GOOD[0], Step("WXX^T:dW", lambda W, X, Y, dW: frob(W @ X @ X.T, dW))], 1),
}


@pytest.mark.parametrize("key", list(WRONG_STEPS))
def test_wrong_step_is_named(key):
    steps, index = WRONG_STEPS[key]
    result = seed_derivation(steps).check()
    assert not result.passed
    wrong = result.first_wrong
    assert wrong.index == index
    assert wrong.exact.status == "disproved" and not wrong.numeric_passed
    assert f"first wrong step: link {index}" in str(result)
    assert "WRONG" in str(result) and "counter-example" in str(result)


def test_wrong_gradient_after_right_steps_fails_identification():
    result = seed_derivation(grad=lambda W, X, Y: 2 * (W @ X - Y) @ X.T).check()
    assert not result.passed and result.first_wrong.index == 2
    assert not result.gradient_check.passed


def test_transposed_gradient_of_square_variable_is_caught():
    d = Derivation("square", {"W": "nn", "X": "nn", "Y": "nn"}, "W", loss, GOOD,
                   gradient=lambda W, X, Y: ((W @ X - Y) @ X.T).T,
                   exact_sizes={"n": 2}, numeric_sizes={"n": 6})
    result = d.check()
    assert not result.passed and result.first_wrong.index == 2


def test_numeric_only_derivation_still_names_the_step():
    result = seed_derivation(WRONG_STEPS["missing term"][0], exact_sizes=None).check()
    assert result.first_wrong.index == 1 and result.first_wrong.exact is None
    assert "not run" in str(result)


def test_several_variables_and_matrix_valued_chain():
    d = Derivation("d(X Y^-1)", {"X": "mn", "Y": "nn"}, ("X", "Y"),
                   lambda X, Y: X @ inv(Y),
                   [Step(r"\d X\,Y^{-1} + X\,\d(Y^{-1})",
                         lambda X, Y, dX, dY: dX @ inv(Y) - X @ inv(Y) @ dY @ inv(Y))],
                   exact_sizes={"m": 2, "n": 2}, numeric_sizes={"m": 4, "n": 3})
    assert d.check().passed
    wrong = Derivation("wrong", {"X": "mn", "Y": "nn"}, ("X", "Y"), lambda X, Y: X @ inv(Y),
                       [Step("forgot dX", lambda X, Y, dY: -X @ inv(Y) @ dY @ inv(Y))],
                       exact_sizes={"m": 2, "n": 2}, numeric_sizes={"m": 4, "n": 3})
    assert wrong.check().first_wrong.index == 0


def test_symmetric_and_spd_kinds():
    d = Derivation("logdet", {"S": "nn"}, "S", lambda S: logdet(S),
                   [Step(r"\tr(S^{-1}\d S)", lambda S, dS: tr(inv(S) @ dS))],
                   gradient=lambda S: inv(S), kinds={"S": "spd"},
                   exact_sizes={"n": 2}, numeric_sizes={"n": 5})
    result = d.check()
    assert result.passed, str(result)


def test_markdown_rendering_names_the_wrong_step():
    md = seed_derivation(WRONG_STEPS["missing term"][0]).check()._repr_markdown_()
    assert "FAILED" in md and "wrong step" in md and md.count("\n|") >= 4


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"wrt='V' is not one of the variables"):
        Derivation("x", SHAPES, "V", loss, GOOD)
    with pytest.raises(ValueError, match=r"parameters \['dV'\] that are not variables"):
        Derivation("x", SHAPES, "W", loss, [Step("s", lambda W, dV: W)])
    with pytest.raises(ValueError, match=r"numeric_sizes has no size for \['k'\]"):
        Derivation("x", SHAPES, "W", loss, GOOD, numeric_sizes={"m": 2, "n": 3})
    with pytest.raises(ValueError, match=r"'X' is spd but has shape m x n"):
        Derivation("x", {"X": "mn"}, "X", lambda X: X, [Step("s", lambda dX: dX)],
                   kinds={"X": "spd"})
    with pytest.raises(ValueError, match=r"the gradient has shape \(7, 5\) but W has shape \(5, 7\)"):
        seed_derivation(grad=lambda W, X, Y: gradient(W, X, Y).T,
                        exact_sizes=None).check()
    with pytest.raises(ValueError, match=r"step 1 \(bad\) raised .*W: \(2, 3\)"):
        seed_derivation([Step("bad", lambda W, X, dW: frob(W @ W, dW))]).check()


# --- the derivations the chapters show -------------------------------------------------------

from matcalc.derivation import chain  # noqa: E402
from matcalc.examples.derivations import DERIVATIONS, SLIPS  # noqa: E402


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_chapter_derivation_passes_every_link(name):
    result = DERIVATIONS[name]().check()
    assert result.passed, str(result)
    assert all(link.exact is not None and link.exact.status == "proved" for link in result.links)


@pytest.mark.parametrize("name", list(SLIPS))
def test_chapter_slip_is_named(name):
    factory, index = SLIPS[name]
    result = factory().check()
    assert not result.passed and result.first_wrong.index == index
    assert all(link.passed for link in result.links[:index])


def test_chain_of_equalities_names_a_wrong_link():
    steps = [Step("x^T A y", lambda x, A, y: (x.T @ A @ y)[0, 0]),
             Step("tr(x y^T A)", lambda x, A, y: tr(x @ y.T @ A), "not cyclic"),
             Step("(x y^T):A", lambda x, A, y: frob(x @ y.T, A))]
    c = chain("wrong", {"x": "m1", "A": "mm", "y": "m1"}, steps,
              exact_sizes={"m": 2}, numeric_sizes={"m": 5})
    result = c.check()
    assert not result.passed and result.first_wrong.index == 0
    assert result.links[1].exact.status == "disproved"
    assert result.differential_check is None and result.gradient_check is None
    with pytest.raises(ValueError, match="at least two steps"):
        chain("short", {"x": "m1"}, steps[:1])
    with pytest.raises(ValueError, match="give both wrt and function"):
        Derivation("half", {"x": "m1"}, "x", None, steps)


def test_every_construction_error_word_for_word():
    """The whole message, not a fragment: what a reader sees when a Derivation is mis-built."""
    one = {"x": "m1"}
    cases = [
        (lambda: Derivation("x", SHAPES, "V", loss, GOOD),
         "wrt='V' is not one of the variables ['W', 'X', 'Y']"),
        (lambda: Derivation("x", SHAPES, "W", loss, [Step("s", lambda W, dV: W)]),
         "step 1 (s) of derivation 'x' has parameters ['dV'] that are not variables; known "
         "names are ['W', 'X', 'Y', 'dW']"),
        (lambda: Derivation("x", SHAPES, "W", loss, GOOD, numeric_sizes={"m": 2, "n": 3}),
         "derivation 'x': numeric_sizes has no size for ['k'] (given {'m': 2, 'n': 3})"),
        (lambda: Derivation("x", {"X": "mn"}, "X", lambda X: X, [Step("s", lambda dX: dX)],
                            kinds={"X": "spd"}),
         "derivation 'x': variable 'X' is spd but has shape m x n; it must be square (equal "
         "dimension letters)"),
        (lambda: seed_derivation(grad=lambda W, X, Y: gradient(W, X, Y).T,
                                 exact_sizes=None).check(),
         "derivation 'seed': the gradient has shape (7, 5) but W has shape (5, 7); a gradient "
         "has the shape of its variable"),
        (lambda: chain("short", one, [Step("a", lambda x: x)]),
         "a chain of equalities needs at least two steps, got 1"),
        (lambda: Derivation("half", one, "x", None, [Step("a", lambda x: x)] * 2),
         "derivation 'half': give both wrt and function (a derivation of a differential) or "
         "neither (a chain of equalities)"),
        (lambda: Derivation("two", {"x": "m1", "y": "m1"}, ("x", "y"), lambda x, y: x,
                            [Step("a", lambda dx, dy: dx)], gradient=lambda x, y: x),
         "a gradient can be claimed for one variable, not for ('x', 'y')"),
        (lambda: Derivation("none", one, "x", lambda x: x, []),
         "derivation 'none' has no steps"),
        (lambda: Derivation("g", one, "x", lambda x: x, [Step("a", lambda dx: dx)],
                            gradient=lambda x, z: x),
         "gradient of derivation 'g' has parameters ['z'] that are not variables; known names "
         "are ['x']"),
        (lambda: Derivation("f", one, "x", lambda x, q: x, [Step("a", lambda dx: dx)]),
         "function of derivation 'f' has parameters ['q'] that are not variables; known names "
         "are ['x']"),
    ]
    for build, message in cases:
        with pytest.raises(ValueError) as err:
            build()
        assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        seed_derivation([Step("bad", lambda W, X, dW: frob(W @ W, dW))]).check()
    assert str(err.value).startswith("derivation 'seed': step 1 (bad) raised ShapeError with "
                                     "W: (2, 3), X: (3, 2), dW: (2, 3): ")
