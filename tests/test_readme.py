"""The README's Python examples run as written and print what their comments promise."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def run(block, capsys):
    exec(compile(block, "README.md python block", "exec"), {})
    return capsys.readouterr().out


def verdicts(out):
    return re.findall(r"^gradient check (PASSED|FAILED|UNRESOLVED)", out, flags=re.M)


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


def test_first_block_right_gradient_passes_and_wrong_one_fails(capsys):
    block = BLOCKS[0]
    promised = re.findall(r"print\(check_gradient\(.*#\s*(PASSED|FAILED)", block)
    assert promised == ["PASSED", "FAILED"]  # the comments the reader sees
    out = run(block, capsys)
    assert verdicts(out) == promised, out
    table = out.split("gradient check FAILED")[1]
    assert "claimed G:V" in table and "numeric" in table  # the side-by-side table


@pytest.mark.parametrize("index", range(1, len(BLOCKS)))
def test_other_blocks_run_without_a_failed_check(index, capsys):
    out = run(BLOCKS[index], capsys)
    assert "FAILED" not in out and "UNRESOLVED" not in out, out
