#!/bin/sh
# Mutation testing of the checker core with mutmut (pinned in requirements): `make mutation`.
# Usage: sh benchmarks/run_mutation.sh [path to the venv's bin directory]
# Builds a scratch layout in _build/mutation (src -> code, tests -> tests, setup.cfg from
# benchmarks/mutmut.cfg), runs mutmut there at low priority on 2 workers, prints the
# survivors. Takes about 45 minutes on 2 cores; record the result in benchmarks/mutation.md.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${1:-$ROOT/.venv/bin}" && pwd)  # absolute: the run happens in $WORK
WORK=$ROOT/_build/mutation
rm -rf "$WORK"
mkdir -p "$WORK/mutants/src"   # must exist before Python starts (see PYTHONPATH below)
ln -s "$ROOT/code" "$WORK/src"
ln -s "$ROOT/tests" "$WORK/tests"
cp "$ROOT/benchmarks/mutmut.cfg" "$WORK/setup.cfg"
cd "$WORK"
PYTHONPATH="$WORK/mutants/src" nice "$BIN/mutmut" run --max-children 2 || true
"$BIN/mutmut" results
