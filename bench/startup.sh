#!/usr/bin/env bash
# Start-up cost of `simorch run` on a tiny study: the median over N interleaved runs of
# setup_s (command start to the first task, from the file's /timing attributes) and of
# the whole command's wall time, for each given simorch binary.
#   bench/startup.sh [-n N] SIMORCH [SIMORCH ...]
set -euo pipefail
if [[ "${1:-}" == "--help" || $# -lt 1 ]]; then
  echo "usage: bench/startup.sh [-n N] SIMORCH [SIMORCH ...]   (default N 9)"
  exit 0
fi
runs=9
if [[ $1 == -n ]]; then runs=$2; shift 2; fi
here=$(cd "$(dirname "$0")" && pwd)
study="$here/../examples/tiny.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < runs; i++)); do
  for ((b = 1; b <= $#; b++)); do
    exe=${!b}
    start=$(date +%s.%N)
    "$exe" run "$study" -o "$work/$b-$i.h5" -q
    end=$(date +%s.%N)
    echo "$b $(echo "$end - $start" | bc)" >>"$work/wall.txt"
  done
done
/usr/bin/python3 - "$work" "$@" <<'PY'
import statistics, sys, h5py
work, exes = sys.argv[1], sys.argv[2:]
walls = {}
for line in open(f"{work}/wall.txt"):
    b, w = line.split()
    walls.setdefault(int(b), []).append(float(w))
for b, exe in enumerate(exes, 1):
    setup = [h5py.File(f"{work}/{b}-{i}.h5", "r")["timing"].attrs["setup_s"] for i in range(len(walls[b]))]
    print(f"{exe}: setup_s median {1e3 * statistics.median(setup):.1f} ms, "
          f"command wall median {1e3 * statistics.median(walls[b]):.1f} ms over {len(setup)} runs")
PY
