"""The built HTML in a real browser: Debian's Chromium driven by playwright, offline.

Every page loads with no console errors and no request to any host but 127.0.0.1, MathJax
typesets every formula without errors or undefined macros, the page fits the window (at
1280 px no table or formula is wider than the text column and code rarely scrolls
sideways; at 400 px nothing is cut off), and what a reader clicks works: search, a
cross-reference, a solution dropdown, the notebook download. Screenshots of the chain-rule
chapter are saved as test artifacts.
"""

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "_build" / "test-artifacts"



class Recorder:
    """Console errors, page errors and every requested URL of one page (until closed)."""

    def __init__(self, page):
        self.errors, self.requests = [], []
        self._page = page
        self._handlers = {
            "console": lambda m: self.errors.append(
                f"{m.text} ({m.location.get('url', '')})") if m.type == "error" else None,
            "pageerror": lambda e: self.errors.append(str(e)),
            "request": lambda r: self.requests.append(r.url)}
        for event, handler in self._handlers.items():
            page.on(event, handler)

    def foreign(self):
        return [u for u in self.requests
                if urlparse(u).scheme in ("http", "https", "ws", "wss")
                and urlparse(u).hostname != "127.0.0.1"]

    def close(self):
        for event, handler in self._handlers.items():
            self._page.remove_listener(event, handler)


MATH_REPORT = """async () => {
  if (!window.MathJax || !MathJax.startup) { return {mathjax: false, count: 0, bad: []}; }
  await MathJax.startup.promise;
  const items = MathJax.startup.document.getMathItemsWithin(document.body);
  const bad = [];
  for (const item of items) {
    const mml = MathJax.startup.toMML(item.root);
    if (mml.includes('<merror') || mml.includes('mathcolor="red"')) {
      bad.push(item.math.slice(0, 120));
    }
  }
  return {mathjax: true, count: items.length,
          containers: document.querySelectorAll('mjx-container').length, bad: bad};
}"""


# What does not fit the text column, once typeset: tables and formulas wider than their box
# (a display formula or an inline one that scrolls), code blocks that scroll sideways, and
# anything cut off (wider than a box that hides its overflow). MathJax's own parts (glyph
# extenders, the hidden copy for screen readers) and visually hidden elements (the stacked
# tables' header rows) clip by design and are not counted.
LAYOUT = """() => {
  const article = document.querySelector('article.bd-article');
  if (!article) { return null; }
  const short = e => (e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 70);
  const shown = e => e.getClientRects().length > 0;
  const tables = [], formulas = [], scrolled = [], cut = [];
  let code = 0;
  for (const table of article.querySelectorAll('table')) {
    const box = table.parentElement;
    if (shown(table) && table.getBoundingClientRect().width > box.clientWidth + 1) {
      tables.push(Math.round(table.getBoundingClientRect().width) + ' px in ' + box.clientWidth
                  + ': ' + short(table));
    }
  }
  for (const math of article.querySelectorAll('mjx-container > mjx-math')) {
    const container = math.parentElement;
    const box = container.getAttribute('display') === 'true' ? container
        : (container.closest('span.math') || container.parentElement);
    const width = math.getBoundingClientRect().width;
    if (shown(math) && width > box.clientWidth + 1) {
      formulas.push(Math.round(width) + ' px in ' + box.clientWidth + ': '
                    + (container.getAttribute('aria-label') || short(box)).slice(0, 70));
    }
  }
  for (const pre of article.querySelectorAll('pre')) {
    if (!shown(pre)) { continue; }
    code += 1;
    if (pre.scrollWidth > pre.clientWidth + 1) { scrolled.push(short(pre)); }
  }
  for (const e of article.querySelectorAll('*')) {
    if (e.closest('mjx-container') || e.clientWidth <= 1) { continue; }
    const style = getComputedStyle(e);
    if (['hidden', 'clip'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1) {
      cut.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ('
               + e.scrollWidth + ' px in ' + e.clientWidth + '): ' + short(e));
    }
  }
  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
          tables: tables, formulas: formulas, code: code, scrolled: scrolled, cut: cut};
}"""
# Stack the tables that do not fit (book/_static/wide-tables.js does it when MathJax is done;
# in these tests MathJax is released late, after the page's load event).
FIT_TABLES = "() => { if (window.matcalcFitTables) { window.matcalcFitTables(); } }"
# At most this share of a page's code blocks may scroll sideways at 1280 px.
SCROLLED_CODE = 0.05
# Pages with formulas known to be wider than the column at 1280 px, and why. Each entry must
# still be needed: when its page fits, the test fails and asks for the entry to be removed.
WIDE_FORMULAS_KNOWN: dict[str, str] = {}  # page -> why a formula of it is still too wide


