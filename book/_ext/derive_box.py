"""The derivation box's runtime in the built site: Pyodide, SymPy, mpmath and matcalc.

On ``builder-inited`` (HTML only) the pinned Pyodide runtime and wheels are made present in
the cache outside the build (tools/pyodide_vendor.py: fetched once with npm and pip, then
reused, so a rebuild is offline). On ``build-finished`` they are copied into
``_static/pyodide/`` with a ``manifest.json`` listing the wheels the worker installs: SymPy,
mpmath, and the matcalc wheel the build writes beside the notebooks (``_notebooks/``).
``book/_static/derive-box.js`` and ``derive-worker.mjs`` do the rest in the reader's browser.
"""

import json
from pathlib import Path

import pyodide_vendor  # tools/, on sys.path (conf.py)

PRIORITY = 900  # after matcalc_book's build-finished, which writes the matcalc wheel


def _vendor(app):
    if app.builder.format == "html":
        pyodide_vendor.ensure()


def _install(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    target = outdir / "_static" / "pyodide"
    pyodide_vendor.copy_into(target, pyodide_vendor.ensure())
    wheels = sorted((outdir / "_notebooks").glob("matcalc-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"the derivation box needs exactly one matcalc wheel in "
                           f"{outdir / '_notebooks'}, found {[w.name for w in wheels]}")
    manifest = {"pyodide": pyodide_vendor.VERSION,
                "wheels": sorted(pyodide_vendor.WHEELS) + [f"../../_notebooks/{wheels[0].name}"]}
    text = json.dumps(manifest, indent=1)
    path = target / "manifest.json"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def setup(app):
    app.add_js_file("derive-box.js")
    app.connect("builder-inited", _vendor)
    app.connect("build-finished", _install, priority=PRIORITY)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
