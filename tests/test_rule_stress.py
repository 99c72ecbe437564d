"""The stress grid: every backward rule and every decomposition rule at the edges (every
layer's VJP claim with its forward mode, and every claim of the decompositions section, as
the registry lists them).

Cells (per rule): inputs scaled by 1e-3 and 1e3 (logits and scores into the thousands),
batch size 1, feature dimension 1, float32 (and float32 at 1e3) for the layers; scaled by
1e-3 and 1e3, size 1, square, tall and wide, an exact tie, a near tie (gap 2e-6), exact
rank deficiency, near singularity (σ_min = 1e-8) and points outside the domain for the
decompositions. In every cell the rule's value, its derivative (JVP or differential) and its
reverse form either match a high-precision reference within the stated tolerance, or the
rule raises a named error where the reference has nothing right to return (see
``stress_grid``). References:

* layers: JAX at float64 on an independent implementation (``stress_layers``), itself
  checked against mpmath at 30 digits where it matters (the exp-based layers at 1e3);
  tolerance 1e-10 relative (float64 input), 1e-5 (float32 input);
* decompositions: mpmath at 50 digits on the same matrix (``stress_decompositions``);
  tolerance 1e3 · u · κ, u the input's unit roundoff and κ the cell's condition (1e6 at the
  near tie, 1e8 near singularity, 1e3 at the 1e3 scale, else 1).
"""

import dataclasses

import mpmath as mp
import numpy as np
import pytest
import stress_decompositions as SD
import stress_layers as SL
from matcalc.backward import vjps
from matcalc.decompositions import RankError, TieError, claims
from matcalc.registry import get
from stress_grid import UNIT, Outcome, judge, relative_error, run

LAYER_RULES = vjps()
DECOMPOSITION_CLAIMS = claims()

LAYER_TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}


def layer_cell(rule, name, point):
    """The failures of one layer cell (empty when it passes)."""
    must = SL.MUST_REFUSE.get((rule.name, name))
    kept = {}

    def ours():
        values, kept["G"], kept["T"] = SL.evaluate(rule, point)
        return values
    outcome = run(ours)
    dtype = SL.split(rule, point)[0][0].dtype
    ref = {} if outcome.error is not None or must else SL.reference(rule, point, kept["G"],
                                                                    kept["T"])
    bad = [k for k, v in ref.items() if not np.all(np.isfinite(v))]
    if bad:
        return [f"the JAX reference is not finite for {bad}: no reference here"]
    return judge(outcome, ref, tol=LAYER_TOL[dtype], dtype=dtype,
                 refusal_ok=None if must is None else f"must refuse: {must}")


@pytest.mark.parametrize("rule", LAYER_RULES, ids=[r.name for r in LAYER_RULES])
def test_layer_rule_at_the_edges(rule):
    failures = [f"{name}: {p}" for name, point in SL.cells(rule)
                for p in layer_cell(rule, name, point)]
    assert not failures, f"{rule.name}:\n  " + "\n  ".join(failures)


def _domain_ok(claim, A):
    m, n = A.shape
    d = SD.domain(claim)
    if d == "tall":
        return m >= n
    return m == n and (d not in ("symmetric", "spd") or np.array_equal(A, A.T))


def _derivative(claim, point, dA, G):
    """The claim's derivative at ``point``, called by name as the checker calls it, as
    ``derivative`` (a differential along dA, or the gradient : dA) and for a reverse form
    ``reverse`` (its gradient : dA)."""
    var = claim.wrt[0]
    if claim.kind == "differential":
        return {"derivative": claim.claim(**point, **{"d" + var: dA})}
    g = np.asarray(claim.claim(**point, G=G) if claim.kind == "vjp" else claim.claim(**point))
    return {"gradient": g, "reverse": np.sum(g * dA, dtype=g.dtype)}


