"""The derivation box in headless Chromium: the cold start (page opened, first answer) and a
warm derivation, for the opening least-squares loss and a covariance in an SPD variable.

Run after `make html`: ``.venv/bin/python benchmarks/bench_derive_box.py [runs]``. Serves
_build/html on 127.0.0.1 and prints a Markdown table (copied into benchmarks/README.md).
"""

import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from headless import CHROMIUM, FLAGS, served  # noqa: E402  (tools/headless.py)

CASES = [("fro(W @ X - Y)**2 / 2", "W=m,n X=n,k Y=m,k", "W"),
         ("logdet(S) + x.T @ inv(S) @ x", "S=n,n:spd x=n", "S")]
DONE = ("document.querySelector('#derive-output').dataset.state && !['running', 'idle']"
        ".includes(document.querySelector('#derive-output').dataset.state)")


def derive(tab, case):
    expression, shapes, wrt = case
    tab.fill("#derive-expression", expression)
    tab.fill("#derive-shapes", shapes)
    tab.fill("#derive-wrt", wrt)
    tab.click("#derive-run")
    tab.wait_for_function(DONE, timeout=300_000)
    return tab.locator("#derive-output").get_attribute("data-state")


def one_run(browser, url):
    tab = browser.new_page()
    start = time.perf_counter()
    tab.goto(f"{url}/derive.html")
    states, times = [], []
    for case in CASES + CASES:  # the first is cold, the others warm
        t0 = time.perf_counter()
        states.append(derive(tab, case))
        times.append(time.perf_counter() - t0)
    cold = time.perf_counter() - start - sum(times[1:])
    tab.close()
    return cold, times[1:], states


def main(runs=3):
    colds, warm_ls, warm_cov = [], [], []
    with served(ROOT / "_build" / "html") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        for _ in range(runs):
            cold, warm, states = one_run(browser, url)
            assert set(states) == {"checked"}, states
            colds.append(cold)
            warm_ls.append(warm[1])       # the least-squares loss, warm
            warm_cov += [warm[0], warm[2]]  # the covariance, warm
        browser.close()
    print(f"| measure ({runs} runs, headless Chromium, this machine) | median | max |")
    print("|---|---|---|")
    for label, xs in (("page opened to the first answer (least squares, cold)", colds),
                      ("least squares, warm", warm_ls), ("SPD covariance, warm", warm_cov)):
        print(f"| {label} | {statistics.median(xs):.1f} s | {max(xs):.1f} s |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
