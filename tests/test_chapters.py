"""Execute every chapter fresh (no cache), as the notebook a reader downloads and as
`make run` runs it, failing with the chapter and cell named."""

import io

import pytest

from chapters import chapters, run_chapter


def test_there_are_chapters():
    assert [p.stem for p in chapters()] == ["howto", "notation", "checking", "frobenius",
                                            "differentials", "chainrule", "examples",
                                            "second_order", "derive", "catalogue"]


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executes(path):
    out = io.StringIO()
    status = run_chapter.run(path, out=out)   # the generated notebook, in a fresh kernel
    text = out.getvalue()
    if status != 0:
        pytest.fail(text[text.find("FAILED"):][-4000:], pytrace=False)
    assert "code cells ran" in text