def _refusal(outcome, ref, key, flags, in_domain):
    """Why a refusal is right in this cell (None: it is not), "must refuse ..." where
    returning anything would be wrong."""
    if "value" not in ref:
        return f"must refuse: the reference has {ref['why']}"
    if not ref["representable"]:
        return "must refuse: the value does not fit in float64"
    if key == "derivative" and "derivative" not in ref:
        return f"must refuse: the reference has {ref['why']}"
    if not in_domain:
        return "outside the rule's stated domain"
    err = outcome.error
    if (isinstance(err, TieError) and flags["tie"]) or (isinstance(err, RankError)
                                                       and flags["rank"]):
        return "a tie or a zero singular value to the stated tolerance"
    return None


def decomposition_cell(claim, point, kappa):
    """The failures of one decomposition cell (empty when it passes)."""
    A = point[claim.wrt[0]]
    dA = SD.directions(claim, A)
    wide = {k: np.asarray(v, np.float64) for k, v in point.items()}
    ref = SD.reference(claim, wide, dA.astype(np.float64))
    flags, in_domain = SD.spectrum_flags(wide[claim.wrt[0]], SD.domain(claim)), _domain_ok(claim, A)
    tol = 1e3 * UNIT[A.dtype] * kappa
    value = run(lambda: {"value": claim.function(**point)})
    shape = np.shape(ref["value"]) if "value" in ref else np.shape(value.values.get("value"))
    G = SD.cotangent(shape, A.dtype)
    deriv = run(lambda: _derivative(claim, point, dA, G))
    expected = {}
    if "value" in ref and ref["representable"] and ref.get("continuous", True):
        expected["value"] = ref["value"]
    if "derivative" in ref and ref["representable"]:
        D = ref["derivative"]
        expected["derivative" if claim.kind == "differential" else "reverse"] = (
            D if claim.kind == "differential" else np.sum(G * D) if claim.kind == "vjp" else D)
    return [f"{key}: {p}" for key, outcome in (("value", value), ("derivative", deriv))
            for p in judge(outcome, expected, tol=tol, dtype=A.dtype,
                           refusal_ok=_refusal(outcome, ref, key, flags, in_domain))]


@pytest.mark.parametrize("claim", DECOMPOSITION_CLAIMS, ids=[c.name for c in DECOMPOSITION_CLAIMS])
def test_decomposition_rule_at_the_edges(claim):
    failures = [f"{cell}: {p}" for cell, point, kappa in SD.cells(claim)
                for p in decomposition_cell(claim, point, kappa)]
    assert not failures, f"{claim.name}:\n  " + "\n  ".join(failures)


def test_every_rule_has_a_reference_and_cells():
    assert sorted(r.name for r in LAYER_RULES) == sorted(SL.REFERENCES)
    missing = [c.name for c in DECOMPOSITION_CLAIMS if c.name.removesuffix(", reverse mode")
               not in SD.REFERENCES]
    assert not missing, f"no mpmath reference for {missing}"
    assert all(len(c.wrt) == 1 for c in DECOMPOSITION_CLAIMS)
    assert all(len(SL.cells(r)) == 6 for r in LAYER_RULES)
    assert all(len(SD.cells(c)) >= 12 for c in DECOMPOSITION_CLAIMS)


# The grid fails on deliberate mistakes: each is an old form or a plausible slip.

def _naive_attention(Q, K, V, causal=True):  # the old form: exp of every score, then mask
    T, d = Q.shape[-2], Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d)
    mask = np.tril(np.ones((T, T)))
    m = np.max(np.where(mask > 0, S, -np.inf), axis=-1, keepdims=True)
    E = np.exp(S - m) * mask
    return E / np.sum(E, axis=-1, keepdims=True) @ V


