"""The book's chapters (MyST notebooks) and a way to run one outside Sphinx."""

from pathlib import Path

BOOK = Path(__file__).resolve().parents[1] / "book"


def chapters():
    """Chapter files: the .md pages of book/ that declare a Jupyter kernel."""
    return sorted(p for p in BOOK.glob("*.md") if "kernelspec:" in p.read_text()[:500])


def read_chapter(path):
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(Path(path).read_text(), path=str(path))