def layout_at(page, width):
    """LAYOUT of the loaded, typeset page in a window ``width`` px wide."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(200)
    page.evaluate(FIT_TABLES)
    return page.evaluate(LAYOUT)


def layout_problems(name, wide, narrow):
    """What a reader would see cut off or scrolled: at 1280 px (``wide``) a table or formula
    wider than its box, or more than SCROLLED_CODE of the code blocks scrolling; at 400 px
    (``narrow``, where a wide object may scroll inside its own box) anything cut off or a page
    wider than the window."""
    problems = []
    if wide is None:
        return problems
    if wide["page"] > wide["window"]:
        problems.append(f"{name} is {wide['page']} px wide in a {wide['window']} px window")
    problems += [f"{name} at 1280 px: table {t}" for t in wide["tables"]]
    problems += [f"{name} at 1280 px: formula {f}" for f in wide["formulas"]]
    if len(wide["scrolled"]) > SCROLLED_CODE * wide["code"]:
        problems.append(f"{name} at 1280 px: {len(wide['scrolled'])} of {wide['code']} code "
                        f"blocks scroll sideways, e.g. {wide['scrolled'][:3]}")
    problems += [f"{name} at 1280 px: cut off {c}" for c in wide["cut"]]
    if narrow["page"] > narrow["window"]:
        problems.append(f"{name} is {narrow['page']} px wide in a {narrow['window']} px window")
    problems += [f"{name} at 400 px: cut off {c}" for c in narrow["cut"]]
    return problems


# axe-core rules whose violations (all of them moderate: these rules report no other impact)
# come from the theme's markup, not from the book, with the reason each is tolerated. They
# are not run (on the large pages "region" cost 1.5 s a run, for a result ignored anyway).
TOLERATED = {
    "region": "sphinx-book-theme puts the primary sidebar's first item outside any landmark",
}


# axe-core's color-contrast rule hit-tests every element with text: 26 to 39 s of the API
# page's 30 to 40 s, and most of the browser tests' time. Elements on the same path of tags
# and classes from <body> get the same colours from the theme's class-based CSS, so the rule
# runs on one element per path (API page: 218 of 10861, the whole run 7 s); every other rule
# runs on the whole page, in the same axe run. test_contrast_sample_catches_a_low_contrast_class
# shows the sampled rule failing on a deliberate mistake.
CONTRAST_SAMPLE = """() => {
  const first = new Map(); let texts = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!el || !t.data.trim()) continue;
    texts++;
    const path = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      path.push(e.tagName + '.' + [...e.classList].sort().join('.'));
    }
    const key = path.join('<');
    if (!first.has(key)) first.set(key, el);
  }
  for (const el of first.values()) el.setAttribute('data-contrast-sample', '');
  return {texts: texts, sampled: first.size};
}"""


def axe_violations(page, only=None):
    """axe-core's violations on the page: every rule (or the rules ``only`` lists) on the
    whole page, color-contrast on the sample (see CONTRAST_SAMPLE); with the sample's size."""
    from axe_playwright_python.sync_playwright import Axe

    sample = page.evaluate(CONTRAST_SAMPLE)
    page.evaluate(Axe().axe_script)
    page.evaluate("axe.configure({rules: [{id: 'color-contrast', "
                  "selector: '[data-contrast-sample]'}]})")
    if only:
        which = "runOnly: " + json.dumps({"type": "rule", "values": list(only)})
    else:
        which = "rules: " + json.dumps({rule: {"enabled": False} for rule in TOLERATED})
    result = page.evaluate(f"axe.run(document, {{resultTypes: ['violations'], {which}}})")
    return result["violations"], sample


# Pages Sphinx writes besides the chapters: the general index, the module index, the
# theorem index of sphinx-proof and the search page.
GENERATED = ["genindex.html", "py-modindex.html", "prf-prf.html", "search.html"]
# Every page, one test each, so that pytest-xdist spreads them over the workers.
PAGES = sorted([p.stem + ".html" for p in (Path(__file__).resolve().parents[1] / "book")
                .glob("*.md")] + GENERATED)
