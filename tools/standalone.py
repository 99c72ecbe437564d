"""Chapter notebooks that stand alone: what a reader downloads from a chapter page.

The book's MyST source uses private markup that plain Jupyter, JupyterLab, VS Code and Colab
do not know: directives (``{prf:theorem}``, ``{exercise}``, ``{literalinclude}``...), roles
(``{prf:ref}``, ``{eq}``, ``{cite}``...) and the LaTeX macros of conf.py (``\\frob``,
``\\d``, ...). :func:`standalone_notebook` turns a chapter's notebook (as
``run_chapter.notebook`` reads it) into one that renders and runs anywhere:

- a first markdown cell defines the macros (``\\newcommand`` in math, which MathJax and KaTeX
  keep for the whole notebook) and says what the notebook needs; a first code cell installs
  ``matcalc`` from the wheel the build ships beside the notebooks, with its ``book`` extra
  (jax, matplotlib, scipy at the book's versions) if the chapter imports those, when any of
  them is missing;
- theorems, definitions, proofs and admonitions become titled blockquotes, exercises and
  solutions titled headings, references links to the book's HTML pages (``../<page>.html``,
  the notebooks sit in ``_notebooks/``), equation labels disappear, included code is copied in;
- code cells keep their source, tags and (when given) outputs, with deterministic ids.

The build (book/_ext/matcalc_book.py) passes the numbers Sphinx gave theorems, equations and
exercises; without Sphinx (:func:`scan_targets`) references read "Theorem (title)".
"""

import ast
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Target", "Context", "anchor_id", "scan_targets", "citation_texts",
           "convert_markdown", "convert_roles", "macro_definitions", "install_source",
           "extra_modules", "requirements_text", "EXTRA", "EXTRA_MODULES",
           "standalone_notebook", "build_wheel", "export_chapters",
           "used_macros", "defined_macros", "leftover_myst", "MATHJAX_BUILTINS"]

WHEEL_GLOB = "matcalc-*.whl"
# The modules chapters import besides matcalc (and the standard library, numpy, sympy and
# IPython, which a Jupyter kernel has), and matcalc's extra that installs them at the book's
# versions (code/pyproject.toml, [project.optional-dependencies]).
EXTRA = "book"
EXTRA_MODULES = ("jax", "matplotlib", "scipy")
PRF_KINDS = {"theorem", "lemma", "definition", "corollary", "proposition", "proof", "remark",
             "example", "algorithm", "conjecture", "axiom", "criterion", "property",
             "assumption", "observation", "notation"}
ADMONITIONS = {"note", "warning", "tip", "important", "caution", "attention", "danger", "error",
               "hint", "seealso", "admonition", "dropdown", "margin", "sidebar", "topic",
               "epigraph", "pull-quote", "highlights"}
TRANSPARENT = {"div", "container", "only", "tab-set", "grid", "grid-item", "grid-item-card",
               "card", "tab-item", "md"}
DROPPED = {"index", "toctree", "tableofcontents", "contents", "solution-end", "exercise-end",
           "bibliography"}
# Names that MathJax, KaTeX or LaTeX already define: \renewcommand (KaTeX refuses to
# \newcommand an existing name, and to \renewcommand a missing one; MathJax accepts both).
PREDEFINED = {"R", "vec"}


@dataclass(frozen=True)
class Target:
    """Where a label points: the page (docname), the HTML anchor, what it is and its title.

    >>> Target("differentials", "thm-inverse", "Theorem", "Inverse", "4.5").text()
    'Theorem 4.5'
    >>> Target("differentials", "thm-inverse", "Theorem", "Inverse").text()
    'Theorem (Inverse)'
    """
    page: str
    anchor: str
    kind: str
    title: str = ""
    number: str = ""

    def text(self):
        """How a reference to it reads: numbered if the build numbered it, else titled."""
        if self.kind == "Equation":
            return f"({self.number})" if self.number else "(equation)"
        if self.kind == "Section":
            return self.title or self.anchor
        if self.number:
            return f"{self.kind} {self.number}"
        return f"{self.kind} ({self.title})" if self.title else self.kind


