"""matcalc.derive: the interface, the worked examples and the catalogue re-derived, every
differential rewrite and Frobenius move shown failing with its wrong variant, errors that
name what is wrong, and the command line."""

import numpy as np
import pytest

import matcalc.derive as D
from matcalc import CheckResult, Report, check_gradient
from matcalc.derive import (DerivationFailed, Derived, Step, derive, det, diag,
                            differential, exp, eye, fro, frob, hessian, inv, kron, log, logdet,
                            matrix, norm2, ones, scalar, sigmoid, softmax, softplus, tanh, tr,
                            vector)
from matcalc.derive import abs as absolute
from matcalc.derive import sqrt as root
from matcalc.derive import sum as total
from matcalc.derive.crosscheck import cross_check, summary
from matcalc.derive.expr import Expr
from matcalc.derive.language import relu, vec
from matcalc.derive.moves import MOVES, corrupted_move
from matcalc.derive.parse import parse
from matcalc.derive.rewrites import REWRITES, corrupted
from matcalc.examples import classification as cl
from matcalc.examples import gaussian as ga
from matcalc.examples import linear_model as lm
from matcalc.examples import network as nw

INTERFACE = {"matrix", "vector", "scalar", "derive", "differential", "hessian", "tr", "inv",
             "det", "logdet", "fro", "frob", "norm2", "sum", "mean", "exp", "log", "tanh",
             "sigmoid", "softplus", "sqrt", "abs", "relu", "softmax", "diag", "kron", "vec",
             "ones", "eye", "dim"}

W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
SEED_LOSS = 0.5 * fro(W @ X - Y) ** 2


def test_interface_names_are_exported():
    assert INTERFACE <= set(D.__all__)
    assert set(D.__all__) - INTERFACE == {"DerivationFailed", "Derived", "Step", "Expr"}
    for name in INTERFACE:
        assert callable(getattr(D, name)), name


# -- the opening least-squares loss ------------------------------------------------------
def test_seed_loss_interface():
    r = derive(SEED_LOSS, wrt="W")
    assert str(r.gradient) == "(W X - Y) X^T"
    assert r.latex == r"(W X - Y) X^\T"
    assert isinstance(r, Derived) and all(isinstance(s, Step) for s in r.steps)
    result = r.check()
    assert isinstance(result, Report) and result.passed
    exact = result.get("exact")
    assert isinstance(exact, CheckResult) and "k=2, m=2, n=2" in exact.what
    assert "exactly" in r.checked and "numerical derivatives" in r.checked
    W0, X0, Y0 = lm.sample(m=3, n=4, k=5, seed=1)
    np.testing.assert_allclose(r.evaluate(W=W0, X=X0, Y=Y0), lm.gradient(W0, X0, Y0),
                               rtol=1e-12)
    assert derive(SEED_LOSS, wrt=W).gradient == r.gradient  # wrt: the variable itself


def test_seed_loss_steps_match_the_chain_rule_chapter():
    """The chapter's hand derivation: dL = (Ŷ - Y) : (dW X) = (Ŷ - Y) X^T : dW."""
    r = derive(SEED_LOSS, wrt="W")
    steps = r.steps
    assert [str(s.expr) for s in steps] == ["(W X - Y) : (dW X)", "(W X - Y) X^T : dW"]
    assert "product rule" in steps[0].why
    assert "A C^T" in steps[1].why
    assert steps[0].latex == r"\frob{(W X - Y)}{(\d W\, X)}"


def test_vectors_evaluate_as_1d_or_columns():
    x, A = vector("x", "n"), matrix("A", "n", "n")
    r = derive(x.T @ A @ x, "x")
    assert str(r.gradient) == "(A + A^T) x"
    A0 = np.arange(9.0).reshape(3, 3)
    x0 = np.array([1.0, -2.0, 0.5])
    g1 = r.evaluate(x=x0, A=A0)
    g2 = r.evaluate(x=x0.reshape(3, 1), A=A0)
    assert g1.shape == (3,) and g2.shape == (3, 1)
    np.testing.assert_allclose(g1, (A0 + A0.T) @ x0)
    np.testing.assert_allclose(g2[:, 0], g1)