# Pages whose formulas are counted: a page that typeset far fewer lost its math.
MIN_FORMULAS = {"differentials.html": 100, "catalogue.html": 200}


def pages(out):
    return sorted(p.name for p in out.glob("*.html"))


def test_every_built_page_is_visited(site):
    _, out = site
    assert pages(out) == PAGES


# The page tests hold MathJax back until axe has run. What MathJax writes around a formula
# (a focusable container, the glyphs hidden from assistive technology, a MathML copy for it)
# is made by one program for every formula, and it is most of a typeset page's elements: on
# the catalogue, 35 600 elements against 3 300 before, which made axe 5 times slower (100 s
# of the two cores over the 20 pages). test_mathjax_markup_passes_axe checks that markup,
# typeset, on one page.
# The request for MathJax's script gets this stand-in, which notes the script's address;
# LOAD_MATHJAX then loads the real script from it (another URL: the route lets it through).
HOLD_MATHJAX = "window.__heldMathJax = document.currentScript.src;"
LOAD_MATHJAX = """() => new Promise((done, fail) => {
  if (!window.__heldMathJax) { done(false); return; }
  const script = document.createElement('script');
  const url = new URL(window.__heldMathJax);
  url.searchParams.set('released', '1');
  script.src = url.href;
  script.onload = () => done(true);
  script.onerror = () => fail(new Error('MathJax did not load from ' + script.src));
  document.head.appendChild(script);
})"""


def held_page(browser, **options):
    """A new page on which MathJax's script waits for LOAD_MATHJAX (for the tests of what
    MathJax does not touch, it never comes)."""
    page = browser.new_page(**options)
    page.route(_is_mathjax, lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=HOLD_MATHJAX))
    return page


def _is_mathjax(url):
    """The page's request for MathJax's script (Sphinx may add ?v=<checksum>), not the one
    LOAD_MATHJAX makes."""
    parts = urlparse(url)
    return parts.path.endswith("/_static/mathjax/tex-chtml.js") and "released" not in parts.query


