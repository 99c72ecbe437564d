"""Kernels forked from a zygote that has the imports done (book/_ext/forkkernel.py): the
notebook must not be able to tell them from a kernel jupyter_client starts itself, except
that the preloaded modules are already imported; interrupts, timeouts, dying kernels and
the zygote's end behave as with ordinary kernels."""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import forkkernel
import nbformat
import pytest
from preexecute import run_in_kernel

PROBE = textwrap.dedent("""\
    import json, os, signal, subprocess, sys
    env = {k: v for k, v in os.environ.items()
           if k not in ("JPY_PARENT_PID", "MATCALC_FORK_KERNELS")}  # the switch differs
    print(json.dumps({"path": sys.path, "cwd": os.getcwd(), "env": env,
                      "argv0": sys.argv[0], "pid": os.getpid(), "ppid": os.getppid(),
                      "leader": os.getpgid(0) == os.getpid(),
                      "sigchld": str(signal.getsignal(signal.SIGCHLD)),
                      "sigint": str(signal.getsignal(signal.SIGINT)),
                      "false": subprocess.run(["false"]).returncode,
                      "preloaded": "sympy" in sys.modules}))""")


def notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def probe(tmp_path, monkeypatch, fork, *cells):
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1" if fork else "0")
    result = run_in_kernel(notebook(PROBE, *cells), str(tmp_path), 120)
    assert result.err is None, result.err
    return json.loads(result.nb.cells[0].outputs[0]["text"]), result.nb


def test_a_forked_kernel_looks_like_a_started_one(tmp_path, monkeypatch):
    plot = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"
    forked, nb_forked = probe(tmp_path, monkeypatch, True, plot)
    started, nb_started = probe(tmp_path, monkeypatch, False, plot)
    assert forked["ppid"] != os.getpid() and started["ppid"] == os.getpid()  # really forked
    assert forked["preloaded"] and not started["preloaded"]
    for key in ("path", "cwd", "env", "argv0", "leader", "sigchld", "sigint", "false"):
        assert forked[key] == started[key], key
    assert forked["false"] == 1   # child processes are waited for (SIGCHLD not ignored)
    assert forked["cwd"] == str(tmp_path) and forked["leader"]
    # matplotlib was imported by the zygote, and still shows figures inline
    kinds = [sorted(o.get("data", {})) for o in nb_forked.cells[1].outputs]
    assert kinds == [sorted(o.get("data", {})) for o in nb_started.cells[1].outputs]
    assert any("image/png" in k for k in kinds), kinds


def test_each_notebook_gets_a_fresh_kernel(tmp_path, monkeypatch):
    first, _ = probe(tmp_path, monkeypatch, True, "leaked = 1")
    second, nb = probe(tmp_path, monkeypatch, True, "print('leaked' in globals())")
    assert first["pid"] != second["pid"]
    assert nb.cells[1].outputs[0]["text"] == "False\n"


def test_kernels_of_one_zygote_draw_different_unseeded_numbers(tmp_path, monkeypatch):
    draw = "import numpy as np, sympy.core.random as r; print(np.random.rand(), r.rng.random())"
    _, first = probe(tmp_path, monkeypatch, True, draw)
    _, second = probe(tmp_path, monkeypatch, True, draw)
    assert first.cells[1].outputs[0]["text"] != second.cells[1].outputs[0]["text"]


def test_a_dead_zygote_is_replaced(tmp_path, monkeypatch):
    before, _ = probe(tmp_path, monkeypatch, True)
    zygote = forkkernel._ZYGOTE[0].process
    zygote.kill()
    zygote.wait()
    after, _ = probe(tmp_path, monkeypatch, True)
    assert after["ppid"] not in (before["ppid"], os.getpid()) and after["preloaded"]


def test_a_cell_that_runs_too_long_is_interrupted_and_its_kernel_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    nb = notebook("import os; print(os.getpid())", "import time; time.sleep(60)")
    start = time.perf_counter()
    result = run_in_kernel(nb, str(tmp_path), 3)
    assert time.perf_counter() - start < 30
    assert type(result.err).__name__ == "CellTimeoutError", result.err
    pid = int(result.nb.cells[0].outputs[0]["text"])
    for _ in range(100):  # the kernel is shut down (or killed), and reaped by the zygote
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"kernel {pid} still runs after its notebook timed out")


def test_a_kernel_that_dies_is_reported_and_the_next_one_starts(tmp_path, monkeypatch):
    from nbclient.exceptions import DeadKernelError

    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    with pytest.raises(DeadKernelError):   # as with a kernel jupyter_client started
        run_in_kernel(notebook("import os; os._exit(3)"), str(tmp_path), 60)
    again, _ = probe(tmp_path, monkeypatch, True)
    assert again["preloaded"] and again["ppid"] != os.getpid()


def test_the_zygote_ends_with_the_process_that_started_it(tmp_path):
    script = textwrap.dedent(f"""\
        import os, sys
        sys.path[:0] = {[os.path.dirname(forkkernel.__file__)]!r}
        import nbformat
        from preexecute import run_in_kernel
        import forkkernel
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
        nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "P",
                                      "language": "python"}}
        assert run_in_kernel(nb, {str(tmp_path)!r}, 60).err is None
        print(forkkernel._ZYGOTE[0].process.pid)
        """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, MATCALC_FORK_KERNELS="1"), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    zygote = int(proc.stdout.split()[-1])
    for _ in range(100):
        try:
            os.kill(zygote, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"the zygote {zygote} outlived the process that started it")