@dataclass
class Context:
    """What the conversion of one page needs: its name and file, every label of the book,
    the citations (key -> (text, page, anchor)), the base URL of the HTML pages relative to
    the notebook, and the problems met (unknown directives, roles or labels).

    >>> ctx = Context("howto", Path("book/howto.md"), targets={}, citations={})
    >>> ctx.link("text", "notation", "term-vec")
    '[text](../notation.html#term-vec)'
    """
    page: str
    source: Path
    targets: dict
    citations: dict
    base: str = "../"
    problems: list = field(default_factory=list)
    heading_level: int = 2      # of the last heading seen: exercises go one level below

    def link(self, text, page, anchor=""):
        """A Markdown link to an HTML page of the book (and an anchor in it)."""
        return f"[{text}]({self.base}{page}.html{'#' + anchor if anchor else ''})"

    def ref(self, label, text=""):
        """A link to a label (its numbered or titled text unless ``text`` is given)."""
        target = self.targets.get(label)
        if target is None:
            self.problems.append(f"{self.page}: unknown label {label!r}")
            return text or label
        return self.link(text or target.text(), target.page, target.anchor)


# --- the labels of the book, from the MyST sources -------------------------------------------

_DIRECTIVE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
_TARGET = re.compile(r"^\s*\(([^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def _kind(name):
    word = name.split(":")[-1].replace("-start", "")
    return {"seealso": "See also"}.get(word, word.replace("-", " ").capitalize())


def anchor_id(text):
    """Sphinx's HTML id for a term or heading: non-alphanumerics become hyphens, case kept.

    >>> anchor_id("Frobenius product")
    'Frobenius-product'
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def scan_targets(paths):
    """Every label of the given MyST pages: ``(label)=`` targets (titled by the heading that
    follows), directives with ``:label:`` (theorems, definitions, exercises), equations
    ``$$ ... $$ (label)``, figures named in a code cell's ``mystnb`` options, glossary terms.

    >>> t = scan_targets([Path("book/differentials.md")])
    >>> t["thm-inverse"].kind, t["eq-differential-def"].anchor
    ('Theorem', 'equation-eq-differential-def')
    """
    targets = {}
    for path in map(Path, paths):
        page, lines = path.stem, path.read_text().splitlines()
        for i, line in enumerate(lines):
            if m := _TARGET.match(line):
                title = next((h.group(1) for h in map(_HEADING.match, lines[i + 1:i + 3]) if h), "")
                targets[m.group(1)] = Target(page, m.group(1), "Section", title)
            elif m := re.match(r"^\$\$\s*\(([^()\s]+)\)\s*$", line):
                targets[m.group(1)] = Target(page, f"equation-{m.group(1)}", "Equation")
            elif m := _DIRECTIVE.match(line):
                name, arg = m.group("name"), m.group("arg").strip()
                for option in lines[i + 1:]:
                    if not (o := re.match(r"^\s*:([\w-]+):\s*(.*)$", option)):
                        break
                    if o.group(1) in ("label", "name"):
                        kind = "Figure" if name in ("figure", "image") else _kind(name)
                        targets[o.group(2).strip()] = Target(page, o.group(2).strip(), kind, arg)
                if name == "glossary":
                    _glossary_targets(lines[i + 1:], page, targets)
            elif m := re.match(r"^\s+name:\s*(fig-\S+)\s*$", line):
                targets[m.group(1)] = Target(page, m.group(1), "Figure")
    return targets


def _glossary_targets(lines, page, targets):
    for line in lines:
        if line.startswith("```"):
            break
        if line.strip() and not line[0].isspace() and not line.startswith(":"):
            term = line.strip()
            targets[f"term:{term.lower()}"] = Target(page, f"term-{anchor_id(term)}", "Term", term)


def citation_texts(entries):
    """Author-year texts of bibliography entries (pybtex ``Entry`` objects by key), as the
    HTML shows them: "Magnus and Neudecker, 2019", "Bright et al., 2025".

    >>> from pybtex.database import Entry, Person
    >>> e = Entry("book", fields={"year": "2019"},
    ...           persons={"author": [Person("Magnus, Jan R."), Person("Neudecker, Heinz")]})
    >>> citation_texts({"magnus2019": e})
    {'magnus2019': 'Magnus and Neudecker, 2019'}
    """
    texts = {}
    for key, entry in entries.items():
        names = [" ".join(p.last_names) for p in entry.persons.get("author", [])]
        who = (names[0] + " et al." if len(names) > 2 else " and ".join(names)) or key
        texts[key] = f"{who}, {entry.fields.get('year', 'n.d.')}"
    return texts


# --- roles ------------------------------------------------------------------------------------

_ROLE_OR_CODE = re.compile(r"\{(?P<role>[A-Za-z][\w:.+-]*)\}`(?P<content>[^`]*)`"
                           r"|(?P<ticks>`+)(?P<code>.+?)(?P=ticks)", re.S)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_CODE_ROLES = {"code", "kbd", "samp", "file", "command", "literal"}


def convert_roles(text, ctx):
    """Replace MyST roles by Markdown: references become links to the HTML pages, citations
    author-year links to the bibliography, ``{math}`` inline math, ``{index}`` its text.
    Inline code spans are left alone.

    >>> ctx = Context("p", Path("p.md"), {"thm-x": Target("q", "thm-x", "Theorem", "", "2.1")},
    ...               {"k": ("Knuth, 1984", "bibliography", "id3")})
    >>> convert_roles("By {prf:ref}`thm-x` and {cite}`k`, `{eq}` stays.", ctx)
    'By [Theorem 2.1](../q.html#thm-x) and ([Knuth, 1984](../bibliography.html#id3)), `{eq}` stays.'
    """
    def one(m):
        if m.group("role") is None:
            return m.group(0)
        return _role(ctx, m.group("role"), m.group("content"))
    return _ROLE_OR_CODE.sub(one, text)


def _role(ctx, name, content):
    explicit = _EXPLICIT.match(content)
    text, target = (explicit.group("text"), explicit.group("target")) if explicit else ("", content)
    if name in ("prf:ref", "ref", "numref", "eq", "any", "std:ref", "prf:refs"):
        label = target.strip()
        number = ctx.targets[label].number if label in ctx.targets else ""
        return ctx.ref(label, text.replace("%s", number).replace("{number}", number))
    if name == "term":
        return ctx.ref(f"term:{target.strip().lower()}", text or target)
    if name.startswith("cite"):
        return _citations(ctx, target)
    if name == "doc":
        page = target.strip().removesuffix(".md").lstrip("/")
        return ctx.link(text or page, page)
    if name == "math":
        return f"${content}$"
    if name in ("sub", "sup"):
        return f"<{name}>{content}</{name}>"
    if name in _CODE_ROLES or name.startswith("py:") or name in ("func", "class", "mod", "meth",
                                                                  "attr", "obj", "data", "exc"):
        shown = target.lstrip("~").rsplit(".", 1)[-1] if target.startswith("~") else target
        return f"`{text or shown}`"
    if name.startswith("glue"):
        return "(" + ctx.link("value on the book's page", ctx.page) + ")"
    if name not in ("index", "abbr", "download", "dfn", "guilabel", "menuselection", "emphasis",
                    "strong"):
        ctx.problems.append(f"{ctx.page}: role {{{name}}} shown as plain text")
    return text or content


def _citations(ctx, keys):
    links = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        if key not in ctx.citations:
            ctx.problems.append(f"{ctx.page}: unknown citation {key!r}")
            links.append(key)
            continue
        text, page, anchor = ctx.citations[key]
        links.append(ctx.link(text, page, anchor))
    return f"({'; '.join(links)})"      # the pages bracket them: [Magnus and Neudecker, 2019]


# --- directives and blocks --------------------------------------------------------------------

def _blocks(lines):
    """Split Markdown lines into ("text", lines), ("code", lines) for plain code fences, and
    ("directive", name, argument, body lines) for MyST directives (closing fences matched)."""
    buf, i = [], 0
    while i < len(lines):
        directive = _DIRECTIVE.match(lines[i])
        plain = None if directive else re.match(r"^\s*(`{3,}|~{3,})", lines[i])
        if not (directive or plain):
            buf.append(lines[i])
            i += 1
            continue
        fence = directive.group("fence") if directive else plain.group(1)
        close = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = next((k for k in range(i + 1, len(lines)) if close.match(lines[k])), len(lines))
        if buf:
            yield ("text", buf)
            buf = []
        if directive:
            yield ("directive", directive.group("name"), directive.group("arg").strip(),
                   lines[i + 1:j])
        else:
            yield ("code", lines[i:j + 1])
        i = j + 1
    if buf:
        yield ("text", buf)


def _options(body):
    """A directive's options (``:key: value`` lines or a YAML block) and its content."""
    options, k = {}, 0
    if body and body[0].strip() == "---":
        import yaml

        end = next((n for n in range(1, len(body)) if body[n].strip() == "---"), 0)
        options = yaml.safe_load("\n".join(body[1:end])) or {}
        k = end + 1
    else:
        while k < len(body) and (o := re.match(r"^\s*:([\w-]+):\s*(.*)$", body[k])):
            options[o.group(1)] = o.group(2).strip()
            k += 1
    return options, "\n".join(body[k:]).strip("\n")


def _quote(text):
    """A blockquote. Jupyter and JupyterLab cut the math out before parsing the Markdown, so a
    formula spanning lines of a quote would keep the ``>`` marks: each formula outside code
    fences is put on one line first."""
    parts = []
    for block in _blocks(text.splitlines()):
        chunk = "\n".join(block[1] if block[0] in ("text", "code") else [])
        if block[0] == "text":
            chunk = re.sub(r"\$\$.+?\$\$|\$[^$]+\$", lambda m: " ".join(m.group(0).split()),
                           chunk, flags=re.S)
        parts.append(chunk)
    return "\n".join("> " + line if line.strip() else ">" for line in "\n".join(parts).splitlines())


def convert_markdown(text, ctx):
    """A markdown cell's MyST source as plain Markdown (see the module docstring).

    >>> ctx = Context("p", Path("p.md"), {"thm-a": Target("p", "thm-a", "Theorem", "A", "1.2")}, {})
    >>> print(convert_markdown("(sec)=\\n## S\\n\\n```{prf:theorem} A\\n:label: thm-a\\n\\n"
    ...                        "$$\\nx\\n$$ (eq-x)\\n```", ctx))
    ## S
    <BLANKLINE>
    > **Theorem 1.2 (A).**
    >
    > $$ x $$
    """
    out = []
    for block in _blocks(text.splitlines()):
        if block[0] == "code":
            out.append("\n".join(block[1]))
        elif block[0] == "directive":
            options, content = _options(block[3])
            converted = _directive(ctx, block[1], block[2], options, content)
            out.append(None if converted is None else f"\n{converted}\n")
        else:
            out.append(_text(ctx, block[1]))
    joined = "\n".join(part for part in out if part is not None)
    return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")


def _text(ctx, lines):
    kept = []
    for line in lines:
        if _TARGET.match(line) or re.match(r"^\s*%", line):
            continue                                   # (label)= targets, MyST comments
        if heading := re.match(r"^(#{1,6})\s", line):
            ctx.heading_level = len(heading.group(1))
        line = re.sub(r"^(\s*\$\$)\s*\([^()\s]+\)\s*$", r"\1", line)  # $$ (label)
        kept.append(re.sub(r"\]\((?!https?:|mailto:)([\w./-]*?)\.md(#[^)]*)?\)",
                           lambda m: f"]({ctx.base}{m.group(1)}.html{m.group(2) or ''})", line))
    return convert_roles("\n".join(kept), ctx)


def _directive(ctx, name, arg, options, content):
    body = convert_markdown(content, ctx) if content else ""
    label = str(options.get("label") or options.get("name") or "")
    target = ctx.targets.get(label)
    number = target.number if target else ""
    kind = _kind(name)
    if name.startswith("prf:") and name[4:] in PRF_KINDS:
        if name == "prf:proof":
            return _quote(f"*Proof.* {body} ∎" if body else "*Proof.* ∎")
        title = f"**{kind}{' ' + number if number else ''}{f' ({arg})' if arg else ''}.**"
        return _quote(title + ("\n\n" + body if body else ""))
    if name in ("exercise", "exercise-start"):
        title = f"{kind}{' ' + number if number else ''}{f' ({arg})' if arg else ''}"
        return f"\n{_heading(ctx, title)}\n\n{body}\n"
    if name in ("solution", "solution-start"):
        exercise = ctx.targets.get(arg)
        title = f"Solution to {exercise.text() if exercise else 'the exercise'}"
        return f"\n{_heading(ctx, title)}\n\n{body}\n"
    if name in ADMONITIONS:
        title = arg if arg and name in ("admonition", "dropdown", "topic", "sidebar", "margin") \
            else (f"{kind}: {arg}" if arg else kind)
        return _quote(f"**{title}.**" + ("\n\n" + body if body else ""))
    if name in DROPPED:
        return ctx.link("Bibliography", "bibliography") if name == "bibliography" else None
    if name in TRANSPARENT:
        return (f"**{arg}**\n\n" if arg else "") + body
    return _special(ctx, name, arg, options, content, body)


def _heading(ctx, title):
    level = min(ctx.heading_level + 1, 6)
    return "#" * level + " " + title


def _special(ctx, name, arg, options, content, body):
    if name == "literalinclude":
        return _literalinclude(ctx, arg, options)
    if name in ("code-block", "code", "sourcecode"):
        return f"```{arg}\n{content}\n```"
    if name in ("math", "amsmath"):
        return f"$$\n{content}\n$$"
    if name in ("figure", "image"):
        target = ctx.targets.get(str(options.get("name", "")))
        image = f"![{options.get('alt', 'figure')}]({ctx.base}_images/{Path(arg).name})"
        caption = f"*{target.text() if target else 'Figure'}: {body}*" if body else ""
        return image + ("\n\n" + caption if caption else "")
    if name == "glossary":
        return _glossary(ctx, content)
    if name == "list-table":
        return _list_table(ctx, arg, options, content)
    if name.startswith("glue") or name in ("eval-rst", "raw", "embed"):
        return _quote(f"*(Shown on the {ctx.link('book page', ctx.page)}.)*")
    ctx.problems.append(f"{ctx.page}: directive {{{name}}} shown as a plain block")
    return _quote(f"**{_kind(name)}{f' ({arg})' if arg else ''}.**" + ("\n\n" + body if body else ""))


def _glossary(ctx, content):
    entries, term = [], None
    for line in content.splitlines():
        if line.strip() and not line[0].isspace():
            term = line.strip()
            entries.append([term, ""])
        elif line.strip() and term:
            entries[-1][1] += " " + line.strip()
    return "\n".join(f"- **{t}**: {convert_roles(d.strip(), ctx)}" for t, d in entries)


def _list_table(ctx, arg, options, content):
    """A ``{list-table}`` (rows ``* - a`` and ``  - b``) as a Markdown table."""
    rows = []
    for line in content.splitlines():
        if m := re.match(r"^\*\s+-\s?(.*)$", line):
            rows.append([m.group(1).strip()])
        elif (m := re.match(r"^\s+-\s?(.*)$", line)) and rows:
            rows[-1].append(m.group(1).strip())
        elif line.strip() and rows:
            rows[-1][-1] += " " + line.strip()
    if not rows:
        return ""
    width = max(map(len, rows))
    lines = ["| " + " | ".join(convert_roles(c, ctx) for c in r + [""] * (width - len(r))) + " |"
             for r in rows]
    if not options.get("header-rows"):
        lines.insert(0, "|" + " |" * width)
    lines.insert(1, "|" + "---|" * width)
    return (f"**{arg}**\n\n" if arg else "") + "\n".join(lines)


def _literalinclude(ctx, arg, options):
    path = (ctx.source.parent / arg).resolve()
    text = path.read_text()
    if "pyobject" in options:
        text = _pyobject(text, options["pyobject"])
    if "lines" in options:
        lines, chosen = text.splitlines(), []
        for part in options["lines"].split(","):
            a, _, b = part.partition("-")
            chosen += lines[int(a) - 1:int(b or a) if b or not _ else None]
        text = "\n".join(chosen)
    if "start-after" in options:
        text = text.split(options["start-after"], 1)[1].split("\n", 1)[-1]
    if "end-before" in options:
        text = text.split(options["end-before"], 1)[0].rsplit("\n", 1)[0]
    language = options.get("language", "python" if path.suffix == ".py" else "")
    caption = f"*{options['caption']}*\n\n" if options.get("caption") else ""
    return f"{caption}```{language}\n{text.strip(chr(10))}\n```"


def _pyobject(text, dotted):
    """The source of a top-level function or class (``Class.method`` too), decorators included."""
    nodes = ast.parse(text).body
    for part in dotted.split("."):
        node = next(n for n in nodes if getattr(n, "name", None) == part)
        nodes = getattr(node, "body", [])
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.splitlines()[start - 1:node.end_lineno])


