#!/usr/bin/env bash
# Resume after the ways a cluster job dies, through the real `mpirun … simorch run`:
#   kill_resume_test.sh kill9      whole job SIGKILLed at 12 moments spread over the run
#                                  (during setup, early, while trajectories stream, near the
#                                  end), resumed each time; the final file must equal an
#                                  uninterrupted run bit for bit, every task exactly once.
#   kill_resume_test.sh late_signal  SIGUSR1 to the ranks every 20 ms from the first result
#                                  to the end of the job (drain and MPI finalisation
#                                  included): every job exits 0 or 75, never by the signal's
#                                  default action, and resuming completes identically.
#   kill_resume_test.sh sigterm    SIGTERM to every rank, as SLURM signals the tasks of a
#                                  step at its time limit: exit 75 within stop_timeout_s +
#                                  margin, no task lost, resume completes identically.
#   kill_resume_test.sh between_renames  the create killed exactly between moving the new
#                                  journal into place and moving the new file (fault point
#                                  create:between_renames): a plain run refuses with one line,
#                                  --resume rebuilds the file from the journal alone and
#                                  completes bit for bit equal to an uninterrupted run.
#   kill_resume_test.sh kill9_plan  a study with cases, a grid and monte_carlo.stop, killed
#                                  at 4 moments and resumed each time: the final file (stop
#                                  points included) equals an uninterrupted run bit for bit.
#   kill_resume_test.sh in_use     a second run (plain, --resume, --force) on an output that a
#                                  running job writes: exit 2 and exactly one line each.
# (SIGTERM to mpirun itself also stops the ranks gracefully, but mpirun then exits with
# its own code 1: docs/resume.md.)
# Environment (tests/resume/CMakeLists.txt): SIMORCH_EXE, MPIEXEC, WORKDIR.
set -euo pipefail
usage="usage: kill_resume_test.sh kill9|kill9_plan|sigterm|late_signal|between_renames|in_use"
takes_case=1
# shellcheck source=../support/cli_common.sh
source "$(dirname "$0")/../support/cli_common.sh"
compare_py="$here/../mpi/compare_batches.py"
cp "$here/kill_study.yaml" study.yaml
if [[ "$case_name" == in_use ]]; then
  # A job far longer than the test (stopped with SIGTERM once the second runs are
  # refused), without trajectories so that its file stays small; no reference.
  sed -i 's/samples: 8000/samples: 400000/; s/save_every: 50/save_every: 0/' study.yaml
fi
if [[ "$case_name" == kill9_plan ]]; then
  # ~2 s on two cores with the batch kernel: 2 cases x 6 grid points of 10 s tasks, stopping
  # between 1024 and 4096 samples.
  sed -e 's/  samples: 12/  samples: 8192\n  stop: {success_ci_half_width: 0.02, confidence: 0.95, min_samples: 1024, check_every: 1024}/' \
    -e 's/sampling: random/sampling: sobol/' -e 's/save_every: 20/save_every: 0/' \
    -e 's/duration: 1.0/duration: 10.0/' "$here/../mpi/data/plan_study.yaml" >study.yaml
fi
if [[ "$case_name" == late_signal || "$case_name" == between_renames ]]; then
  # Each signalled attempt finishes only its in-flight chunks: a short study completes.
  sed -i 's/samples: 8000/samples: 600/' study.yaml
fi

num_tasks=8000
samples=101
# Journal bytes per finished task (format 2, docs/resume.md): its 162 bytes of summary
# columns plus 7 doubles per trajectory sample; rounded down, so the last kill point is
# reached before the end.
bytes_per_task=$((160 + samples * 7 * 8))

