"""Workarounds of problems in the packages the build uses: one section per problem.

Each workaround names the installed version it was written for and checks it when the
build starts: any other version stops the build with a message that says which workaround
to look at again (is the problem fixed upstream? does the patch still fit?). Each links to
the upstream issue or source line it works around. Listed in conf.py's ``extensions``; its
:func:`setup` applies them all.

- sphinx 9.0.4: the environment stores the configuration as extensions changed it after
  Sphinx compared it, so every rebuild said "The configuration has changed"
  (:func:`remember_config_as_read`);
- sphinx 9.0.4: a rebuild writes a search index without the index entries (``{index}``,
  glossary terms) of every page it does not write again (:func:`search_index_entries`);
- sphinx-proof 0.4.0: ``ProofDomain`` has no ``merge_domaindata``, so ``-j`` failed
  (:func:`proof_domain_parallel`);
- myst-nb 1.4.0: a cell's merged streams depended on how the kernel chunked them
  (:func:`stream_merge`);
- myst-nb 1.4.0 (jupyter_client): kernels talk over TCP ports picked as free and released
  before the kernel binds them, a race that made a kernel fail to start while two builds
  ran (:func:`kernels_over_ipc`);
- pybtex 0.26.1: every plugin lookup scans every installed package's entry points
  (:func:`pybtex_plugins`);
- myst-parser 5.2.0: nodes made by ``{eval-rst}`` keep a document that pickles the whole
  environment (:func:`eval_rst_documents`);
- docutils 0.22.4: the bibliography's deprecated ``doc-biblioentry`` role
  (:func:`citation_roles`);
- sphinx-exercise 1.2.1: exercises have no LaTeX label under the name references use
  (:func:`exercise_latex_labels`).
"""

import importlib.metadata
import re

__all__ = ["WRITTEN_FOR", "require", "remember_config_as_read", "search_index_entries",
           "proof_domain_parallel",
           "stream_merge", "coalesce_streams_exactly", "kernels_over_ipc", "PYBTEX_PLUGINS", "pybtex_plugins",
           "eval_rst_documents", "citation_roles", "exercise_latex_labels", "setup"]

# The version of each package whose problem is worked around here.
WRITTEN_FOR = {"sphinx": "9.0.4", "sphinx-proof": "0.4.0", "myst-nb": "1.4.0",
               "pybtex": "0.26.1", "myst-parser": "5.2.0", "docutils": "0.22.4",
               "sphinx-exercise": "1.2.1"}


def require(distribution, workaround):
    """Raise unless ``distribution`` is installed at the version in :data:`WRITTEN_FOR`.

    Takes the distribution's name and the name of the workaround (for the message); returns
    None; raises RuntimeError naming both versions and the workaround to look at again.

    >>> require("sphinx", "remember_config_as_read")
    >>> WRITTEN_FOR["sphinx"] = "0.1"
    >>> require("sphinx", "remember_config_as_read")
    Traceback (most recent call last):
    RuntimeError: book/_ext/upstream.py: remember_config_as_read was written for sphinx 0.1, \
but sphinx ... is installed: see whether the problem it works around (linked there) is still \
there, then update WRITTEN_FOR or remove the workaround
    >>> WRITTEN_FOR["sphinx"] = "9.0.4"
    """
    found = importlib.metadata.version(distribution)
    if found != WRITTEN_FOR[distribution]:
        raise RuntimeError(
            f"book/_ext/upstream.py: {workaround} was written for {distribution} "
            f"{WRITTEN_FOR[distribution]}, but {distribution} {found} is installed: see "
            f"whether the problem it works around (linked there) is still there, then "
            f"update WRITTEN_FOR or remove the workaround")


# --- sphinx: the pickled configuration -------------------------------------------------------
# Sphinx compares the configuration it has just read (after ``config-inited``) with the one
# the environment pickled at the end of the last build, i.e. after the extensions changed it
# while setting up the builder: sphinx-copybutton, sphinx-design and sphinx-togglebutton
# append to html_static_path, the themes to templates_path and html_theme_options, myst-parser
# to mathjax3_config, Sphinx itself to html_css_files/html_js_files. So every rebuild said
# "The configuration has changed (8 options: ...)". Source: sphinx/builders/__init__.py,
# Builder.build, ``pickle.dump(self.env, ...)`` with ``env.config`` the live app.config;
# sphinx/environment/__init__.py, ``_config_status``. The same mechanism, found in
# sphinx-needs: https://github.com/useblocks/sphinx-needs/issues/1710 and in Sphinx-using
# projects: https://github.com/Robpol86/robpol86.com/issues/327
_AS_READ = {}  # app -> its configuration as it was read (a detached copy)