def test_one_by_one_results_are_scalars():
    x, A = vector("x", "n"), matrix("A", "n", "n", symmetric=True)
    r = derive((x.T @ A @ x) / (x.T @ x), "x")
    x0 = np.array([1.0, 2.0, -1.0])
    A0 = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 1.0]])
    q = x0 @ A0 @ x0 / (x0 @ x0)
    np.testing.assert_allclose(r.evaluate(x=x0, A=A0), 2 / (x0 @ x0) * (A0 @ x0 - q * x0))


def test_scalar_broadcast_and_division():
    Z = matrix("Z", "m", "k")
    r = derive(total(log(1 + exp(Z))), "Z")  # softplus written out
    Z0 = np.random.default_rng(0).standard_normal((2, 3))
    np.testing.assert_allclose(r.evaluate(Z=Z0), 1 / (1 + np.exp(-Z0)), rtol=1e-12)
    t = scalar("t")
    r = derive(total(Z / t), "t")
    np.testing.assert_allclose(r.evaluate(Z=Z0, t=2.0), -Z0.sum() / 4)


# -- worked examples re-derived -------------------------------------------------------------
def test_worked_example_ridge():
    lam = scalar("lam")
    r = derive(SEED_LOSS + lam / 2 * fro(W) ** 2, "W")
    W0, X0, Y0 = lm.sample(seed=2)
    lam0 = np.array([[0.7]])
    np.testing.assert_allclose(r.evaluate(W=W0, X=X0, Y=Y0, lam=lam0),
                               lm.ridge_gradient(W0, X0, Y0, lam0), rtol=1e-12)


def test_worked_example_logistic():
    w, y = vector("w", "n"), matrix("y", "1", "k")
    Xl = matrix("X", "n", "k")
    r = derive(total(softplus(w.T @ Xl)) - frob(y, w.T @ Xl), "w")
    w0, X0, y0 = cl.sample_logistic(seed=3)
    np.testing.assert_allclose(r.evaluate(w=w0, X=X0, y=y0), cl.logistic_gradient(w0, X0, y0),
                               rtol=1e-10)


def test_worked_example_softmax_cross_entropy():
    r = derive(-frob(Y, log(softmax(W @ X))), "W")
    W0, X0, Y0 = cl.sample_softmax(c=3, n=4, k=6, seed=4)
    np.testing.assert_allclose(r.evaluate(W=W0, X=X0, Y=Y0), cl.softmax_gradient(W0, X0, Y0),
                               rtol=1e-10, atol=1e-12)
    assert "exact check not run: log, softmax make the expression not rational" in r.checked


def _network():
    W1, b1 = matrix("W1", "h", "n"), vector("b1", "h")
    W2, b2 = matrix("W2", "m", "h"), vector("b2", "m")
    one = ones("k")
    return 0.5 * fro(W2 @ tanh(W1 @ X + b1 @ one.T) + b2 @ one.T - Y) ** 2


@pytest.mark.parametrize("parameter", nw.PARAMETERS)
def test_worked_example_two_layer_network(parameter):
    r = derive(_network(), parameter)
    p = nw.sample(seed=5)
    np.testing.assert_allclose(r.evaluate(**p), nw.backprop(**p)[parameter], rtol=1e-10,
                               atol=1e-12)


def test_worked_example_network_names_the_hidden_layer():
    r = derive(_network(), "W1")
    g, defs = r.named()
    assert [(n, str(d)) for n, d in defs] == [("H", "tanh(W1 X + b1 1^T)")]
    assert "H" in str(g) and "tanh" not in str(g)
    assert "with H = tanh(W1 X + b1 1^T)" in str(r)


