"""Structure of the "Questions readers ask" page (book/faq.md).

The page itself is executed by test_chapters.py like every chapter; these tests check what
execution cannot: that there are enough questions, that each names where it was asked and
points into the book, that every answer stating a formula has a check beside it, and that
the terms it links are in the glossary. Each rule is also shown rejecting a broken block.
"""

import re

import pytest

from conftest import BOOK

FAQ = BOOK / "faq.md"
LABEL = re.compile(r"^\((faq-[a-z0-9-]+)\)=\n### (.+)$", re.M)
SOURCE = re.compile(r"^Asked\b.*?\]\((https?://[^)\s]+)\)", re.M | re.S)
BOOK_REF = re.compile(r"\{(?:ref|prf:ref)\}`(?:[^`<]*<)?([A-Za-z0-9_:-]+)>?`")
CODE_CELL = re.compile(r"```\{code-cell\} ipython3\n(.*?)```", re.S)
# A formula: display math, or inline math holding a relation or a derivative.
FORMULA = re.compile(r"\$\$|\$[^$\n]*(=|\\grad|\\d\b|\\partial)[^$\n]*\$")
PRINTS = re.compile(r"\b(?:report|report_close|print)\(")
TERM = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+)>?`")

# Topics the page must cover (issue 14), by anchor.
REQUIRED = ["faq-gradient-or-jacobian", "faq-generalized-jacobian", "faq-trace-of-derivative",
            "faq-symmetric-gradient", "faq-trace-axb", "faq-inverse", "faq-determinant",
            "faq-logdet-symmetric", "faq-hessian-definition", "faq-gradcheck-tolerance",
            "faq-gradcheck-float32", "faq-linear-layer-batch-first", "faq-chain-fourth-order",
            "faq-xtx", "faq-softmax-ce", "faq-vec-kron",
            # issue 25: questions the page did not answer
            "faq-logdet-inverse", "faq-trace-inverse-kron", "faq-gradcheck-one-point",
            "faq-layer-norm", "faq-batch-norm", "faq-attention", "faq-softmax-batch",
            "faq-cholesky-gp", "faq-repeated-singular-values", "faq-nuclear-norm"]


def questions(text):
    """``[(label, title, block)]``: each question's text up to the next question or section."""
    marks = list(LABEL.finditer(text))
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        section = text.find("\n## ", m.end(), end)
        out.append((m.group(1), m.group(2), text[m.start():section if section != -1 else end]))
    return out


def book_labels():
    labels = set()
    for page in BOOK.glob("*.md"):
        text = page.read_text()
        labels |= set(re.findall(r"^\(([A-Za-z0-9_:-]+)\)=$", text, re.M))
        labels |= set(re.findall(r"^:label: ([A-Za-z0-9_:-]+)$", text, re.M))
    return labels


def problems(label, block, labels):
    """What is wrong with one question block (an empty list when nothing is)."""
    found = []
    if not SOURCE.search(block):
        found.append("no 'Asked ...' line with a link to where the question was asked")
    targets = [t for t in BOOK_REF.findall(block) if not t.startswith("faq-")]
    if not targets:
        found.append("no reference into the book's chapters")
    found += [f"reference to unknown label {t!r}" for t in targets if t not in labels]
    answer = CODE_CELL.sub("", block)
    cells = CODE_CELL.findall(block)
    if FORMULA.search(answer) and not cells:
        found.append("the answer states a formula but has no code cell checking it")
    found += [f"a code cell prints nothing: {c.splitlines()[0]!r}" for c in cells
              if not PRINTS.search(c)]
    return [f"{label}: {p}" for p in found]


@pytest.fixture(scope="module")
def faq_text():
    return FAQ.read_text()


def test_page_is_a_chapter_in_the_back_matter():
    index = (BOOK / "index.md").read_text()
    back = re.search(r":caption: Back matter\n(.*?)```", index, re.S).group(1).split()
    assert "faq" in back and back.index("faq") < back.index("api")


def test_at_least_30_questions_with_distinct_sources(faq_text):
    qs = questions(faq_text)
    assert len(qs) >= 30, f"only {len(qs)} questions"
    sources = {SOURCE.search(block).group(1) for _, _, block in qs if SOURCE.search(block)}
    assert len(sources) >= 30, f"only {len(sources)} distinct source links"


def test_labels_are_unique_and_cover_the_required_topics(faq_text):
    labels = [label for label, _, _ in questions(faq_text)]
    assert len(labels) == len(set(labels)), "duplicate question labels"
    missing = [r for r in REQUIRED if r not in labels]
    assert not missing, f"required topics without a question: {missing}"


def test_sources_include_stack_exchange_and_issue_trackers(faq_text):
    lines = [SOURCE.search(block).group(0) for _, _, block in questions(faq_text)]
    assert sum("Mathematics Stack Exchange" in line for line in lines) >= 10
    assert sum("Cross Validated" in line for line in lines) >= 2
    assert sum("github.com" in line and "issue" in line for line in lines) >= 8


def test_every_question_has_a_source_a_book_link_and_a_check(faq_text):
    labels = book_labels()
    found = [p for label, _, block in questions(faq_text) for p in problems(label, block, labels)]
    assert not found, "\n".join(found)


def test_every_term_is_in_the_glossary(faq_text):
    notation = (BOOK / "notation.md").read_text()
    glossary = notation[notation.index("```{glossary}"):]
    defined = {line.strip().lower() for line in glossary.splitlines()
               if line and not line.startswith((" ", "`"))}
    used = {t.strip().lower() for t in TERM.findall(faq_text)}
    assert used, "the page links no glossary terms"
    assert used <= defined, f"terms used but not in the glossary: {sorted(used - defined)}"


BROKEN = {
    "no source": "(faq-x)=\n### Q?\n\nThe gradient is $G = A$ ({prf:ref}`def-conventions`).\n\n"
                 "```{code-cell} ipython3\nreport('x', r)\n```\n",
    "no book link": "(faq-x)=\n### Q?\n\nAsked at [X](https://example.org/q).\n\nIt is "
                    "$G = A$.\n\n```{code-cell} ipython3\nreport('x', r)\n```\n",
    "unknown label": "(faq-x)=\n### Q?\n\nAsked at [X](https://example.org/q).\n\nIt is "
                     "$G = A$ ({prf:ref}`thm-nowhere`).\n\n```{code-cell} ipython3\nreport('x', r)\n```\n",
    "formula without check": "(faq-x)=\n### Q?\n\nAsked at [X](https://example.org/q).\n\n"
                             "It is $\\grad f = A^\\T$ ({prf:ref}`def-conventions`).\n",
    "silent cell": "(faq-x)=\n### Q?\n\nAsked at [X](https://example.org/q).\n\nIt is "
                   "$G = A$ ({prf:ref}`def-conventions`).\n\n```{code-cell} ipython3\nr.passed\n```\n",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_the_rules_reject_a_broken_question(kind):
    [(label, _, block)] = questions(BROKEN[kind])
    assert problems(label, block, book_labels()), f"a question with {kind} was accepted"


def test_a_question_without_formula_needs_no_cell():
    block = ("(faq-x)=\n### Q?\n\nAsked at [X](https://example.org/q).\n\nIt is a matter of "
             "convention ({ref}`chapter-notation`).\n")
    [(label, _, block)] = questions(block)
    assert problems(label, block, book_labels()) == []
