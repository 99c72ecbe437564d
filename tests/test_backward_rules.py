"""Every layer's claims: its VJP and its forward mode (JVP) pass matcalc's checks at a random point, its wrong
variant fails; the forward layers agree with independent reference implementations."""

import numpy as np
import pytest
from matcalc import check_vjp
from matcalc.backward import claims, vjps
from matcalc.backward import layers as L
from matcalc.backward.conv import conv2d_direct_vjp, conv2d_vjp
from matcalc.registry import find, get

REQUIRED = ["linear layer", "sum over the batch", "mean over the batch", "reshape",
            "transpose", "slice", "gather", "ReLU", "GELU", "tanh", "sigmoid", "softplus",
            "softmax (rows)", "log-softmax", "logsumexp", "cross-entropy",
            "mean squared error", "layer norm", "RMS norm", "batch norm", "dropout",
            "residual", "scaled dot-product attention", "multi-head", "conv1d",
            "conv2d (im2col", "conv2d (direct", "max-pool", "transformer block"]
VJPS = vjps()


@pytest.mark.parametrize("claim", VJPS, ids=[c.name for c in VJPS])
def test_rule_passes_and_its_wrong_variant_fails(claim):
    report = claim.check()
    assert report.verdict == "PASSED", str(report)
    (label, wrong), = report.controls
    assert claim.mistake in label and not wrong.passed and wrong.error > 1e-4, str(report)
    forward = get(f"{claim.name}, forward mode").check()
    assert forward.passed, str(forward)


@pytest.mark.parametrize("claim", VJPS, ids=[c.name for c in VJPS])
def test_rule_is_complete_data(claim):
    point = claim.point(0)
    assert set(claim.wrt) <= set(point) and set(claim.result) >= set(claim.wrt)
    assert all(min(np.shape(point[k])) >= 2 for k in claim.wrt), "every dimension >= 2"
    forward = get(f"{claim.name}, forward mode")
    assert claim.mistake and claim.latex and forward.result.startswith(r"\d")
    G = np.ones(np.shape(claim.function(**point)))
    grads = claim.claim(**point, G=G)
    grads = grads if len(claim.wrt) > 1 else (grads,)
    assert [g.shape for g in grads] == [np.shape(point[k]) for k in claim.wrt]


def test_the_table_covers_the_issue():
    for name in REQUIRED:
        assert find(name, within=VJPS), name


def test_get_names_the_candidates():
    with pytest.raises(KeyError, match="did you mean.*scaled dot-product attention"):
        get("attention")
    assert len(find("attention", within=VJPS)) == 3  # two attention layers and the block


def test_check_reports_name_the_input_that_failed():
    report = get("linear layer").check()
    (label, wrong), = report.controls
    assert wrong.get("numeric").failed == ("b",)
    assert "mean vs sum" in label and "mean vs sum" in str(report)


# Independent references for the forward functions (loops and library routines).

def test_conv1d_matches_numpy_correlate():
    r = np.random.default_rng(0)
    X, W = r.standard_normal((1, 1, 9)), r.standard_normal((1, 1, 3))
    ref = np.correlate(np.pad(X[0, 0], 1), W[0, 0], mode="valid")[::2]
    assert np.allclose(L.conv1d(X, W, np.zeros(1), stride=2, padding=1)[0, 0], ref)


def test_conv2d_matches_a_loop():
    r = np.random.default_rng(1)
    X, W, b = r.standard_normal((2, 2, 5, 5)), r.standard_normal((3, 2, 3, 3)), r.standard_normal(3)
    Xp = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))
    ref = np.zeros((2, 3, 3, 3))
    for n, o, i, j in np.ndindex(ref.shape):
        ref[n, o, i, j] = np.sum(Xp[n, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3] * W[o]) + b[o]
    assert np.allclose(L.conv2d(X, W, b, 2, 1), ref)
    assert np.allclose(L.conv2d_direct(X, W, b, 2, 1), ref)
    G = r.standard_normal(ref.shape)
    for a, c in zip(conv2d_vjp(X, W, b, G, 2, 1), conv2d_direct_vjp(X, W, b, G, 2, 1)):
        assert np.allclose(a, c)


def test_attention_matches_a_loop_and_is_causal():
    r = np.random.default_rng(2)
    Q, K, V = (r.standard_normal((1, 4, 3)) for _ in range(3))
    out = L.attention(Q, K, V)[0]
    for t in range(4):
        s = Q[0, t] @ K[0, :t + 1].T / np.sqrt(3)
        p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
        assert np.allclose(out[t], p @ V[0, :t + 1])


def test_norms_and_losses_match_their_definitions():
    r = np.random.default_rng(3)
    X, g, c = r.standard_normal((4, 3)), r.standard_normal(3), r.standard_normal(3)
    ln = (X - X.mean(1, keepdims=True)) / np.sqrt(X.var(1, keepdims=True) + L.NORM_EPS)
    assert np.allclose(L.layer_norm(X, g, c), g * ln + c)
    bn = (X - X.mean(0)) / np.sqrt(X.var(0) + L.NORM_EPS)
    assert np.allclose(L.batch_norm(X, g, c), g * bn + c)
    y = np.array([0, 2, 1, 1])
    P = np.exp(X) / np.exp(X).sum(1, keepdims=True)
    assert np.isclose(L.cross_entropy(X, y), -np.mean(np.log(P[np.arange(4), y])))
    assert np.allclose(L.log_softmax(X), np.log(P))
    assert np.allclose(L.logsumexp(X), np.log(np.exp(X).sum(1)))


