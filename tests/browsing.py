"""Debian's Chromium for the browser tests (test_browser.py, test_derive_box.py): the
built site served on 127.0.0.1, and a headless browser that reaches nothing else."""

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def served(directory):
    """The files of ``directory`` on http://127.0.0.1:<a free port>; yields that URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


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