# --- the notebook -----------------------------------------------------------------------------

def macro_definitions(macros):
    """The macros as one inline math span each, which MathJax (Jupyter, JupyterLab, Colab) and
    KaTeX (VS Code) keep for the rest of the notebook. ``macros``: name -> body, or
    (body, number of arguments), as MACROS in conf.py (or its MathJax form with lists).

    >>> print(macro_definitions({"R": r"\\mathbb{R}", "frob": (r"#1\\mathbin{:}#2", 2)}))
    $\\renewcommand{\\R}{\\mathbb{R}}$
    $\\newcommand{\\frob}[2]{#1\\mathbin{:}#2}$
    """
    lines = []
    for name, value in macros.items():
        body, nargs = value if isinstance(value, (tuple, list)) else (value, 0)
        command = "renewcommand" if name in PREDEFINED else "newcommand"
        lines.append(f"$\\{command}{{\\{name}}}{f'[{nargs}]' if nargs else ''}{{{body}}}$")
    return "\n".join(lines)


def extra_modules(code):
    """The modules of EXTRA_MODULES that ``code`` (a chapter's code cells) imports, in the
    order of EXTRA_MODULES.

    >>> extra_modules("import numpy as np\\nfrom scipy.linalg import expm\\nimport jax.numpy as jnp")
    ('jax', 'scipy')
    """
    imported = set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", code, flags=re.M))
    imported |= {"matplotlib"} if "mpl_toolkits" in imported else set()
    return tuple(m for m in EXTRA_MODULES if m in imported)


