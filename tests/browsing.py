"""Debian's Chromium for the browser tests (test_browser.py, test_derive_box.py): the
built site served on 127.0.0.1 and the flags (tools/headless.py, shared with the
benchmarks), and a headless browser that reaches nothing else, or a failure that says how
to install it."""

from contextlib import contextmanager

import pytest

from headless import CHROMIUM, FLAGS, served  # tools/headless.py

__all__ = ["CHROMIUM", "FLAGS", "served", "launched"]


@contextmanager
def launched():
    """Headless Chromium through playwright; the test fails, saying how to install it,
    when Debian's chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run 'make system' (or apt-get install "
                    "chromium) and try again", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
