"""The benchmark script runs (at small sizes) and matcalc flags both wrong gradients."""

import runpy
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_check_gradient.py"


def test_benchmark_runs_at_small_size(capsys):
    runpy.run_path(str(BENCH))["main"](30)
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 30x30")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[2] == "20" and cells[3] == "901"       # evaluations: matcalc, scipy
    assert cells[8] == "yes / yes"                      # matcalc flags gross and subtle
    assert "false alarm" not in out
