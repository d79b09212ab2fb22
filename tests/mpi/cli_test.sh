#!/usr/bin/env bash
# End-to-end tests of `mpirun … simorch run …`, one case per ctest entry:
#   cli_test.sh layouts|refuse_force|bad_study|signal_resume|sigterm_rank|dead_rank|in_process|plan
# Environment (set by tests/mpi/CMakeLists.txt): SIMORCH_EXE, MPIEXEC, WORKDIR.
set -euo pipefail
usage="usage: cli_test.sh layouts|refuse_force|bad_study|signal_resume|sigterm_rank|dead_rank|in_process|plan"
takes_case=1
# shellcheck source=../support/cli_common.sh
source "$(dirname "$0")/../support/cli_common.sh"
data="$here/data"

run() {  # run NP [mpiexec args...] -- simorch args...
  local np=$1; shift
  local mpiexec_args=()
  while [[ $1 != -- ]]; do mpiexec_args+=("$1"); shift; done
  shift
  "$mpiexec" -n "$np" --oversubscribe "${mpiexec_args[@]}" "$simorch" run "$@"
}
start_in_background() {  # like run, without waiting; sets $launcher to mpirun's pid
  local np=$1; shift
  "$mpiexec" -n "$np" --oversubscribe "$simorch" run "$@" >/dev/null 2>stderr.txt &
  launcher=$!
}
expect_code() {  # expect_code WANTED GOT WHAT
  [[ "$2" -eq "$1" ]] || fail "$3: exit code $2, expected $1"
}
compare() { "$python" "$here/compare_batches.py" "$@" || fail "batch files differ: $*"; }

# A study of ~3 s on two cores of the batch kernel, for the signal and crash cases.
long_study() {
  sed -e 's/samples: 4000/samples: 80000/' -e 's/duration: 5.0 /duration: 20.0/' -e 's|path: out/quickstart.h5|path: long.h5|' \
    "$here/../../examples/quickstart.yaml" >long.yaml
}
# Rank R's pid among mpirun's children (Open MPI starts local ranks as its children).
rank_pid() {
  local parent=$1 rank=$2 pid
  for pid in $(pgrep -P "$parent"); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$rank"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}
# Waits (bounded) until results reach the journal: the signal then lands mid-dispatch.
wait_for_progress() {
  for _ in $(seq 100); do
    [[ -s long.h5.journal && $(stat -c %s long.h5.journal) -gt 100000 ]] && return 0
    sleep 0.1
  done
  fail "no results in the journal after 10 s"
}
# Waits (bounded) for a background job; sets $code to its exit code.
wait_bounded() {
  local pid=$1 limit=$2
  for _ in $(seq $((limit * 10))); do
    if ! kill -0 "$pid" 2>/dev/null; then
      code=0
      wait "$pid" || code=$?
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  fail "mpirun still running after $limit s (hang)"
}

# The long study on 3 ranks; once results flow, SIGNAL to rank RANK alone. Returns when
# mpirun has ended, its exit code in $code.
signal_one_rank() {  # signal_one_rank SIGNAL RANK
  long_study
  start_in_background 3 long.yaml --threads 1 -q
  wait_for_progress
  local pid
  pid=$(rank_pid "$launcher" "$2") || fail "rank $2 not found"
  kill "-$1" "$pid"
  wait_bounded "$launcher" 60
}

case $case_name in
layouts)
  # Results are bitwise identical for any ranks × threads × chunk size and transport.
  study="$data/mixed_outcomes.yaml"
  run 1 -- "$study" -o ref.h5 --threads 1 -q
  run 1 --bind-to none -- "$study" -o r1t2.h5 --threads 2 -q
  run 2 -- "$study" -o r2t1.h5 --threads 1 -q
  run 2 --bind-to none -- "$study" -o r2t2c1.h5 --threads 2 --chunk-min 1 --chunk-max 1 -q
  run 3 -- "$study" -o r3t1c.h5 --threads 1 --chunk-min 5 --chunk-max 17 -q
  run 4 -- "$study" -o r4t1.h5 --threads 1 -q
  run 2 --mca btl tcp,self -- "$study" -o tcp.h5 --threads 1 -q
  compare --require-status completed --require-status out_of_bounds --require-status error \
    ref.h5 r1t2.h5 r2t1.h5 r2t2c1.h5 r3t1c.h5 r4t1.h5 tcp.h5
  run 1 -- "$data/diverging.yaml" -o div1.h5 --threads 1 -q
  run 3 -- "$data/diverging.yaml" -o div3.h5 --threads 1 --chunk-max 3 -q
  compare --require-status diverged div1.h5 div3.h5
  h5dump -H ref.h5 >/dev/null || fail "h5dump cannot read the batch file"
  h5dump -d /results/status ref.h5 >/dev/null || fail "h5dump cannot read /results/status"
  ;;