def test_a_softmax_the_steps_repeat_is_named_in_the_steps():
    """The sigmoid-and-softmax network of the derive chapter: softmax(W2 H) occurs once in
    the answer but in nearly every step; it gets a name (P), the printed steps use it, and
    the answer evaluated with its names is the derivation's."""
    W1, b1, W2 = matrix("W1", "h", "n"), vector("b1", "h"), matrix("W2", "c", "h")
    X, Y, one = matrix("X", "n", "k"), matrix("Y", "c", "k"), ones("k")
    r = derive(-frob(Y, log(softmax(W2 @ sigmoid(W1 @ X + b1 @ one.T)))), "W1")
    defs = dict((n, str(d)) for n, d in r.named()[1])
    assert defs["H"] == "sigmoid(W1 X + b1 1^T)" and defs["P"] == "softmax(W2 H)"
    steps = [str(s.expr) for s in r.named_steps()]
    assert all("softmax" not in s and "sigmoid" not in s for s in steps), steps
    assert max(len(s) for s in steps) < 120, max(steps, key=len)
    assert r.passed


def test_worked_example_gaussian():
    mu, Xg = vector("mu", "n"), matrix("X", "n", "k")
    S = matrix("S", "n", "n", spd=True)
    one = ones("k")
    k = one.T @ one  # the number of samples, as 1^T 1
    Dc = Xg - mu @ one.T
    loglik = -k / 2 * logdet(S) - tr(inv(S) @ Dc @ Dc.T) / 2
    mu0, S0, X0 = ga.sample(n=3, k=7, seed=6)
    r_mu = derive(loglik, "mu")
    np.testing.assert_allclose(r_mu.evaluate(mu=mu0, S=S0, X=X0), ga.grad_mu(mu0, S0, X0),
                               rtol=1e-10)
    r_s = derive(loglik, "S")
    np.testing.assert_allclose(r_s.evaluate(mu=mu0, S=S0, X=X0), ga.grad_sigma(mu0, S0, X0),
                               rtol=1e-10)
    assert "symmetric directions" in r_s.note


# -- symmetric variables --------------------------------------------------------------------
def test_symmetric_variable_gets_sym_G_never_2G_minus_diag():
    S, A = matrix("S", "n", "n", symmetric=True), matrix("A", "n", "n")
    r = derive(tr(A @ S), "S")
    A0 = np.random.default_rng(7).standard_normal((3, 3))
    S0 = np.eye(3)
    G = r.evaluate(A=A0, S=S0)
    np.testing.assert_allclose(G, (A0 + A0.T) / 2)
    assert not np.allclose(G, 2 * A0.T - np.diag(np.diag(A0)))
    assert "sym(G)" in r.note and "not 2G - diag(G)" in r.note
    assert "symmetric" in r.steps[-1].why


# -- the catalogue cross-check ----------------------------------------------------------------
def test_catalogue_cross_check():
    rows = cross_check()
    s = summary(rows)
    assert s["differs"] == 0, [k for k, r in rows.items() if not isinstance(r, str)
                               and not r.passed]
    assert s["refused"] == 0, {k: v for k, v in rows.items() if isinstance(v, str)
                               and v.startswith("refused")}
    assert s["agrees"] >= 77  # every stateable entry, the Kronecker ones included
    assert rows["tr(A kron X)"].check().get("catalogue").passed
    assert s["median engine length"] <= 2 * s["median hand length"]


# -- every rule and move has a wrong variant that fails ---------------------------------------
n_X, n_A, n_B = matrix("X", "n", "n"), matrix("A", "n", "n"), matrix("B", "n", "n")
xv, av, bv = vector("x", "n"), vector("a", "n"), vector("b", "n")
P = matrix("P", "n", "n", positive=True)
RULE_CASES = {
    "mm": (xv.T @ n_A @ xv, "x"),
    "mul": ((av.T @ xv) * (bv.T @ n_A @ xv), "x"),
    "had": (total((n_A @ n_X) * (n_B @ n_X)), "X"),
    "add": (tr(n_X @ n_A) + tr(n_X @ n_X), "X"),
    "pow": (total(n_X ** 3), "X"),
    "exp": (total(exp(n_X)), "X"),
    "log": (total(log(P)), "P"),
    "tanh": (total(tanh(n_X)), "X"),
    "sigmoid": (total(sigmoid(n_X)), "X"),
    "softplus": (total(softplus(n_X)), "X"),
    "softmax": (-frob(n_A, log(softmax(n_X))), "X"),
    "T": (tr(n_A @ n_X.T @ n_B), "X"),
    "inv": (tr(n_A @ inv(n_X)), "X"),
    "det": (det(n_X), "X"),
    "logdet": (logdet(n_X), "X"),
    "tr": (tr(n_A @ n_X), "X"),
    "sum": (total(n_A @ n_X), "X"),
    "frob": (frob(n_A @ n_X, n_B @ n_X), "X"),
    "fro": (fro(n_X), "X"),
    "diagm": (total(diag(xv) @ n_A), "x"),
    "diagv": (av.T @ diag(n_X), "X"),
}


