"""A held-out suite for the derive command line: hostile inputs (malformed syntax, unknown
functions, shape mismatches, injection attempts, huge literals and exponents, long sums and
products, deep nesting) are refused by name with exit status 2 and one line on stderr, never
a traceback; valid expressions of the same kinds (none from the book) derive, and their
gradients agree with an independent numerical check.

No test asserts a time. A generous alarm fails a case only if it hangs.
"""

import signal
import subprocess
import sys

import numpy as np
import pytest

from matcalc import check_gradient
from matcalc.__main__ import main

HANG = 120  # seconds: far above any answer; only a hang reaches it


@pytest.fixture(autouse=True)
def hang_guard():
    def hung(signum, frame):
        raise TimeoutError(f"no answer within {HANG} s: a hang")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


MNK = ["--shape", "W=m,n", "--shape", "X=n,k", "--shape", "Y=m,k"]
SQUARE = ["--shape", "A=n,n", "--shape", "W=n,n", "--shape", "x=n"]
LONG_SUM = " + ".join(f"{k} * tr(A @ W)" for k in range(1, 201))
LONG_PRODUCT = " @ ".join(["W"] * 200)
LONG_SCALAR = " * ".join(["(x.T @ x)"] * 200)
NEST = "W"
for _ in range(120):
    NEST = f"tanh({NEST})"

HOSTILE = [
    # (expression, extra arguments, what the one-line refusal must name)
    ("fro(W @ X - Y", MNK, r"syntax error"),
    ("W @@ X", MNK, r"syntax error"),
    ("", MNK, r"syntax error"),
    ("W X", MNK, r"syntax error"),
    ("lambda: W", MNK, r"not supported: Lambda"),
    ("[W for W in X]", MNK, r"not supported: ListComp"),
    ("W if X else Y", MNK, r"not supported: IfExp"),
    ("W[0]", MNK, r"not supported: Subscript"),
    ("f'{W}'", MNK, r"not supported: JoinedStr"),
    ("W; X", MNK, r"syntax error"),
    ("foo(W)", MNK, r"unknown function 'foo'"),
    ("np.trace(W @ X)", MNK, r"only the language's functions"),
    ("__import__('os').system('echo pwned')", MNK, r"only the language's functions"),
    ("eval('1 + 1')", MNK, r"unknown function 'eval'"),
    ("open('/etc/passwd')", MNK, r"unknown function 'open'"),
    ("W.__class__", MNK, r"the attribute \.__class__"),
    ("getattr(W, 'T')", MNK, r"unknown function 'getattr'"),
    ("tr(W)", MNK, r"tr needs a square matrix, W is m x n"),
    ("W @ Y", MNK, r"multiplies m x n by m x k"),
    ("W + X", MNK, r"adds m x n and n x k"),
    ("W * X", MNK, r"entrywise, but the shapes are m x n and n x k"),
    ("frob(W, X)", MNK, r"frob\(W, X\) needs equal shapes"),
    ("softmax(W, axis=2)", MNK, r"axis must be one of"),
    ("sum(W, axis='0')", MNK, r"axis takes an integer"),
    ("fro(W, keepdims=True)", MNK, r"fro takes no keyword argument 'keepdims'"),
    ("fro(Z)", MNK, r"unknown name 'Z'"),
    ("1e999 * fro(W)**2", MNK, r"overflows float64"),
    ("fro(W)**1e300", MNK, r"‖W‖\^1e\+300"),
    ("fro(W)**(10**400)", MNK, r"not a finite real number"),
    ("9" * 400 + " * fro(W)**2", MNK, r"exceeds the float64 range"),
    ("fro(W)**2 * 1j", MNK, r"only real numbers"),
    ("True * fro(W)", MNK, r"only real numbers"),
    ("2 ** fro(W)", MNK, r"non-constant exponent"),
    ("W ** W", MNK, r"non-constant exponent"),
    ("1 / (fro(W) - fro(W))", MNK, r"division by zero|not defined"),
    ("tr(inv(x @ x.T))", SQUARE + ["--wrt", "x"], r"rank at most 1"),
    ("x" * 30000, MNK, r"at most 20000"),
    (" " + "-" * 300 + "fro(W)", MNK, r"nests \d+ levels deep|nested too deeply"),
    ("(" * 250 + "W" + ")" * 250, MNK, r"syntax error|nested too deeply|nests"),
]

INJECTIONS = [
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m;rm -rf /,n"], r"a dimension is"),
    (["derive", "fro(W)", "--wrt", "W; import os", "--shape", "W=m,n"], r"is not a variable"),
    (["derive", "fro(lambda)", "--wrt", "lambda", "--shape", "lambda=m,n"],
     r"not a Python keyword"),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n", "--sizes", "m=10**9"],
     r"a size is a positive integer"),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n", "--sizes", "m=1000"],
     r"the checks run at sizes up to 64"),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n:root"], r"unknown property"),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W"], r"--shape wants NAME=ROWS,COLS"),
    (["derive", "fro(W)", "--wrt", "W", "--spd", "W", "--shape", "W=m,n"],
     r"must be square"),
    # conflicting input was taken silently: the last --shape won, --hessian was ignored
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n", "--shape", "W=n,n"],
     r"W is declared twice \(first as m,n\)"),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n", "--sizes", "m=2,m=3"],
     r"m is given twice"),
    (["derive", "W @ W", "--wrt", "W", "--shape", "W=n,n", "--hessian"],
     r"--hessian needs a scalar expression; W @ W is n x n"),
]


def _run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        status = exc.code
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize("text, extra, message", HOSTILE,
                         ids=[f"hostile{k}" for k in range(len(HOSTILE))])
