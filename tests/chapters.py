"""The book's chapters (MyST notebooks), shared with `make run` (tools/run_chapter.py)."""

import run_chapter  # on sys.path through conftest.py

from conftest import BOOK, ROOT  # noqa: F401

chapters = run_chapter.chapters
