"""The derivation box of the derive chapter in a real browser (Debian's Chromium, offline):
matcalc.derive runs in Pyodide in a Web Worker, served from the built site on 127.0.0.1.

The box is driven by its ids (#derive-expression, #derive-shapes, #derive-wrt, #derive-run,
#derive-output, whose data-state is "running", then "checked", "failed" or "error"). No test
asserts a time: the timeouts only turn a hang into a failure (the cold start and a warm
derivation are measured in benchmarks/bench_derive_box.py).
"""

from urllib.parse import urlparse

import pytest

HANG = 180_000  # ms: a guard against a hang, not a budget



@pytest.fixture(scope="module")
def page(site, browser):
    url, _ = site
    tab = browser.new_page()
    requests, errors = [], []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{url}/derive.html")
    tab.requests, tab.errors = requests, errors
    yield tab
    tab.close()


def derive(tab, expression, shapes, wrt):
    """Fill the box, press the button, wait for the answer; returns (state, output)."""
    tab.fill("#derive-expression", expression)
    tab.fill("#derive-shapes", shapes)
    tab.fill("#derive-wrt", wrt)
    tab.click("#derive-run")
    tab.wait_for_function("document.querySelector('#derive-output').dataset.state "
                          "&& !['running', 'idle'].includes("
                          "document.querySelector('#derive-output').dataset.state)",
                          timeout=HANG)
    output = tab.locator("#derive-output")
    return output.get_attribute("data-state"), output


def test_the_opening_least_squares_gradient_with_its_steps(page):
    state, output = derive(page, "fro(W @ X - Y)**2 / 2", "W=m,n X=n,k Y=m,k", "W")
    text = output.inner_text()
    assert state == "checked", text
    assert output.get_attribute("data-gradient") == r"(W X - Y) X^\T"
    assert "step by step" in text and "What was checked" in text
    assert page.locator("#derive-output .derive-steps tbody tr").count() >= 2
    assert page.locator("#derive-output mjx-container").count() >= 3  # typeset by MathJax


def test_a_covariance_in_an_spd_variable(page):
    state, output = derive(page, "logdet(S) + x.T @ inv(S) @ x", "S=n,n:spd x=n", "S")
    assert state == "checked", output.inner_text()
    assert "S^{-1}" in output.get_attribute("data-gradient")


@pytest.mark.parametrize("expression", ["__import__('os').system('true')", "W @@ X",
                                        "fro(W @ X"])
def test_hostile_or_malformed_input_is_refused_by_name(page, expression):
    state, output = derive(page, expression, "W=m,n X=n,k", "W")
    assert state == "error" and "Refused" in output.inner_text()


def test_nothing_leaves_the_machine_and_the_box_shows_it_is_running(page):
    """With whatever ran before on this page (or nothing: under xdist this test may be the
    page's first), a derivation goes idle/answer -> running -> checked, and every request
    the page ever made, Pyodide's included, went to the local server. (The browser's flags,
    tools/headless.py, also send anything else to a dead proxy: the network is off.)"""
    page.evaluate("""() => {
        const output = document.querySelector('#derive-output');
        window.derive_states = [];
        new MutationObserver(() => window.derive_states.push(output.dataset.state))
            .observe(output, {attributes: true, attributeFilter: ['data-state']});
    }""")
    state, output = derive(page, "tr(A @ W)", "A=n,m W=m,n", "W")
    assert state == "checked", output.inner_text()
    states = page.evaluate("window.derive_states")
    assert states[0] == "running" and states[-1] == "checked", states
    assert page.requests, "the page made no request at all"
    foreign = [u for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname != "127.0.0.1"]
    assert not foreign
    assert any("/_static/pyodide/pyodide.asm.wasm" in u for u in page.requests)
    assert not page.errors
    # and the network is off for the page: a request elsewhere fails
    assert page.evaluate("fetch('http://192.0.2.1/').then(() => 'reached', () => 'off')") == "off"


def test_over_file_the_box_says_how_to_serve_the_book(site, browser):
    _, out = site
    tab = browser.new_page()
    tab.goto((out / "derive.html").as_uri())
    output = tab.locator("#derive-output")  # said on opening the page, before any click
    assert output.get_attribute("data-state") == "error"
    assert "make serve" in output.inner_text()
    tab.click("#derive-run")
    assert output.get_attribute("data-state") == "error"
    tab.close()