FORK = multiprocessing.get_context("fork")


def _kernel_pids(cwd):
    """(in a pool's worker) the pids the zygote answered, the kernel's own and its parent's."""
    answered, fork = [], forkkernel._Zygote.fork

    def recording(self, *args):
        answered.append(fork(self, *args))
        return answered[-1]

    forkkernel._Zygote.fork = recording
    try:
        result = run_in_kernel(notebook("import os; print(os.getpid(), os.getppid())"), cwd, 120)
    finally:
        forkkernel._Zygote.fork = fork
    assert result.err is None, result.err
    pid, parent = map(int, result.nb.cells[0].outputs[0]["text"].split())
    return answered, pid, parent


def test_processes_forked_after_start_share_its_zygote(tmp_path, monkeypatch):
    # As the build's pool runs notebooks: two workers, kernels asked for at the same time;
    # each worker must be answered with the pid of the kernel it asked for.
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    zygote = forkkernel.start()
    assert zygote == forkkernel._ZYGOTE[0].process.pid
    with ProcessPoolExecutor(2, mp_context=FORK) as pool:
        runs = list(pool.map(_kernel_pids, [str(tmp_path)] * 6))
    assert [(answered, parent) for answered, _, parent in runs] == [
        ([pid], zygote) for _, pid, _ in runs]
    assert forkkernel._ZYGOTE[0].alive()  # the workers' exits did not stop it


def _let_go(_):
    forkkernel._ZYGOTE[0].close()
    return forkkernel._ZYGOTE[0].closed and not forkkernel._ZYGOTE[0].alive()


def test_a_worker_that_lets_go_of_the_zygote_does_not_stop_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    zygote = forkkernel.start()
    with ProcessPoolExecutor(1, mp_context=FORK) as pool:
        assert pool.submit(_let_go, 0).result()
    assert forkkernel._ZYGOTE[0].alive()
    after, _ = probe(tmp_path, monkeypatch, True)
    assert after["ppid"] == zygote


def _sees_it_dead(_):
    for _ in range(100):
        if not forkkernel._ZYGOTE[0].alive():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_sees_a_dead_zygote_as_dead(monkeypatch):
    # Killed and not yet reaped by its owner (this process): a zombie, which answers
    # kill(pid, 0) as if it ran.
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    forkkernel.start()
    zygote = forkkernel._ZYGOTE[0]
    os.kill(zygote.process.pid, signal.SIGKILL)
    with ProcessPoolExecutor(1, mp_context=FORK) as pool:
        assert pool.submit(_sees_it_dead, 0).result()
    assert not zygote.alive()  # the owner reaps it
    assert forkkernel.start() != zygote.process.pid  # and the next one is new


class FakeZygote:
    """Plays the zygote's side of the pipes in a thread: answers each request with
    ``replies[i]`` (a pid, or None for no answer) after ``delays[i]`` seconds."""

    def __init__(self, replies, delays):
        requests_read, requests = os.pipe()
        replies_read, self.replies_write = os.pipe()
        self.zygote = forkkernel._Zygote.__new__(forkkernel._Zygote)
        self.zygote._attach(requests, replies_read, process=None)
        self.reader = os.fdopen(requests_read)
        self.thread = threading.Thread(target=self.serve, args=(replies, delays), daemon=True)
        self.thread.start()

    def serve(self, replies, delays):
        for pid, delay in zip(replies, delays):
            ident = json.loads(self.reader.readline())["id"]
            time.sleep(delay)
            if pid is not None:
                os.write(self.replies_write, f"{ident} {pid}\n".encode())


def test_a_late_reply_is_not_taken_for_the_next_one(monkeypatch):
    monkeypatch.setattr(forkkernel, "REPLY_TIMEOUT", 0.5)
    fake = FakeZygote(replies=[111, 222], delays=[1.0, 0.0])
    with pytest.raises(RuntimeError, match="did not answer"):
        fake.zygote.fork([], "/", {})
    monkeypatch.setattr(forkkernel, "REPLY_TIMEOUT", 30)  # a loaded machine is slow
    assert fake.zygote.fork([], "/", {}) == 222  # 111 arrives meanwhile, for the first


def test_a_process_that_dies_holding_the_zygote_does_not_block_the_others(monkeypatch):
    monkeypatch.setattr(forkkernel, "REPLY_TIMEOUT", 5)
    fake = FakeZygote(replies=[333], delays=[0.0])
    child = os.fork()
    if child == 0:  # takes its turn, and dies before giving it back
        fake.zygote._turn().__enter__()
        os._exit(0)
    os.waitpid(child, 0)
    assert fake.zygote.fork([], "/", {}) == 333


def test_only_this_interpreters_ipykernel_is_forked():
    assert forkkernel.kernel_arguments(
        [sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    assert forkkernel.kernel_arguments(["/usr/bin/python2", "-m", "ipykernel_launcher"]) is None
    assert forkkernel.kernel_arguments([sys.executable, "-m", "other_kernel", "-f"]) is None


def test_the_switch(monkeypatch):
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "0")
    assert not forkkernel.enabled()
    monkeypatch.setenv("MATCALC_FORK_KERNELS", "1")
    assert forkkernel.enabled() == hasattr(os, "fork")
