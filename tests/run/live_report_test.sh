#!/usr/bin/env bash
# `simorch report` on a file that a run is writing: a live view from the journal (text and
# JSON) that is consistent (the counts add up, metrics cover the completed tasks, a later
# read never shows fewer tasks) and names the writer, while the run goes on to a file
# equal to an undisturbed run; a killed writer is reported as gone.
# Environment: SIMORCH_EXE, WORKDIR.
set -euo pipefail
usage="usage: live_report_test.sh   (SIMORCH_EXE=... WORKDIR=...)"
# shellcheck source=../support/cli_common.sh
source "$(dirname "$0")/../support/cli_common.sh"
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

# About 3 s on one thread of the batch kernel.
sed -e 's/samples: 4000/samples: 100000/' -e 's/duration: 5.0 /duration: 20.0/' -e 's|path: out/quickstart.h5|path: live.h5|' \
  "$here/../../examples/quickstart.yaml" >live.yaml
wait_for_journal() {  # wait_for_journal FILE: until results reach it (bounded)
  for _ in $(seq 100); do
    [[ -s $1 && $(stat -c %s "$1") -gt 200000 ]] && return 0
    sleep 0.05
  done
  fail "no results in $1 after 5 s"
}

"$simorch" run live.yaml -o reference.h5 --threads 1 -q

started=$(date +%s.%N)
"$simorch" run live.yaml --threads 1 -q &
writer=$!
pids+=("$writer")
wait_for_journal live.h5.journal
"$simorch" report live.h5 >first.txt || fail "report failed on a live file: $(cat first.txt)"
"$simorch" report live.h5 --json >first.json || fail "report --json failed on a live file"
sleep 0.3
"$simorch" report live.h5 --json >second.json
kill -0 "$writer" 2>/dev/null || fail "the run ended before the reads were done (make the study longer)"
grep -q "^LIVE VIEW from live.h5.journal" first.txt || { cat first.txt; fail "not labelled live"; }
grep -q "writer .* pid $writer, segment 0" first.txt || { cat first.txt; fail "the writer's pid is not named"; }
grep -q "tasks/s, ETA" first.txt || fail "no throughput/ETA line"
grep -Eq "segment 0, started [0-9]+ s ago" first.txt || { cat first.txt; fail "the writer's start is not shown"; }
code=0
wait "$writer" || code=$?
[[ $code -eq 0 ]] || fail "the run that was read live exited $code"
"$python" "$here/../mpi/compare_batches.py" reference.h5 live.h5 || fail "the run read live differs"

"$python" - first.json second.json "$writer" "$(hostname)" "$started" <<'PY' || fail "inconsistent live view"
import json, sys
first, second = (json.load(open(p)) for p in sys.argv[1:3])
pid, host, started = int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
for d in (first, second):
    live, tasks = d["live"], d["tasks"]
    assert live is not None and live["pid"] == pid and live["host"] == host, live
    # The writer's start: after the command was started, before the view was read.
    assert started - 1 <= live["start_unix_s"] <= live["read_unix_s"], (started, live)
    assert live["is_open"] and not live["is_gone"], live
    assert d["file"]["run_state"] == "running", d["file"]
    counts = tasks["by_status"]
    n = d["study"]["n_tasks"]
    assert sum(counts.values()) == n, counts
    assert tasks["finished"] == n - counts["pending"] == d["file"]["tasks_done"], tasks
    assert 0 < tasks["finished"] < n, tasks
    assert tasks["successes"] <= tasks["finished"], tasks
    rate = tasks["success_rate"]
    assert rate["lower"] <= rate["estimate"] <= rate["upper"], rate
    ise = d["metrics"]["ise"]
    assert ise["count"] == counts["completed"], (ise, counts)
    assert live["tasks_per_s"] > 0 and live["eta_s"] >= 0, live
assert second["tasks"]["finished"] >= first["tasks"]["finished"]
PY

# A writer killed mid-run: the journal still reads, and the view says the writer is gone.
"$simorch" run live.yaml -o killed.h5 --threads 1 -q &
victim=$!
pids+=("$victim")
wait_for_journal killed.h5.journal
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
"$simorch" report killed.h5 >killed.txt
grep -q "GONE" killed.txt || { cat killed.txt; fail "a killed writer is not reported as gone"; }
# A study with cases read live: the run settings of its base study and a row per case.
{ cat live.yaml; printf 'cases:\n  - name: lqr\n    monte_carlo: {controller: lqr}\n  - name: lqr_r1\n    controllers: {lqr: {r: 1.0}}\n'; } >cases.yaml
sed -i 's|path: live.h5|path: cases.h5|' cases.yaml
"$simorch" run cases.yaml --threads 1 -q &
plan_writer=$!
pids+=("$plan_writer")
wait_for_journal cases.h5.journal
"$simorch" report cases.h5 --json >cases.json || fail "report --json failed on a live file with cases"
kill -KILL "$plan_writer"
wait "$plan_writer" 2>/dev/null || true
"$python" - cases.json <<'PY' || fail "the live view of a study with cases is incomplete"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["live"] is not None, d["live"]
assert d["study"]["controller"] == "lqr" and d["study"]["model"], d["study"]
names = [c["name"] for c in d["cases"]]
assert names == ["lqr", "lqr_r1"], names
assert sum(c["finished"] for c in d["cases"]) == d["tasks"]["finished"] > 0, d["cases"]
PY
echo "live_report_test: ok"
