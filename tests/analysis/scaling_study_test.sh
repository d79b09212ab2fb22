#!/usr/bin/env bash
# scripts/scaling-study on examples/tiny.yaml with up to 2 cores: runs 1x1, 2x1 (mpirun)
# and 1x2, then writes the table, the CSV and (when Python has the modules) the plot.
set -euo pipefail
if [[ "${1:-}" == "--help" ]]; then echo "usage: scaling_study_test.sh SOURCE_DIR SIMORCH_EXE"; exit 0; fi
src=$1
simorch=$2
if ! /usr/bin/python3 -c 'import h5py, matplotlib, numpy' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 lacks h5py, matplotlib or numpy (scripts/install-deps installs them)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/simorch-study-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$src/scripts/scaling-study" "$src/examples/tiny.yaml" -o "$tmp/out" --max-cores 2 --simorch "$simorch"
for f in r1-t1.h5 r2-t1.h5 r1-t2.h5 scaling.txt scaling.csv scaling.png; do
  [[ -s "$tmp/out/$f" ]] || { echo "FAIL: $tmp/out/$f missing or empty"; exit 1; }
done
grep -q "^strong scaling, 3 runs" "$tmp/out/scaling.txt" || { echo "FAIL: table:"; cat "$tmp/out/scaling.txt"; exit 1; }
[[ $(grep -c '^strong,' "$tmp/out/scaling.csv") -eq 3 ]] || { echo "FAIL: csv:"; cat "$tmp/out/scaling.csv"; exit 1; }
# The 2-rank run really ran on two ranks: its report lists ranks 0 and 1.
"$simorch" report "$tmp/out/r2-t1.h5" | grep -q "2 ranks x 1 thread = 2 cores" || {
  echo "FAIL: r2-t1.h5 was not a 2-rank run"; "$simorch" report "$tmp/out/r2-t1.h5"; exit 1; }
# Bad arguments: exit 2 with a message.
set +e
"$src/scripts/scaling-study" "$tmp/missing.yaml" -o "$tmp/x" 2>"$tmp/err"
code=$?
set -e
[[ $code -eq 2 ]] && grep -q "no such study file" "$tmp/err" || { echo "FAIL: missing study gave $code"; exit 1; }
echo "ok"
