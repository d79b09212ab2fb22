#!/usr/bin/env bash
# Submits the scripts of jobs/ to a private one-node SLURM cluster (slurm_cluster.sh)
# with small studies and checks what they produce, as a user would.
#
#   test_jobs.sh run|resumable|strong|weak
#
#   run        run.sbatch, 1 rank x 2 threads (hybrid) and 2 ranks x 1 thread: every
#              task finished, the layout recorded in the file is the one asked for
#   resumable  resumable.sbatch on 2 ranks interrupted with the pre-timeout signal: exits
#              75, the job requeues, resumes and completes; results bitwise equal to an
#              uninterrupted run.sbatch run of the same study. With --no-requeue the job
#              resubmits itself instead. A bad study fails with exit 2 and does not requeue
#   strong     strong_scaling.sbatch over 1x1 1x2 2x1: three complete files and a strong table
#   weak       weak_scaling.sbatch over 1x1 2x1: samples scaled with the cores, a weak table
#
# Environment: SIMORCH_EXE (the simorch binary; set by ctest). Exits 77 (ctest: skipped)
# with the reason when it cannot run here: not root, SLURM/munge/h5py missing.
# SIMORCH_TEST_KEEP=1 keeps the cluster directory (logs, job outputs) for inspection.
set -euo pipefail