@pytest.mark.parametrize("rule_name, cell, broken, expected", [
    ("scaled dot-product attention (causal)", "scale 1e3", {"function": _naive_attention},
     "overflow"),
    ("softplus", "scale 1e3", {"function": lambda X: np.log1p(np.exp(X))}, "overflow"),
    ("ReLU", "float32", {"claim": lambda X, G: G * (X > 0).astype(float)}, "dtype float64"),
    ("linear layer", "scale 1e3", {"claim": lambda X, W, b, G: (G @ W, G.T @ X, G.mean(0))},
     "relative error"),
], ids=["attention: exp before the mask", "softplus: log1p(exp x)",
        "ReLU: a float64 mask", "linear: mean for sum"])
def test_the_layer_grid_fails_on_a_deliberate_mistake(rule_name, cell, broken, expected):
    rule = dataclasses.replace(get(rule_name), **broken)
    point = dict(SL.cells(rule))[cell]
    failures = layer_cell(rule, cell, point)
    assert any(expected in f for f in failures), failures


def _eigenvectors_unguarded(A, dA):  # the rule without its tie check: 1/0 at a tie
    w, V = np.linalg.eigh(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        F = 1 / (w[None, :] - w[:, None])
    np.fill_diagonal(F, 0)
    return V @ (F * (V.T @ dA @ V)) @ np.eye(len(w))


def _nuclear_through_vectors(A, dA):  # d Σ uᵢᵀ A vᵢ composed from the vector rules
    from matcalc.decompositions import svd
    U, V = svd.left_singular_vectors(A), svd.right_singular_vectors(A)
    dU, dV = svd.d_left_singular_vectors(A, dA), svd.d_right_singular_vectors(A, dA)
    return float(np.trace(dU.T @ A @ V + U.T @ dA @ V + U.T @ A @ dV))


def _pinv_normal_equations(A):
    return np.linalg.solve(A.T @ A, A.T)


@pytest.mark.parametrize("rule_name, cell, broken, expected", [
    ("eigenvectors of a symmetric matrix", "exact tie", {"claim": _eigenvectors_unguarded},
     "invalid value"),
    ("nuclear norm, ties included", "exact tie",
     {"kind": "differential", "claim": _nuclear_through_vectors},
     "refused where the reference has an answer"),
    ("pseudo-inverse, full rank", "near singular", {"function": _pinv_normal_equations},
     "relative error"),
    ("Cholesky factor", "indefinite", {"function": lambda A: np.linalg.cholesky(A)},
     "bare error"),
], ids=["eigenvectors without the tie check", "nuclear norm through the singular vectors",
        "pinv by the normal equations", "cholesky from numpy, unguarded"])
def test_the_decomposition_grid_fails_on_a_deliberate_mistake(rule_name, cell, broken,
                                                              expected):
    rule = dataclasses.replace(get(rule_name), **broken)
    point, kappa = next((p, k) for c, p, k in SD.cells(rule) if c == cell)
    failures = decomposition_cell(rule, point, kappa)
    assert any(expected in f for f in failures), failures


def test_outcome_names_only_matcalcs_own_errors():
    try:
        np.linalg.inv(np.zeros((2, 2)))
    except np.linalg.LinAlgError as exc:
        assert not Outcome(error=exc).named
    try:
        get("eigenvectors of a symmetric matrix").claim(A=np.eye(2), dA=np.ones((2, 2)))
    except TieError as exc:
        assert Outcome(error=exc).named


# The oracle checked: JAX's references for the exp-based layers at the 1e3 scale, and
# attention at scores ~1e3, against mpmath at 50 digits.

_EXP, _LOG, _TANH = (np.frompyfunc(f, 1, 1) for f in (mp.exp, mp.log, mp.tanh))


def _mp_lse(Z):
    m = Z.max(axis=-1, keepdims=True)
    return (m + _LOG(np.sum(_EXP(Z - m), axis=-1, keepdims=True)))[..., 0]


def _mp_softmax(Z, mask=None):
    E = _EXP(Z - Z.max(axis=-1, keepdims=True))
    E = E if mask is None else np.where(mask, E, mp.mpf(0))
    return E / np.sum(E, axis=-1, keepdims=True)


def _mp_attention(Q, K, V):
    T, d = Q.shape[-2], Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / mp.sqrt(d)
    mask = np.tril(np.ones((T, T), bool))
    return _mp_softmax(np.where(mask, S, np.min(S) - 10 ** 6), mask) @ V


MP_LAYERS = {
    "softplus": lambda X: _LOG(1 + _EXP(X)),
    "sigmoid": lambda X: 1 / (1 + _EXP(-X)),
    "tanh": lambda X: _TANH(X),
    "GELU (tanh form)": lambda X: X / 2 * (1 + _TANH(mp.sqrt(2 / mp.pi) * (
        X + mp.mpf(0.044715) * X ** 3))),
    "softmax (rows)": _mp_softmax,
    "log-softmax (rows)": lambda Z: Z - _mp_lse(Z)[:, None],
    "logsumexp (rows)": _mp_lse,
    "cross-entropy (integer labels, mean)": lambda Z, y: -np.sum(
        (Z - _mp_lse(Z)[:, None])[np.arange(len(y)), y]) / len(y),
    "scaled dot-product attention (causal)": _mp_attention,
}


def _mp_value_and_jvp(rule, point, tangents):
    """mpmath's value and JVP (central difference, step 1e-20, 50 digits) at ``point``."""
    f = MP_LAYERS[rule.name]
    X, consts = SL.split(rule, point)
    with mp.workdps(50):
        h = mp.mpf("1e-20")
        big = [np.frompyfunc(mp.mpf, 1, 1)(np.asarray(x, np.float64)) for x in X]
        dx = [np.frompyfunc(mp.mpf, 1, 1)(np.asarray(t, np.float64)) for t in tangents]

        def F(s):
            return np.asarray(f(**consts, **{k: x + s * t for k, x, t in
                                             zip(rule.wrt, big, dx)}), dtype=object)
        return (F(0).astype(np.float64),
                np.asarray((F(h) - F(-h)) / (2 * h), dtype=object).astype(np.float64))


def _attention_point(level):
    """Scores S = Q Kᵀ/√d near ``level`` where allowed (spread by O(1), so the attention is
    sharp but not one-hot) and near 1.8 ``level`` where masked: K = 2I and d = 4 make S = Q."""
    r = np.random.default_rng(22)
    upper = np.triu(np.ones((4, 4)), 1)
    Q = level * (1 + 0.8 * upper) + r.standard_normal((4, 4))
    return {"Q": Q[None], "K": 2 * np.eye(4)[None], "V": r.standard_normal((1, 4, 4))}


@pytest.mark.parametrize("name", list(MP_LAYERS))
def test_the_jax_reference_is_right_at_the_1e3_scale(name):
    rule = get(name)
    point = dict(SL.cells(rule))["scale 1e3"]
    ours, G, tangents = SL.evaluate(rule, point)
    jax_ref = SL.reference(rule, point, G, tangents)
    value, jvp = _mp_value_and_jvp(rule, point, tangents)
    assert relative_error(jax_ref["value"], value) < 1e-13
    assert relative_error(jax_ref["JVP"], jvp) < 1e-13
    pairing = sum(np.sum(jax_ref[f"VJP {k}"] * t) for k, t in zip(rule.wrt, tangents))
    assert abs(pairing - np.sum(G * jvp)) <= 1e-13 * np.linalg.norm(G) * np.linalg.norm(jvp) + 1e-300


@pytest.mark.parametrize("level", [1e3, 1e5])
def test_attention_at_large_scores_matches_mpmath(level):
    """Allowed scores near 1e3 and 1e5, masked ones 80% larger: matcalc's forward, JVP and
    VJP against mpmath at 50 digits; the old form (exp before the mask) is NaN there."""
    rule = get("scaled dot-product attention (causal)")
    point = _attention_point(level)
    S = point["Q"] @ np.swapaxes(point["K"], -1, -2) / 2
    assert np.all(np.abs(np.tril(S[0]) - level * np.tri(4)) < 4)
    ours, G, tangents = SL.evaluate(rule, point)
    value, jvp = _mp_value_and_jvp(rule, point, tangents)
    assert relative_error(ours["value"], value) < 1e-14
    assert relative_error(ours["JVP"], jvp) < 1e-12
    pairing = sum(np.sum(ours[f"VJP {k}"] * t) for k, t in zip(rule.wrt, tangents))
    assert abs(pairing - np.sum(G * jvp)) <= 1e-12 * np.linalg.norm(G) * np.linalg.norm(jvp)
    with np.errstate(all="ignore"):
        assert np.isnan(_naive_attention(**point)).any()


# At a kink the layers return a subgradient (the convention of PyTorch and JAX), checked
# against one-sided directional derivatives: F'(X; D) >= <VJP, D> for every D.

@pytest.mark.parametrize("name", ["ReLU", "max-pool 2x2"])
def test_at_a_kink_the_vjp_is_a_subgradient(name):
    rule = get(name)
    X = rule.point(0)["X"].copy()
    if name == "ReLU":
        X[0, :] = 0.0
    else:
        X[0, 0, 1, 0] = X[0, 0, 0, 0] = np.max(X[0, 0, :2, :2])  # a tie in a window
    G = np.abs(np.random.default_rng(5).standard_normal(np.shape(rule.function(X=X))))
    g = rule.claim(X=X, G=G)  # G >= 0 keeps F(X) = G : layer(X) convex
    for seed in range(20):
        D = np.random.default_rng(seed).standard_normal(X.shape)
        t = 1e-7
        one_sided = (np.sum(G * rule.function(X=X + t * D)) - np.sum(G * rule.function(X=X))) / t
        assert one_sided >= np.sum(g * D) - 1e-6 * np.linalg.norm(G) * np.linalg.norm(D)


def test_the_stable_forms_benchmark_runs_and_shows_the_old_forms_failing(capsys):
    import runpy
    from pathlib import Path
    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_stable_forms.py"
    runpy.run_path(str(bench))["main"]()
    out = capsys.readouterr().out
    softplus = next(line for line in out.splitlines() if line.startswith("| softplus"))
    assert "nan" in softplus.split("|")[5] and "nan" not in softplus.split("|")[5].split("/")[1]
    attention_1e3 = next(line for line in out.splitlines() if line.startswith("| 1e+03 |"))
    assert "nan" in attention_1e3.split("|")[2] and "nan" not in attention_1e3.split("|")[3]
    pinv_table = out[out.index("| σ_min | normal equations | SVD |"):]
    pinv_1e8 = next(line for line in pinv_table.splitlines() if line.startswith("| 1e-08 |"))
    assert float(pinv_1e8.split("|")[2]) > 1e-2 > 1e-6 > float(pinv_1e8.split("|")[3])


# --- the Schatten p-norm at any scale and order -------------------------------------------

@pytest.mark.parametrize("scale", [1e-200, 1e-110, 1.0, 1e105, 1e200])
@pytest.mark.parametrize("p", [1.5, 3, 400])
def test_schatten_norm_and_gradient_at_any_scale_match_mpmath(scale, p):
    """‖A‖_p and its gradient U diag((σ/‖A‖_p)^{p-1}) Vᵀ were computed through Σσ^p, which
    overflowed to inf (a zero gradient) at 1e105 and gave NaN at 1e-110; p = 400 gave zeros."""
    import warnings

    from matcalc.decompositions.spectral import schatten, schatten_grad
    s = np.array([1.0, 2.0, 0.5])
    A = scale * np.diag(s)
    with mp.workdps(50), warnings.catch_warnings():
        warnings.simplefilter("error")
        norm = mp.mpf(scale) * mp.fsum(mp.mpf(x) ** p for x in s) ** (mp.mpf(1) / p)
        grad = [(mp.mpf(x) * scale / norm) ** (p - 1) for x in s]
        assert abs(schatten(A, p) - float(norm)) <= 1e-14 * float(norm)
        G = schatten_grad(A, p)
    assert np.allclose(np.diag(G), [float(g) for g in grad], rtol=1e-13, atol=1e-300)
    assert np.count_nonzero(G - np.diag(np.diag(G))) == 0


@pytest.mark.parametrize("p", [0.5, 0, -1, float("inf"), float("nan"), "2", True, None])
def test_schatten_refuses_an_order_that_is_not_a_norm_by_name(p):
    from matcalc.decompositions.spectral import schatten, schatten_grad
    for f in (schatten, schatten_grad):
        with pytest.raises(ValueError, match=r"p must be a real number with 1 <= p < inf"):
            f(np.diag([1.0, 2.0]), p)


def test_the_eigenprojector_and_its_derivative_agree_on_where_they_are_defined():
    """At A = Q diag(1, 2, 2, 3) Qᵀ the projector onto the 2 largest is not determined by A
    (the boundary splits the tie): the forward function refused nothing and returned eigh's
    arbitrary choice while its derivative refused. Both refuse now; for k = 1 and 3 (the
    tie inside or outside the cluster) both are defined."""
    from matcalc.decompositions.eigen import d_eigenprojector, eigenprojector
    Q, _ = np.linalg.qr(np.random.default_rng(22).standard_normal((4, 4)))
    A = Q @ np.diag([1.0, 2.0, 2.0, 3.0]) @ Q.T
    dA = np.random.default_rng(23).standard_normal((4, 4))
    dA = dA + dA.T
    for f in (lambda: eigenprojector(A, 2), lambda: d_eigenprojector(A, 2, dA)):
        with pytest.raises(TieError, match="straddle the boundary of the cluster of the 2"):
            f()
    for k in (1, 3):
        assert np.isclose(np.trace(eigenprojector(A, k)), k)
        assert np.all(np.isfinite(d_eigenprojector(A, k, dA)))


@pytest.mark.parametrize("shapes", [((1, 0, 2),) * 3, ((1, 2, 0),) * 3,
                                    ((1, 3, 2), (1, 4, 2), (1, 4, 2))])
def test_attention_names_an_empty_sequence_or_shapes_that_do_not_fit(shapes):
    from matcalc.backward.layers import attention
    with pytest.raises(ValueError, match=r"attention: .* got Q \(1, \d, \d\), K"):
        attention(*(np.zeros(s) for s in shapes))


@pytest.mark.parametrize("scale", [1e-150, 1e150, 1e300])
def test_norm_layers_and_their_rules_are_finite_and_right_at_extreme_scales(scale):
    """rms_norm and layer norm divide by sqrt(mean(X²) + eps); computed directly, mean(X²)
    overflows at entries of 1e155 and the RMS VJP's r³ at 1e103 (its value became 0). Against
    a 60-digit mpmath reference of rms_norm, and the VJP's finite values."""
    import warnings

    from matcalc.backward import norms
    from matcalc.backward.layers import NORM_EPS, layer_norm, rms_norm
    X = scale * np.random.default_rng(7).standard_normal((2, 3))
    g = np.array([1.0, 2.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Y, L = rms_norm(X, g), layer_norm(X, g, 0 * g)
        vjp = norms.rms_norm_vjp(X, g, np.ones((2, 3)))
    with mp.workdps(60):
        for i in range(2):
            r = mp.sqrt(mp.fsum(mp.mpf(x) ** 2 for x in X[i]) / 3 + mp.mpf(NORM_EPS))
            assert max(abs(Y[i, j] - float(g[j] * X[i, j] / r)) for j in range(3)) <= 1e-14
    assert np.all(np.isfinite(L)) and all(np.all(np.isfinite(v)) for v in vjp)
    assert np.max(np.abs(vjp[0])) > 0