def test_hostile_expressions_are_refused_by_name(text, extra, message, capsys):
    wrt = [] if "--wrt" in extra else ["--wrt", "W"]
    status, out, err = _run(["derive", text] + wrt + extra, capsys)
    assert status == 2, (status, out, err)
    assert err.startswith("error: ") and "Traceback" not in err and out == ""
    assert __import__("re").search(message, err), err


@pytest.mark.parametrize("argv, message", INJECTIONS,
                         ids=[f"injection{k}" for k in range(len(INJECTIONS))])
def test_injections_through_the_other_arguments(argv, message, capsys):
    status, out, err = _run(argv, capsys)
    assert status == 2 and "Traceback" not in err
    assert __import__("re").search(message, err), err


VALID = [
    # (expression, wrt, shapes, positive variables): none of them from the book
    ("0.5 * fro(X @ W - Y)**2 + 0.1 * fro(W)**2", "W",
     ["X=k,n", "W=n,m", "Y=k,m"], ()),
    ("sum(softplus(-y * (X @ w)))", "w", ["X=k,n", "w=n", "y=k"], ()),
    ("-sum(Y * log(softmax(X @ W, axis=1)))", "W", ["X=k,n", "W=n,c", "Y=k,c"], ()),
    ("logdet(L @ L.T + s * eye('n')) + x.T @ inv(L @ L.T + s * eye('n')) @ x", "L",
     ["L=n,r", "x=n", "s=1:positive"], ()),
    ("tr(inv(W.T @ B @ W) @ W.T @ A @ W)", "W", ["W=n,r", "A=n,n", "B=n,n:spd"], ()),
    ("fro(kron(A, B) - F)**2", "B", ["A=m,n", "B=p,q", "F=m*p,n*q"], ()),
    ("x.T @ kron(A, B) @ x", "x", ["x=m*p", "A=m,m", "B=p,p"], ()),
    ("(a.T @ x) * (x.T @ x)**-0.5", "x", ["a=n", "x=n"], ()),
    ("sum(sqrt(P) * log(P))", "P", ["P=m,n:positive"], ()),
    ("mean(relu(X @ W) ** 2)", "W", ["X=k,n", "W=n,h"], ()),
    (LONG_SUM, "W", ["A=n,n", "W=n,n"], ()),
    ("tr(" + LONG_PRODUCT + ")", "W", ["W=n,n"], ()),
    (LONG_SCALAR, "x", ["x=n"], ()),
    ("sum(" + NEST + ")", "W", ["W=m,n"], ()),
    ("1e-300 * fro(W)**2", "W", ["W=m,n"], ()),
]


@pytest.mark.parametrize("text, wrt, shapes, positive", VALID,
                         ids=[f"valid{k}" for k in range(len(VALID))])
def test_valid_expressions_derive_and_agree_with_a_numerical_gradient(text, wrt, shapes,
                                                                       positive, capsys):
    argv = ["derive", text, "--wrt", wrt, "--code", "numpy"]
    for s in shapes:
        argv += ["--shape", s]
    status, out, err = _run(argv, capsys)
    assert status == 0, (status, err)
    assert "-> PASSED" in out and "gradient with respect to" in out
    _independent_check(text, wrt, shapes, out[out.index("import numpy as np"):])


def _independent_check(text, wrt, shapes, source):
    """The printed gradient code (run against the derivation by the engine) against
    matcalc.check_gradient at a fresh point: one derivation per case."""
    from matcalc.derive.evaluate import function
    from matcalc.derive.parse import parse
    props, shape_map = {}, {}
    for s in shapes:
        name, rest = s.split("=")
        shape, *p = rest.split(":")
        shape_map[name] = shape
        props[name] = p
    L = parse(text, shape_map, props)
    namespace = {}
    exec(source, namespace)
    gradient = namespace[f"gradient_{wrt}"]
    sizes = {"m": 3, "n": 4, "k": 5, "h": 2, "c": 3, "r": 2, "p": 2, "q": 3}
    rng = np.random.default_rng(11)
    env = {}
    for name, v in __import__("matcalc.derive.expr", fromlist=["variables"]).variables(
            L).items():
        dims = tuple(int(np.prod([sizes[p] for p in d.split("*") if p != "1"] or [1]))
                     for d in v.shape)
        a = rng.standard_normal(dims)
        if "spd" in v.props:
            a = a @ a.T / dims[0] + np.eye(dims[0])
        elif "positive" in v.props:
            a = np.abs(a) + 0.5
        env[name] = a
    f = function(L)
    value = lambda V: f(**{**env, wrt: V})
    result = check_gradient(value, lambda V: gradient(**{**env, wrt: V}), env[wrt])
    assert result.passed, str(result)


def test_a_long_matrix_product_gets_its_differential_and_vec_form(capsys):
    status, out, err = _run(["derive", LONG_PRODUCT, "--wrt", "W", "--shape", "W=n,n"], capsys)
    assert status == 0 and "-> PASSED" in out and "dF: dW W^199 + W dW W^198" in out


@pytest.mark.parametrize("argv, status", [
    (["derive", "fro(W) ** W", "--wrt", "W", "--shape", "W=m,n"], 2),
    (["derive", "fro(W)", "--wrt", "W", "--shape", "W=m,n", "--time-cap", "soon"], 2),
])
def test_the_process_never_prints_a_traceback(argv, status):
    done = subprocess.run([sys.executable, "-m", "matcalc"] + argv, capture_output=True,
                          text=True, timeout=HANG)
    assert done.returncode == status and "Traceback" not in done.stderr
    assert done.stderr.strip()