def _and(names):
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def requirements_text(modules):
    """What a chapter's notebook needs, in a sentence, for the page and the notebook.

    >>> requirements_text(("jax", "matplotlib"))
    'It needs Python 3.11 or newer and pip; its first cell installs matcalc with jax and matplotlib.'
    >>> requirements_text(())
    'It needs Python 3.11 or newer and pip; its first cell installs matcalc.'
    """
    extras = f" with {_and(modules)}" if modules else ""
    return f"It needs Python 3.11 or newer and pip; its first cell installs matcalc{extras}."


def wheel_name(code_dir):
    """The file name of the matcalc wheel :func:`build_wheel` writes from ``code_dir``
    (its pyproject.toml's version; a pure-Python wheel).

    >>> wheel_name(Path("code"))
    'matcalc-0.1.0-py3-none-any.whl'
    """
    import tomllib

    project = tomllib.loads((Path(code_dir) / "pyproject.toml").read_text())["project"]
    return f"{project['name']}-{project['version']}-py3-none-any.whl"


def install_source(wheel, notebook="<chapter>.ipynb", url=None, modules=()):
    """The first code cell: when ``matcalc`` or one of ``modules`` (the chapter's imports
    among EXTRA_MODULES) cannot be imported, install the wheel beside the notebook, with the
    extra EXTRA if ``modules`` is not empty (pip fetches those packages from PyPI); without the
    wheel, say where to get it (``url`` if the book's address is known, else the notebook's
    own address with the file name replaced).

    >>> cell = install_source("matcalc-0.1.0-py3-none-any.whl", "backprop.ipynb", modules=("jax",))
    >>> "replace backprop.ipynb by matcalc-0.1.0-py3-none-any.whl" in cell, "[book]" in cell
    (True, True)
    """
    where = (f"Download it from {url}" if url else
             f"Download it from the folder this notebook came from: in the notebook's web "
             f"address, replace {notebook} by {wheel}")
    needed = ["matcalc", *modules]
    extra = f"[{EXTRA}]" if modules else ""
    brings = (f"\n# with its \"{EXTRA}\" extra, which brings {_and(modules)} at the book's versions"
              if modules else "")
    return f'''\
# This notebook needs {_and(needed)}. Where {"one is" if modules else "it is"} missing, this cell installs
# the matcalc wheel the book ships next to this notebook ({wheel}){brings}.
import importlib
import importlib.util
import pathlib
import subprocess
import sys

missing = [name for name in {needed!r} if importlib.util.find_spec(name) is None]
if missing:
    wheels = sorted(pathlib.Path.cwd().glob("{WHEEL_GLOB}"))
    if not wheels:
        raise ModuleNotFoundError(
            ", ".join(missing) + " not installed, and {wheel} is not next to this notebook. "
            "{where}, put it next to the notebook (in Colab: upload it in the Files pane) "
            "and run this cell again. In a clone of the book's repository: pip install './code{extra}'")
    command = [sys.executable, "-m", "pip", "install", "--quiet", str(wheels[-1]) + "{extra}"]
    if subprocess.run(command).returncode != 0:
        raise RuntimeError("could not install " + wheels[-1].name + "{extra} with pip; "
                           "install it by hand: pip install '" + str(wheels[-1]) + "{extra}'")
    importlib.invalidate_caches()
import matcalc

print(f"matcalc {{matcalc.__version__}} is installed")'''


