"""The book's general index and exercise titles, checked on the Markdown sources (cheap: no
build). Index entries are the MyST directive

    ```{index} single: Frobenius product; definition
    ```

(one entry per directive: MyST passes only the first line to Sphinx) or the inline role
{index}`text <single: main; sub>`. A malformed entry would only show up as a warning deep in
a strict build, an inconsistently spelled main term not at all (it silently splits the index
in two), so both are checked here.
"""

import re
import unicodedata
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("*.md"))

DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{index\}[ \t]*(.*)$", re.M)
ROLE = re.compile(r"\{index\}`([^`]*)`")
ROLE_TARGET = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.S)
EXERCISE = re.compile(r"^(?:`{3,}|:{3,})\{exercise(?:-start)?\}(.*)$", re.M)
PRF = re.compile(r"^(?:`{3,}|:{3,})\{prf:(theorem|definition|lemma|corollary|proposition)\}",
                 re.M)
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}.*?^\1[ \t]*$", re.M | re.S)
GLOSSARY = re.compile(r"^(`{3,})\{glossary\}\n(.*?)^\1\s*$", re.M | re.S)
# Entry types Sphinx knows, and how many ";"-separated parts each one takes.
PARTS = {"single": (1, 2), "pair": (2, 2), "triple": (3, 3), "see": (2, 2), "seealso": (2, 2)}
ENTRY = re.compile(r"^(!)?(single|pair|triple|see|seealso):\s*(\S.*)$")


def index_entries(text):
    r"""The index entries of a page, in order, as the strings Sphinx receives.

    >>> index_entries("```{index} single: vec; of a product\n```\n{index}`vec <pair: a; b>`")
    ['single: vec; of a product', 'pair: a; b']
    """
    entries = [m.group(1).strip() for m in DIRECTIVE.finditer(text)]
    for m in ROLE.finditer(text):
        target = ROLE_TARGET.match(m.group(1))
        entries.append(target.group(2).strip() if target else m.group(1).strip())
    return entries


def parse_entry(entry):
    """(type, parts) of an entry, or None if it is not of the form "type: a; b".

    >>> parse_entry("single: Hessian; definition")
    ('single', ['Hessian', 'definition'])
    >>> parse_entry("Hessian, definition") is None
    True
    """
    m = ENTRY.match(entry)
    if not m:
        return None
    return m.group(2), [part.strip() for part in m.group(3).split(";")]


def key(term):
    """What two spellings of one term have in common: case, dashes and spaces ignored."""
    term = unicodedata.normalize("NFKC", term).casefold()
    return re.sub(r"[\s\-\u2010-\u2015_]+", "", term)


def all_entries():
    return [(page.stem, entry) for page in CHAPTERS for entry in index_entries(page.read_text())]


def glossary_terms():
    """The glossary's terms: Sphinx indexes each of them as a main entry too."""
    terms = []
    for page in CHAPTERS:
        for block in GLOSSARY.finditer(page.read_text()):
            terms += [line.strip() for line in block.group(2).splitlines()
                      if line.strip() and not line.startswith((" ", "\t", ":"))]
    return terms


def main_terms():
    """Every main term of the index with the page it comes from (sub-entries excluded)."""
    terms = [("glossary", term) for term in glossary_terms()]
    for page, entry in all_entries():
        parsed = parse_entry(entry)
        if parsed is None:
            continue
        kind, parts = parsed
        mains = parts if kind in ("pair", "triple") else parts[:1]
        terms += [(page, term) for term in mains]
    return terms


def test_entry_parsing_finds_both_forms_and_rejects_bad_ones():
    text = ("```{index} single: Frobenius product; definition\n```\n"
            "The {index}`trace <single: trace; cyclic property>` and {index}`vec`.\n")
    assert index_entries(text) == ["single: Frobenius product; definition",
                                   "single: trace; cyclic property", "vec"]
    assert parse_entry("pair: layout; numerator") == ("pair", ["layout", "numerator"])
    assert parse_entry("sngle: layout") is None          # misspelt type
    assert parse_entry("single:") is None                # no term
    assert key("Eckart–Young theorem") == key("eckart-young  Theorem")


def test_the_book_has_enough_index_entries():
    entries = all_entries()
    per_page = {}
    for page, _ in entries:
        per_page[page] = per_page.get(page, 0) + 1
    assert len(entries) >= 80, f"only {len(entries)} index entries: {per_page}"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_index_entries_are_well_formed(page):
    bad = []
    for entry in index_entries(page.read_text()):
        parsed = parse_entry(entry)
        if parsed is None:
            # A role without a target is an implicit single entry: allowed, if not empty.
            if not entry or ":" in entry.split(";")[0]:
                bad.append((entry, 'not "single:", "pair:", "triple:", "see:" or "seealso:"'))
            continue
        kind, parts = parsed
        low, high = PARTS[kind]
        if not low <= len(parts) <= high:
            bad.append((entry, f'"{kind}" takes {low} to {high} ";"-separated parts, '
                               f"got {len(parts)}"))
        elif not all(parts):
            bad.append((entry, "an empty part"))
    assert not bad, f"{page.name}: malformed index entries {bad}"


