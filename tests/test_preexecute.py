"""The notebooks' parallel pre-execution (book/_ext/preexecute.py): a kernel that cannot
start never crashes the build, and kernels do not use TCP ports."""

import nbformat
import preexecute


def notebook(source, kernel="python3"):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    return nb


def test_a_notebook_runs_over_unix_sockets(tmp_path):
    code = ("import json, ipykernel.connect as c\n"
            "print(json.loads(open(c.get_connection_file()).read())['transport'])")
    nb, seconds, error = preexecute._execute(notebook(code), str(tmp_path), 60)
    assert error is None
    assert nb.cells[0].outputs[0]["text"] == "ipc\n"
    assert seconds > 0


def test_a_kernel_that_cannot_start_is_reported_not_raised(tmp_path):
    nb, seconds, error = preexecute._execute(notebook("1", kernel="no-such-kernel"),
                                             str(tmp_path), 60)
    assert error is not None and "no-such-kernel" in error, error
    assert seconds == 0.0 and nb.cells[0].outputs == []


def test_a_failing_cell_is_reported_with_its_error(tmp_path):
    nb, _, error = preexecute._execute(notebook("1 / 0"), str(tmp_path), 60)
    assert error is not None and "ZeroDivisionError" in error, error


def test_named_notebooks_start_first_then_the_longest_code():
    from pathlib import Path
    pending = [(Path(f"book/{stem}.md"), notebook("x = 1\n" * lines), "myst")
               for stem, lines in (("short", 1), ("catalogue", 2), ("long", 50), ("mid", 9))]
    pending.sort(key=lambda item: preexecute._start_order(item, ["catalogue"]))
    assert [path.stem for path, _, _ in pending] == ["catalogue", "long", "mid", "short"]


def test_myst_nb_runs_its_own_notebooks_through_the_same_kernels(monkeypatch):
    import myst_nb.core.execute.cache as cache

    class App:
        def add_config_value(self, *args, **kwargs):
            pass

        def connect(self, *args):
            pass

    monkeypatch.setattr(cache, "single_nb_execution", cache.single_nb_execution)
    preexecute.setup(App())
    assert cache.single_nb_execution is preexecute.run_in_kernel


def test_run_in_kernel_reports_a_failing_cell_as_jupyter_cache_does(tmp_path):
    result = preexecute.run_in_kernel(notebook("1 / 0"), str(tmp_path), 60)
    assert type(result.err).__name__ == "CellExecutionError" and "ZeroDivisionError" in str(
        result.err)
