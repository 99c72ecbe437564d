"""Run one chapter's code cells outside Sphinx, in order, in a fresh kernel, and print
their outputs:  python tools/run_chapter.py <chapter name or path>  (see `make run`)."""

import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parents[1] / "book"


def is_chapter(path):
    """A chapter is a MyST page that declares a Jupyter kernel."""
    path = Path(path)
    return path.suffix == ".md" and path.is_file() and "kernelspec:" in path.read_text()[:500]


def pages():
    """Every page of the book's toctrees, in book order (the index's toctrees)."""
    index = (BOOK / "index.md").read_text()
    order = []
    for block in re.findall(r"```\{toctree\}(.*?)```", index, flags=re.S):
        order += [line.strip() for line in block.splitlines()
                  if line.strip() and not line.strip().startswith(":")]
    return [BOOK / f"{name}.md" for name in order]


def chapters():
    """Chapter files (pages with code) in book order."""
    return [p for p in pages() if is_chapter(p)]


def resolve(name):
    """A chapter from its name ("differentials"), file name or path; else SystemExit."""
    known = chapters()
    candidate = Path(name)
    for path in known:
        if name in (path.stem, path.name) or (candidate.exists()
                                                and candidate.resolve() == path.resolve()):
            return path
    listing = "\n".join(f"  {p.stem}" for p in known)
    raise SystemExit(f"unknown chapter {name!r}; the chapters are:\n{listing}")


def notebook(path):
    """The chapter as a Jupyter notebook (nbformat), from the same MyST source the book is
    built from: markdown cells and code cells in order, with the kernel spec.

    The book's build writes these as the downloadable ``.ipynb`` files, and the tests
    execute them."""
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(Path(path).read_text(), path=str(path))
    nb.metadata.pop("jupytext", None)
    nb.metadata["language_info"] = {"name": "python"}
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"   # nbformat's default ids are random: builds must repeat
    return nb


def _text(output):
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("text", "")
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        # Markdown (tables with math) is for notebooks; the terminal gets plain text.
        if "text/markdown" in data:
            from matcalc.plaintext import plain  # here: the book's build imports this module

            return plain(data["text/markdown"]) + "\n"
        if "text/plain" in data:
            return data["text/plain"] + "\n"
        return f"[{', '.join(sorted(data))}]\n"
    if kind == "error":
        return "\n".join(output.get("traceback", [])) + "\n"
    return ""


def run(path, out=sys.stdout):
    """Execute the chapter's code cells in order; returns 0, or 1 if a cell failed."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = notebook(path)
    # The kernel's start-up warning about unencrypted local TCP says nothing about the
    # chapter: log errors only (a crashing kernel still reports).
    client = NotebookClient(nb, timeout=600, startup_timeout=600, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(BOOK)}})
    number = 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            number += 1
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            print(f"--- {path.stem}: cell {number}: {first}", file=out)
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                print(f"FAILED: chapter {path.name}, code cell {number}:\n{err}", file=out)
                return 1
            for output in cell.get("outputs", []):
                print(_text(output), end="", file=out)
    print(f"--- {path.stem}: {number} code cells ran", file=out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        names = " ".join(p.stem for p in chapters())
        raise SystemExit(f"usage: make run CHAPTER=<name>  (one of: {names})")
    sys.exit(run(resolve(sys.argv[1])))
