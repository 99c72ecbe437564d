"""Step-by-step derivations: right chains pass, each kind of wrong step is named."""

import pytest

from matcalc import frob
from matcalc.derivation import Derivation, Step, chain
from matcalc.ops import inv, logdet, tr

SHAPES = {"W": "mn", "X": "nk", "Y": "mk"}
EXACT, NUMERIC = {"m": 2, "n": 3, "k": 2}, {"m": 5, "n": 7, "k": 4}


def loss(W, X, Y):
    return frob(W @ X - Y, W @ X - Y) / 2


def gradient(W, X, Y):
    return (W @ X - Y) @ X.T


GOOD = [Step(r"(WX-Y):\d(WX-Y)", lambda W, X, Y, dW: frob(W @ X - Y, dW @ X), "product"),
        Step(r"(WX-Y)X^\T:\d W", lambda W, X, Y, dW: frob((W @ X - Y) @ X.T, dW), "move X")]


def links(result):
    """The reports of a derivation's links, in order."""
    return [r for label, r in result.checks if label.startswith("link ")]


def first_wrong(result):
    """The index of the first link that did not pass, or None."""
    wrong = [label for label in result.failed if label.startswith("link ")]
    return int(wrong[0].split()[1]) if wrong else None


def exact(link):
    """A link's exact check, or None when none ran."""
    return dict(link.checks).get("exact")


def seed_derivation(steps=GOOD, grad=gradient, exact_sizes=EXACT):
    return Derivation("seed", SHAPES, "W", loss, steps, gradient=grad, exact_sizes=exact_sizes,
                      numeric_sizes=NUMERIC)


def test_right_derivation_passes_every_link():
    result = seed_derivation().check()
    assert result.passed, str(result)
    assert [exact(link).status for link in links(result)] == ["proved"] * 3
    assert first_wrong(result) is None and result.failed == ()
    assert result.get("gradient").passed and result.get("gradient").evaluations < 40


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
    assert first_wrong(result) == index and result.failed[0] == f"link {index}"
    wrong = result.get(f"link {index}")
    assert exact(wrong).status == "disproved" and not wrong.get("numeric").passed
    assert f"first wrong step: link {index}" in str(result)
    assert "WRONG" in str(result) and "counter-example" in str(result)


def test_wrong_gradient_after_right_steps_fails_identification():
    result = seed_derivation(grad=lambda W, X, Y: 2 * (W @ X - Y) @ X.T).check()
    assert not result.passed and first_wrong(result) == 2
    assert not result.get("gradient").passed


def test_transposed_gradient_of_square_variable_is_caught():
    d = Derivation("square", {"W": "nn", "X": "nn", "Y": "nn"}, "W", loss, GOOD,
                   gradient=lambda W, X, Y: ((W @ X - Y) @ X.T).T,
                   exact_sizes={"n": 2}, numeric_sizes={"n": 6})
    result = d.check()
    assert not result.passed and first_wrong(result) == 2


def test_numeric_only_derivation_still_names_the_step():
    result = seed_derivation(WRONG_STEPS["missing term"][0], exact_sizes=None).check()
    assert first_wrong(result) == 1 and exact(result.get("link 1")) is None
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
    assert first_wrong(wrong.check()) == 0


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

from matcalc.examples.derivations import DERIVATIONS, SLIPS  # noqa: E402


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_chapter_derivation_passes_every_link(name):
    result = DERIVATIONS[name]().check()
    assert result.passed, str(result)
    assert all(exact(link) is not None and exact(link).status == "proved"
               for link in links(result))


@pytest.mark.parametrize("name", list(SLIPS))
def test_chapter_slip_is_named(name):
    factory, index = SLIPS[name]
    result = factory().check()
    assert not result.passed and first_wrong(result) == index
    assert all(link.passed for link in links(result)[:index])


def test_chain_of_equalities_names_a_wrong_link():
    steps = [Step("x^T A y", lambda x, A, y: (x.T @ A @ y)[0, 0]),
             Step("tr(x y^T A)", lambda x, A, y: tr(x @ y.T @ A), "not cyclic"),
             Step("(x y^T):A", lambda x, A, y: frob(x @ y.T, A))]
    c = chain("wrong", {"x": "m1", "A": "mm", "y": "m1"}, steps,
              exact_sizes={"m": 2}, numeric_sizes={"m": 5})
    result = c.check()
    assert not result.passed and first_wrong(result) == 0
    assert exact(result.get("link 1")).status == "disproved"
    assert [label for label, _ in result.checks] == ["link 0", "link 1"]
    assert result.get("link 0").get("numeric").kind == "comparison"
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


# --- written against surviving mutants (benchmarks/mutation.md) ----------------------------------

