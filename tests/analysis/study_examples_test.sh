#!/usr/bin/env bash
# Shrunken copies of examples/compare_controllers.yaml (60 samples per case; and 1024 with a
# stop) and examples/region_of_attraction.yaml (7 x 7 grid) run, report and plot; the report's
# numbers match h5py computations (study_report_check.py). Exit 77 (ctest: skipped) when
# no Python has h5py, scipy and matplotlib.
set -euo pipefail
if [[ "${1:-}" == "--help" ]]; then echo "usage: study_examples_test.sh SOURCE_DIR SIMORCH_EXE"; exit 0; fi
src=$1
simorch=$2
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
if ! "$python" -c 'import h5py, matplotlib, numpy, scipy' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 lacks h5py, matplotlib, numpy or scipy"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/simorch-study-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

check_png() {
  if [[ ! -s "$1" ]] || [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
    echo "FAIL: $1 missing or not a PNG"; exit 1
  fi
  echo "ok: $1"
}

sed 's/samples: 2000 .*/samples: 60/' "$src/examples/compare_controllers.yaml" >"$tmp/compare.yaml"
sed 's/points: 61/points: 7/' "$src/examples/region_of_attraction.yaml" >"$tmp/roa.yaml"
grep -q "samples: 60" "$tmp/compare.yaml" && grep -q "points: 7" "$tmp/roa.yaml"

# A stop (monte_carlo.stop) leaves not_run tasks: counted apart, in no rate or pair.
sed -e 's/samples: 2000 .*/samples: 1024/' \
  -e 's/^  seed: 2024/  seed: 2024\n  stop: {success_ci_half_width: 0.04, min_samples: 64, check_every: 64}/' \
  "$src/examples/compare_controllers.yaml" >"$tmp/stop.yaml"
grep -q "stop: {success_ci_half_width" "$tmp/stop.yaml"

for name in compare roa stop; do
  "$simorch" run "$tmp/$name.yaml" -o "$tmp/$name.h5" --threads 2 --force --quiet
  "$simorch" report "$tmp/$name.h5" --json >"$tmp/$name.json"
  "$simorch" report "$tmp/$name.h5" >"$tmp/$name.txt"
  "$python" "$here/study_report_check.py" "$tmp/$name.h5" "$tmp/$name.json"
done

grep -q "^Cases (4; " "$tmp/compare.txt" || { echo "FAIL: no case table"; cat "$tmp/compare.txt"; exit 1; }
grep -q "^Paired differences" "$tmp/compare.txt" || { echo "FAIL: no paired differences"; exit 1; }
grep -Eq "^  lqr +1024 +[0-9]+ +[0-9]+ +0 +[1-9][0-9]* " "$tmp/stop.txt" || { echo "FAIL: no not_run tasks"; cat "$tmp/stop.txt"; exit 1; }
grep -q "^Grid: 49 points (7 x 7)" "$tmp/roa.txt" || { echo "FAIL: no grid section"; cat "$tmp/roa.txt"; exit 1; }

"$src/scripts/plot" cases --simorch "$simorch" "$tmp/compare.h5" -o "$tmp/plots"
check_png "$tmp/plots/cases_success.png"
check_png "$tmp/plots/cases_metrics.png"
"$src/scripts/plot" grid --simorch "$simorch" "$tmp/roa.h5" -o "$tmp/plots" --metric ise
check_png "$tmp/plots/grid_success.png"
check_png "$tmp/plots/grid_ise.png"

# A plain study is refused by `plot grid` with exit 2 and a reason.
"$simorch" run "$src/examples/tiny.yaml" -o "$tmp/plain.h5" --threads 1 --force --quiet
set +e
"$src/scripts/plot" grid --simorch "$simorch" "$tmp/plain.h5" -o "$tmp/plots" 2>"$tmp/err"
code=$?
set -e
if [[ $code -ne 2 ]] || ! grep -q "no \`cases:\` or \`grid:\`" "$tmp/err"; then
  echo "FAIL: plain study gave exit $code: $(cat "$tmp/err")"; exit 1
fi
echo "ok: plain study refused (exit 2)"