@pytest.fixture(scope="module")
def tab(browser):
    """One tab for the page tests, reused: a new page in a new context fetched and compiled
    the theme's scripts, styles and fonts again, 3 s of CPU per page against 1.3 s."""
    page = held_page(browser, viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def assert_no_serious_violation(name, violations):
    serious, untolerated = {}, {}
    for v in violations:
        where = f"{v['id']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        if v["impact"] in ("serious", "critical"):
            serious[where] = v["nodes"][0].get("failureSummary", "")
        else:  # the TOLERATED rules do not run (axe_violations)
            untolerated[where] = v["impact"]
    assert not serious, f"{name}: {serious}"
    assert not untolerated, f"{name}: {untolerated}"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_typesets_fits_and_passes_axe(site, tab, name):
    """Load the page at desktop width: no console error, no request off 127.0.0.1; axe-core
    finds no serious or critical violation (and no untolerated moderate one) in the page as
    the book wrote it; then MathJax typesets every formula without error, and the typeset
    page fits (:func:`layout_problems`) at 1280 px and at 400 px."""
    base, out = site
    tab.set_viewport_size({"width": 1280, "height": 900})
    rec = Recorder(tab)
    try:
        tab.goto(f"{base}/{name}", wait_until="load")
        # Only violations come back in full: the passes' node lists are slow to send.
        violations, sample = axe_violations(tab)
        has_math = 'class="math' in (out / name).read_text()
        released = tab.evaluate(LOAD_MATHJAX)
        math = tab.evaluate(MATH_REPORT)
        tab.wait_for_timeout(100)
        wide, narrow = layout_at(tab, 1280), layout_at(tab, 400)
    finally:
        rec.close()
    assert sample["sampled"] >= 10 or sample["texts"] < 50, f"{name}: contrast sample {sample}"
    # axe re-fetches the stylesheets' @imports relative to the page: a harmless 404 for the
    # theme's basic.css, the one error let through
    errors = [e for e in rec.errors if not (" 404 " in e and e.endswith("/basic.css)"))]
    assert not errors, f"{name}: console errors {errors}"
    assert not rec.foreign(), f"{name}: requests off 127.0.0.1: {rec.foreign()}"
    assert (released and math["mathjax"]) or not has_math, f"{name}: MathJax did not load"
    if has_math:
        assert math["count"] > MIN_FORMULAS.get(name, 0), f"{name}: {math['count']} formulas"
    assert not math["bad"], f"{name}: formulas with errors or undefined macros: {math['bad']}"
    assert_no_serious_violation(name, violations)
    assert wide is not None or name == "search.html", f"{name}: no article to measure"
    problems = layout_problems(name, wide, narrow)
    if name in WIDE_FORMULAS_KNOWN:
        known = [p for p in problems if p.startswith(f"{name} at 1280 px: formula")]
        assert known, (f"{name} fits now: remove it from WIDE_FORMULAS_KNOWN "
                       f"({WIDE_FORMULAS_KNOWN[name]})")
        problems = [p for p in problems if p not in known]
    assert not problems, "\n".join(problems)


def test_layout_check_catches_what_does_not_fit(site, browser):
    """Deliberate mistakes on the backward-rule chapter: code that no longer wraps, a table
    that no longer stacks, a display formula made too wide, and a box that hides a too-wide
    line at 400 px. The layout check must report each."""
    base, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/backprop.html", wait_until="load")
    page.evaluate(MATH_REPORT)
    assert layout_problems("backprop.html", layout_at(page, 1280), layout_at(page, 400)) == []
    page.add_style_tag(content="""
        .bd-article pre { white-space: pre !important; overflow-wrap: normal !important; }
        table.stacked, table.stacked tbody { display: table !important; }
        table.stacked tr { display: table-row !important; }
        table.stacked td { display: table-cell !important; }
        mjx-container[display="true"] > mjx-math { padding-right: 2000px !important; }
        .bd-article h1 { overflow: hidden; white-space: nowrap; }""")
    problems = "\n".join(layout_problems("backprop.html", layout_at(page, 1280),
                                         layout_at(page, 400)))
    assert "code blocks scroll sideways" in problems, problems
    assert "at 1280 px: table" in problems and "layer" in problems, problems
    assert "at 1280 px: formula" in problems, problems
    assert "at 400 px: cut off h1" in problems, problems
    page.close()


def test_mathjax_markup_passes_axe(site, browser):
    """axe-core on a page as a reader gets it, typeset (the page tests run it before MathJax):
    the differentials chapter has 240 formulas: inline, displayed, numbered, in tables and in
    theorems (not in links or headings: formulas there, as in the FAQ's headings and their
    table of contents, are checked by axe only as TeX)."""
    base, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/differentials.html", wait_until="load")
    math = page.evaluate(MATH_REPORT)
    assert math["mathjax"] and math["containers"] > 100, math
    violations, _ = axe_violations(page)
    assert_no_serious_violation("differentials.html (typeset)", violations)
    page.close()


def test_contrast_sample_catches_a_low_contrast_class(site, browser):
    """A deliberate mistake: the API page's function names made almost white on white. The
    sampled color-contrast rule must report it (as the unsampled rule would). The page is
    checked as the page tests check it, before MathJax."""
    base, _ = site
    page = held_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/api.html", wait_until="load")
    page.add_style_tag(content=".sig-name, .sig-name * { color: #f4f4f4 !important; }")
    violations, sample = axe_violations(page, only=["color-contrast"])
    contrast = [v for v in violations if v["id"] == "color-contrast"]
    assert contrast and contrast[0]["impact"] == "serious", [v["id"] for v in violations]
    assert any("sig-name" in str(n["target"]) or "sig-name" in n["html"]
               for n in contrast[0]["nodes"]), contrast[0]["nodes"][:3]
    assert sample["sampled"] < sample["texts"] / 10, sample   # a sample, not every element
    page.close()


def test_copy_buttons_and_theme_switch(site, browser):
    base, _ = site
    page = held_page(browser)
    page.goto(f"{base}/notation.html", wait_until="load")
    page.wait_for_selector("button.copybtn", state="attached")
    assert page.locator("button.copybtn").count() >= 3   # one per code cell
    for mode in ("dark", "light"):
        page.locator("button.theme-switch-button").first.click()
        page.locator(f'button.theme-change-button[data-mode="{mode}"]').first.click()
        assert page.evaluate("document.documentElement.dataset.theme") == mode
    page.close()


def test_search_finds_a_term_of_the_book(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/search.html?q=Frobenius", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20000)
    hits = page.locator("#search-results li").all_inner_texts()
    assert any("Frobenius" in h for h in hits), hits
    page.close()


def test_search_finds_the_spellings_readers_type(site, browser):
    """"batchnorm", "layernorm" and "subgradient" (issue 25: they found nothing) lead to the
    questions about them."""
    base, _ = site
    page = browser.new_page()
    for query, where in (("batchnorm", "faq.html"), ("layernorm", "faq.html"),
                         ("subgradient", "faq.html")):
        page.goto(f"{base}/search.html?q={query}", wait_until="load")
        page.wait_for_selector("#search-results li", timeout=20000)
        links = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
        assert any(where in link for link in links), (query, links)
    page.close()


VISIBLE_ROWS = """() => Array.from(document.querySelectorAll('table tbody tr'))
    .filter(r => r.offsetParent !== null).map(r => r.innerText)"""


def test_catalogue_filter_by_number_and_expression(site, browser):
    """(The filter reads the rows' data attributes, which MathJax does not touch: it is held
    back, as it is for the dropdown and the download link.)"""
    base, _ = site
    page = held_page(browser)
    page.goto(f"{base}/catalogue.html", wait_until="load")
    total = page.locator("table tbody tr").count()
    assert total >= 80 and len(page.evaluate(VISIBLE_ROWS)) == total
    box = page.locator("#catalogue-filter")
    box.fill("101")
    visible = page.evaluate(VISIBLE_ROWS)
    assert len(visible) == 1 and "tr(AXB)" in visible[0]
    box.fill("log det")
    names = page.evaluate(VISIBLE_ROWS)
    assert 3 <= len(names) < total and all("log" in n.lower() for n in names)
    assert f"of {total} entries" in page.locator("#catalogue-count").inner_text()
    box.fill("")
    assert len(page.evaluate(VISIBLE_ROWS)) == total
    page.close()


def test_cross_reference_leads_to_the_theorem(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/differentials.html", wait_until="load")
    link = page.locator('a[href="frobenius.html#thm-frob-move"]').first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("frobenius.html#thm-frob-move")
    target = page.locator("#thm-frob-move")
    assert target.count() == 1 and "Moving factors" in target.inner_text()
    assert target.evaluate("e => { const r = e.getBoundingClientRect(); "
                           "return r.top >= -5 && r.top < window.innerHeight; }")
    page.close()


def test_solution_dropdown_opens(site, browser):
    base, _ = site
    page = held_page(browser)
    page.goto(f"{base}/frobenius.html", wait_until="load")
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section p").first
    page.wait_for_selector("div.solution.dropdown .toggle-button", state="attached")
    assert not body.is_visible(), "the solution should start hidden"
    solution.locator(".admonition-title").first.click()
    page.wait_for_timeout(500)
    assert body.is_visible(), "clicking the title should open the solution"
    page.close()


def test_notebook_download_is_a_valid_notebook(site, browser):
    """The link at the top of the chapter and the header's download menu both offer the
    chapter's notebook, and the page says what the notebook needs: the matcalc wheel beside
    it (linked), Python and pip."""
    import nbformat

    base, _ = site
    page = held_page(browser)
    page.goto(f"{base}/chainrule.html", wait_until="load")
    links = page.locator("p.notebook-download a")
    href, wheel = links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")
    assert "Python 3.11" in page.locator("p.notebook-download").inner_text()
    assert wheel.endswith("_notebooks/matcalc-0.1.0-py3-none-any.whl"), wheel
    assert page.request.get(f"{base}/{wheel}").body()[:2] == b"PK"  # the wheel, a zip file
    menu = page.locator(".dropdown-download-buttons a").evaluate_all("els => els.map(e => e.href)")
    assert any(link.endswith("_notebooks/chainrule.ipynb") for link in menu), menu
    response = page.request.get(f"{base}/{href}")
    assert response.ok
    nb = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(nb)
    assert any("matcalc" in c.source for c in nb.cells if c.cell_type == "code")
    assert json.loads(response.text())["metadata"]["kernelspec"]["name"] == "python3"
    page.close()


def test_screenshots_of_the_chain_rule_chapter(site, browser):
    """Typeset, at 1200 px and at 400 px (one load: the page is laid out again at 400)."""
    base, _ = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    page.goto(f"{base}/chainrule.html", wait_until="load")
    assert page.evaluate(MATH_REPORT)["count"] > 100
    for width in (1200, 400):
        page.set_viewport_size({"width": width, "height": 1600})
        page.wait_for_timeout(200)
        path = ARTIFACTS / f"chainrule-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 50_000
    page.close()