# Starts the job in its own session so that the whole job (mpirun and every rank) can be
# signalled at once; sets $job to the session leader's pid. Like a requeued job script, it
# resumes when an earlier attempt left the file or its journal, and starts afresh otherwise.
start_job() {
  local mode=()
  [[ -e killed.h5 || -e killed.h5.journal ]] && mode=(--resume)
  setsid "$mpiexec" -n 2 --oversubscribe "$simorch" run study.yaml -o killed.h5 --threads 1 \
    -q "${mode[@]}" >>job.log 2>&1 &
  job=$!
}
# Signals the ranks only (mpirun's children), as SLURM signals the tasks of a step.
signal_ranks() { pkill "-$1" -P "$job" 2>/dev/null || true; }
# Signals every process of the job's session: Open MPI puts ranks in process groups of their
# own, so a process-group kill would miss them.
signal_job() { pkill "-$1" -s "$job" 2>/dev/null || true; }
# Waits (bounded) for the job and every process of its session; sets $code.
wait_job() {
  local limit_s=$1
  for _ in $(seq $((limit_s * 20))); do
    if ! kill -0 "$job" 2>/dev/null && ! pgrep -s "$job" >/dev/null; then
      code=0
      wait "$job" || code=$?
      return 0
    fi
    sleep 0.05
  done
  signal_job KILL
  fail "job still running after ${limit_s} s (hang)"
}
journal_bytes() { stat -c %s killed.h5.journal 2>/dev/null || echo 0; }
tasks_done() {
  "$python" - <<'PY'
import h5py
with h5py.File("killed.h5", "r") as f:
    print(int((f["/results/status"][()] != 0).sum()))
PY
}

if [[ "$case_name" != in_use ]]; then
  # Resumes the study to its end (start_job decides on the file or journal) and checks the
# result against the uninterrupted reference, bit for bit; $1 names the step for failures.
resume_to_the_end() {
  start_job
  wait_job 120
  [[ "$code" -eq 0 ]] || { tail -5 job.log; fail "$1 exited $code"; }
  [[ ! -e killed.h5.journal ]] || fail "$1: journal left behind after completion"
  "$python" "$compare_py" reference.h5 killed.h5 || fail "$1: file differs from the uninterrupted run"
}

"$mpiexec" -n 2 --oversubscribe "$simorch" run study.yaml -o reference.h5 --threads 1 -q ||
    fail "uninterrupted reference run failed"
fi

case $case_name in
kill9)
  # Kill points as fractions of the whole study's journal; 0 means during setup.
  fractions=(0 0.02 0.08 0.15 0.25 0.35 0.45 0.55 0.65 0.75 0.85 0.95)
  kills=0
  for fraction in "${fractions[@]}"; do
    target=$("$python" -c "print(int($fraction * $num_tasks * $bytes_per_task))")
    start_job
    if [[ "$fraction" == 0 ]]; then
      sleep 0.3
    else
      # At least one more result block than before this attempt, so each kill lands in a
      # different part of the run even when a target was already passed.
      floor=$(($(journal_bytes) + 1))
      ((target > floor)) || target=$floor
      for _ in $(seq 600); do  # bounded: 30 s
        (($(journal_bytes) >= target)) && break
        kill -0 "$job" 2>/dev/null || break
        sleep 0.05
      done
    fi
    if ! kill -0 "$job" 2>/dev/null; then
      wait "$job" || true
      # On a loaded machine the last part of a run can finish between two polls: a late
      # kill may miss, an early one may not.
      [[ "$("$python" -c "print($fraction >= 0.5)")" == True ]] ||
        fail "the job ended before the kill at fraction $fraction"
      echo "the run finished before the kill at fraction $fraction"
      break
    fi
    signal_job KILL
    wait_job 30
    [[ "$code" -ne 0 ]] || fail "a SIGKILLed job exited 0"
    kills=$((kills + 1))
    echo "kill $kills at fraction $fraction: journal $(journal_bytes) bytes"
  done
  ((kills >= 7)) || fail "only $kills kills"  # every fraction below 0.5
  # Finish: one resume must complete what the kills left.
  resume_to_the_end "final resume after the kills"
  echo "tasks done: $(tasks_done) of $num_tasks after $kills kills"
  ;;

kill9_plan)
  kills=0
  for delay in 0.45 0.6 0.75 0.9; do
    start_job
    sleep "$delay"
    kill -0 "$job" 2>/dev/null || break  # finished before this kill: nothing left to kill
    signal_job KILL
    wait_job 30
    kills=$((kills + 1))
    echo "kill $kills after $delay s: journal $(journal_bytes) bytes"
  done
  ((kills >= 2)) || fail "only $kills kills landed"
  resume_to_the_end "final resume after the kills"
  "$python" "$compare_py" --require-status not_run reference.h5 || fail "no task past a stop"
  ;;

