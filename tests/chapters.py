"""The book's chapters (MyST notebooks) and a way to run one outside Sphinx."""

from pathlib import Path

BOOK = Path(__file__).resolve().parents[1] / "book"


def chapters():
    """Chapter files in book order (the index's toctrees): pages that declare a kernel."""
    import re

    index = (BOOK / "index.md").read_text()
    order = []
    for block in re.findall(r"```\{toctree\}(.*?)```", index, flags=re.S):
        order += [line.strip() for line in block.splitlines()
                  if line.strip() and not line.strip().startswith(":")]
    pages = [BOOK / f"{name}.md" for name in order]
    return [p for p in pages if p.is_file() and "kernelspec:" in p.read_text()[:500]]


def read_chapter(path):
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(Path(path).read_text(), path=str(path))