def remember_config_as_read(app):
    """Make the environment pickle the configuration as it was read (after every
    ``config-inited`` handler), not as extensions changed it later, so that an unchanged
    rebuild compares like with like. The live configuration is swapped out of the
    environment only while Sphinx pickles it (``env-updated`` to ``env-check-consistency``).
    """
    require("sphinx", "remember_config_as_read")
    app.connect("config-inited", _snapshot_config, priority=10_000)  # after every other
    app.connect("env-updated", _pickle_config_as_read, priority=10_000)
    app.connect("env-check-consistency", _restore_config, priority=0)


def _snapshot_config(app, config):
    import pickle

    _AS_READ[app] = pickle.loads(pickle.dumps(config, pickle.HIGHEST_PROTOCOL))


def _pickle_config_as_read(app, env):
    if app in _AS_READ:
        env.config = _AS_READ[app]


def _restore_config(app, env):
    env.config = app.config


# --- sphinx: the search index's index entries after a rebuild ------------------------------
# Sphinx keeps the search index's index entries in the environment, which it pickles before
# it writes the pages (and feeds them to the index); a later build loads searchindex.js,
# whose IndexBuilder.load restores titles and words but not the index entries, so a rebuild
# wrote a searchindex.js without the entries of every page it did not write again: after an
# unchanged rebuild, searching for an indexed term ("batch norm") found nothing. Its prune
# keeps the entries of removed pages too. https://github.com/sphinx-doc/sphinx/issues/12599
# (open); source: sphinx/search/__init__.py, IndexBuilder.load and IndexBuilder.prune.
def search_index_entries():
    """Make Sphinx's search index restore its index entries from the searchindex.js it loads
    (and forget those of pages that no longer exist), as it restores titles and words."""
    require("sphinx", "search_index_entries")
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.load, "restores_index_entries", False):
        return
    load, prune = IndexBuilder.load, IndexBuilder.prune

    def load_with_entries(self, stream, format):
        import io

        format = self.formats[format] if isinstance(format, str) else format
        content = stream.read()
        load(self, (io.StringIO if isinstance(content, str) else io.BytesIO)(content), format)
        frozen = format.loads(content)
        index2fn, restored = frozen["docnames"], {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, target, main in places:
                restored.setdefault(index2fn[doc], []).append(
                    (entry, target, "main" if main else ""))
        self._index_entries.update((d, restored[d]) for d in index2fn if d in restored)

    def prune_with_entries(self, docnames):
        prune(self, docnames)
        docnames = set(docnames)
        for gone in [d for d in self._index_entries if d not in docnames]:
            del self._index_entries[gone]

    load_with_entries.restores_index_entries = True
    IndexBuilder.load, IndexBuilder.prune = load_with_entries, prune_with_entries


# --- sphinx-proof: parallel reading ----------------------------------------------------------
# sphinx-proof declares itself parallel-safe, but its ProofDomain does not override
# Domain.merge_domaindata, whose default raises NotImplementedError, so `sphinx-build -j`
# fails when it merges the readers' environments. The domain keeps nothing in its domain data
# (initial_data is Domain's empty dict): its proofs live in env.proof_list, which
# sphinx-proof merges itself on env-merge-info (``merge_proofs``). So merging nothing is
# right. Source: https://github.com/executablebooks/sphinx-proof/blob/v0.4.0/sphinx_proof/domain.py
# (class ProofDomain) and sphinx/domains/__init__.py, Domain.merge_domaindata.
def proof_domain_parallel():
    """Give sphinx-proof's ProofDomain the ``merge_domaindata`` that parallel reading needs
    (it has nothing to merge); raises RuntimeError if the domain now keeps domain data or
    has a merge of its own."""
    require("sphinx-proof", "proof_domain_parallel")
    from sphinx.domains import Domain
    from sphinx_proof.domain import ProofDomain

    if "merge_domaindata" in vars(ProofDomain) and \
            ProofDomain.merge_domaindata is not _merge_nothing:
        raise RuntimeError("sphinx_proof's ProofDomain has a merge_domaindata of its own: "
                           "remove proof_domain_parallel from book/_ext/upstream.py")
    if ProofDomain.initial_data != Domain.initial_data:
        raise RuntimeError("sphinx_proof's ProofDomain keeps domain data now: merging "
                           "nothing would lose it (book/_ext/upstream.py)")
    ProofDomain.merge_domaindata = _merge_nothing


def _merge_nothing(self, docnames, otherdata):
    """ProofDomain's data is empty: nothing to merge (see proof_domain_parallel)."""


# --- myst-nb: merging a cell's streams -------------------------------------------------------
# myst-nb's coalesce_streams strips each chunk before joining, so where the kernel happened
# to flush between print's text and its newline a blank line appeared or not: two builds of
# the same page differed. https://github.com/executablebooks/MyST-NB/issues/690 (spacing of
# merged streams) and pull request 640 (``rstrip`` instead of ``strip``).
def coalesce_streams_exactly(outputs):
    """Merge a cell's stream outputs by plain concatenation.

    Takes a cell's list of outputs (nbformat dicts) and returns the merged list: consecutive
    chunks of one stream joined first, so that the result does not depend on how the output
    was chunked; only the end is normalized, as myst-nb does.

    >>> out = [{"output_type": "stream", "name": "stdout", "text": "a"},
    ...        {"output_type": "stream", "name": "stdout", "text": "\\n\\nb\\n"}]
    >>> coalesce_streams_exactly(out)[0]["text"]
    'a\\n\\nb\\n'
    """
    merged, streams = [], {}
    for output in outputs or []:
        if output.get("output_type") != "stream":
            merged.append(output)
        elif output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            streams[output["name"]] = output
            merged.append(output)
    for output in streams.values():
        text = output["text"]
        text = re.sub(r"[^\n]\x08", "", text)          # backspaces
        text = re.sub(r".*\r(?=[^\n])", "", text)      # carriage returns not ending a line
        output["text"] = text.rstrip() + "\n"
    # stdout before stderr when they are adjacent, as myst-nb orders them
    for i in range(len(merged) - 1):
        a, b = merged[i], merged[i + 1]
        if (a.get("output_type") == b.get("output_type") == "stream"
                and a["name"] == "stderr" and b["name"] == "stdout"):
            merged[i], merged[i + 1] = b, a
    return merged


def stream_merge():
    """Make myst-nb's renderer use :func:`coalesce_streams_exactly`.

    myst-nb 1.4.0 imports ``coalesce_streams`` into ``myst_nb.core.render`` and looks the name
    up there when it renders a cell. Raises RuntimeError if the version differs or the
    renderer no longer calls it so, instead of silently doing nothing after an upgrade.
    """
    import inspect

    import myst_nb.core.render as render

    require("myst-nb", "stream_merge")
    target = getattr(render, "coalesce_streams", None)
    if target is None or "coalesce_streams(outputs)" not in inspect.getsource(render):
        raise RuntimeError("myst_nb.core.render no longer calls coalesce_streams(outputs): "
                           "redo stream_merge in book/_ext/upstream.py")
    render.coalesce_streams = coalesce_streams_exactly


# --- myst-nb and jupyter_client: kernel ports ------------------------------------------------
# jupyter_client picks a kernel's five TCP ports by binding them to port 0, closes them and
# passes the numbers to the kernel, which binds them a second later; another process can take
# one meanwhile, and the kernel dies ("Address already in use") or never answers. A CI run of
# this book failed so while two builds ran at once. https://github.com/jupyter/jupyter_client/issues/276
# and https://github.com/nteract/papermill/issues/511. Over Unix sockets (transport "ipc") in
# a private directory there is nothing to race for (and the kernel's warning about
# unencrypted TCP goes too). myst-nb calls jupyter-cache's single_nb_execution, imported by
# name into myst_nb/core/execute/cache.py and direct.py, with no way to pass the kernel's
# configuration: the name is replaced there.
def kernels_over_ipc():
    """Make myst-nb's kernels talk over Unix sockets in a private temporary directory;
    raises RuntimeError if myst-nb no longer runs notebooks through single_nb_execution."""
    import inspect

    import myst_nb.core.execute.cache as cache
    import myst_nb.core.execute.direct as direct

    require("myst-nb", "kernels_over_ipc")
    for module in (cache, direct):
        run = getattr(module, "single_nb_execution", None)
        if run is None or "single_nb_execution(" not in inspect.getsource(module):
            raise RuntimeError(f"{module.__name__} no longer calls single_nb_execution: "
                               f"redo kernels_over_ipc in book/_ext/upstream.py")
        if not getattr(run, "over_ipc", False):
            module.single_nb_execution = _over_ipc(run)


def _over_ipc(run):
    def single_nb_execution(notebook, *args, **kwargs):
        import tempfile
        from pathlib import Path

        from traitlets.config import Config

        with tempfile.TemporaryDirectory(prefix="matcalc-kernel-") as sockets:
            kwargs.setdefault("config", Config({"KernelManager": {
                "transport": "ipc", "ip": str(Path(sockets) / "kernel")}}))
            return run(notebook, *args, **kwargs)
    single_nb_execution.over_ipc = True
    return single_nb_execution


# --- pybtex: plugin lookups ------------------------------------------------------------------
# pybtex's find_plugin scans the entry points of every installed package
# (importlib.metadata, about 15 ms) on each call unless the plugin was registered at run
# time; sphinxcontrib-bibtex looks up the plain-text backend once for every citation it
# resolves (35 here, half a second of the build). Source: pybtex/plugin/__init__.py,
# _load_entry_point (https://bitbucket.org/pybtex-devs/pybtex, release 0.26.1).
PYBTEX_PLUGINS = (("pybtex.backends", "plaintext"), ("pybtex.backends", "docutils"))


def pybtex_plugins(plugins=PYBTEX_PLUGINS):
    """Look ``plugins`` ((group, name) pairs) up once and register them as pybtex runtime
    plugins, which ``find_plugin`` consults before it scans the installed packages.

    >>> import pybtex.plugin
    >>> pybtex_plugins()
    >>> pybtex.plugin.find_plugin("pybtex.backends", "plaintext").__module__
    'pybtex.backends.plaintext'
    """
    require("pybtex", "pybtex_plugins")
    import pybtex.plugin

    for group, name in plugins:
        pybtex.plugin.register_plugin(group, name, pybtex.plugin.find_plugin(group, name),
                                      force=True)


def _register_pybtex_plugins(app):
    pybtex_plugins()


# --- myst-parser: documents nested in {eval-rst} blocks --------------------------------------
# MyST parses each {eval-rst} block into a document of its own, whose settings hold the
# whole build environment, and the nodes it makes keep that document (``_document``). Sphinx
# clears the environment from the page's document only, so each such node pickled a copy of
# the environment: api.doctree weighed 3 MB and took 0.5 s to load in every build. Source:
# myst_parser/mdit_to_docutils/base.py, DocutilsRenderer.render_restructuredtext
# (``newdoc = make_document()``, release 5.2.0).
def eval_rst_documents(app):
    """Point the nodes that MyST's ``{eval-rst}`` blocks made at the page's document."""
    require("myst-parser", "eval_rst_documents")
    app.connect("doctree-read", _detach_nested_documents)


def _detach_nested_documents(app, doctree):
    for node in doctree.findall():
        inner = node.__dict__.get("_document")
        if inner is not None and inner is not doctree:
            node._document = doctree


# --- docutils: the bibliography's ARIA roles -------------------------------------------------
# docutils' HTML writer marks each citation role="doc-biblioentry" inside a role="list"
# container: the role is deprecated, and a list needs listitem children (axe:
# aria-required-children, critical; aria-deprecated-role). Source:
# docutils/writers/_html_base.py, HTMLTranslator.visit_citation (release 0.22.4).
def citation_roles(app):
    """Give the bibliography's entries the ``listitem`` role their list needs."""
    require("docutils", "citation_roles")
    app.connect("html-page-context", _accessible_citations)


def _accessible_citations(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


# --- sphinx-exercise: LaTeX labels -----------------------------------------------------------
# sphinx-exercise writes \label{exercise:<label>} in LaTeX, but Sphinx's references point at
# <docname>:<label>, so references to exercises did not resolve in the PDF. Source:
# sphinx_exercise/nodes.py, visit_exercise_enumerable_node's ``\label{exercise:...}``
# (release 1.2.1, https://github.com/executablebooks/sphinx-exercise)
def exercise_latex_labels(app):
    """Add the label Sphinx's references use, with the exercise's number, in LaTeX."""
    require("sphinx-exercise", "exercise_latex_labels")
    app.connect("doctree-resolved", _label_exercises_for_latex)


def _exercise_number(app, node, owner, label):
    for mapping in app.env.toc_fignumbers.get(owner, {}).values():
        for key in [label] + list(node.get("ids", [])):
            if key in mapping:
                return ".".join(str(n) for n in mapping[key])
    return None


def _label_exercises_for_latex(app, doctree, docname):
    if app.builder.format != "latex":
        return
    from docutils import nodes
    from sphinx_exercise.nodes import exercise_enumerable_node

    for node in list(doctree.findall(exercise_enumerable_node)):
        label = node.get("label")
        source = node.source or ""
        owner = app.env.path2doc(source) if source else None
        if not label or owner is None:
            continue
        number = _exercise_number(app, node, owner, label)
        tex = "\\phantomsection"
        if number:
            tex += f"\\expandafter\\def\\csname @currentlabel\\endcsname{{{number}}}"
        tex += f"\\label{{\\detokenize{{{owner}:{label}}}}}"
        # before the exercise's box: inside, as its first child, it took the place of the
        # box's title (an empty title bar, the title in the text)
        node.parent.insert(node.parent.index(node), nodes.raw("", tex, format="latex"))


def setup(app):
    """Apply every workaround (Sphinx entry point); raises RuntimeError if a package is not
    at the version its workaround was written for."""
    remember_config_as_read(app)
    search_index_entries()
    proof_domain_parallel()
    stream_merge()
    kernels_over_ipc()
    app.connect("builder-inited", _register_pybtex_plugins)
    eval_rst_documents(app)
    citation_roles(app)
    exercise_latex_labels(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