def _trace_of(kind):
    """f(S) = tr(A S); df = A^T : dS. With S symmetric, sym(A) : dS is right too (only there)."""
    return Derivation("tr(AS)", {"A": "nn", "S": "nn"}, "S", lambda A, S: tr(A @ S),
                      [Step(r"\operatorname{sym}(A) : \d S",
                            lambda A, S, dS: frob((A + A.T) / 2, dS))],
                      gradient=lambda A, S: (A + A.T) / 2, kinds={"S": kind} if kind else None,
                      exact_sizes={"n": 3}, numeric_sizes={"n": 4})


def test_a_symmetric_variable_is_moved_only_in_symmetric_directions():
    assert _trace_of("symmetric").check().passed
    general = _trace_of(None).check()
    assert not general.passed and first_wrong(general) == 0
    assert general.get("link 0").note == "numerical derivative of the function disagrees"


def test_three_varying_variables_are_packed_and_unpacked():
    shapes = {"X": "mn", "Y": "nk", "Z": "kp"}
    right = Derivation("XYZ", shapes, ("X", "Y", "Z"), lambda X, Y, Z: X @ Y @ Z,
                       [Step(r"\d X\,YZ + X\,\d Y\,Z + XY\,\d Z",
                             lambda X, Y, Z, dX, dY, dZ: dX @ Y @ Z + X @ dY @ Z + X @ Y @ dZ)],
                       exact_sizes={"m": 2, "n": 2, "k": 2, "p": 2},
                       numeric_sizes={"m": 2, "n": 3, "k": 4, "p": 5})
    assert right.check().passed
    wrong = Derivation("XYZ", shapes, ("X", "Y", "Z"), lambda X, Y, Z: X @ Y @ Z,
                       [Step("forgot dZ", lambda X, Y, Z, dX, dY, dZ: dX @ Y @ Z + X @ dY @ Z)],
                       numeric_sizes={"m": 2, "n": 3, "k": 4, "p": 5})
    assert first_wrong(wrong.check()) == 0


def test_a_one_by_one_step_of_a_scalar_function():
    """The function returns a float, the step a 1 x 1 matrix: compared as the same number."""
    d = Derivation("x^T x", {"x": "n1"}, "x", lambda x: (x.T @ x)[0, 0],
                   [Step(r"2 x^\T \d x", lambda x, dx: 2 * x.T @ dx)],
                   exact_sizes={"n": 2}, numeric_sizes={"n": 3})
    assert d.check().passed


def test_keyword_steps_tuple_steps_long_names_and_chains_of_two():
    d = Derivation("x^T x", {"x1": "n1"}, "x1", lambda x1: (x1.T @ x1)[0, 0],
                   [(r"2 x_1 : \d x_1", lambda **env: 2 * frob(env["x1"], env["dx1"]))],
                   gradient=lambda x1: 2 * x1, numeric_sizes={"n": 3})
    result = d.check()
    assert result.passed and d.wrt == ("x1",) and d.start == r"\d f"
    assert result.layout.links[0][1] == "the differential"
    assert result.layout.links[-1][0] == r"G : \d x_{1}"
    c = chain("two", {"x": "n1"}, [Step("x^T x", lambda x: x.T @ x),
                                   Step("tr(x x^T)", lambda x: tr(x @ x.T))],
              numeric_sizes={"n": 3})
    assert c.start == "x^T x" and c.check().passed


def test_errors_of_calls_name_what_raised():
    bad_grad = Derivation("g", {"x": "n1"}, "x", lambda x: (x.T @ x)[0, 0],
                          [Step("s", lambda x, dx: 2 * frob(x, dx))],
                          gradient=lambda x: 1 / 0, numeric_sizes={"n": 2})
    with pytest.raises(ValueError, match=r"^derivation 'g': gradient raised ZeroDivisionError"):
        bad_grad.check()
    bad_f = Derivation("f", {"x": "n1"}, "x", lambda x: x[5, 5],
                       [Step("s", lambda x, dx: 2 * frob(x, dx))],
                       exact_sizes={"n": 2}, numeric_sizes={"n": 2})
    with pytest.raises(ValueError, match=r"^derivation 'f': function raised IndexError"):
        bad_f.check()
    with pytest.raises(ValueError, match=r"exact_sizes has no size for \['n'\]"):
        Derivation("s", {"x": "n1"}, "x", lambda x: x, [Step("s", lambda dx: dx)],
                   exact_sizes={"m": 2})
    with pytest.raises(ValueError, match="function must be a Python function"):
        Derivation("b", {"x": "n1"}, "x", max, [Step("s", lambda dx: dx)])


