"""Pyodide and the pure-Python wheels the in-browser derivation box runs on, vendored.

The book's derivation box (book/_static/derive-box.js) runs ``matcalc.derive`` in the
reader's browser, in Pyodide (CPython compiled to WebAssembly), with no server of ours and
no network. This module fetches, once, with the ordinary clients, the pinned files into a
cache outside the build (``<repo>/.cache/pyodide-<version>/``, kept by ``make clean``):

* from the npm registry, ``npm pack pyodide@<version>`` (the tarball's SHA-256 is pinned),
  of which the runtime files listed in :data:`RUNTIME` are kept (each SHA-256 pinned);
* from PyPI, ``pip download --no-deps`` of SymPy and mpmath (:data:`WHEELS`, pinned).

:func:`ensure` fetches what is missing and checks every file against its pin (a file that
does not match is fetched again; a fetch that does not match fails loudly, naming the
file). :func:`copy_into` puts them in the built site (about 20 MB). numpy is not among them:
no WebAssembly numpy wheel is published on PyPI, so the box runs the engine's numpy-free path.

>>> sorted(RUNTIME)[:2]
['pyodide-lock.json', 'pyodide.asm.mjs']
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = "314.0.8"
TARBALL_SHA256 = "9a52704e0ae5b07aaacb8e4fed9f1658e8024694a078695ea45ac79dee4cefcb"
#: The files of the npm package the browser needs, with their SHA-256.
RUNTIME = {
    "pyodide.mjs": "1bb8cc14f9405aaa7cd4e00c12edd0a8539de9cc026618d6ee5a9663f367dc70",
    "pyodide.asm.mjs": "22514b8be6980e28a02c8b1d6387ce8dfe666fc4edf8d547cff5dce29ff4d972",
    "pyodide.asm.wasm": "e14d49ceca9b4a0e274ea918f3a898de2d3880b6e5573a6cfe1a2267ecc70329",
    "python_stdlib.zip": "2bd3394a145bfbbe5bbc9d9d6ab9136abbb986c6fef6c142b3a2962227aa5c28",
    "pyodide-lock.json": "5dc2fc119108bc148c7457dc86e7675b5c87e1cafd420b9c34c1eaef7b36c010",
}
#: The wheels from PyPI, with their SHA-256 (SymPy's version is the one requirements.txt pins).
WHEELS = {
    "sympy-1.14.0-py3-none-any.whl":
        "e091cc3e99d2141a0ba2847328f5479b05d94a6635cb96148ccb3f34671bd8f5",
    "mpmath-1.3.0-py3-none-any.whl":
        "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c",
}


def cache_dir() -> Path:
    """Where the vendored files are kept: ``<repo>/.cache/pyodide-<version>``.

    >>> cache_dir().name
    'pyodide-314.0.8'
    """
    return ROOT / ".cache" / f"pyodide-{VERSION}"


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex.

    >>> len(sha256(Path(__file__)))
    64
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def missing(directory: Path) -> list[str]:
    """The pinned files absent from ``directory`` or not matching their SHA-256.

    >>> missing(Path("/nonexistent"))[:1]
    ['pyodide.mjs']
    """
    return [name for name, want in {**RUNTIME, **WHEELS}.items()
            if not (directory / name).is_file() or sha256(directory / name) != want]


def _fetch_runtime(directory: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"pyodide@{VERSION}", "--silent"], cwd=tmp,
                       check=True, capture_output=True)
        tarball = Path(tmp) / f"pyodide-{VERSION}.tgz"
        if sha256(tarball) != TARBALL_SHA256:
            raise RuntimeError(f"npm pack pyodide@{VERSION}: the tarball's SHA-256 is "
                               f"{sha256(tarball)}, not the pinned {TARBALL_SHA256}")
        with tarfile.open(tarball) as archive:
            for name in RUNTIME:
                source = archive.extractfile(f"package/{name}")
                if source is None:
                    raise RuntimeError(f"pyodide@{VERSION} has no file {name}")
                (directory / name).write_bytes(source.read())


def _fetch_wheels(directory: Path) -> None:
    specs = [name.split("-")[0] + "==" + name.split("-")[1] for name in WHEELS]
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "--only-binary", ":all:", "-d",
                    str(directory), *specs], check=True, capture_output=True)


def ensure(directory: Path | None = None) -> Path:
    """The cache directory with every pinned file present and matching its SHA-256,
    fetching what is missing (npm and pip, from the registries). Raises RuntimeError naming
    the file whose fetched content does not match its pin, or the command that failed.

    >>> ensure().is_dir()  # doctest: +SKIP
    True
    """
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    todo = missing(directory)
    if any(name in RUNTIME for name in todo):
        try:
            _fetch_runtime(directory)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise RuntimeError(f"could not fetch pyodide@{VERSION} with npm (needed once, "
                               f"then cached in {directory}): {exc}") from exc
    if any(name in WHEELS for name in todo):
        try:
            _fetch_wheels(directory)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise RuntimeError(f"could not fetch {sorted(WHEELS)} with pip (needed once, "
                               f"then cached in {directory}): {exc}") from exc
    still = missing(directory)
    if still:
        raise RuntimeError(f"after fetching, these files do not match their pinned SHA-256: "
                           f"{still} (in {directory})")
    return directory


def copy_into(destination: Path, directory: Path | None = None) -> list[str]:
    """Copy the vendored files into ``destination`` (created), skipping files already there
    with the same size and time; returns the names copied.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     len(copy_into(Path(d) / "pyodide"))
    7
    """
    directory = directory or cache_dir()
    destination.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in {**RUNTIME, **WHEELS}:
        source, target = directory / name, destination / name
        if target.is_file() and target.stat().st_size == source.stat().st_size \
                and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        shutil.copy2(source, target)
        copied.append(name)
    return copied


if __name__ == "__main__":
    print(ensure())
