#!/usr/bin/env bash
# `simorch tune` end to end: the swarm history, best gains and validation are bitwise the
# same on 1 rank × 1 thread, 2 ranks × 1 thread, 1 rank × 2 threads, and after the whole
# job is SIGKILLed mid-tuning and continued with --resume; bad input exits 2 without
# touching an existing file. Environment (tests/tune/CMakeLists.txt): SIMORCH_EXE,
# MPIEXEC, WORKDIR.
set -euo pipefail
usage="usage: tune_test.sh"
# shellcheck source=../support/cli_common.sh
source "$(dirname "$0")/../support/cli_common.sh"
cp "$here/tune_study.yaml" study.yaml

quiet=(-q)
tune() {  # tune RANKS THREADS OUTPUT [extra options]; quiet unless quiet=() before
  local ranks=$1 threads=$2 out=$3
  shift 3
  "$mpiexec" -n "$ranks" --oversubscribe "$simorch" tune study.yaml -o "$out" \
    --threads "$threads" "${quiet[@]}" "$@" >"$out.stdout" 2>"$out.stderr"
}

same() {  # same A.h5 B.h5: every swarm dataset and the validation bitwise equal
  "$python" - "$1" "$2" <<'PY' || fail "$1 and $2 differ"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
for name in ["tuning/positions", "tuning/costs", "tuning/best_cost", "tuning/best_gains",
             "validation/gains"]:
    x, y = a[name][()], b[name][()]
    assert x.shape == y.shape and x.tobytes() == y.tobytes(), name
for key in ["successes", "trials", "wilson_lower", "wilson_upper"]:
    assert a["validation"].attrs[key] == b["validation"].attrs[key], key
assert a["tuning/positions"].shape == (7, 8, 6), a["tuning/positions"].shape
PY
}

tune 1 1 one.h5 || fail "1x1 exited $?: $(cat one.h5.stderr)"
grep -q "gains: \[" one.h5.stdout || fail "no YAML snippet: $(cat one.h5.stdout)"
grep -q "Wilson" one.h5.stdout || fail "no validation line"
tune 2 1 two.h5 || fail "2x1 exited $?: $(cat two.h5.stderr)"
same one.h5 two.h5
quiet=()  # with progress: per generation its utilisation and the idle time at its barrier
tune 1 2 threads.h5 || fail "1x2 exited $?"
quiet=(-q)
same one.h5 threads.h5
grep -Eq "generation 6/6 best .* utilisation [0-9.]+ %, idle at the barrier [0-9.]+ core-s" \
  threads.h5.stderr || fail "no per-generation utilisation and idle time: $(cat threads.h5.stderr)"
grep -q "core-s idle at their barriers" threads.h5.stderr || fail "no idle total"
cmp one.h5.stdout two.h5.stdout || fail "printed results differ between layouts"

# kill -9 of the whole job once the journal holds 2-4 generations, then --resume.
record=$((32 + 8 * (8 * 6 + 8)))
setsid "$mpiexec" -n 2 --oversubscribe "$simorch" tune study.yaml -o killed.h5 --threads 1 -q \
  >killed.log 2>&1 &
job=$!
for _ in $(seq 3000); do
  size=$(stat -c %s killed.h5.journal 2>/dev/null || echo 0)
  ((size >= 16 + 2 * record)) && break
  sleep 0.01
done
pkill -KILL -s "$job" 2>/dev/null || true
wait "$job" 2>/dev/null || true
for _ in $(seq 100); do pgrep -s "$job" >/dev/null || break; sleep 0.05; done
[[ ! -e killed.h5 ]] || fail "the job finished before it was killed; make tune_study.yaml slower"
size=$(stat -c %s killed.h5.journal)
echo "killed with a journal of $(((size - 16) / record)) generations (+ a torn tail if any)"
tune 2 1 killed.h5 --resume || fail "--resume exited $?: $(cat killed.h5.stderr)"
same one.h5 killed.h5

# Bad input: exit 2, one line naming the key, the existing file untouched.
cp one.h5 keep.h5
sed 's/n_particles: 8/n_particles: 1/' study.yaml >bad.yaml
code=0
"$mpiexec" -n 1 "$simorch" tune bad.yaml -o keep.h5 --force 2>bad.err || code=$?
((code == 2)) || fail "bad n_particles exited $code"
grep -q "pso.n_particles" bad.err || fail "error does not name pso.n_particles: $(cat bad.err)"
cmp keep.h5 one.h5 || fail "a rejected study touched the existing file"
code=0
"$mpiexec" -n 1 "$simorch" tune study.yaml -o keep.h5 2>exists.err || code=$?
((code == 2)) || fail "existing file without --force exited $code"
# --resume after the study was edited: only rank 0 reads the journal, and the job still
# ends with 2 (bad input), the file untouched.
sed 's/seed: 7/seed: 8/' study.yaml >edited.yaml
code=0
"$mpiexec" -n 2 --oversubscribe "$simorch" tune edited.yaml -o one.h5 --resume -q \
  >edited.out 2>edited.err || code=$?
((code == 2)) || fail "--resume of an edited study exited $code: $(cat edited.err)"
grep -q "the study file must be unchanged" edited.err || fail "no reason: $(cat edited.err)"
cmp keep.h5 one.h5 || fail "a refused resume touched the file"
echo PASS