def test_max_pool_at_a_tie_is_not_differentiable():
    # Two equal maxima: the one-sided derivatives differ, so no rule can be right in
    # every direction; the checker must not pass the routing rule there.
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    X[0, 0, 1, 0] = X[0, 0, 1, 1]  # a tie in the first window
    claim = get("max-pool 2x2")
    assert not check_vjp(lambda X: claim.function(X=X), lambda X, G: claim.claim(X=X, G=G),
                         X).passed


# The catalogue section is a view of the same claims.

def _section():
    from matcalc.catalogue import SECTIONS, entries
    assert "Backward rules" in SECTIONS
    return [e for e in entries() if e.section == "Backward rules"]


def test_the_catalogue_section_has_each_layer_in_both_modes():
    section = _section()
    assert section == claims() and len(section) == 2 * len(VJPS)
    assert all(e.point is not None for e in section)
    assert {e.kind for e in section} == {"vjp", "differential"}


def test_the_catalogue_finds_the_layers_by_name():
    from matcalc.catalogue import find as find_entry
    for query, at_least in (("layer norm", 2), ("attention", 4), ("conv2d", 4),
                            ("cross-entropy", 2)):
        hits = [e for e in find_entry(query) if e.section == "Backward rules"]
        assert len(hits) >= at_least, (query, [e.name for e in hits])
        assert hits[0].check().passed


@pytest.mark.parametrize("claim", VJPS, ids=[c.name for c in VJPS])
def test_the_stored_wrong_variant_is_rejected_on_its_own(claim):
    assert not claim.corrupted("wrong").check().passed, claim.name


# At the edges (the stress grid, tests/test_rule_stress.py, covers every rule; these name
# the fixes one by one).

@pytest.mark.parametrize("claim", VJPS, ids=[c.name for c in VJPS])
def test_float32_in_gives_float32_out(claim):
    point = {k: (v.astype(np.float32) if k in claim.wrt else v)
             for k, v in claim.point(0).items()}  # constants (masks, labels) stay as they are
    Y = claim.function(**point)
    grads = claim.claim(**point, G=np.ones(np.shape(Y), np.float32))
    jvp = get(f"{claim.name}, forward mode").claim(**point,
                                                   **{"d" + k: point[k] for k in claim.wrt})
    outs = [Y, *(grads if len(claim.wrt) > 1 else (grads,)), jvp]
    assert [np.asarray(o).dtype for o in outs] == [np.dtype(np.float32)] * len(outs)


def test_exp_based_layers_neither_overflow_nor_lose_small_values():
    import mpmath as mp
    from matcalc.backward.activations import sech2, sigmoid_prime
    x = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):  # no overflow on the way
        assert L.softplus(x).tolist()[-1] == 1000.0 and L.softplus(x)[0] == 0.0
        assert L.sigmoid(x)[0] == 0.0 and L.sigmoid(x)[-1] == 1.0
    exact = [float(mp.log1p(mp.exp(v))) for v in x[1:-1]]
    assert np.allclose(L.softplus(x[1:-1]), exact, rtol=1e-15, atol=0)
    for v in (20.0, 30.0, 40.0):  # 1 - tanh² and σ(1 - σ) round these to 0 or worse
        assert abs(sech2(np.array(v)) / float(mp.sech(v) ** 2) - 1) < 1e-14
        assert abs(sigmoid_prime(np.array(v)) / float(mp.exp(-v) / (1 + mp.exp(-v)) ** 2)
                   - 1) < 1e-14
    assert 1 - np.tanh(20.0) ** 2 == 0.0  # the old form: sech²(20) = 1.7e-17 is lost


def test_bad_shapes_and_labels_are_refused_by_name():
    with pytest.raises(ValueError, match=r"label 3 at position 0 is outside the 2 classes"):
        L.cross_entropy(np.zeros((1, 2)), np.array([3]))
    with pytest.raises(ValueError, match=r"2 labels for a batch of 1 rows"):
        L.cross_entropy(np.zeros((1, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"3 features do not split into 2 heads"):
        L.split_heads(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match=r"a 4 x 3 image does not split into 2 x 2 windows"):
        L.max_pool2d(np.zeros((1, 1, 4, 3)))
    with pytest.raises(ValueError, match=r"mask rows \[0\] allow no entry"):
        L.masked_softmax(np.zeros((2, 2)), np.array([[0, 0], [1, 1]]))
    with pytest.raises(ValueError, match=r"kernel of length 3 does not fit an axis of length 2"):
        L.conv1d(np.zeros((1, 1, 2)), np.zeros((1, 1, 3)), np.zeros(1))
