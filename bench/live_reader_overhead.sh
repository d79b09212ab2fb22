#!/usr/bin/env bash
# What a live reader costs the writer: N interleaved pairs of the same run (in process,
# 2 threads, about 3 s), one undisturbed and one with `simorch report --json` polling the
# file every second; prints the median wall time (from the file's /timing) of each and
# their ratio.
#   bench/live_reader_overhead.sh [-n N] SIMORCH
set -euo pipefail
if [[ "${1:-}" == "--help" || $# -lt 1 ]]; then
  echo "usage: bench/live_reader_overhead.sh [-n N] SIMORCH   (default N 7)"
  exit 0
fi
runs=7
if [[ $1 == -n ]]; then runs=$2; shift 2; fi
simorch=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
poller=""
trap '[[ -n $poller ]] && kill "$poller" 2>/dev/null; rm -rf "$work"' EXIT
sed -e 's/samples: 4000/samples: 40000/' -e 's|path: out/quickstart.h5|path: x.h5|' \
  "$here/../examples/quickstart.yaml" >"$work/study.yaml"
polls=0
for ((i = 0; i < runs; i++)); do
  "$simorch" run "$work/study.yaml" -o "$work/alone-$i.h5" --threads 2 -q
  (
    while true; do
      sleep 1
      "$simorch" report "$work/read-$i.h5" --json >/dev/null 2>&1 && echo >>"$work/polls.txt"
    done
  ) &
  poller=$!
  "$simorch" run "$work/study.yaml" -o "$work/read-$i.h5" --threads 2 -q
  kill "$poller" 2>/dev/null || true
  wait "$poller" 2>/dev/null || true
  poller=""
done
[[ -f $work/polls.txt ]] && polls=$(wc -l <"$work/polls.txt")
/usr/bin/python3 - "$work" "$runs" "$polls" <<'PY'
import statistics, sys, h5py
work, runs, polls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def wall(name):
    return [h5py.File(f"{work}/{name}-{i}.h5", "r")["timing"].attrs["wall_s"] for i in range(runs)]
alone, read = statistics.median(wall("alone")), statistics.median(wall("read"))
print(f"writer wall median over {runs} interleaved runs: alone {alone:.3f} s, "
      f"with a reader polling every 1 s {read:.3f} s ({polls} live reports), "
      f"ratio {read / alone:.4f}")
PY
