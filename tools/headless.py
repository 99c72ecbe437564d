"""Debian's Chromium, headless, and the built site served on 127.0.0.1: written once for
the browser tests (tests/browsing.py) and the benchmark of the derivation box
(benchmarks/bench_derive_box.py). The flags keep the browser from reaching anything but
the local server.

>>> import urllib.request, tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as site:
...     _ = (pathlib.Path(site) / "index.html").write_text("<p>offline</p>")
...     with served(site) as url:
...         print(urllib.request.urlopen(f"{url}/index.html").read().decode())
<p>offline</p>
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "FLAGS", "served"]

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, and the network off but for this machine: no host name resolves, and every
#: request that is not to the loopback address (which Chromium never proxies) goes to a
#: proxy on a port where nothing listens, so it fails.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--proxy-server=http://127.0.0.1:9"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def served(directory: str | Path) -> Iterator[str]:
    """The files of ``directory`` on http://127.0.0.1:<a free port>; yields that URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
