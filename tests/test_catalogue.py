"""Every catalogue entry is verified; corrupted entries are rejected; conditions are tested
both ways; the catalogue can be searched by number and by expression; every kind has its
checker; the vjp kind accepts a right and rejects a wrong vector-Jacobian product."""

import dataclasses

import numpy as np
import pytest
from matcalc.catalogue import SECTIONS, entries, find, verify_all
from matcalc.claim import EXACT_SIZES, Claim
from matcalc.claimchecks import CHECKERS, digest, values
from matcalc.ops import ones, tr
from matcalc.variables import call_by_name, degenerate

ENTRIES = entries()
IDS = [e.name for e in ENTRIES]
# All entries verified once (taken from the verification cache when the code is unchanged).
RESULTS = verify_all()


def test_catalogue_size_and_fields():
    assert len(ENTRIES) >= 118
    assert len(set(IDS)) == len(IDS)
    assert sum(1 for e in ENTRIES if e.cookbook) >= 77
    for e in ENTRIES:
        assert e.section in SECTIONS
        assert e.name and callable(e.check)
    assert {e.section for e in ENTRIES} == set(SECTIONS)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_is_verified(entry):
    result = RESULTS[entry.name]
    assert result["passed"], f"{entry.name}: {result['how']}"
    if entry.exact_sizes is not None and entry.kind not in ("jacobian", "diagonal-gradient"):
        assert result["exact"] == "proved", result["how"]


def test_verify_all_agrees_with_a_live_check():
    entry = find("101")[0]
    live = digest(entry.check())
    assert live == RESULTS[entry.name] == verify_all([entry], cache=False)[entry.name]


def test_every_exact_check_uses_dimensions_of_at_least_two():
    small = {e.name: degenerate(e.exact_sizes) for e in ENTRIES
             if e.exact_sizes is not None and degenerate(e.exact_sizes)}
    assert not small, f"exact checks at a dimension below 2 prove little: {small}"
    assert not degenerate(EXACT_SIZES)


def test_every_kind_has_one_checker():
    assert {e.kind for e in ENTRIES} <= set(CHECKERS)
    assert set(CHECKERS) == {"gradient", "differential", "jacobian", "hessian", "vjp",
                             "symmetric-partials", "diagonal-gradient", "identity"}
    with pytest.raises(ValueError, match="kind must be one of"):
        Claim(name="x", kind="magic", latex="x", result="x", shapes={"X": "nn"},
              function=lambda X: X, claim=lambda X: X)


def _value(entry):
    """The claimed derivative at a random point, to see whether a transpose changes it."""
    kinds, var = dict(entry.kinds), entry.wrt[0]
    if entry.kind == "symmetric-partials":
        kinds[var] = "symmetric"
    env = values(entry, kinds)
    extra = np.random.default_rng(5).standard_normal(np.shape(env[var]))
    if entry.kind == "differential":
        env.update({"d" + v: np.ones_like(env[v]) for v in entry.wrt}, **{"d" + var: extra})
    if entry.kind == "hessian":
        env["V"] = extra
    if entry.kind == "vjp":   # an upstream gradient of the layer's output shape
        env["G"] = np.random.default_rng(6).standard_normal(
            np.shape(call_by_name(entry.function, env)))
    return np.asarray(call_by_name(entry.claim, env), dtype=float)


@pytest.mark.parametrize("how", ["sign", "factor", "transpose"])
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_corrupted_entry_is_rejected(entry, how):
    if how == "transpose":
        if len(entry.wrt) > 1:
            pytest.skip("several inputs: a tuple of gradients, covered by sign and factor")
        D = _value(entry)
        if D.ndim < 2 or 1 in D.shape[-2:]:
            pytest.skip("a vector or scalar: transposing is a reshape, not an error of the kind")
        if D.shape[-2] == D.shape[-1] and np.allclose(D, np.swapaxes(D, -1, -2)):
            pytest.skip("the claimed derivative is symmetric here: a transpose changes nothing")
        if D.shape[-2] != D.shape[-1]:
            # A transposed rectangular claim is rejected by its shape, with both shapes named.
            with pytest.raises(ValueError, match=r"has shape \(\d+, \d+.*\), "
                                                 r"but .* has shape"):
                entry.corrupted(how).check(exact=False)
            return
    bad = entry.corrupted(how)
    exact = entry.kind == "symmetric-partials"  # that kind is verified by its exact part
    result = bad.check(exact=exact)
    assert not result.passed, f"corrupted ({how}) {entry.name} passed: {result}"