def _first_cell(ctx, title, macros, modules):
    return (f"{macro_definitions(macros)}\n\n"
            f"*{title}*: a chapter of *Matrix Calculus, Checked* as a notebook "
            f"({ctx.link('the chapter online', ctx.page)}). {requirements_text(modules)} "
            f"It installs them only where this environment lacks them.")


def _code_cells(nbformat, cell, ctx):
    """The code cell (source, tags, outputs kept) and, for a figure, its caption below."""
    metadata = {k: v for k, v in cell.metadata.items() if k != "mystnb"}
    code = nbformat.v4.new_code_cell(cell.source, metadata=metadata,
                                     execution_count=cell.get("execution_count"))
    code.outputs = [_output(o, ctx) for o in cell.get("outputs", [])]
    cells = [code]
    figure = (cell.metadata.get("mystnb") or {}).get("figure") or {}
    if figure.get("caption"):
        target = ctx.targets.get(str(figure.get("name", "")))
        label = target.text() if target else "Figure"
        caption = convert_roles(" ".join(str(figure["caption"]).split()), ctx)
        cells.append(nbformat.v4.new_markdown_cell(f"*{label}: {caption}*"))
    return cells


def _output(output, ctx):
    data = output.get("data", {})
    if "text/markdown" in data:
        data["text/markdown"] = convert_markdown(data["text/markdown"], ctx)
    return output