sigterm)
  start_job
  for _ in $(seq 600); do
    (($(journal_bytes) >= num_tasks * bytes_per_task / 3)) && break
    sleep 0.05
  done
  kill -0 "$job" 2>/dev/null || fail "the job ended before the signal"
  signalled=$(date +%s.%N)
  signal_ranks TERM
  wait_job 30
  elapsed=$("$python" -c "print(f'{$(date +%s.%N) - $signalled:.2f}')")
  [[ "$code" -eq 75 ]] || { tail -5 job.log; fail "SIGTERM: exit code $code, expected 75"; }
  # stop_timeout_s is 5 in the study; allow 3 s for MPI finalize and process exit.
  "$python" -c "import sys; sys.exit(0 if $elapsed <= 8 else 1)" ||
    fail "SIGTERM: stopped after $elapsed s, bound is 8 s"
  done_before=$(tasks_done)
  ((done_before > 0 && done_before < num_tasks)) || fail "interrupted file has $done_before tasks done"
  "$python" "$compare_py" --allow-pending killed.h5 || fail "interrupted file is not readable"
  start_job
  wait_job 120
  [[ "$code" -eq 0 ]] || fail "resume after SIGTERM exited $code"
  "$python" "$compare_py" reference.h5 killed.h5 || fail "resumed file differs from the uninterrupted run"
  echo "SIGTERM: exit 75 after $elapsed s with $done_before tasks kept"
  ;;

late_signal)
  for attempt in $(seq 20); do  # bounded: each attempt advances the study
    start_job
    # From the first result on (not during process start-up, before simorch has its
    # handlers: SLURM's warning comes minutes into a job).
    before=$(journal_bytes)
    while kill -0 "$job" 2>/dev/null && (($(journal_bytes) <= before)); do sleep 0.01; done
    while kill -0 "$job" 2>/dev/null; do
      signal_ranks USR1
      sleep 0.02
    done
    wait_job 30
    case $code in
      0) break ;;
      75) ;;
      *) tail -5 job.log; fail "attempt $attempt ended with exit code $code (a signal death?)" ;;
    esac
  done
  [[ "$code" -eq 0 ]] || fail "the study did not complete in 20 signalled attempts"
  "$python" "$compare_py" reference.h5 killed.h5 || fail "resumed file differs from the uninterrupted run"
  echo "late_signal: completed after $attempt attempts, every exit 0 or 75"
  ;;

between_renames)
  code=0
  SIMORCH_FAULT_POINT=create:between_renames "$mpiexec" -n 2 --oversubscribe "$simorch" run \
    study.yaml -o killed.h5 --threads 1 -q >>job.log 2>&1 || code=$?
  [[ "$code" -ne 0 ]] || fail "the fault point did not stop the run"
  [[ -e killed.h5.journal && ! -e killed.h5 ]] || fail "expected the journal alone: $(ls)"
  code=0
  "$simorch" run study.yaml -o killed.h5 -q >plain.out 2>&1 || code=$?
  [[ "$code" -eq 2 && $(wc -l <plain.out) -eq 1 ]] && grep -q -- "--resume to rebuild" plain.out ||
    fail "plain run on a journal alone: exit $code, $(cat plain.out)"
  resume_to_the_end "--resume of the journal alone"  # decides on the journal, as jobs/resumable.sbatch does
  echo "between_renames: journal alone rebuilt and completed identically"
  ;;

in_use)
  start_job
  for _ in $(seq 600); do  # bounded: 30 s
    (($(journal_bytes) > 4096)) && break
    sleep 0.05
  done
  kill -0 "$job" 2>/dev/null || fail "the job ended before the second run"
  # The three at once, while the job certainly still runs.
  pids=()
  for mode in plain --resume --force; do
    args=()
    [[ "$mode" == plain ]] || args=("$mode")
    "$simorch" run study.yaml -o killed.h5 -q "${args[@]}" >"second$mode.out" 2>&1 &
    pids+=($!)
  done
  codes=()
  for pid in "${pids[@]}"; do
    code=0
    wait "$pid" || code=$?
    codes+=("$code")
  done
  kill -0 "$job" 2>/dev/null || fail "the job ended during the second runs"
  signal_ranks TERM
  wait_job 30
  for i in 0 1 2; do
    mode=$(echo plain --resume --force | cut -d' ' -f$((i + 1)))
    [[ "${codes[$i]}" -eq 2 ]] || fail "second run ($mode) on an output in use exited ${codes[$i]}"
    [[ $(wc -l <"second$mode.out") -eq 1 ]] ||
      fail "second run ($mode): not one line: $(cat "second$mode.out")"
    echo "in_use ($mode): $(cat "second$mode.out")"
  done
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS $case_name"
