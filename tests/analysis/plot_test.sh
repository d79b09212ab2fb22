#!/usr/bin/env bash
# scripts/plot on real runs of examples/with_trajectories.yaml (1 and 2 threads) writes
# non-empty PNG files of every kind. Exit 77 (ctest: skipped) when no Python has the
# plotting modules, which scripts/install-deps installs.
set -euo pipefail
if [[ "${1:-}" == "--help" ]]; then echo "usage: plot_test.sh SOURCE_DIR SIMORCH_EXE"; exit 0; fi
src=$1
simorch=$2

have_modules() { "$1" -c 'import h5py, matplotlib, numpy' 2>/dev/null; }
if ! have_modules /usr/bin/python3 && ! have_modules "$(command -v python3 || echo false)"; then
  echo "SKIP: no python3 with h5py, matplotlib and numpy (scripts/install-deps installs them)"
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/simorch-plot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$simorch" run "$src/examples/with_trajectories.yaml" -o "$tmp/t1.h5" --threads 1 --force --quiet
"$simorch" run "$src/examples/with_trajectories.yaml" -o "$tmp/t2.h5" --threads 2 --force --quiet

check_png() {
  local file=$1
  if [[ ! -s "$file" ]]; then echo "FAIL: $file missing or empty"; exit 1; fi
  # The 8-byte PNG signature: \x89 P N G \r \n \x1a \n.
  if [[ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
    echo "FAIL: $file is not a PNG"; exit 1
  fi
  echo "ok: $file ($(stat -c %s "$file") bytes)"
}

"$src/scripts/plot" run "$tmp/t2.h5" -o "$tmp/run"
for png in run_timing run_metrics run_survival run_trajectories; do check_png "$tmp/run/$png.png"; done

"$src/scripts/plot" scaling --simorch "$simorch" "$tmp/t1.h5" "$tmp/t2.h5" -o "$tmp/scaling"
check_png "$tmp/scaling/scaling.png"

# Weak series: twice the samples on twice the threads is recognised and fitted (Gustafson).
sed 's/samples: 200/samples: 400/' "$src/examples/with_trajectories.yaml" >"$tmp/weak.yaml"
"$simorch" run "$tmp/weak.yaml" -o "$tmp/w2.h5" --threads 2 --force --quiet
"$simorch" scaling "$tmp/t1.h5" "$tmp/w2.h5" >"$tmp/weak.txt"
if ! grep -q "^weak scaling, 2 runs" "$tmp/weak.txt" || ! grep -q "Gustafson fit" "$tmp/weak.txt"; then
  echo "FAIL: weak series not recognised:"; cat "$tmp/weak.txt"; exit 1
fi
"$src/scripts/plot" scaling --simorch "$simorch" "$tmp/t1.h5" "$tmp/w2.h5" -o "$tmp/weak"
check_png "$tmp/weak/scaling.png"

# A file of another study is refused with simorch's message and exit code 2.
sed 's/seed: 7/seed: 8/' "$src/examples/with_trajectories.yaml" >"$tmp/other.yaml"
"$simorch" run "$tmp/other.yaml" -o "$tmp/other.h5" --threads 1 --force --quiet
set +e
"$src/scripts/plot" scaling --simorch "$simorch" "$tmp/t1.h5" "$tmp/other.h5" -o "$tmp/bad" 2>"$tmp/err"
code=$?
set -e
if [[ $code -ne 2 ]] || ! grep -q "different study" "$tmp/err"; then
  echo "FAIL: mixed studies gave exit $code: $(cat "$tmp/err")"; exit 1
fi
echo "ok: mixed studies refused (exit 2)"

# A file that is not a batch file: exit 2 and a message naming it.
set +e
"$src/scripts/plot" run "$tmp/other.yaml" -o "$tmp/bad" 2>"$tmp/err"
code=$?
set -e
if [[ $code -ne 2 ]] || ! grep -q "other.yaml: cannot open as HDF5" "$tmp/err"; then
  echo "FAIL: a YAML file given to plot run gave exit $code: $(cat "$tmp/err")"; exit 1
fi
echo "ok: non-HDF5 input refused (exit 2)"
