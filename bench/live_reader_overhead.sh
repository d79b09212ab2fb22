#!/usr/bin/env bash
# What a live reader costs the writer (issue #15: within 2 %). N interleaved pairs of the
# same run of bench_mpi with rank 0's real BatchWriter (journal + HDF5 file), one
# undisturbed and one with `simorch report OUT.h5 --json` polling the file every second;
# the order inside a pair alternates, so a drifting machine hurts both sides alike.
# Prints per run and as medians: the writer thread's CPU time (rank0_writer_cpu_s, the
# figure a reader could inflate however busy the cores are), the run's throughput
# (tasks/s, wall clock) and the reader's polls; then the ratios with / without a reader.
#   bench/live_reader_overhead.sh [--build DIR] [-n N] [--tasks T] [--task-us US] [--ranks R]
set -euo pipefail
usage="usage: bench/live_reader_overhead.sh [--build DIR] [-n N] [--tasks T] [--task-us US] [--ranks R]
  defaults: --build build/release -n 9 --tasks 300000 --task-us 20 --ranks 1 (1 thread each)"
build=build/release
runs=9
tasks=300000
task_us=20
ranks=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --help) echo "$usage"; exit 0 ;;
    --build) build=$2; shift 2 ;;
    -n) runs=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --task-us) task_us=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
bench="$build/bench/bench_mpi"
simorch="$build/bin/simorch"
for exe in "$bench" "$simorch"; do
  [[ -x "$exe" ]] || { echo "missing $exe: cmake --build $build --target bench_mpi simorch_cli" >&2; exit 2; }
done
if [[ "$(id -u)" -eq 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
work=$(mktemp -d)
poller=""
trap '[[ -n $poller ]] && kill "$poller" 2>/dev/null; rm -rf "$work"' EXIT

# The quickstart study with T tasks, summaries only: bench_mpi takes the file's shape from
# it and runs its own calibrated task (the same work every run: one --iterations).
sed -e "s/samples: 4000/samples: $tasks/" "examples/quickstart.yaml" >"$work/study.yaml"
iterations=$(awk -v p="$("$bench" --calibrate)" -v t="$task_us" 'BEGIN{printf "%d", p*t}')
run() {  # run OUT: one bench_mpi run writing OUT, its key=value line on stdout
  mpirun -np "$ranks" --oversubscribe "$bench" --study "$work/study.yaml" --output "$1" \
    --iterations "$iterations" --task-us "$task_us" --threads 1
}
poll() {  # poll OUT: `simorch report OUT --json` every second; a line per poll: kind, seconds
  local start kind
  while true; do
    sleep 1
    start=$(date +%s.%N)
    if "$simorch" report "$1" --json 2>/dev/null | grep -q '"live": {'; then kind=live; else kind=none; fi
    echo "$kind $(echo "$(date +%s.%N) - $start" | bc)"
  done
}
for ((i = 0; i < runs; i++)); do
  for side in $( ((i % 2 == 0)) && echo "alone read" || echo "read alone"); do
    out="$work/$side-$i.h5"
    if [[ $side == read ]]; then
      poll "$out" >"$work/polls-$i.txt" &
      poller=$!
    fi
    start=$(date +%s.%N)
    line=$(run "$out")
    end=$(date +%s.%N)
    if [[ $side == read ]]; then
      kill "$poller" 2>/dev/null || true
      wait "$poller" 2>/dev/null || true
      poller=""
    fi
    echo "$side $i elapsed_s=$(echo "$end - $start" | bc) $line" | tee -a "$work/lines.txt"
    rm -f "$out" "$out.journal"
  done
done
cat "$work"/polls-*.txt >"$work/polls.txt"
/usr/bin/python3 - "$work/lines.txt" "$work/polls.txt" "$runs" <<'PY'
import statistics, sys
lines, runs = open(sys.argv[1]).read().split("\n"), int(sys.argv[3])
polls = [line.split() for line in open(sys.argv[2]) if len(line.split()) == 2]
live_s = [float(t) for kind, t in polls if kind == "live"]
runs_by_side = {"alone": [], "read": []}
for line in filter(None, lines):
    side, _, *fields = line.split()
    runs_by_side[side].append({k: float(v) for k, v in (f.split("=") for f in fields if "=" in f)})
def median(side, key):
    return statistics.median(r[key] for r in runs_by_side[side])
print(f"{runs} interleaved pairs; the reader read {len(live_s)} live views "
      f"(median {statistics.median(live_s) if live_s else float('nan'):.3f} s each); "
      f"{len(polls) - len(live_s)} polls found no live view yet")
print(f"{'median':24} {'alone':>12} {'with reader':>12} {'ratio':>8}")
for key, label in (("rank0_writer_cpu_s", "writer thread CPU [s]"), ("tasks_per_s", "throughput [tasks/s]"),
                   ("wall_s", "dispatch wall [s]")):
    a, r = median("alone", key), median("read", key)
    print(f"{label:24} {a:12.4f} {r:12.4f} {r / a:8.4f}")
PY
