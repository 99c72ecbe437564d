"""Python's cyclic garbage collector, set for a Sphinx build (a local extension, listed first).

A build loads the pickled environment, parses and resolves every page's doctree and renders
it; nearly all of these objects live until the build ends, and the process then exits. With
the default thresholds (700, 10, 10) the collector keeps re-examining them, and the
interpreter's collections at exit walk them all once more. So, in this process (and the
processes Sphinx forks from it to read and write pages in parallel, not in the kernels):

* the youngest generation is collected after :data:`THRESHOLDS` ``[0]`` net allocations
  instead of 700, and a full collection waits for :data:`THRESHOLDS` ``[2]`` collections of the
  middle one: cycles of garbage (a parsed page's nodes) are still freed, just in larger
  batches;
* at exit, :func:`gc.freeze`, so that the interpreter's final collections do not walk
  objects whose memory the operating system takes back anyway. (Objects kept alive only by
  reference cycles then never run their ``__del__``; Sphinx and the extensions write and
  close their files explicitly, and the tests compare two builds' outputs byte for byte
  and rebuild from the first one's notebook cache.)

A process that runs several builds (``sphinx.testing``) keeps the raised thresholds. What it
saves (an unchanged rebuild, a clean build) is measured in benchmarks/README.md, "The build".
"""

import atexit
import gc

__all__ = ["THRESHOLDS", "setup"]

THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold's (generation 0, 1, 2); Python's: 700, 10, 10


def setup(app):
    """Raise the collector's thresholds, and freeze what is left at exit (Sphinx entry point).

    >>> import atexit, gc
    >>> before = gc.get_threshold()
    >>> setup(None)["parallel_read_safe"], gc.get_threshold() == THRESHOLDS
    (True, True)
    >>> gc.set_threshold(*before); atexit.unregister(gc.freeze)
    """
    gc.set_threshold(*THRESHOLDS)
    atexit.unregister(gc.freeze)  # once, however many builds this process runs
    atexit.register(gc.freeze)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