def standalone_notebook(nb, ctx, macros, wheel):
    """The chapter notebook ``nb`` (``run_chapter.notebook``, outputs merged in or not) as a
    notebook that renders and runs outside the book: macro cell, install cell, converted
    markdown, code cells with their tags and outputs; cell ids ``cell-<n>``.

    >>> import run_chapter
    >>> path = Path("book/differentials.md")
    >>> ctx = Context("differentials", path, scan_targets([path]), {})
    >>> out = standalone_notebook(run_chapter.notebook(path), ctx, {"d": r"\\mathrm{d}"},
    ...                           "matcalc-0.1.0-py3-none-any.whl")
    >>> out.cells[0].source.splitlines()[0], out.cells[1].source.startswith("# This notebook")
    ('$\\\\newcommand{\\\\d}{\\\\mathrm{d}}$', True)
    """
    import nbformat

    url = f"{ctx.base}_notebooks/{wheel}" if re.match(r"https?://", ctx.base) else None
    title = next((h.group(1) for c in nb.cells if c.cell_type == "markdown"
                  for h in map(_HEADING.match, c.source.splitlines()) if h), ctx.page)
    modules = extra_modules("\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    cells = [nbformat.v4.new_markdown_cell(_first_cell(ctx, title, macros, modules),
                                           metadata={"jupyter": {"source_hidden": False}}),
             nbformat.v4.new_code_cell(install_source(wheel, f"{ctx.page}.ipynb", url, modules),
                                       metadata={"tags": ["install"]})]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = convert_markdown(cell.source, ctx)
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text))
        elif cell.cell_type == "code":
            cells += _code_cells(nbformat, cell, ctx)
        else:
            cells.append(nbformat.v4.new_raw_cell(cell.source))
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    out = nbformat.v4.new_notebook(cells=cells)
    out.metadata = {"kernelspec": dict(nb.metadata.kernelspec),
                    "language_info": {"name": "python"}}
    return out