CONDITIONAL = [e for e in ENTRIES
               if any(k not in e.wrt and v == "symmetric" for k, v in e.kinds.items())
               and e.kind in ("gradient", "differential")]


def test_there_are_conditional_entries():
    names = {e.name for e in CONDITIONAL}
    assert {"tr[(X^T C X)^-1 A]", "tr[(X^T C X)^-1 (X^T B X)]", "weighted LS in s"} <= names


@pytest.mark.parametrize("entry", CONDITIONAL, ids=[e.name for e in CONDITIONAL])
def test_conditions_are_tested_both_ways(entry):
    result = RESULTS[entry.name]
    assert result["passed"] and result["condition_needed"] is True
    assert "without the condition it FAILS" in result["how"]
    live = entry.check(exact=False)
    assert not live.get("without the condition").passed
    assert "without the condition" in dict(live.controls)


def test_symmetric_rule_is_partials_not_gradient():
    for e in [x for x in ENTRIES if x.kind == "symmetric-partials"]:
        r = e.check()
        assert r.passed and r.get("exact").passed
        assert r.get("as a gradient").verdict == "FAILED" and "as a gradient" in dict(r.controls)
        assert r.error == r.get("exact").error  # the control's error is not the claim's
    assert {e.cookbook for e in ENTRIES if e.kind == "symmetric-partials"} == {"138", "139",
                                                                                "140", "141"}


def test_find_by_number_and_expression():
    assert [e.name for e in find("101")] == ["tr(AXB)"]
    assert [e.name for e in find("(49)")] == ["det X"]
    assert [e.name for e in find(" 49 ")] == ["det X"]
    assert "96, 98" in {e.cookbook for e in find("98")}
    assert {e.cookbook for e in find("94")} == {"94-95"}
    assert {e.name for e in find("log det")} >= {"log det(X^T X)", "log det S, S spd"}
    assert find("no such expression") == []


def test_find_matches_numbers_exactly():
    # "12" is no Cookbook number here: it must not match (120) to (129).
    assert find("12") == []
    assert find("(12)") == []
    for number in ("120", "121", "122", "123", "125", "126", "127"):
        assert all(number in e.cookbook_numbers for e in find(number)), number
    assert all("9" not in e.cookbook_numbers for e in find("96"))


def test_entry_errors_are_clear():
    with pytest.raises(ValueError, match=r"wrt \['Y'\] not in shapes"):
        Claim(name="x", kind="gradient", latex="x", result="x", shapes={"X": "nn"},
              function=lambda X: X, claim=lambda X: X, wrt="Y")
    with pytest.raises(ValueError, match="exact_sizes has no size for"):
        Claim(name="x", kind="gradient", latex="x", result="x", shapes={"X": "zz"},
              function=lambda X: X, claim=lambda X: X)
    with pytest.raises(ValueError, match="a Hessian claim needs its gradient"):
        Claim(name="x", kind="hessian", latex="x", result="x", shapes={"X": "nn"},
              function=lambda X: X, claim=lambda X, V: V)
    with pytest.raises(ValueError, match="several variables"):
        Claim(name="x", kind="gradient", latex="x", result="x", shapes={"X": "nn", "Y": "nn"},
              function=lambda X, Y: X, claim=lambda X, Y: X, wrt=("X", "Y"))
    with pytest.raises(ValueError, match="unknown corruption"):
        ENTRIES[0].corrupted("shuffle")
    with pytest.raises(ValueError, match="stores no wrong variant"):
        find("101")[0].corrupted("wrong")


def test_sizes_are_overrides_of_the_defaults():
    e = find("101")[0]
    assert e.exact_sizes == {"m": 3, "n": 2, "p": 2} and e.numeric_sizes == {"m": 5, "n": 4,
                                                                              "p": 3}
    assert dataclasses.replace(e, exact_sizes={"m": 2}).exact_sizes == {"m": 2, "n": 2, "p": 2}
    assert find("67")[0].exact_sizes is None


