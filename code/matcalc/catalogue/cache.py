"""A cache of verification results, so that the catalogue page and the tests do not each
re-prove the unchanged entries (the cost: ``benchmarks/README.md``).

:func:`verify_all` checks catalogue entries and stores the digest of each report
(:func:`matcalc.claimchecks.digest`: passed, verdict, error, exact status, whether the
condition is needed, how it was checked) in a JSON file
named after :func:`source_hash`: a hash of every ``.py`` file of :mod:`matcalc` (paths and
contents) and of the Python, numpy and sympy versions. Any change to the package's code
gives a new file, so a stored result is never older than the code that produced it; files of
other hashes are deleted when a new one is written.

Where the files go (:func:`cache_dir`):

* the environment variable ``MATCALC_VERIFY_CACHE``: a directory, or ``off`` (also ``0``,
  ``none`` or empty) for no cache;
* otherwise, when :mod:`matcalc` runs from a source checkout (``<repo>/code/matcalc``),
  ``<repo>/_build/.verify-cache`` — one place whatever the working directory (the book's
  cells run in ``book/``, the tests in the repository root); ``make clean`` removes it;
* otherwise (an installed wheel) no cache: every call checks live.

Results are also kept in memory for the rest of the process (with or without a directory).
Only the catalogue's own entries are cached; any other entry (a corrupted copy, an entry
built in a notebook) is always checked live.

>>> from matcalc.catalogue import find
>>> digest = verify_all(find("101"), cache=False)["tr(AXB)"]
>>> digest["passed"], digest["exact"]
(True, 'proved')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.platform != "win32":
    import fcntl  # POSIX: concurrent processes (test workers, notebooks) verify once
# On Windows each process may verify on its own.

if TYPE_CHECKING:
    from ..claim import Claim
    from ..claimchecks import Digest

__all__ = ["ENVIRONMENT_VARIABLE", "cache_dir", "forget", "source_hash", "verify_all"]

ENVIRONMENT_VARIABLE = "MATCALC_VERIFY_CACHE"
PACKAGE = Path(__file__).resolve().parents[1]  # code/matcalc
_MEMORY: dict[tuple[str, str], Digest] = {}  # (source hash, entry name) -> digest


def source_hash() -> str:
    """A hash of the source of :mod:`matcalc` and of the versions that decide its results:
    16 hexadecimal digits of the SHA-256 of every ``.py`` file's path and contents and of the
    Python, numpy and sympy versions.

    >>> len(source_hash())
    16
    """
    import numpy
    import sympy

    digest = hashlib.sha256()
    digest.update(f"{platform.python_version()} {numpy.__version__} "
                  f"{sympy.__version__}".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_dir() -> Path | None:
    """The directory of the verification cache, or None for no cache (see the module
    docstring).

    >>> where = cache_dir()
    >>> where is None or where.name == ".verify-cache" or ENVIRONMENT_VARIABLE in os.environ
    True
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    if value is not None:
        off = value.strip().lower() in ("", "0", "off", "none")
        return None if off else Path(value)
    root = PACKAGE.parents[1]
    if (root / "code" / "matcalc" / "__init__.py").is_file():
        return root / "_build" / ".verify-cache"
    return None


def forget() -> None:
    """Drop the results kept in memory (the files stay), so that the next
    :func:`verify_all` reads the cache directory again.

    >>> forget()
    """
    _MEMORY.clear()


def _load(path: Path | None) -> dict[str, Any]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # a damaged file is recomputed
    return data if isinstance(data, dict) else {}


def _save(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        json.dump(data, out, indent=1, sort_keys=True)
    os.replace(tmp, path)  # atomic: a concurrent reader sees the old or the new file
    for old in path.parent.glob("*.json"):
        if old != path:
            old.unlink(missing_ok=True)


@contextlib.contextmanager
def _exclusive(directory: Path | None) -> Iterator[None]:
    """Hold the cache directory's lock: a second process waits, then finds the results."""
    if directory is None or sys.platform == "win32":
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def verify_all(selection: Iterable[Claim] | None = None, *,
               cache: bool = True) -> dict[str, Digest]:
    """Check the catalogue entries ``selection`` (default: all of them) and return
    ``{name: digest}`` in the same order (each a dict, see
    :func:`~matcalc.claimchecks.digest`), taking results from the cache where it has them
    and storing new ones (``cache=False``: check everything live, store nothing). Only the
    catalogue's own entries are cached; others are checked live. Raises ValueError as
    :func:`~matcalc.claimchecks.check_claim` for an entry that cannot be evaluated.

    >>> from matcalc.catalogue import find
    >>> [d["passed"] for d in verify_all(find("108"), cache=False).values()]
    [True]
    """
    from . import entries

    chosen = entries() if selection is None else list(selection)
    catalogue = set(map(id, entries()))
    key = source_hash()
    directory = cache_dir() if cache else None
    path = None if directory is None else directory / f"{key}.json"
    with _exclusive(directory):
        return _verify(chosen, catalogue, key, path, cache)


def _verify(chosen: list[Claim], catalogue: set[int], key: str, path: Path | None,
            cache: bool) -> dict[str, Digest]:
    from ..claimchecks import digest

    stored = _load(path)
    results: dict[str, Digest] = {}
    new = False
    for entry in chosen:
        cacheable = id(entry) in catalogue
        summary = _MEMORY.get((key, entry.name)) if cache and cacheable else None
        if summary is None and cacheable and isinstance(stored.get(entry.name), dict):
            summary = stored[entry.name]
        if summary is None:
            summary = digest(entry.check())
            if cacheable:
                stored[entry.name], new = summary, True
        if cache and cacheable:
            _MEMORY[key, entry.name] = summary
        results[entry.name] = summary
    if new and path is not None:
        _save(path, stored)
    return results