RULE_CASES.update({
    "sqrt": (total(root(P)), "P"),
    "abs": (total(absolute(n_X) * n_A), "X"),
    "relu": (total(relu(n_X) * n_A), "X"),
    "vec": (vec(n_X).T @ matrix("G", "n*n", "n*n") @ vec(n_X), "X"),
})


def test_every_rule_has_a_case():
    tested_elsewhere = {"kron", "sign", "step", "unvec", "rearr"}
    assert set(RULE_CASES) | tested_elsewhere == set(REWRITES)


@pytest.mark.parametrize("op", sorted(RULE_CASES))
def test_rule_right_and_wrong(op):
    L, wrt = RULE_CASES[op]
    assert derive(L, wrt, exact=False).check().passed
    with pytest.raises(DerivationFailed, match="first wrong step"):
        derive(L, wrt, exact=False, rewrites=corrupted(op))


def test_kron_rule_right_and_wrong():
    A, Xm = matrix("A", "p", "q"), matrix("X", "m", "n")
    d = differential(kron(A, Xm), "X")
    assert str(d.answer) == "A ⊗ dX"
    with pytest.raises(DerivationFailed):
        differential(kron(Xm, Xm), "X", rewrites=corrupted("kron"))


@pytest.mark.parametrize("op", ["sign", "step"])
def test_piecewise_constant_rules_right_and_wrong(op):
    """d sign(X) = d step(X) = 0 away from 0 (they appear in the Hessians of abs and relu)."""
    F = Expr(op, (n_X,), n_X.shape)
    assert str(differential(F, "X").answer) == "0"
    with pytest.raises(DerivationFailed, match="first wrong step"):
        differential(F, "X", rewrites=corrupted(op))


@pytest.mark.parametrize("op", ["unvec", "rearr"])
def test_reshaping_rules_right_and_wrong(op):
    """unvec and Van Loan's rearrangement R, which the Kronecker gradients produce."""
    from matcalc.derive.language import rearrange, unvec
    x, Xk = vector("x", "m*n"), matrix("X", "m*p", "n*q")
    F = unvec(x, "m", "n") if op == "unvec" else rearrange(Xk, ("m", "n"), ("p", "q"))
    wrt = "x" if op == "unvec" else "X"
    assert differential(F, wrt).passed
    with pytest.raises(DerivationFailed, match="first wrong step"):
        differential(F, wrt, rewrites=corrupted(op))


MOVE_CASES = {
    "mm": (tr(n_A @ n_X @ n_B), "X"),
    "T": (tr(n_A @ n_X.T), "X"),
    "had": (total(n_A * n_X), "X"),
    "add": (tr(n_A @ n_X) + tr(n_B @ n_X), "X"),
    "mul": (2 * tr(n_A @ n_X), "X"),
    "frob": (frob(n_A, n_X), "X"),
    "tr": (tr(n_A @ n_X), "X"),
    "sum": (total(n_A @ n_X), "X"),
    "diagm": (total(diag(xv) @ n_A), "x"),
    "diagv": (av.T @ diag(n_X), "X"),
    "kron": (tr(matrix("G", "n*n", "n*n") @ kron(n_A, n_X)), "X"),
    "vec": (vector("a", "n*n").T @ vec(n_X), "X"),
    "unvec": (frob(n_A, Expr("unvec", (vector("x", "n*n"),), n_X.shape)), "x"),
}