# -- the vjp kind -------------------------------------------------------------------------
def _layer(**options):
    return Claim(name="linear layer, W", kind="vjp", latex=r"XW^\T + \mathbf 1 b^\T",
                 result=r"G^\T X", shapes={"X": "bn", "W": "mn", "b": "1m"}, wrt="W",
                 function=lambda X, W, b: X @ W.T + ones(X.shape[0], 1, X) @ b,
                 exact_sizes={"b": 2, "n": 2, "m": 3}, numeric_sizes={"b": 4, "n": 3, "m": 5},
                 **options)


def test_vjp_right_and_wrong():
    right = _layer(claim=lambda X, W, b, G: G.T @ X, wrong=lambda X, W, b, G: X.T @ G,
                   mistake="transposed")
    result = right.check()
    assert result.passed and result.get("exact").status == "proved", result
    assert "numeric: relative error" in result.note
    # the wrong variant, a control, is refused by its shape: refuted, with the reason
    assert "has shape" in str(result.get("wrong variant: transposed"))
    # the stored wrong variant has the transposed shape: rejected by its shape
    with pytest.raises(ValueError, match=r"the claimed vector-Jacobian product has shape "
                                         r"\(\d, \d\), but W has shape \(\d, \d\)"):
        right.corrupted("wrong").check()
    bad = right.corrupted("factor").check()
    assert not bad.passed and bad.get("exact").status == "disproved"


def test_vjp_with_points_and_a_tensor_output():
    def point(seed):
        gen = np.random.default_rng(seed)
        return {"X": gen.standard_normal((2, 3, 4)), "w": gen.standard_normal((4, 1))}

    def make(claim):
        return Claim(name="batched X w", kind="vjp", latex="Xw", result="...",
                     shapes={"X": "bnm", "w": "m1"}, wrt="w", function=lambda X, w: X @ w,
                     claim=claim, point=point, exact_sizes=None)

    right = make(lambda X, w, G: np.einsum("bnm,bnk->mk", X, G))
    assert right.check().passed
    assert "the claim's points" in right.check().note
    wrong = make(lambda X, w, G: np.einsum("bnm,bnk->mk", X, G) + 1e-3)
    assert not wrong.check().passed


def test_other_kinds_check():
    h = Claim(name="tr(X^T X)", kind="hessian", latex=r"\tr(X^\T X)", result="2V",
              shapes={"X": "mn"}, function=lambda X: tr(X.T @ X), gradient=lambda X: 2 * X,
              claim=lambda X, V: 2 * V)
    assert h.check().passed and not h.corrupted("factor").check().passed
    d = Claim(name="d(X^T)", kind="differential", latex=r"X^\T", result=r"\d X^\T",
              shapes={"X": "mn"}, function=lambda X: X.T, claim=lambda X, dX: dX.T)
    assert d.check().passed
    j = Claim(name="dX/dX", kind="jacobian", latex="X", result="I", shapes={"X": "mn"},
              function=lambda X: X,
              claim=lambda X: np.einsum("ik,jl->ijkl", np.eye(X.shape[0]), np.eye(X.shape[1])))
    assert j.check().passed


# -- the verification cache ---------------------------------------------------------------
def test_verify_all_stores_and_reuses_results(tmp_path, monkeypatch):
    from matcalc.catalogue import cache

    monkeypatch.setenv("MATCALC_VERIFY_CACHE", str(tmp_path))
    cache.forget()
    entry = find("101")[0]
    first = verify_all([entry])
    files = list(tmp_path.glob("*.json"))
    assert [f.stem for f in files] == [cache.source_hash()]
    assert "tr(AXB)" in files[0].read_text()

    def refuse(self, exact=True):
        raise AssertionError("a cached entry was checked again")

    monkeypatch.setattr(Claim, "check", refuse)
    cache.forget()
    assert verify_all([entry]) == first  # read back from the file, not re-checked
    corrupted = entry.corrupted("sign")  # not a catalogue entry: never taken from the cache
    with pytest.raises(AssertionError, match="checked again"):
        verify_all([corrupted])
    monkeypatch.setenv("MATCALC_VERIFY_CACHE", "off")
    assert cache.cache_dir() is None


# -- the page's tables --------------------------------------------------------------------
def _top_level_equals(latex):
    """The number of "=" signs outside braces (a subscript such as r=0 does not count)."""
    depth, count = 0, 0
    for ch in latex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        count += ch == "=" and depth == 0
    return count


