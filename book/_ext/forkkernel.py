"""Kernels forked from a process that has already imported the book's libraries.

A chapter's kernel used to spend about two seconds of CPU before its first cell did any
work: a new Python, ipykernel and IPython, then numpy, sympy, matplotlib and matcalc imported
by the first cell. Thirteen chapters, run by every clean build (and by the tests' second
build), paid it thirteen times on a two-core machine.

Here a *zygote*, a plain Python process started once per process that runs notebooks (its
only threads are OpenBLAS's, which handle ``fork``), imports ipykernel and :data:`PRELOAD`,
then waits; processes forked from that process later (the build's pool of workers, see
:func:`start`) share its zygote. Each kernel is a ``fork`` of
it: the child takes the kernel's working directory, environment, process group and
arguments exactly as ``python -m ipykernel_launcher`` would get them from jupyter_client, and
runs the same ``IPKernelApp``. The notebook sees a fresh kernel (its own process, a fresh
namespace, nothing run before it) whose imports of the preloaded modules are already done.
What a notebook could still tell apart: those modules were imported in the zygote's
directory and environment (a ``matplotlibrc`` beside the notebook, or ``MPLCONFIGDIR`` set by
a kernel spec, is not read; import-time warnings go to the build's log), the string hash
seed is the zygote's, and ``forkkernel`` is in ``sys.modules``. The book's notebooks depend
on none of these; the random generators seeded at import are reseeded in each kernel.

:class:`ForkingKernelManager` is jupyter_client's ``AsyncKernelManager`` with only the launch
replaced; a kernel command that is not this interpreter's ``-m ipykernel_launcher``, a
platform without ``fork``, ``MATCALC_FORK_KERNELS=0`` or a zygote that cannot start fall
back to the ordinary launch.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

__all__ = ["PRELOAD", "ForkingKernelManager", "enabled", "kernel_arguments", "start",
           "stop"]

# Imported by the zygote before any kernel is forked: what most chapters' first cells import.
# Not jax (multithreaded once used: fork would be unsafe) and not matplotlib.pyplot's backend
# (it must meet the kernel's IPython to show figures inline: it is loaded at first use).
PRELOAD = ("numpy", "scipy.linalg", "sympy", "matplotlib.pyplot", "IPython.display",
           "matcalc", "matcalc.catalogue", "matcalc.derivation", "matcalc.symbolic",
           "matcalc.examples")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # as ipykernel sets it
HERE = str(Path(__file__).resolve().parent)


def enabled():
    """Whether kernels are forked: a POSIX ``fork`` and ``MATCALC_FORK_KERNELS`` not 0/off.

    >>> isinstance(enabled(), bool)
    True
    """
    off = os.environ.get("MATCALC_FORK_KERNELS", "1").strip().lower() in ("0", "off", "no")
    return hasattr(os, "fork") and not off


def kernel_arguments(cmd):
    """The ipykernel arguments of a kernel command this interpreter can fork, else None.

    >>> kernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> kernel_arguments(["/usr/bin/R", "--slave", "-f", "k.json"]) is None
    True
    """
    if len(cmd) < 3 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"]:
        return None
    if os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):  # not resolved: a venv's
        return None                                                # python is a symlink
    return list(cmd[3:])


class _Forked:
    """The part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses, for a
    kernel that is the zygote's child (not ours: it is watched by pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except (ProcessLookupError, PermissionError):  # exited and reaped by the zygote
                self.returncode = 0                          # (or the pid is reused already)
        return self.returncode

    def wait(self, timeout=None):
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class _Zygote:
    """The forking process: requests and replies are lines over two pipes. It runs in a
    session of its own, so that a Ctrl-C meant for the build does not kill it (and the
    kernels with it) before the build itself stops.

    Processes forked from the owner after it started (a pool's workers, see :func:`start`)
    share it: they inherit the pipes, and a lock on an unnamed file (a POSIX record lock,
    which the system drops when its holder dies) lets one process at a time send a request
    and read its reply. Each request carries an id that its reply repeats: a late reply to
    a request that timed out is skipped, not taken for the answer to the next one."""

    def __init__(self):
        requests_read, requests = os.pipe()
        replies, replies_write = os.pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", f"import sys; sys.path.insert(0, {HERE!r}); "
                 f"import forkkernel; forkkernel._serve({requests_read}, {replies_write})"],
                pass_fds=(requests_read, replies_write), stdin=subprocess.DEVNULL,
                start_new_session=True)
        except OSError:
            os.close(requests)
            os.close(replies)
            raise
        finally:
            os.close(requests_read)
            os.close(replies_write)
        self._attach(requests, replies, process)

    def _attach(self, requests, replies, process):
        import tempfile

        self._requests, self._replies, self.process = requests, replies, process
        self._lockfile = tempfile.TemporaryFile()
        self._threads = (os.getpid(), threading.Lock())
        self.owner = os.getpid()
        self.closed = False

    def alive(self):
        """Whether the zygote still runs and this process may use it (asked from the owner,
        or from a process forked from it, whose ``Popen`` cannot wait for another process's
        child and would see a dead zygote as a zombie)."""
        if self.closed:
            return False
        if os.getpid() == self.owner:
            return self.process.poll() is None
        return _running(self.process.pid)

    @contextlib.contextmanager
    def _turn(self):
        """Hold the zygote for one request and its reply: against this process's other
        threads, then against the other processes that share it."""
        import fcntl
        import time

        if self._threads[0] != os.getpid():  # a forked copy: its own threads' lock
            self._threads = (os.getpid(), threading.Lock())
        deadline = time.monotonic() + REPLY_TIMEOUT
        if not self._threads[1].acquire(timeout=REPLY_TIMEOUT):
            raise RuntimeError(f"the kernel zygote was busy for {REPLY_TIMEOUT} s")
        try:
            while True:
                try:
                    fcntl.lockf(self._lockfile, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"the kernel zygote was busy for {REPLY_TIMEOUT} s") from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.lockf(self._lockfile, fcntl.LOCK_UN)
        finally:
            self._threads[1].release()

    def fork(self, arguments, cwd, env):
        """Fork a kernel; its pid. RuntimeError if the zygote is closed, gone, or does not
        answer within :data:`REPLY_TIMEOUT` seconds."""
        import uuid

        if self.closed:
            raise RuntimeError("the kernel zygote was closed in this process")
        ident = uuid.uuid4().hex
        request = json.dumps({"id": ident, "args": arguments, "cwd": cwd, "env": env})
        with self._turn():
            try:
                data = (request + "\n").encode()
                while data:
                    data = data[os.write(self._requests, data):]
                while True:
                    answered, _, pid = self._reply().partition(" ")
                    if answered == ident:
                        break  # (other ids: late replies to requests that timed out)
            except OSError as exc:
                self.close()
                raise RuntimeError(f"the kernel zygote is gone ({exc})") from exc
        if not pid.strip().isdigit():
            raise RuntimeError(f"the kernel zygote did not fork a kernel (it said {pid!r})")
        return int(pid)

    def _reply(self):
        """One line from the replies pipe, read a byte at a time (nothing of the next line
        is taken: another process may be the one to read it)."""
        import select

        line = b""
        while not line.endswith(b"\n"):
            if not select.select([self._replies], [], [], REPLY_TIMEOUT)[0]:
                raise RuntimeError(f"the kernel zygote did not answer in {REPLY_TIMEOUT} s")
            byte = os.read(self._replies, 1)
            if not byte:
                raise OSError("it closed its end of the pipe")
            line += byte
        return line.decode().strip()

    def close(self):
        """Close this process's ends of the pipes, once; the owner also stops the zygote (its
        kernels exit with it), a process that shares it leaves it running."""
        if self.closed:
            return
        self.closed = True
        if os.getpid() == self.owner:
            self.process.kill()
            self.process.wait()
        for fd in (self._requests, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
        self._lockfile.close()


def _running(pid):
    """Whether process ``pid`` runs (a zombie does not: its parent has not reaped it)."""
    if not os.path.isdir("/proc/self"):  # no /proc: ask the kernel (a zombie counts)
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except OSError:
        return False


REPLY_TIMEOUT = 300  # seconds for the zygote's imports and one fork, on a loaded machine
_ZYGOTE = []  # the zygote of this process, started at the first kernel


def start():
    """Start this process's zygote now, if kernels are forked (see :func:`enabled`).

    Processes forked from this one afterwards (the workers of a process pool) then fork
    their kernels from it too, instead of each starting a zygote that imports the preloaded
    modules again (about 2.8 s of CPU each, measured). Returns the zygote's pid, or None.

    >>> pid = start()  # in the process that forks the workers  # doctest: +SKIP
    """
    if not enabled():
        return None
    return _zygote().process.pid


def stop():
    """Stop this process's zygote, if it started one (a process that shares another's only
    lets go of it); the next forked kernel starts a new one. Its memory (135 MB with
    the preloaded modules) is freed for the rest of the build.

    >>> stop()
    """
    if _ZYGOTE:
        _ZYGOTE.pop().close()


def _zygote():
    if _ZYGOTE and not _ZYGOTE[0].alive():
        _ZYGOTE.pop().close()
    if not _ZYGOTE:
        _ZYGOTE.append(_Zygote())
    return _ZYGOTE[0]


class ForkingKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, with kernels forked from the zygote (see the module
    docstring); everything else (connection files, messages, interrupt, shutdown) is
    jupyter_client's own."""

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        arguments = kernel_arguments(kernel_cmd)
        provisioner = self.provisioner
        if arguments is None or not enabled() or type(provisioner) is not LocalProvisioner:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = str(kw.get("cwd") or os.getcwd())
        env = dict(kw.get("env") or os.environ)
        try:
            pid = _zygote().fork(arguments, cwd, env)
        except (OSError, RuntimeError) as exc:
            self.log.warning("forking a kernel failed (%s): starting one normally", exc)
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner.process = _Forked(pid)
        provisioner.pid = provisioner.pgid = pid  # the child leads its own session
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


def _serve(requests_fd, replies_fd):
    """The zygote's loop (run by ``python -c``): preload, then fork one kernel per request
    until the requests pipe closes (its owner exited)."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import importlib

    import ipykernel.kernelapp  # noqa: F401  (the kernel itself)

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a module that fails here fails in the kernel, by name
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's Ctrl-C is for the build
    requests = os.fdopen(requests_fd, "r")
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, (requests_fd, replies_fd))
        os.write(replies_fd, f"{request.get('id', '')} {pid}\n".encode())


def _reseed():
    """Reseed the generators the preloaded modules seeded at import (numpy's global one,
    sympy's): otherwise every kernel of one zygote would draw the same "random" numbers.
    (Python's ``random`` reseeds itself after a fork; the string hash seed stays shared.)"""
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()
    if "sympy.core.random" in sys.modules:
        sys.modules["sympy.core.random"].seed()


def _become_kernel(request, zygote_fds):
    """(in the forked child) Become ``python -m ipykernel_launcher <args>``; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _reseed()  # a fresh process draws fresh unseeded random numbers
        for fd in zygote_fds:
            os.close(fd)
        os.setsid()  # as jupyter_client starts kernels: interrupts go to its group
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        zygote = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = zygote
        # as ipykernel_launcher leaves it (IPython adds the working directory back)
        sys.path[:] = [p for p in sys.path if p not in ("", HERE)]
        import importlib.util

        from ipykernel import kernelapp

        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin] + request["args"]
        # ipykernel read JPY_PARENT_PID when the zygote imported it: say it again, so that
        # the kernel exits if the zygote does (and stays quiet, as under jupyter_client)
        kernelapp.launch_new_instance(argv=request["args"] + [
            f"--IPKernelApp.parent_handle={zygote}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            if hasattr(threading, "_shutdown"):
                threading._shutdown()  # wait for non-daemon threads, as an exit does
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
