"""JAX as an independent oracle: ``jax.vjp`` of every layer in the table at a random float64
point against the hand-derived VJP; the hand JVP checked as its adjoint; the wrong variants
refuted.

Evidence from an independent implementation, not a proof: the proofs are the derivations,
and the numerical checks of ``test_backward_rules`` do not depend on JAX.
"""

import os

# Compile fast rather than run fast: each layer is compiled once and run once, at tiny sizes.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 "
                                   "--xla_llvm_disable_expensive_passes=true")

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from matcalc.backend import relative_difference
from matcalc.backward import vjps
from matcalc.frobenius import frob
from matcalc.registry import get

jax.config.update("jax_enable_x64", True)  # before any array is made

TOL = 1e-10


RULES = vjps()  # each layer's VJP claim; its forward mode is "<name>, forward mode"


def _jax_setup(rule, seed=0):
    point = rule.point(seed)
    X = tuple(point[k] for k in rule.wrt)
    consts = {k: v for k, v in point.items() if k not in rule.wrt}

    def f(*xs):
        return rule.function(**consts, **dict(zip(rule.wrt, xs)))
    return point, tuple(jnp.asarray(x) for x in X), f


def _gradients(rule, value):
    """A VJP's value as a tuple, one gradient per input."""
    return value if len(rule.wrt) > 1 else (value,)


def _oracle_vjp(f, X, G):
    """``jax.vjp`` of f at X applied to G, compiled once (one XLA program per layer)."""
    @jax.jit
    def pull(X, G):
        return jax.vjp(f, *X)[1](G)
    return tuple(np.asarray(g) for g in pull(X, jnp.asarray(G)))


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_jax_vjp_agrees_with_the_hand_rules(rule):
    """jax.vjp equals the hand VJP; the hand JVP is its adjoint; the wrong variant differs."""
    point, X, f = _jax_setup(rule)
    r = np.random.default_rng(7)
    G = r.standard_normal(np.shape(rule.function(**point)))
    oracle = _oracle_vjp(f, X, G)
    assert all(o.dtype == np.float64 for o in oracle)
    Gh = G if G.shape else float(G)
    hand = _gradients(rule, rule.claim(**point, G=Gh))
    assert len(hand) == len(rule.wrt) == len(oracle)
    for name, o, h in zip(rule.wrt, oracle, hand):
        err = relative_difference(o, h)
        assert err < TOL, f"{rule.name}, input {name}: JAX and the hand rule differ by {err:.1e}"
    # <G, J(V)> = <J*(G), V>: the hand JVP is the adjoint of the VJP JAX just confirmed.
    V = tuple(r.standard_normal(x.shape) for x in X)
    jvp = get(f"{rule.name}, forward mode").claim
    lhs = frob(G, jvp(**point, **{"d" + k: v for k, v in zip(rule.wrt, V)}))
    rhs = sum(frob(o, v) for o, v in zip(oracle, V))
    assert abs(lhs - rhs) <= TOL * max(abs(lhs), abs(rhs), 1.0), (rule.name, lhs, rhs)
    wrong = _gradients(rule, rule.wrong(**point, G=Gh))
    worst = max(relative_difference(o, w) for o, w in zip(oracle, wrong))
    assert worst > 1e-3, f"{rule.name}: the wrong variant agrees with JAX ({worst:.1e})"


def test_the_forward_functions_run_in_jax_without_leaving_it():
    rule = next(r for r in RULES if r.name.startswith("conv1d"))
    _, X, f = _jax_setup(rule)
    assert isinstance(jax.jit(f)(*X), jax.Array)


def test_matcalc_does_not_import_jax():
    import subprocess
    import sys
    code = ("import sys, matcalc, matcalc.backward, matcalc.vjp; "
            "from matcalc.backward import vjps; [r.check() for r in vjps()[:2]]; "
            "print('jax' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