def build_wheel(code_dir, dest):
    """Build matcalc's wheel into ``dest`` with setuptools' build API (what ``pip wheel
    --no-build-isolation`` calls, a quarter of its time), reproducibly: from a clean copy of
    ``code_dir`` (no ``build/`` or ``*.egg-info`` left over from earlier builds can leak in),
    with ``SOURCE_DATE_EPOCH`` fixed (1980-01-01 unless set) for the zip timestamps, with the
    setuptools of this environment (no network). Returns the
    wheel's path; older ``matcalc-*.whl`` files in ``dest`` are removed.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     build_wheel(Path("code"), Path(tmp)).name
    'matcalc-0.1.0-py3-none-any.whl'
    """
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob(WHEEL_GLOB):
        old.unlink()
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "315532800"),
               PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "code"
        shutil.copytree(code_dir, source, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "*.egg-info", "build", "dist"))
        build = f"from setuptools import build_meta; build_meta.build_wheel({str(dest.resolve())!r})"
        proc = subprocess.run([sys.executable, "-c", build], cwd=source, capture_output=True,
                              text=True, env=env)
    wheels = sorted(dest.glob(WHEEL_GLOB))
    if proc.returncode != 0 or len(wheels) != 1:
        raise RuntimeError(f"building the matcalc wheel failed:\n{proc.stdout}{proc.stderr}")
    return wheels[0]


def export_chapters(paths, dest, macros, *, numbers=None, citations=None, executed=None,
                    base="../", code_dir=None, wheel=None):
    """Write every chapter as ``dest/<chapter>.ipynb`` (see :func:`standalone_notebook`) and
    the matcalc wheel beside them. ``numbers``: (page, anchor) -> "4.5" (from Sphinx);
    ``citations``: key -> (text, page, anchor), by default from references.bib beside the
    chapters, linking to the bibliography page; ``executed``: path -> the chapter notebook
    with its outputs, or None (then the code cells have none); ``wheel``: an up-to-date
    wheel already in ``dest`` (else it is built). Returns the problems met
    (unknown labels, roles or directives), as "page: what" strings.

    >>> import tempfile, nbformat
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     problems = export_chapters([Path("book/howto.md")], Path(tmp), {"R": r"\\mathbb{R}"})
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['howto.ipynb', 'matcalc-0.1.0-py3-none-any.whl']
    """
    import nbformat
    import run_chapter

    paths = [Path(p) for p in paths]
    code_dir = Path(code_dir or Path(__file__).resolve().parents[1] / "code")
    wheel = Path(wheel) if wheel else build_wheel(code_dir, dest)
    targets = scan_targets(sorted(paths[0].parent.glob("*.md")) if paths else [])
    targets = {k: replace(t, number=(numbers or {}).get((t.page, t.anchor), ""))
               for k, t in targets.items()}
    if citations is None and paths and (paths[0].parent / "references.bib").is_file():
        from pybtex.database import parse_file

        entries = parse_file(str(paths[0].parent / "references.bib")).entries
        citations = {k: (t, "bibliography", "") for k, t in citation_texts(entries).items()}
    problems = []
    for path in paths:
        nb = (executed(path) if executed else None) or run_chapter.notebook(path)
        ctx = Context(path.stem, path, targets, citations or {}, base=base)
        nbformat.write(standalone_notebook(nb, ctx, macros, wheel.name),
                       str(Path(dest) / f"{path.stem}.ipynb"))
        problems += ctx.problems
    return problems