in_process)
  # No launcher: the study runs in this process without MPI, into the same file as
  # mpirun's, with the same refusal, signal and resume behaviour.
  study="$data/mixed_outcomes.yaml"
  "$simorch" run "$study" -o local.h5 --threads 2 -q
  run 2 -- "$study" -o mpi.h5 --threads 1 -q
  compare --require-status completed --require-status error mpi.h5 local.h5
  code=0
  "$simorch" run "$study" -o local.h5 -q 2>stderr.txt || code=$?
  expect_code 2 "$code" "an in-process run into an existing file"
  [[ $(grep -c "simorch: error" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one error line"; }
  long_study
  "$simorch" run long.yaml -o whole.h5 --threads 2 -q
  "$simorch" run long.yaml --threads 2 -q 2>stderr.txt &
  pid=$!
  wait_for_progress
  kill -INT "$pid"
  wait_bounded "$pid" 60
  expect_code 75 "$code" "SIGINT during an in-process run"
  grep -q "interrupted with" stderr.txt || fail "no interruption summary"
  "$simorch" run long.yaml --threads 1 --resume -q
  compare whole.h5 long.h5
  ;;

refuse_force)
  study="$data/diverging.yaml"
  run 3 -- "$study" -o out.h5 --threads 1 -q
  code=0
  run 3 -- "$study" -o out.h5 --threads 1 >stdout.txt 2>stderr.txt || code=$?
  expect_code 2 "$code" "second run into an existing file"
  [[ $(grep -c "simorch: error" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one error line"; }
  grep -q -- "--force" stderr.txt || fail "the error does not mention --force"
  [[ ! -s stdout.txt ]] || fail "a refused run printed to stdout"
  run 3 -- "$study" -o out.h5 --threads 1 --force >stdout.txt
  grep -q "results in out.h5" stdout.txt || fail "--force run printed no summary"
  compare out.h5
  ;;

plan)
  # A study with cases and a grid, each sampling design: the same file on 1 rank x 1 thread
  # and 3 ranks x 2 threads with chunks of 1, and in process.
  for design in random lhs sobol; do
    sed "s/sampling: random/sampling: $design/" "$data/plan_study.yaml" >"$design.yaml"
    run 1 -- "$design.yaml" -o "$design-1.h5" --threads 1 --chunk-min 1 --chunk-max 1 -q
    run 3 --bind-to none -- "$design.yaml" -o "$design-3x2.h5" --threads 2 --chunk-min 1 --chunk-max 1 -q
    compare "$design-1.h5" "$design-3x2.h5"
  done
  # monte_carlo.stop: the same stopping points and file on every layout and in process.
  sed -e 's/  samples: 12/  samples: 1024\n  stop: {success_ci_half_width: 0.08, confidence: 0.95, min_samples: 64, check_every: 64}/' \
    -e 's/sampling: random/sampling: sobol/' "$data/plan_study.yaml" >stop.yaml
  run 1 -- stop.yaml -o stop-1.h5 --threads 1 --chunk-min 1 --chunk-max 1 -q
  run 3 --bind-to none -- stop.yaml -o stop-3x2.h5 --threads 2 --chunk-min 1 --chunk-max 1 -q
  run 2 -- stop.yaml -o stop-2.h5 --threads 1 -q
  run 3 -- stop.yaml -o stop-3.h5 --threads 1 -q
  "$simorch" run stop.yaml -o stop-local.h5 --threads 2 -q
  compare --require-status not_run stop-1.h5 stop-3x2.h5 stop-2.h5 stop-3.h5 stop-local.h5
  # Worker ranks skip too: rank 0 tells them every stop, and their pool threads return a
  # task past it as not_run without simulating it. How many that saves depends on timing
  # (docs/study-file.md measures it), so this checks the counter's invariants: no rank
  # simulates more than it handled, and every row kept was simulated somewhere.
  "$python" - stop-3.h5 <<'PY' || fail "/timing/ranks simulated is inconsistent"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
r = f["timing/ranks"][()]
kept = int((f["results/status"][()] != 5).sum())  # 5: not_run
print("ranks", r["rank"].tolist(), "tasks", r["tasks"].tolist(), "simulated", r["simulated"].tolist(), "kept", kept)
sys.exit(0 if (r["simulated"] <= r["tasks"]).all() and r["simulated"].sum() >= kept else 1)
PY
  # Refusals: one line naming the key, exit 2, an existing output untouched.
  cp stop-1.h5 keep.h5
  before=$(md5sum <keep.h5)
  sed 's/sampling: sobol/sampling: lhs/' stop.yaml >lhs_stop.yaml
  sed 's/check_every: 64/check_every: 100/' stop.yaml >sobol_every.yaml
  sed 's/success_ci_half_width: 0.08/success_ci_half_width: 0.001/' stop.yaml >unreachable.yaml
  for bad in lhs_stop:monte_carlo.stop sobol_every:monte_carlo.stop.check_every \
    unreachable:monte_carlo.stop.success_ci_half_width; do
    code=0
    run 2 -- "${bad%%:*}.yaml" -o keep.h5 --force 2>stderr.txt || code=$?
    expect_code 2 "$code" "${bad%%:*}"
    [[ $(grep -c "simorch: error" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "${bad%%:*}: expected one line"; }
    grep -q "${bad#*:}" stderr.txt || { cat stderr.txt; fail "${bad%%:*}: the error does not name ${bad#*:}"; }
    code=0
    "$simorch" validate "${bad%%:*}.yaml" >/dev/null 2>stderr.txt || code=$?
    expect_code 2 "$code" "validate ${bad%%:*}"
  done
  [[ $(md5sum <keep.h5) == "$before" ]] || fail "a refused study changed the existing output"
  "$simorch" validate stop.yaml >validate.txt
  grep -q "^cases: 2 (lqr, smc)" validate.txt && grep -q "^grid: 6 points" validate.txt &&
    grep -q "^sampling: sobol" validate.txt && grep -q "^maximum tasks: 12288" validate.txt &&
    grep -q "^estimated output size" validate.txt || { cat validate.txt; fail "validate lacks the plan"; }
  ;;

bad_study)
  printf 'monte_carlo:\n  samples: 10\n  sed: 3\n' >typo.yaml
  code=0
  run 3 -- typo.yaml -o x.h5 2>stderr.txt || code=$?
  expect_code 2 "$code" "a study with an unknown key"
  [[ $(grep -c "simorch: error" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one error line"; }
  grep -q "monte_carlo.sed" stderr.txt || fail "the error does not name the key"
  code=0
  run 3 -- missing.yaml 2>stderr.txt || code=$?
  expect_code 2 "$code" "a missing study"
  [[ $(grep -c "simorch: error" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one error line"; }
  [[ ! -e x.h5 ]] || fail "an invalid study created its output"
  code=0
  run 3 -- typo.yaml --threads abc 2>stderr.txt || code=$?
  expect_code 2 "$code" "a bad --threads"
  [[ $(grep -c "^simorch: --threads: got 'abc'" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one usage message"; }
  code=0
  run 2 -- typo.yaml --force --resume 2>stderr.txt || code=$?
  expect_code 2 "$code" "--force with --resume"
  [[ $(grep -c "excludes" stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one usage message"; }
  ;;

signal_resume)
  # SLURM's pre-timeout signal path: SIGUSR1 to mpirun, which forwards it to every rank.
  long_study
  start_in_background 2 long.yaml --threads 1 -q
  wait_for_progress
  kill -USR1 "$launcher"
  wait_bounded "$launcher" 60
  expect_code 75 "$code" "SIGUSR1 during the run"
  grep -q "interrupted with" stderr.txt || fail "no interruption summary"
  "$python" -c "import h5py,sys; f=h5py.File('long.h5','r'); s=f.attrs['run_state']; \
sys.exit(0 if s in ('interrupted', b'interrupted') else f'run_state {s}')" || fail "file not marked interrupted"
  compare --allow-pending long.h5
  run 2 -- long.yaml --threads 1 --resume -q
  run 2 -- long.yaml -o reference.h5 --threads 1 -q
  compare reference.h5 long.h5
  ;;

sigterm_rank)
  # A signal that reaches one worker rank only still stops every rank with 75.
  signal_one_rank TERM 2
  expect_code 75 "$code" "SIGTERM to rank 2"
  compare --allow-pending long.h5
  ;;

dead_rank)
  # A rank killed outright: mpirun must end the job (no hang); the journal makes it resumable.
  signal_one_rank KILL 1
  [[ "$code" -ne 0 ]] || fail "mpirun reported success after a rank was killed"
  run 2 -- long.yaml --threads 1 --resume -q
  run 1 -- long.yaml -o reference.h5 --threads 2 -q
  compare reference.h5 long.h5
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS $case_name"
