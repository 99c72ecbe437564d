"""Execute the chapters' notebooks in parallel, before Sphinx reads them.

myst-nb executes a page's notebook while Sphinx reads that page, one page after another,
and Sphinx cannot read this book in parallel (sphinx-proof is not parallel-safe). So, just
before reading (``env-before-read-docs``), the notebooks of the pages about to be read that
the jupyter-cache does not hold yet are started here, several at a time, and Sphinx reads
the pages that need no run meanwhile; as each page comes to be read (``source-read``), its
notebook's run is waited for and stored in that cache exactly as myst-nb stores it (same
reader, same hash, same record). myst-nb then finds it in the cache and only renders.

A notebook that fails here is not stored: myst-nb executes it again while reading and
reports the error as usual, naming the chapter, and the strict build fails.
``MATCALC_NB_WORKERS`` sets the number of notebooks run at once (default: the number of
cores; 1 turns this off).
"""

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sphinx.util import logging

import forkkernel

logger = logging.getLogger(__name__)

__all__ = ["workers", "run_in_kernel", "setup"]


def workers():
    """How many notebooks run at once: ``MATCALC_NB_WORKERS``, else the number of cores.

    >>> workers() >= 1
    True
    """
    value = os.environ.get("MATCALC_NB_WORKERS", "")
    if value.strip():
        if not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"MATCALC_NB_WORKERS must be a positive integer, got {value!r}")
        return int(value)
    return max(1, os.cpu_count() or 1)


STARTUP_ATTEMPTS = 2  # a kernel that does not start is started once more


def run_in_kernel(notebook, cwd, timeout, allow_errors=False, meta_override=True, **kwargs):
    """jupyter-cache's ``single_nb_execution`` with a kernel that talks over Unix sockets in
    a private directory, and may take as long to start as a cell may take to run.

    On a busy machine a TCP port picked as free can be taken before the kernel binds it, and
    the client then only sees a kernel that never answers: a CI run failed so, with "Kernel
    didn't respond in 60 seconds", while two builds ran at once. myst-nb's own execution (a
    notebook run while its page is read) goes through here too (see :func:`setup`).
    """
    import tempfile

    from jupyter_cache.executors.utils import single_nb_execution
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="matcalc-kernel-") as sockets:
        kwargs.setdefault("config", Config({"KernelManager": {
            "transport": "ipc", "ip": str(Path(sockets) / "kernel")}}))
        kwargs.setdefault("startup_timeout", max(60, timeout or 0))
        if forkkernel.enabled():  # forked from a process that has the imports done
            kwargs.setdefault("kernel_manager_class", forkkernel.ForkingKernelManager)
        return single_nb_execution(notebook, cwd=cwd, timeout=timeout,
                                   allow_errors=allow_errors, meta_override=meta_override,
                                   **kwargs)


def _execute(notebook, cwd, timeout):
    """Run one notebook in a fresh kernel (in a worker process): (notebook, seconds, error).

    A kernel that does not start, or dies starting, is started once more. Any other failure
    is returned as text, never raised: the notebook is then left to myst-nb, which runs it
    again and reports the error with its chapter.
    """
    error = None
    for _ in range(STARTUP_ATTEMPTS):
        try:
            result = run_in_kernel(notebook, cwd, timeout)
        except Exception as exc:  # the kernel did not start or died: try again
            error = f"{type(exc).__name__}: {exc}"
            continue
        error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
        return result.nb, result.time, error
    return notebook, 0.0, error


def _pending(env, docnames, cache):
    """(path, notebook, read format) of each page to be read whose notebook is not cached."""
    from myst_nb.core.read import create_nb_reader

    pending = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".md":
            continue
        text = path.read_text(encoding="utf8")
        reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
        if reader is None:
            continue  # plain Markdown: nothing to execute
        notebook = reader.read(text)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            pending.append((path, notebook, reader.read_fmt))
    return pending


def _store(cache, path, notebook, read_fmt, seconds):
    from jupyter_cache.base import CacheBundleIn

    record = cache.add_nb_to_project(str(path), read_data=read_fmt)
    cache.cache_notebook_bundle(CacheBundleIn(notebook, record.uri,
                                              data={"execution_seconds": seconds}),
                                check_validity=False, overwrite=True)


