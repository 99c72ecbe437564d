"""The build's garbage-collector settings (book/_ext/buildgc.py): applied first, and the
process freezes what is left when it exits."""

import ast
import subprocess
import sys
from pathlib import Path

import buildgc

ROOT = Path(__file__).resolve().parents[1]


def test_the_setting_is_the_first_extension_the_build_loads():
    tree = ast.parse((ROOT / "conf.py").read_text())
    lists = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and any(getattr(t, "id", None) == "extensions" for t in node.targets)]
    assert len(lists) == 1, "conf.py should assign `extensions` once"
    assert ast.literal_eval(lists[0])[0] == "buildgc"


def test_thresholds_are_raised_and_what_is_left_at_exit_is_frozen():
    # A child process exits as a build does. Exit handlers run last registered first, so
    # the handler registered before setup() runs after buildgc's and sees what it did.
    code = ("import atexit, gc, os, buildgc\n"
            "atexit.register(lambda: os.write(1, f'{gc.get_freeze_count() > 0}\\n'.encode()))\n"
            "assert gc.get_freeze_count() == 0\n"
            "buildgc.setup(None)\n"
            "buildgc.setup(None)  # a second build in the same process\n"
            "print(gc.get_threshold(), flush=True)\n")
    env_path = str(Path(buildgc.__file__).parent)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"}, check=True)
    assert done.stdout.split("\n")[:2] == [str(buildgc.THRESHOLDS), "True"], done.stdout