usage() { echo "usage: test_jobs.sh run|resumable|strong|weak   (env SIMORCH_EXE=path/to/simorch)"; }
if [[ "${1:-}" == "--help" || $# -ne 1 ]]; then
  usage
  [[ "${1:-}" == "--help" ]] && exit 0
  exit 2
fi
scenario=$1

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
jobs_dir="$source_dir/jobs"
cluster="$here/slurm_cluster.sh"
checker=("/usr/bin/python3" "$here/check_batch.py")
readonly skip_code=77
# Bound on each wait for a job; the studies take seconds.
readonly job_limit_s=240

skip() {
  echo "SKIPPED: $*"
  exit "$skip_code"
}

reason=$("$cluster" check) || skip "$reason"
if ! /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
  skip "Debian's /usr/bin/python3 with h5py and numpy is needed to read the results (scripts/install-deps)"
fi
: "${SIMORCH_EXE:?set SIMORCH_EXE to the simorch binary (ctest does)}"
[[ -x "$SIMORCH_EXE" ]] || { echo "FAIL: SIMORCH_EXE=$SIMORCH_EXE is not an executable" >&2; exit 1; }
SIMORCH_EXE=$(realpath "$SIMORCH_EXE")

# The cluster and every job file live here; the unix socket path must stay short.
work=$(mktemp -d /tmp/simorch-slurm.XXXXXX)
finish() {
  local rc=$?
  if ((rc != 0)); then
    echo "---- test failed (exit $rc); logs from $work ----" >&2
    for f in "$work"/jobs/*.out; do
      [[ -e "$f" ]] && { echo "== $f" >&2; tail -n 40 "$f" >&2; }
    done
    tail -n 25 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2 2>/dev/null || true
  fi
  "$cluster" stop "$work" || true
  if [[ "${SIMORCH_TEST_KEEP:-0}" == 1 ]]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

"$cluster" start "$work"
# shellcheck source=/dev/null
source "$work/env.sh"

# Job environment (sbatch exports the submitter's): Open MPI refuses root without these,
# and containers often forbid the cross-memory attach its shared-memory transport tries.
if [[ "$(id -u)" -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export SIMORCH="$SIMORCH_EXE"
mkdir -p "$work/jobs"
cd "$work/jobs"
cp "$here/study_short.yaml" "$here/study_long.yaml" .

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Prints one field (e.g. JobState) of a job as scontrol shows it.
job_field() {
  scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# Waits (bounded) until job $1 has ended; prints "STATE EXITCODE".
wait_job_end() {
  local id=$1 deadline=$((SECONDS + job_limit_s)) state
  while true; do
    state=$(job_field "$id" JobState)
    case "$state" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
      echo "$state $(job_field "$id" ExitCode)"
      return
      ;;
    esac
    ((SECONDS < deadline)) || fail "job $id still '$state' after ${job_limit_s}s"
    sleep 0.5
  done
}

# Waits (bounded) until job $1 is in state $2.
wait_job_state() {
  local id=$1 want=$2 deadline=$((SECONDS + job_limit_s)) state
  while true; do
    state=$(job_field "$id" JobState)
    [[ "$state" == "$want" ]] && return
    ((SECONDS < deadline)) || fail "job $id is '$state', not '$want', after ${job_limit_s}s"
    sleep 0.2
  done
}

expect_success() {
  local id=$1 name=$2 result
  result=$(wait_job_end "$id")
  [[ "$result" == "COMPLETED 0:0" ]] || fail "$name (job $id) ended '$result', expected 'COMPLETED 0:0'"
  echo "ok: $name (job $id) completed"
}

# Tasks in a study file (monte_carlo.samples).
samples_of() { awk '/^[ \t]+samples:/ { print $2; exit }' "$1"; }

test_run() {
  local hybrid flat
  # Without OUT the file is the study's output.path (short.h5).
  hybrid=$(sbatch --parsable --ntasks=1 --cpus-per-task=2 --time=5 \
    --output=run-hybrid.out "$jobs_dir/run.sbatch" study_short.yaml)
  flat=$(STUDY=study_short.yaml OUT=flat.h5 sbatch --parsable --ntasks=2 --cpus-per-task=1 \
    --time=5 --output=run-flat.out "$jobs_dir/run.sbatch")
  expect_success "$hybrid" "run.sbatch 1 rank x 2 threads"
  expect_success "$flat" "run.sbatch 2 ranks x 1 thread"
  local tasks
  tasks=$(samples_of study_short.yaml)
  "${checker[@]}" complete short.h5 --tasks "$tasks" --ranks 1 --threads 2
  "${checker[@]}" complete flat.h5 --tasks "$tasks" --ranks 2 --threads 1
  "${checker[@]}" same short.h5 flat.h5
}

test_resumable() {
  # A bad study fails once (simorch validate: exit 2) and is not requeued.
  local bad
  sed 's/samples: [0-9]*/samples: -3/' study_long.yaml >bad.yaml
  bad=$(sbatch --parsable --ntasks=1 --time=5 --output=bad.out "$jobs_dir/resumable.sbatch" bad.yaml)
  local result
  result=$(wait_job_end "$bad")
  [[ "$result" == "FAILED 2:0" ]] || fail "resumable.sbatch on a bad study ended '$result', expected 'FAILED 2:0'"
  [[ "$(job_field "$bad" Restarts)" == 0 ]] || fail "resumable.sbatch requeued a bad study"
  grep -q 'monte_carlo.samples' bad.out || fail "the job output does not name the bad key"
  echo "ok: resumable.sbatch on a bad study failed with exit 2 and did not requeue"

  # The uninterrupted reference first, on 1 rank x 2 threads: its wall time sets when to
  # interrupt the resumable run (a sixth of it, at least 1.5 s), so the signal lands
  # after simorch's setup and well before its end even if the machine's load changes
  # severalfold between the two runs.
  local reference job
  reference=$(OUT=reference.h5 sbatch --parsable --ntasks=1 --cpus-per-task=2 --time=5 \
    --output=reference.out "$jobs_dir/run.sbatch" study_long.yaml)
  expect_success "$reference" "run.sbatch reference"
  local wall_s delay_s
  wall_s=$("${checker[@]}" wall reference.h5)
  delay_s=$(awk -v w="$wall_s" 'BEGIN { d = w / 6; printf "%.1f", d < 1.5 ? 1.5 : d }')
  echo "reference run took $wall_s s; interrupting the resumable run after $delay_s s"

  # Two ranks, so mpirun has to pass the signal on to every rank.
  # Without OUT: the script asks `simorch validate` for the study's output.path (long.h5).
  job=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --time=5 \
    --output=resumable.out "$jobs_dir/resumable.sbatch" study_long.yaml)
  wait_job_state "$job" RUNNING
  local deadline=$((SECONDS + 60))
  until grep -q 'restart 0' resumable.out 2>/dev/null && [[ -e long.h5 ]]; do
    ((SECONDS < deadline)) || fail "resumable job $job did not start simorch within 60 s"
    sleep 0.1
  done
  sleep "$delay_s"
  [[ "$(job_field "$job" JobState)" == RUNNING ]] || fail "job $job finished before it could be interrupted"
  echo "sending the pre-timeout signal to job $job"
  scancel --signal=USR1 --batch "$job"

  # The job stops, requeues itself and waits out SLURM's requeue delay: lift it.
  deadline=$((SECONDS + job_limit_s))
  until [[ "$(job_field "$job" Restarts)" == 1 && "$(job_field "$job" JobState)" == PENDING ]]; do
    local state
    state=$(job_field "$job" JobState)
    case "$state" in COMPLETED | FAILED | CANCELLED) fail "job $job ended '$state' instead of requeueing" ;; esac
    ((SECONDS < deadline)) || fail "job $job did not requeue within ${job_limit_s}s (state $state)"
    sleep 0.5
  done
  # slurmd revokes the old run's credential at the requeue, with one-second resolution:
  # a restart within the same second is refused ("Job credential revoked") and the job
  # fails. SLURM's own delay is ~120 s; 2 s is enough.
  sleep 2
  echo "job $job requeued; lifting the requeue delay"
  scontrol update "JobId=$job" StartTime=now
  expect_success "$job" "resumable.sbatch after requeue"

  grep -q 'simorch exited with 75' resumable.out || fail "the first run did not exit 75"
  grep -q 'requeueing job' resumable.out || fail "the job did not report its requeue"
  grep -q 'restart 1:.*--resume' resumable.out || fail "the requeued job did not resume (SLURM_RESTART_COUNT=1, --resume)"
  grep -q 'restart 2' resumable.out && fail "the finished study requeued again"
  [[ "$(job_field "$job" Restarts)" == 1 ]] || fail "job $job restarted $(job_field "$job" Restarts) times, expected 1"
  # Two segments in the file: the first interrupted, with some but not all tasks done.
  local tasks segments
  tasks=$(samples_of study_long.yaml)
  segments=$("${checker[@]}" segments long.h5)
  echo "segments (segment outcome tasks_done):"
  echo "$segments"
  [[ $(wc -l <<<"$segments") -eq 2 ]] || fail "expected 2 run segments in long.h5"
  read -r _ outcome done_first <<<"$(head -n 1 <<<"$segments")"
  [[ "$outcome" == 1 ]] || fail "the first segment was not recorded as interrupted"
  ((done_first > 0 && done_first < tasks)) ||
    fail "the first segment finished $done_first of $tasks tasks: not a mid-run interruption"
  "${checker[@]}" complete long.h5 --tasks "$tasks" --ranks 2 --threads 1
  "${checker[@]}" complete reference.h5 --tasks "$tasks" --ranks 1 --threads 2
  "${checker[@]}" same reference.h5 long.h5

  # Where requeueing is refused (here: --no-requeue), the job resubmits itself instead,
  # with the same layout and output file, and the new job resumes.
  local first second
  first=$(OUT=resubmitted.h5 sbatch --parsable --no-requeue --ntasks=2 --cpus-per-task=1 --time=5 \
    --output=resubmit.out "$jobs_dir/resumable.sbatch" study_long.yaml)
  wait_job_state "$first" RUNNING
  deadline=$((SECONDS + 60))
  until grep -q 'restart 0' resubmit.out 2>/dev/null && [[ -e resubmitted.h5 ]]; do
    ((SECONDS < deadline)) || fail "job $first did not start simorch within 60 s"
    sleep 0.1
  done
  sleep "$delay_s"
  scancel --signal=USR1 --batch "$first"
  expect_success "$first" "resumable.sbatch --no-requeue, interrupted"
  second=$(sed -n 's/^resumable.sbatch: submitted job \([0-9]*\).*/\1/p' resubmit.out)
  [[ -n "$second" ]] || fail "job $first did not resubmit itself"
  expect_success "$second" "resumable.sbatch resubmitted by job $first"
  grep -q "job $second restart 1: 2 ranks x 1 threads.*--resume" resubmit.out ||
    fail "the resubmitted job did not resume on the same layout in the same output file"
  [[ "$("${checker[@]}" segments resubmitted.h5 | wc -l)" -eq 2 ]] ||
    fail "expected 2 run segments in resubmitted.h5"
  "${checker[@]}" same reference.h5 resubmitted.h5
}