def test_every_move_has_a_case():
    assert set(MOVE_CASES) == set(MOVES)


@pytest.mark.parametrize("op", sorted(MOVE_CASES))
def test_move_right_and_wrong(op):
    L, wrt = MOVE_CASES[op]
    assert derive(L, wrt, exact=False).check().passed
    with pytest.raises(DerivationFailed, match="first wrong step"):
        derive(L, wrt, exact=False, moves=corrupted_move(op))


# -- differential, Kronecker Jacobian, Hessian ------------------------------------------------
def test_differential_of_the_inverse_with_its_kronecker_jacobian():
    d = differential(inv(n_X), wrt="X")
    assert str(d.answer) == "-X^-1 dX X^-1"
    assert str(d.vec_form) == "-X^-T ⊗ X^-1"
    assert d.check().passed and "every link (2) proved exactly" in d.checked
    rng = np.random.default_rng(8)
    X0, dX0 = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((3, 3))
    Xi = np.linalg.inv(X0)
    np.testing.assert_allclose(d.evaluate(X=X0, dX=dX0), -Xi @ dX0 @ Xi)
    np.testing.assert_allclose(d.vec_value(X=X0), -np.kron(Xi.T, Xi))


def test_differential_with_a_transpose_uses_the_commutation_matrix():
    Xm = matrix("X", "m", "n")
    d = differential(Xm.T @ Xm, "X")
    assert str(d.vec_form) == "(X^T ⊗ I) K + I ⊗ X^T"
    X0 = np.random.default_rng(3).standard_normal((4, 3))
    from matcalc import as_vec_jacobian, jacobian
    numeric = as_vec_jacobian(jacobian(lambda X: X.T @ X, X0), out_ndim=2)
    np.testing.assert_allclose(d.vec_value(X=X0), numeric, atol=1e-7)


def test_differential_without_kronecker_form_says_why():
    x = vector("x", "n")
    d = differential(kron(x, x), "x")
    assert d.vec_form is None and "kron" in d.vec_note


def test_hessian_of_the_seed_loss():
    h = hessian(SEED_LOSS, wrt="W")
    assert str(h.answer) == "V X X^T"
    assert h.check().passed
    W0, X0, Y0 = lm.sample(m=2, n=3, k=4, seed=9)
    V0 = np.random.default_rng(9).standard_normal(W0.shape)
    np.testing.assert_allclose(h.evaluate(V=V0, W=W0, X=X0, Y=Y0),
                               lm.hessian_vector(W0, X0, Y0, V0))
    np.testing.assert_allclose(h.vec_value(W=W0, X=X0, Y=Y0), lm.hessian_matrix(X0, 2))


def test_hessian_of_the_logistic_loss():
    w, y = vector("w", "n"), matrix("y", "1", "k")
    Xl = matrix("X", "n", "k")
    h = hessian(total(softplus(w.T @ Xl)) - frob(y, w.T @ Xl), "w")
    w0, X0, y0 = cl.sample_logistic(seed=10)
    V0 = np.random.default_rng(10).standard_normal(w0.shape)
    np.testing.assert_allclose(h.evaluate(V=V0, w=w0, X=X0, y=y0),
                               cl.logistic_hessian_vector(w0, X0, y0, V0), rtol=1e-10)
    assert str(h.vec_form) == "X diag(sigmoid(X^T w) ∘ (1 - sigmoid(X^T w))) X^T"


# -- unsupported and wrong input ----------------------------------------------------------------
@pytest.mark.parametrize("build, what", [
    (lambda: norm2(n_X), "norm2 of the n x n matrix"),
    (lambda: n_X ** n_X, "non-constant exponent"),
    (lambda: 2 ** n_X, "a number raised to a matrix"),
    (lambda: diag(matrix("R", "m", "n")), "diag of the m x n matrix"),
    (lambda: derive(tr(matrix("D", "n", "n", diagonal=True) @ n_A), "D"), "diagonal variable"),
])
def test_unsupported_raises_naming_the_operation(build, what):
    with pytest.raises(ValueError, match="not supported") as info:
        build()
    assert what in str(info.value)


