"""The book's chapters (MyST notebooks), shared with `make run` (tools/run_chapter.py)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

_spec = importlib.util.spec_from_file_location("run_chapter", ROOT / "tools" / "run_chapter.py")
run_chapter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_chapter)

chapters = run_chapter.chapters

