"""Every backward rule: its VJP and JVP pass matcalc's checks at a random point, its wrong
variant fails; the forward layers agree with independent reference implementations."""

import numpy as np
import pytest
from matcalc.backward import RULES, find
from matcalc.backward import layers as L
from matcalc.backward.conv import conv2d_direct_vjp, conv2d_vjp

REQUIRED = ["linear layer", "sum over the batch", "mean over the batch", "reshape",
            "transpose", "slice", "gather", "ReLU", "GELU", "tanh", "sigmoid", "softplus",
            "softmax (rows)", "log-softmax", "logsumexp", "cross-entropy",
            "mean squared error", "layer norm", "RMS norm", "batch norm", "dropout",
            "residual", "scaled dot-product attention", "multi-head", "conv1d",
            "conv2d (im2col", "conv2d (direct", "max-pool", "transformer block"]


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_passes_and_its_wrong_variant_fails(rule):
    result = rule.check()
    assert result.vjp.passed, str(result.vjp)
    assert result.jvp.passed, str(result.jvp)
    assert not result.wrong.passed, f"{rule.name}: the wrong variant passed:\n{result.wrong}"
    assert result.wrong.error > 1e-4 and result.passed


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_is_complete_data(rule):
    point = rule.point(0)
    assert set(rule.inputs) <= set(point) and set(rule.results) >= set(rule.inputs)
    assert all(min(np.shape(point[k])) >= 2 for k in rule.inputs), "every dimension >= 2"
    assert rule.wrong_kind and rule.latex and rule.differential
    X, _ = rule.split(point)
    assert [g.shape for g in rule.vjp(**point, G=np.ones(np.shape(rule.forward(**point))))] \
        == [x.shape for x in X]


def test_the_table_covers_the_issue():
    for name in REQUIRED:
        assert find(name) is not None


def test_find_errors_name_the_candidates():
    with pytest.raises(ValueError, match="2 rules match 'attention'"):
        find("attention")
    with pytest.raises(ValueError, match="0 rules match"):
        find("no such layer")


def test_check_reports_name_the_input_that_failed():
    rule = find("linear layer")
    result = rule.check()
    assert result.wrong.failed == ("b",)
    assert "mean vs sum" in result.summary()


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
    rule = find("max-pool")
    F, V, _ = rule.functions({"X": X})
    from matcalc import check_vjp
    assert not check_vjp(F, V, (X,), names=("X",)).passed


# The catalogue section generated from the rules.

def _section():
    from matcalc.catalogue import SECTIONS, entries
    assert "Backward rules" in SECTIONS
    return [e for e in entries() if e.section == "Backward rules"]


def test_the_catalogue_section_has_one_entry_per_layer_input():
    section = _section()
    assert len(section) == sum(len(r.inputs) for r in RULES)
    assert all(e.kind == "vjp" and e.point is not None for e in section)


def test_the_catalogue_finds_the_layers_by_name():
    from matcalc.catalogue import find
    for query, at_least in (("layer norm", 3), ("attention", 8), ("conv2d", 6),
                            ("cross-entropy", 1)):
        hits = [e for e in find(query) if e.section == "Backward rules"]
        assert len(hits) >= at_least, (query, [e.name for e in hits])
        assert hits[0].check().passed


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_the_catalogue_entries_reject_the_stored_wrong_variant(rule):
    corrupted = [e for e in _section() if e.name.startswith(rule.name + ",") and e.wrong]
    assert corrupted, f"{rule.name}: no entry carries the wrong variant"
    for e in corrupted:
        assert not e.corrupted("wrong").check().passed, e.name