def test_first_link_unresolved_at_every_point_is_not_confirmed():
    """A float32 computation behind a float: the numerical derivative reaches ~1e-4, never
    the tolerance; the step is not wrong, but it is not confirmed either."""
    import numpy as np
    d = Derivation("rounded", {"A": "nn", "x": "n1"}, "x",
                   lambda A, x: float(np.float32((x.T @ A @ x)[0, 0])),
                   [Step(r"(A + A^\T)x : \d x", lambda A, x, dx: frob((A + A.T) @ x, dx))],
                   numeric_sizes={"n": 3})
    link = d.check().get("link 0")
    assert not link.passed
    assert link.note.startswith("not confirmed: at every point the numerical derivative is "
                                "accurate only to ")
    assert link.note.endswith("relative, coarser than the tolerance 1e-08")
    assert "numerical derivative of the function disagrees" not in link.note


def test_an_unresolved_point_is_not_a_wrong_first_step():
    """Regression (found by a random draw of test_derive_properties, 2026-11-27): a degree-8
    polynomial in W under an inverse. At one of the three points the numerical derivative is
    accurate only to ~1.7e-8 (UNRESOLVED at rtol 1e-8) while the claim agrees with it to
    4.7e-11; link 0 was marked WRONG and derive refused its own correct result."""
    from matcalc.derive import derive, eye, fro, inv, matrix
    W, B = matrix("W", "m", "n"), matrix("B", "n", "n")
    a = (W.T @ W) @ (W.T @ W)
    L = 0.5 * fro(B.T - inv(a @ a.T + eye("n"))) ** 2
    r = derive(L, "W", exact=False, sizes={"m": 3, "n": 4})
    link0 = r.check().get("numeric: first step")
    assert r.passed and link0.passed  # (the engine's points differ now: see
    # tests/test_derive_total.py for an unresolved point made on purpose)


def test_only_the_symmetric_variable_is_projected():
    """S symmetric, A general: a claim wrong only along antisymmetric dA must fail."""
    shapes = {"S": "nn", "A": "nn"}
    f = lambda S, A: tr(S @ A)

    def build(extra):
        return Derivation("tr(SA)", shapes, ("S", "A"), f,
                          [Step(r"\d S : A^\T + S : \d A",
                                lambda S, A, dS, dA: frob(dS, A.T) + frob(S + extra(A), dA))],
                          kinds={"S": "symmetric"}, numeric_sizes={"n": 3})
    assert build(lambda A: 0 * A).check().passed
    wrong = build(lambda A: A - A.T)  # (A - A^T) : dA vanishes for symmetric dA only
    assert first_wrong(wrong.check()) == 0


def test_a_function_that_raises_is_named_in_the_numeric_check():
    bad = Derivation("f", {"x": "n1"}, "x", lambda x: 1 / 0,
                     [Step("s", lambda x, dx: 2 * frob(x, dx))], numeric_sizes={"n": 2})
    with pytest.raises(ValueError, match=r"derivation 'f': function raised ZeroDivisionError"):
        bad.check()


def test_an_undecided_link_is_open_not_wrong():
    """A right step that numerical derivatives cannot confirm (f is 1e12 plus a small
    term): the derivation is UNRESOLVED, the link is marked open, not WRONG, and there is
    no first wrong step; ``failed`` is empty and ``unresolved`` names the link."""
    import numpy as np
    d = Derivation("abs", {"x": "n1"}, "x",
                   function=lambda x: float(np.sum(np.abs(x) ** 3) + 1e12),
                   steps=[Step("3|x|x : dx", lambda x, dx: frob(3 * np.abs(x) * x, dx))],
                   numeric_sizes={"n": 3})
    r = d.check()
    assert r.verdict == "UNRESOLVED" and r.failed == () and r.unresolved == ("link 0",)
    text = str(r)
    assert "[open] 0:" in text and "WRONG" not in text and "first wrong step" not in text


@pytest.mark.parametrize("extra, message", [
    ({"seeds": ()}, r"seeds must be one or more non-negative integers, got \(\)"),
    ({"numeric_sizes": {"n": 2.5, "m": 5, "k": 4}}, r"numeric_sizes\['n'\] must be a positive integer, got 2.5"),
    ({"numeric_sizes": {"n": 0, "m": 5, "k": 4}}, r"numeric_sizes\['n'\] must be a positive integer, got 0"),
])
def test_sizes_and_seeds_are_checked_by_name(extra, message):
    args = {"exact_sizes": EXACT, "numeric_sizes": NUMERIC, **extra}
    with pytest.raises(ValueError, match=message):
        Derivation("ls", SHAPES, "W", loss, GOOD, gradient=gradient, **args)


def test_the_first_step_is_checked_at_the_variables_own_shape():
    r = Derivation("ls", SHAPES, "W", loss, GOOD, gradient=gradient, exact_sizes=EXACT,
                   numeric_sizes=NUMERIC).check()
    numeric = r.get("link 0").get("numeric")
    assert numeric.shape == (NUMERIC["m"], NUMERIC["n"]) and numeric.passed
