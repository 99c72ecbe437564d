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


NUMBERED = ["notation", "checking", "frobenius", "differentials", "chainrule", "examples",
            "second_order", "backprop", "decompositions", "implicit", "constraints", "derive",
            "catalogue"]


def test_every_numbered_chapter_has_graded_exercises_with_solutions_and_a_summary():
    """Each numbered chapter (the book's index lists them under "Chapters") ends with
    exercises at levels 1, 2 and 3, among them a proof and a project, each with a solution
    that runs code, and a closing "What you can now do"."""
    import re

    from conftest import BOOK

    index = (BOOK / "index.md").read_text()
    listed = re.search(r":caption: Chapters\n(?::[^\n]*\n)*\n(.*?)```", index, re.S).group(1)
    assert listed.split() == NUMBERED
    for name in NUMBERED:
        text = (BOOK / f"{name}.md").read_text()
        titles = re.findall(r"```\{exercise\} (.*)\n:label: (\S+)", text)
        levels = {level for title, _ in titles for level in re.findall(r"\(level (\d)", title)}
        assert levels == {"1", "2", "3"}, (name, levels)
        assert any("proof" in t for t, _ in titles) and any("project" in t for t, _ in titles), name
        for _, label in titles:
            solution = text.split(f"```{{solution-start}} {label}", 1)[1].split("```{solution-end}")[0]
            assert "```{code-cell}" in solution, (name, label, "a solution without a check")
        assert "\n## What you can now do\n" in text, name