# --- what the tests check ---------------------------------------------------------------------

# Commands MathJax 3 (and KaTeX) define that the book uses; anything else must be defined in
# the notebook. Grown from the book's sources; add a name here only if MathJax knows it.
MATHJAX_BUILTINS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon
Phi Psi Omega
mathbb mathbf mathrm mathsf mathcal mathit mathbin mathrel mathop boldsymbol operatorname
text textrm textbf textit emph
frac dfrac tfrac sqrt sum prod int lim log exp det min max sup inf sin cos tan ln
left right bigl bigr Bigl Bigr biggl biggr big Big bigg middle
lVert rVert lvert rvert Vert vert langle rangle lfloor rfloor lceil rceil
cdot cdots ldots dots vdots ddots times otimes oplus circ odot star ast bullet
le leq ge geq ne neq approx sim simeq equiv propto ll gg to mapsto rightarrow leftarrow
Rightarrow Leftarrow Leftrightarrow iff implies longrightarrow longmapsto
in notin subset subseteq cup cap setminus emptyset forall exists partial nabla infty
top perp pm mp qquad quad hat bar tilde widehat widetilde overline underline dot ddot
prime checkmark mid not colon vdots ell tanh sinh cosh Pr arg dim ker
mathfrak mathscr varrho varsigma varpi uparrow downarrow hookrightarrow triangleq lesssim gtrsim
operatorname sim
begin end aligned align cases pmatrix bmatrix matrix array split gathered
quad qquad displaystyle textstyle scriptstyle
newcommand renewcommand def
lbrace rbrace backslash
underbrace overbrace
""".split())


def used_macros(markdown):
    """Names of the LaTeX commands used in the math of a Markdown text (``$...$``, ``$$...$$``
    and ``\\begin{...}`` environments; code spans and fences skipped).

    >>> sorted(used_macros(r"Take $\\frob{A}{\\d X}$, not `\\x`; $$\\tr(A)$$"))
    ['d', 'frob', 'tr']
    """
    text = re.sub(r"```.*?```|`[^`\\n]*`", " ", markdown, flags=re.S)
    math = re.findall(r"\$\$(.+?)\$\$|\$([^$]+?)\$|(\\begin\{(\w+\*?)\}.+?\\end\{\4\})", text, re.S)
    found = set()
    for parts in math:
        found |= set(re.findall(r"\\([A-Za-z]+)", parts[0] + parts[1] + parts[2]))
    return found


def defined_macros(nb):
    """Names the notebook defines with ``\\newcommand``/``\\renewcommand``/``\\def``.

    >>> import nbformat
    >>> defined_macros(nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell(r"$\\newcommand{\\d}{\\mathrm{d}}$")]))
    {'d'}
    """
    pattern = r"\\(?:re)?newcommand\{\\([A-Za-z]+)\}|\\def\\([A-Za-z]+)"
    found = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found |= {a or b for a, b in re.findall(pattern, cell.source)}
    return found


_LEFTOVER = re.compile(r"^\s*(?:`{3,}|:{3,})\{|^\s*\([^()\s]+\)=\s*$|^\s*\$\$\s*\([^()\s]+\)", re.M)


def leftover_myst(markdown):
    """MyST syntax left in a Markdown text: directive fences, roles, ``(label)=`` targets,
    equation labels; code spans and plain code fences excepted.

    >>> leftover_myst("See {prf:ref}`thm-a`, `{eq}` is fine.\\n```{note}\\nx\\n```")
    ['{prf:ref}`thm-a`', '```{note}']
    """
    found, outside = [], []
    for block in _blocks(markdown.splitlines()):
        if block[0] == "directive":
            found.append(f"```{{{block[1]}}}")
            outside += block[3]
        elif block[0] == "text":
            outside += block[1]
    text = "\n".join(outside)
    found[:0] = [m.group(0) for m in _ROLE_OR_CODE.finditer(text) if m.group("role")]
    return found + [m.group(0).strip() for m in _LEFTOVER.finditer(text)]