def split_spellings(terms):
    """{key: {spelling: page}} for every term written in more than one way."""
    spellings = {}
    for page, term in terms:
        spellings.setdefault(key(term), {}).setdefault(term, page)
    return {k: v for k, v in spellings.items() if len(v) > 1}


def test_each_main_term_is_spelled_one_way():
    split = split_spellings(main_terms())
    assert not split, f"one term, several spellings (the index would split them): {split}"


def test_see_entries_point_at_terms_in_the_index():
    known = {key(term) for _, term in main_terms()}
    dangling = []
    for page, entry in all_entries():
        parsed = parse_entry(entry)
        if parsed and parsed[0] in ("see", "seealso"):
            if key(parsed[1][1]) not in known:
                dangling.append((page, entry))
    assert not dangling, f"'see' entries naming no entry of the index: {dangling}"


def line_of(text, position):
    return text[:position].count("\n") + 1


def untitled_exercises(text):
    r"""Line numbers of the exercises that have no title.

    >>> untitled_exercises("```{exercise} Titled\n:label: a\n```\n\n```{exercise}\n:label: b\n```")
    [5]
    """
    return [line_of(text, m.start()) for m in EXERCISE.finditer(text) if not m.group(1).strip()]


def without_code(text):
    """The page with the bodies of code cells blanked (a "# comment" is not a heading)."""
    return CODE_CELL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def unindexed_results(text):
    r"""The theorems and definitions with no index entry between them and the heading, or the
    result, before them.

    >>> unindexed_results("## A\n\n```{prf:theorem} Mine\n:label: t\n```\n")
    ['line 3: theorem Mine']
    >>> unindexed_results("## A\n\n```{index} single: mine\n```\n```{prf:theorem} Mine\n```\n")
    []
    """
    masked = without_code(text)
    boundaries = [m.start() for m in re.finditer(r"^#{1,6} ", masked, flags=re.M)]
    missing = []
    for m in PRF.finditer(masked):
        start = max((b for b in boundaries if b < m.start()), default=0)
        if not index_entries(masked[start:m.start()]):
            title = masked[m.end():masked.index("\n", m.end())].strip()
            missing.append(f"line {line_of(text, m.start())}: {m.group(1)} {title}")
        boundaries.append(m.end())
    return missing


def test_the_checks_fail_on_deliberate_mistakes():
    untitled = "```{exercise}\n:label: ex-a\n```\n"
    assert untitled_exercises(untitled) == [1]
    assert untitled_exercises(untitled.replace("{exercise}", "{exercise} A title")) == []
    # an index entry in the previous section does not count; a code comment is no heading
    page = ("## One\n```{index} single: one\n```\n## Two\n```{prf:definition} Two\n```\n"
            "```{code-cell} ipython3\n# a comment\nx = 1\n```\n```{index} single: three\n```\n"
            "```{code-cell} ipython3\n# another\n```\n```{prf:theorem} Three\n```\n")
    assert unindexed_results(page) == ["line 5: definition Two"]
    assert split_spellings([("a", "Hessian"), ("b", "hessian")]) != {}
    assert split_spellings([("a", "Eckart–Young theorem"), ("b", "Eckart-Young theorem")]) != {}
    assert split_spellings([("a", "Hessian"), ("b", "Hessian")]) == {}


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_title(page):
    untitled = untitled_exercises(page.read_text())
    assert not untitled, (f"{page.name}: exercises without a title at lines {untitled} "
                          "(write the title after the directive: ```{exercise} A short title)")


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_every_theorem_and_definition_is_indexed(page):
    missing = unindexed_results(page.read_text())
    assert not missing, f"{page.name}: results without an index entry {missing}"


# Spellings readers type into the search box (issue 25): each must be an entry of the index,
# as a main term or as a "see" entry pointing to one, so that search and the index find it.
SPELLINGS = ["batchnorm", "batch normalization", "layernorm", "layer normalization",
             "subgradient", "nuclear norm", "trace norm", "attention", "Huber loss",
             "Gaussian process"]


def test_common_spellings_are_in_the_index():
    indexed = {key(term) for _, term in main_terms()}
    missing = [s for s in SPELLINGS if key(s) not in indexed]
    assert not missing, f"spellings with no index entry: {missing}"
    assert key("batchnorm") != key("batch normalization")   # the check compares keys, not words