def _start_order(item, first):
    """Sort key of a pending (path, notebook, format): the pages named in ``first`` in that
    order, then the others by decreasing length of their code."""
    path, notebook, _ = item
    if path.stem in first:
        return (0, first.index(path.stem))
    return (1, -sum(len(c.source) for c in notebook.cells if c.cell_type == "code"))


def _before_read(app, env, docnames):
    """Start the pending notebooks in a pool and reorder ``docnames`` (in place) so that
    Sphinx reads the pages that need no run first (the API page takes seconds), then the
    others in the order their notebooks were started; :func:`_wait_for_notebook` holds each
    page until its notebook is stored, so reading overlaps the runs."""
    config = env.mystnb_config
    count = workers()
    if config.execution_mode != "cache" or count < 2:
        return
    from jupyter_cache import get_cache

    cache = get_cache(config.execution_cache_path)
    pending = _pending(env, docnames, cache)
    if len(pending) < 2:
        return  # nothing to gain: myst-nb executes a single notebook itself
    # Long ones first, so that no long notebook starts last: those conf.py names, then by
    # the length of their code.
    pending.sort(key=lambda item: _start_order(item, app.config.matcalc_notebooks_first))
    pool = ProcessPoolExecutor(max_workers=min(count, len(pending)),
                               mp_context=_shared_zygote_context())
    runs = {}
    for path, notebook, read_fmt in pending:
        cwd = None if config.execution_in_temp else str(path.parent)
        runs[env.path2doc(str(path))] = (path, read_fmt, pool.submit(
            _execute, notebook, cwd, config.execution_timeout))
    pool.shutdown(wait=False)  # the runs go on; the pool's processes end with them
    docnames[:] = [d for d in docnames if d not in runs] + list(runs)  # runs: from docnames
    app.matcalc_runs = {"cache": cache, "runs": runs, "start": time.perf_counter(),
                        "workers": count}


def _shared_zygote_context():
    """Start the kernel zygote here, for the pool's workers to share, on Linux, where they
    can be forked from this process; the fork context, or None for the platform's default
    (each worker then starts a zygote of its own, as on macOS, where forking a process
    that has loaded Apple's frameworks is unsafe)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        if forkkernel.start() is None:
            return None
    except (OSError, RuntimeError) as exc:
        logger.info(f"no shared kernel zygote ({exc}): each worker starts its own")
        return None
    return multiprocessing.get_context("fork")


def _stop_zygote(app, env):
    """(``env-updated``) Every page is read: no kernel is needed for the rest of the build,
    and the zygote's memory is free while the pages are written. (This also stops one that
    myst-nb started to run a notebook again after a failed run.)"""
    forkkernel.stop()


def _wait_for_notebook(app, docname, source):
    """(``source-read``) Before a page is parsed, wait for its notebook's run and store it
    in the cache, where myst-nb finds it. A run that failed is not stored: myst-nb runs the
    notebook again while reading and reports the error, naming the chapter."""
    state = getattr(app, "matcalc_runs", None)
    if not state or docname not in state["runs"]:
        return
    path, read_fmt, future = state["runs"].pop(docname)
    try:
        notebook, seconds, error = future.result()
    except Exception as exc:  # the worker died (BrokenProcessPool): myst-nb runs it again
        notebook, seconds, error = None, 0.0, f"{type(exc).__name__}: {exc}"
    if error is None:
        _store(state["cache"], path, notebook, read_fmt, seconds)
        logger.info(f"executed {path.name} in {seconds:.1f} s")
    else:
        logger.info(f"{path.name} failed ahead of reading ({error.splitlines()[0]})")
    if not state["runs"]:
        logger.info(f"all notebooks executed {time.perf_counter() - state['start']:.1f} s "
                    f"after the first started, {state['workers']} at a time")
        app.matcalc_runs = None


def setup(app):
    """Register the pre-execution hook (called from matcalc_book's setup)."""
    import myst_nb.core.execute.cache as cache

    if not hasattr(cache, "single_nb_execution"):
        raise RuntimeError("myst_nb.core.execute.cache no longer calls single_nb_execution: "
                           "redo the kernel patch in book/_ext/preexecute.py")
    cache.single_nb_execution = run_in_kernel  # myst-nb's own runs: the same kernels
    app.add_config_value("matcalc_notebooks_first", [], "", types=[list])
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _wait_for_notebook)
    app.connect("env-updated", _stop_zygote)
