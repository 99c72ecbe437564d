"""What the chapters print says what was checked: no bare booleans, no raw LaTeX or MyST.

Reads the outputs of the build's own execution (the downloadable notebooks carry them)."""

import json
import re

import pytest

# A line of nothing but booleans (and perhaps numbers beside them): "True", "True False",
# "True 32". A table row of numbers alone is fine (it has a header).
BARE = re.compile(r"^(?=.*\b(?:True|False)\b)\s*(?:(?:True|False|\d+(?:\.\d+)?)[\s,]*)+$")
RAW_LATEX = re.compile(r"\\(?:d|T|frob|had|kron|tr|grad|fnorm|mathbf|bigl|bigr|operatorname)"
                       r"(?![A-Za-z])|\{prf:|\{ref\}`|\{eq\}`|\$[^$\n]+\$")


def printed_lines(notebook):
    for k, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            text = output.get("text") if output.get("output_type") == "stream" else \
                output.get("data", {}).get("text/plain")
            if output.get("output_type") == "stream" or "text/markdown" not in output.get("data", {}):
                for line in "".join(text or "").splitlines():
                    yield k, line


def test_the_detectors_catch_what_they_look_for():
    assert BARE.match("True False False") and BARE.match("True 32") and BARE.match("True")
    assert not BARE.match("passed: True, relative error 1e-12")
    assert not BARE.match("  8       0.03      0.042           0.0043      10")
    assert RAW_LATEX.search(r"(WX - Y) : (\d W\, X)") and RAW_LATEX.search("see {prf:ref}`x`")
    assert not RAW_LATEX.search("(WX - Y)Xᵀ : dW, relative error 1.2e-16 <= 1e-08")


@pytest.fixture(scope="module")
def notebooks(built):
    proc, out = built
    assert proc.returncode == 0
    found = {p.stem: json.loads(p.read_text()) for p in sorted((out / "_notebooks").glob("*.ipynb"))}
    assert len(found) >= 10
    return found


def test_no_output_is_a_bare_boolean(notebooks):
    bare = [f"{name}, cell {k}: {line!r}" for name, nb in notebooks.items()
            for k, line in printed_lines(nb) if BARE.match(line)]
    assert bare == [], "\n".join(bare)


def test_no_printed_output_shows_raw_latex_or_myst(notebooks):
    raw = [f"{name}, cell {k}: {line[:120]!r}" for name, nb in notebooks.items()
           for k, line in printed_lines(nb) if RAW_LATEX.search(line)]
    assert raw == [], "\n".join(raw)
