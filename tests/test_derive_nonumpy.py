"""matcalc.derive without numpy (as in a browser's Pyodide, which has no numpy wheel from
the registries this project uses): importing it and a default derive must work with numpy
unimportable, checked with sympy only (exactly at small sizes, and at 50 digits where the
exact check does not run), and must say what was proved. Each case runs in a fresh
CPython whose ``sys.modules["numpy"]`` is None, so that ``import numpy`` fails."""

import json
import subprocess
import sys
import textwrap

NO_NUMPY = textwrap.dedent("""
    import json, sys
    sys.modules["numpy"] = None  # import numpy now raises ImportError
    try:
        import numpy
    except ImportError:
        pass
    else:
        raise SystemExit("numpy is still importable")
    out = {}
    exec(sys.argv[1], globals(), out)
    print(json.dumps({k: v for k, v in out.items() if isinstance(v, (str, bool, int))}))
""")


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", NO_NUMPY, textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_and_default_derive_without_numpy():
    got = _run("""
        import matcalc.derive
        from matcalc.derive import derive, fro, matrix
        W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
        r = derive(0.5 * fro(W @ X - Y) ** 2, "W")
        gradient, checked, passed = str(r.gradient), r.checked, r.passed
        numpy_loaded = sys.modules.get("numpy") is not None
    """)
    assert got["gradient"] == "(W X - Y) X^T" and got["passed"]
    assert not got["numpy_loaded"]
    assert "proved exactly for all values at k=2, m=2, n=2 (sympy)" in got["checked"]
    assert "central differences in 50-digit arithmetic" in got["checked"]


def test_transcendental_expressions_get_the_50_digit_check():
    got = _run("""
        from matcalc.derive import derive, frob, log, matrix, softmax
        W, X, Y = matrix("W", "c", "n"), matrix("X", "n", "k"), matrix("Y", "c", "k")
        r = derive(-frob(Y, log(softmax(W @ X))), "W")
        checked = r.checked
        code = r.code("numpy")
    """)
    assert "exact check not run: log, softmax" in got["checked"]
    assert "every further link" in got["checked"] and "50-digit" in got["checked"]
    assert "NOT verified: numpy is not installed here" in got["code"]


def test_a_wrong_rewrite_is_caught_without_numpy():
    got = _run("""
        from matcalc.derive import DerivationFailed, derive, inv, matrix, tr
        from matcalc.derive.rewrites import corrupted
        X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
        try:
            derive(tr(A @ inv(X)), "X", exact=False, rewrites=corrupted("inv"))
            message = "not caught"
        except DerivationFailed as error:
            message = str(error)
    """)
    assert "first wrong step: link 0" in got["message"]


def test_command_line_and_hessian_without_numpy():
    got = _run("""
        import io
        from matcalc.__main__ import main
        from matcalc.derive import hessian, logdet, matrix
        out = io.StringIO()
        status = main(["derive", "logdet(S) + tr(inv(S) @ C)", "--wrt", "S", "--shape",
                       "S=n,n:spd", "--shape", "C=n,n:symmetric"], out=out)
        text = out.getvalue()
        h = str(hessian(logdet(matrix("S", "n", "n", spd=True)), "S").answer)
    """)
    assert got["status"] == 0 and "-> PASSED" in got["text"]
    assert got["h"] == "-S^-1 V S^-1"


def test_importing_matcalc_derive_does_not_import_numpy_and_never_jax():
    code = ("import sys, matcalc.derive; print('numpy' in sys.modules); "
            "from matcalc.derive import derive, fro, matrix; "
            "r = derive(fro(matrix('W', 'm', 'n')) ** 2, 'W'); r.code('numpy'); "
            "print('jax' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_the_exported_names_of_matcalc_still_import():
    code = ("from matcalc import (CheckResult, Report, as_vec_jacobian, assert_gradient, "
            "check_differential, check_gradient, check_hessian, check_jvp, check_vjp, "
            "commutation, directional_derivative, frob, jacobian, unvec, vec); "
            "import matcalc, matcalc.vec; print(callable(matcalc.vec), sorted(matcalc.__all__)"
            " == sorted(n for n in dir(matcalc) if n in matcalc.__all__))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "True True", done.stderr


def test_the_derivation_box_entry_point_without_numpy():
    """matcalc.derive.web.answer_json, which the book's derivation box calls in Pyodide."""
    got = _run("""
        import json
        from matcalc.derive.web import answer_json
        ok = json.loads(answer_json("fro(W @ X - Y)**2 / 2", "W=m,n X=n,k Y=m,k", "W"))
        cov = json.loads(answer_json("logdet(S) + x.T @ inv(S) @ x", "S=n,n:spd x=n", "S"))
        bad = json.loads(answer_json("__import__('os').system('true')", "W=m,n", "W"))
        syntax = json.loads(answer_json("fro(W", "W=m,n", "W"))
        state, latex, n_steps = ok["state"], ok["gradient_latex"], len(ok["steps"])
        checks = " | ".join(ok["checks"])
        cov_state = cov["state"]
        bad_state, bad_message = bad["state"], bad["message"]
        syntax_state = syntax["state"]
    """)
    assert got["state"] == "checked" and got["latex"] == r"(W X - Y) X^\T"
    assert got["n_steps"] == 2 and "50-digit" in got["checks"]
    assert got["cov_state"] == "checked"
    assert got["bad_state"] == "error" and "only the language's functions" in got["bad_message"]
    assert got["syntax_state"] == "error"