def test_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"m x n by m x n \(n != m\)"):
        W @ W
    with pytest.raises(ValueError, match="adds m x n and n x k"):
        W + X
    with pytest.raises(ValueError, match="needs a scalar expression"):
        derive(W @ X, "W")
    with pytest.raises(ValueError, match="not a variable"):
        derive(tr(n_X), "Q")


def test_a_failing_check_names_the_first_wrong_step():
    with pytest.raises(DerivationFailed) as info:
        derive(tr(n_A @ inv(n_X)), "X", exact=False, rewrites=corrupted("inv"))
    text = str(info.value)
    assert "first wrong step: link 0" in text and "not returned" in text


def test_parser_never_evaluates_and_names_positions():
    shapes = {"W": "mn", "X": "nk", "Y": "mk"}
    assert parse("0.5 * fro(W @ X - Y)**2", shapes) == SEED_LOSS
    with pytest.raises(ValueError, match="position 1.*not supported: only the language's functions"):
        parse("__import__('os').system('true')", shapes)
    with pytest.raises(ValueError, match=r"at position 13 \(Z\): unknown name 'Z'"):
        parse("fro(W @ X - Z)", shapes)
    with pytest.raises(ValueError, match=r"not supported: the attribute \.shape"):
        parse("W.shape", shapes)
    with pytest.raises(ValueError, match="position 1 \\(W @ W\\): shape mismatch"):
        parse("W @ W", shapes)
    assert parse("sum(ones('k'))", {}).shape == ("1", "1")


def test_command_line(capsys):
    from matcalc.__main__ import main
    rc = main(["derive", "0.5 * fro(W @ X - Y)**2", "--wrt", "W", "--shape", "W=m,n",
               "--shape", "X=n,k", "--shape", "Y=m,k"])
    out = capsys.readouterr().out
    assert rc == 0 and "gradient with respect to W: (W X - Y) X^T" in out
    assert "PASSED" in out
    rc = main(["derive", "logdet(S)", "--wrt", "S", "--shape", "S=n,n", "--spd", "S",
               "--latex"])
    out = capsys.readouterr().out
    assert rc == 0 and "gradient: S^{-1}" in out and r"\begin{aligned}" in out
    rc = main(["derive", "tr(W @ Q)", "--wrt", "W", "--shape", "W=m,n"])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown name 'Q'" in err and "position" in err


def test_gradient_agrees_with_an_independent_numerical_check():
    r = derive(_network(), "b1")
    p = nw.sample(seed=11)
    result = check_gradient(lambda b: nw.loss(**{**p, "b1": b}),
                            lambda b: r.evaluate(**{**p, "b1": b}), p["b1"])
    assert result.passed


def test_diagonal_data_and_diag_of_a_vector():
    d, Dd = vector("d", "n"), matrix("D", "n", "n", diagonal=True)
    r = derive(tr(Dd @ n_X @ diag(d)), "d")
    rng = np.random.default_rng(12)
    D0, X0, d0 = np.diag(rng.random(3) + 0.5), rng.standard_normal((3, 3)), rng.random(3)
    np.testing.assert_allclose(r.evaluate(D=D0, X=X0, d=d0), np.diag(D0 @ X0))


def test_eye_and_ones_constants():
    r = derive(tr((n_X - eye("n")) @ (n_X - eye("n")).T), "X")
    assert str(r.gradient) == "2 (X - I)"



def test_a_gradient_has_no_vec_form_and_says_where_to_find_one():
    A, X = matrix("A", "n", "n"), matrix("X", "n", "n")
    with pytest.raises(ValueError, match=r"no Kronecker form: a gradient result has none; "
                                         r"derive the differential with differential\(\)"):
        derive(tr(A @ X), "X").vec_value(A=np.eye(2), X=np.eye(2))
