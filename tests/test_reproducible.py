"""Two clean builds produce byte-identical pages.

Every HTML page and every generated notebook is compared, except the chain-rule chapter,
which prints and plots wall-clock times measured during the build (they are supposed to
change); the rest of its content is the same code with fixed seeds.
"""

from conftest import ROOT, build_book

MEASURED = {"chainrule.html", "chainrule.ipynb"}  # wall-clock timings, by design


def test_two_clean_builds_are_identical(built, tmp_path):
    proc1, first = built
    assert proc1.returncode == 0
    proc2, second = build_book(ROOT / "book", tmp_path)
    assert proc2.returncode == 0, proc2.stderr[-3000:]
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*")
                   if p.suffix in (".html", ".ipynb") and p.name not in MEASURED)
    assert len(names) >= 12
    different = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert not different, f"pages that differ between two clean builds: {different}"
    images = sorted(p.name for p in (first / "_images").iterdir())
    assert images, "the book has figures"
    stable = [n for n in images if (second / "_images" / n).exists()]
    # all figures but the measured-cost one keep their (content-hashed) names
    assert len(images) - len(stable) <= 1, sorted(set(images) - set(stable))
