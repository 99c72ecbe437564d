"""The book's chapters, in book order.

Executing every chapter fresh (no cache), as the notebook a reader downloads, is done by
tests/test_notebooks_standalone.py: it runs each downloadable notebook in a new environment
with only the scientific stack and the shipped matcalc wheel, failing with the chapter and
cell named. It replaced the execution in this repository's venv that was here (the same
cells, run twice, would not fit the test budget); `make run` keeps its own test in
tests/test_run_chapter.py.
"""

from chapters import chapters


def test_there_are_chapters():
    assert [p.stem for p in chapters()] == ["howto", "notation", "checking", "frobenius",
                                            "differentials", "chainrule", "examples",
                                            "second_order", "backprop", "decompositions",
                                            "implicit", "constraints", "derive", "catalogue", "faq",
                                            "checker_internals"]