test_strong() {
  local job
  job=$(OUT_DIR=strong LAYOUTS="1x1 1x2 2x1" sbatch --parsable --ntasks=2 --cpus-per-task=1 \
    --time=5 --output=strong.out "$jobs_dir/strong_scaling.sbatch" study_short.yaml)
  expect_success "$job" "strong_scaling.sbatch"
  local tasks layout
  tasks=$(samples_of study_short.yaml)
  for layout in 1x1 1x2 2x1; do
    "${checker[@]}" complete "strong/strong-$layout.h5" --tasks "$tasks" \
      --ranks "${layout%x*}" --threads "${layout#*x}"
  done
  "${checker[@]}" same strong/strong-1x1.h5 strong/strong-2x1.h5
  cat strong/scaling.txt
  grep -qi 'strong' strong/scaling.txt || fail "the table does not say it is a strong-scaling series"
  for layout in 1x1 1x2 2x1; do
    grep -q "strong-$layout.h5" strong/scaling.txt || fail "strong-$layout.h5 missing from the table"
  done
  grep -q 'simorch-strong\|strong-1x1' strong.out || fail "the job output lacks the table"
}

test_weak() {
  local job per_core=500
  job=$(OUT_DIR=weak LAYOUTS="1x1 2x1" SAMPLES_PER_CORE=$per_core sbatch --parsable --ntasks=2 \
    --cpus-per-task=1 --time=5 --output=weak.out "$jobs_dir/weak_scaling.sbatch" study_short.yaml)
  expect_success "$job" "weak_scaling.sbatch"
  "${checker[@]}" complete weak/weak-1x1.h5 --tasks "$per_core" --ranks 1 --threads 1
  "${checker[@]}" complete weak/weak-2x1.h5 --tasks $((2 * per_core)) --ranks 2 --threads 1
  cat weak/scaling.txt
  grep -qi 'weak' weak/scaling.txt || fail "the table does not say it is a weak-scaling series"
  grep -q 'weak-2x1.h5' weak/scaling.txt || fail "weak-2x1.h5 missing from the table"
}

start_s=$SECONDS
case "$scenario" in
run) test_run ;;
resumable) test_resumable ;;
strong) test_strong ;;
weak) test_weak ;;
*)
  usage >&2
  exit 2
  ;;
esac
echo "PASS: $scenario in $((SECONDS - start_s)) s"