def test_rows_read_gradient_equals_result():
    from matcalc.catalogue.render import identity

    for e in ENTRIES:
        if e.section == "Backward rules":  # "Y = f(X)"; a VJP per input, "dY = ..." forward
            results = e.result.values() if isinstance(e.result, dict) else [e.result]
            assert _top_level_equals(identity(e)) >= len(results), identity(e)
            continue
        assert _top_level_equals(e.result) == 0, f"{e.name}: an alias in the result {e.result}"
        if e.kind != "vjp":
            assert _top_level_equals(e.latex) == 0, f"{e.name}: an alias in {e.latex}"
        assert _top_level_equals(identity(e)) == 1, identity(e)
    assert identity(find("log det S")[0]).startswith(r"\grad_{S}")
    assert r"\grad_{x}" in identity(find("69")[0])


def test_tables_render_every_entry_with_its_numbers():
    import re

    from matcalc.catalogue.render import COLUMNS, table

    for section in SECTIONS:
        t = table(section, results=RESULTS)
        mine = [e for e in ENTRIES if e.section == section]
        html = t._repr_html_()
        numbers = re.findall(r'<tr data-cookbook="([^"]*)"', html)
        assert numbers == [" ".join(e.cookbook_numbers) for e in mine], section
        rows = t._repr_markdown_().splitlines()[2:]
        assert len(rows) == len(mine)
        assert all(row.count(" | ") == len(COLUMNS) - 1 for row in rows), rows
        assert "✗" not in html


def test_the_page_filter_and_find_agree():
    """The page's script matches a text query against data-search and a number against
    data-cookbook; both come from the entries, so it shows exactly what find() returns."""
    import html as htmllib
    import re

    from matcalc.catalogue.render import table

    rows = []
    for section in SECTIONS:
        page = table(section, results=RESULTS)._repr_html_()
        rows += [(numbers.split(), htmllib.unescape(text)) for numbers, text in
                 re.findall(r'<tr data-cookbook="([^"]*)" data-search="([^"]*)"', page)]
    # the page lists the entries section by section (an entry may name its section)
    names = [e.name for section in SECTIONS for e in ENTRIES if e.section == section]
    assert len(names) == len(rows) == len(ENTRIES)
    for query in ("log det", "tr(AXB)", "symmetric", "kron"):
        shown = [n for n, (_, text) in zip(names, rows) if query.lower() in text]
        assert sorted(shown) == sorted(e.name for e in find(query)), query
    for number in ("12", "101", "125", "126", "127", "98"):
        shown = [n for n, (nums, _) in zip(names, rows) if number in nums]
        assert sorted(shown) == sorted(e.name for e in find(number)), number


@pytest.mark.parametrize("number", ["125", "126", "127"])
def test_general_rows_next_to_the_conditional_ones(number):
    found = find(number)
    assert len(found) == 2, [e.name for e in found]
    conditional, general = found
    assert conditional.kinds and not general.kinds
    assert "symmetric" in conditional.conditions and "general" in general.conditions
    assert RESULTS[conditional.name]["condition_needed"] is True
    assert RESULTS[general.name]["passed"] and RESULTS[general.name]["condition_needed"] is None
    # the general formula really differs: with the condition dropped the conditional fails
    assert not conditional.check(exact=False).get("without the condition").passed


WITH_WRONG = [e for e in ENTRIES if e.wrong is not None]


def test_there_are_stored_wrong_variants():
    assert {"det X", "log det S, S spd", "x^T B x", "d(X^-1)", "d(X^2)"} <= {
        e.name for e in WITH_WRONG}


@pytest.mark.parametrize("entry", WITH_WRONG, ids=[e.name for e in WITH_WRONG])
def test_stored_wrong_variant_fails(entry):
    result = entry.corrupted("wrong").check()
    assert not result.passed, f"the stored mistake of {entry.name} passed: {result}"


def test_vjp_rows_write_greek_inputs_as_letters_and_each_gradient_once():
    """The catalogue's row of a VJP with several inputs: a Greek input name is its letter
    (not "\\bar gamma", a bar over g followed by "amma"), and no gradient is named twice."""
    from matcalc import registry
    from matcalc.catalogue.render import identity
    rows = {c.name: identity(c) for c in registry.claims()
            if c.name in ("layer norm", "scaled dot-product attention (causal)")}
    assert r"\bar{\gamma} = " in rows["layer norm"] and "bar gamma" not in rows["layer norm"]
    attention = rows["scaled dot-product attention (causal)"]
    assert attention.count(r"\bar{S} =") == 1 and r"\bar S =" not in attention
