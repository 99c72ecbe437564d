"""Execute every chapter fresh (no cache), as the notebook a reader downloads, failing with
the chapter and cell named."""

import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from chapters import BOOK, chapters, run_chapter


def test_there_are_chapters():
    assert [p.stem for p in chapters()] == ["howto", "notation", "checking", "frobenius",
                                            "differentials", "chainrule", "examples",
                                            "second_order", "catalogue"]


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executes(path):
    nb = run_chapter.notebook(path)   # the same function writes the downloadable .ipynb
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(BOOK)}})
    code_cells = 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_cells += 1
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                pytest.fail(f"chapter {path.name}: code cell {code_cells} (starting "
                            f"{first!r}) failed:\n{err}", pytrace=False)
    assert code_cells > 0
