#!/usr/bin/env bash
# Multi-node in the suite: a private SLURM cluster of three nodes on this one machine, and
# what a cluster user relies on, proved on it:
#   1. jobs/run.sbatch on 3 nodes x 1 rank x 2 threads: results bitwise equal to a
#      1 x 1 run, /timing/ranks names the three hosts;
#   2. jobs/resumable.sbatch on 3 nodes, interrupted by the pre-timeout USR1, requeues and
#      finishes equal to the uninterrupted run;
#   3. a node failure (every process in one node's namespace killed, slurmd included)
#      ends the job within 30 s, and --resume on the two surviving nodes completes it
#      bitwise equal.
#
# Each node is a network namespace (a veth into a private bridge, an address on a
# private subnet, no default route: no way out) plus a persistent UTS namespace with its
# own host name, running its own slurmd; slurmctld runs in a UTS namespace named after
# SlurmctldHost, on the bridge's address; munged as in tests/slurm/slurm_cluster.sh.
# Recipe: design.md, "Testing". Everything it creates (daemons, namespaces, bridge,
# files) is removed on success and on failure.
#
#   multinode_test.sh            (env SIMORCH_EXE=path/to/simorch)
# Exits 77 (ctest: skipped) with the reason where it cannot run: not root, no network
# namespaces, SLURM/munge/h5py missing. SIMORCH_TEST_KEEP=1 keeps the directory.
set -euo pipefail
if [[ "${1:-}" == "--help" ]]; then
  echo "usage: multinode_test.sh   (env SIMORCH_EXE=path/to/simorch)"
  exit 0
fi
export PATH="$PATH:/usr/sbin:/sbin"
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
jobs_dir="$source_dir/jobs"
checker=("/usr/bin/python3" "$source_dir/tests/slurm/check_batch.py")
# shellcheck source=../support/slurm_common.sh
source "$source_dir/tests/support/slurm_common.sh"
readonly skip_code=77 job_limit_s=120 nodes=(vnode1 vnode2 vnode3)
skip() { echo "SKIPPED: $*"; exit "$skip_code"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
t0=$SECONDS
say() { echo "[$((SECONDS - t0)) s] $*"; }

[[ "$(id -u)" -eq 0 ]] || skip "needs root for network namespaces and slurmd (uid $(id -u))"
for tool in ip unshare nsenter munged mungekey slurmctld slurmd sbatch scontrol scancel mpirun; do
  command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found (scripts/install-deps)"
done
/usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null || skip "/usr/bin/python3 lacks h5py/numpy"
: "${SIMORCH_EXE:?set SIMORCH_EXE to the simorch binary (ctest does)}"
SIMORCH_EXE=$(realpath "$SIMORCH_EXE")

id=$$
net="simorch-$id"                         # namespace prefix
bridge="smb$((id % 100000))"              # interface names: at most 15 characters
subnet="10.213.$((id % 200 + 20))"
probe="${net}-probe"
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace here (ip netns add)"
ip netns del "$probe"
ip route | grep -q "^$subnet\." && skip "subnet $subnet.0/24 is in use here"

work=$(mktemp -d /tmp/simorch-cl.XXXXXX)
chmod 0755 "$work"
mkdir -p "$work"/{munge,etc,spool/ctld,log,uts,jobs}

cleanup() {
  local rc=$? pid ns f
  trap - EXIT INT TERM
  if ((rc != 0)); then
    echo "---- cluster test failed (exit $rc); logs from $work ----" >&2
    for f in "$work"/jobs/*.out "$work"/log/slurmctld.log "$work"/log/slurmd.*.log; do
      [[ -e "$f" ]] && { echo "== $f" >&2; tail -n 30 "$f" >&2; }
    done
  fi
  if [[ -s $work/slurmctld.pid ]]; then
    local ids
    ids=$(SLURM_CONF="$work/etc/slurm.conf" squeue -h -o %i 2>/dev/null || true)
    # shellcheck disable=SC2086  # one argument per job id
    [[ -z $ids ]] || SLURM_CONF="$work/etc/slurm.conf" scancel --quiet --full $ids 2>/dev/null || true
  fi
  # Every process of every node namespace (slurmd, slurmstepd, orted, ranks), then the
  # daemons in the root namespace, each by its pid file.
  for node in "${nodes[@]}"; do
    for pid in $(ip netns pids "$net-$node" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for f in "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    if [[ -s $f ]]; then kill -TERM "$(<"$f")" 2>/dev/null || true; fi
  done
  sleep 0.5
  for f in "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    if [[ -s $f ]]; then kill -KILL "$(<"$f")" 2>/dev/null || true; fi
  done
  for node in "${nodes[@]}"; do ip netns del "$net-$node" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  for f in "$work"/uts/*; do umount "$f" 2>/dev/null || true; done
  if [[ "${SIMORCH_TEST_KEEP:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
  say "cleaned up"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the network: a bridge with no uplink, one namespace per node ----
ip link add "$bridge" type bridge
ip addr add "$subnet.254/24" dev "$bridge"
ip link set "$bridge" up
for i in 1 2 3; do
  ns="$net-vnode$i"
  ip netns add "$ns"
  ip link add "smv$((id % 100000))n$i" type veth peer name eth0 netns "$ns"
  ip link set "smv$((id % 100000))n$i" master "$bridge" up
  ip -n "$ns" addr add "$subnet.$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done

# ---- host names: one persistent UTS namespace per node and one for slurmctld ----
uts() {  # uts NAME HOSTNAME
  touch "$work/uts/$1"
  unshare --uts="$work/uts/$1" hostname "$2"
}
uts ctl vctl
for node in "${nodes[@]}"; do uts "$node" "$node"; done

# ---- munge ----
mungekey --create --keyfile="$work/munge/munge.key" --force
chmod 0400 "$work/munge/munge.key"
chmod 0755 "$work/munge"
socket="$work/munge/munge.socket"
munged --key-file="$work/munge/munge.key" --socket="$socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed" --force
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
[[ -S $socket ]] || fail "munged did not start"

ctld_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
cpu_layout=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]* //; s/ UpTime=[^ ]*//')
cat >"$work/etc/slurm.conf" <<CONF
# Private three-node test cluster written by tests/cluster/multinode_test.sh.
ClusterName=simorchmulti
SlurmctldHost=vctl($subnet.254)
SlurmctldPort=$ctld_port
SlurmdPort=6818
$(slurm_common_conf "$socket")
MinJobAge=3600
ReturnToService=2
# A node that stops answering is down after 10 s, not the default 300 s.
SlurmdTimeout=10
MailProg=/bin/true
SchedulerType=sched/backfill
KillWait=5
StateSaveLocation=$work/spool/ctld
SlurmdSpoolDir=$work/spool/%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.%n.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.%n.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$work/etc/plugstack.conf
NodeName=vnode[1-3] NodeAddr=$subnet.[1-3] $cpu_layout State=UNKNOWN
PartitionName=debug Nodes=vnode[1-3] Default=YES MaxTime=INFINITE State=UP
CONF
: >"$work/etc/plugstack.conf"
export SLURM_CONF="$work/etc/slurm.conf"

nsenter --uts="$work/uts/ctl" -- slurmctld -f "$SLURM_CONF" -i
for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
scontrol ping >/dev/null 2>&1 || fail "slurmctld did not answer"
for node in "${nodes[@]}"; do
  mkdir -p "$work/spool/$node"
  nsenter --uts="$work/uts/$node" --net="/run/netns/$net-$node" -- slurmd -f "$SLURM_CONF" -N "$node"
done
idle_nodes() { sinfo -h -N -t idle -o %N 2>/dev/null | sort -u | wc -l; }
for _ in $(seq 150); do [[ $(idle_nodes) -eq 3 ]] && break; sleep 0.2; done
[[ $(idle_nodes) -eq 3 ]] || { sinfo -N >&2; fail "the three nodes did not become idle"; }
say "cluster up: vctl + ${nodes[*]} on $subnet.0/24"

# ---- job helpers ----
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export SIMORCH="$SIMORCH_EXE"
cd "$work/jobs"
job_field() { scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
wait_job_end() {  # prints "STATE EXITCODE" once job $1 has ended (bounded)
  local deadline=$((SECONDS + job_limit_s)) state
  while true; do
    state=$(job_field "$1" JobState)
    case "$state" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | COMPLETING)
      echo "$state $(job_field "$1" ExitCode)"
      return
      ;;
    esac
    ((SECONDS < deadline)) || fail "job $1 still '$state' after ${job_limit_s} s"
    sleep 0.2
  done
}
expect_success() {
  local result
  result=$(wait_job_end "$1")
  [[ $result == "COMPLETED 0:0" ]] || fail "$2 (job $1) ended '$result'"
  say "ok: $2 (job $1)"
}
wait_for_results() {  # until FILE's journal holds results (bounded)
  for _ in $(seq 300); do
    [[ -s $1.journal && $(stat -c %s "$1.journal") -gt 200000 ]] && return 0
    sleep 0.1
  done
  fail "no results in $1.journal after 30 s"
}
hosts_of() {
  /usr/bin/python3 -c 'import h5py, sys; r = h5py.File(sys.argv[1], "r")["/timing/ranks"][()]; \
print(" ".join(sorted({h.decode() if isinstance(h, bytes) else str(h) for h in r["host"]})))' "$1"
}

sed -e 's|path: out/quickstart.h5|path: short.h5|' "$source_dir/examples/quickstart.yaml" >short.yaml
sed -e 's/samples: 4000/samples: 60000/' -e 's|path: out/quickstart.h5|path: long.h5|' \
  "$source_dir/examples/quickstart.yaml" >long.yaml
"$SIMORCH_EXE" run short.yaml -o short-1x1.h5 --threads 1 -q
"$SIMORCH_EXE" run long.yaml -o long-ref.h5 --threads 2 -q
say "1 x 1 references written"

# ---- 1. three nodes x 1 rank x 2 threads ----
job=$(OUT=short-3x2.h5 sbatch --parsable --nodes=3 --ntasks-per-node=1 --cpus-per-task=2 \
  --time=5 --output=run3.out "$jobs_dir/run.sbatch" short.yaml)
expect_success "$job" "run.sbatch on 3 nodes x 1 rank x 2 threads"
"${checker[@]}" complete short-3x2.h5 --ranks 3 --threads 2
"${checker[@]}" same short-1x1.h5 short-3x2.h5
[[ "$(hosts_of short-3x2.h5)" == "vnode1 vnode2 vnode3" ]] ||
  fail "/timing/ranks names '$(hosts_of short-3x2.h5)', expected vnode1 vnode2 vnode3"
say "ok: 3 nodes bitwise equal to 1 x 1; /timing/ranks names vnode1 vnode2 vnode3"

# ---- 2. resumable.sbatch interrupted by USR1, requeued, finished across nodes ----
job=$(OUT=long-resumed.h5 sbatch --parsable --nodes=3 --ntasks-per-node=1 --cpus-per-task=2 \
  --time=5 --output=resumable.out "$jobs_dir/resumable.sbatch" long.yaml)
wait_for_results long-resumed.h5
scancel --signal=USR1 --batch "$job"
deadline=$((SECONDS + job_limit_s))
until [[ "$(job_field "$job" Restarts)" == 1 && "$(job_field "$job" JobState)" == PENDING ]]; do
  state=$(job_field "$job" JobState)
  case "$state" in COMPLETED | FAILED | CANCELLED) fail "job $job ended '$state' instead of requeueing" ;; esac
  ((SECONDS < deadline)) || fail "job $job did not requeue (state $state)"
  sleep 0.2
done
sleep 2 # the old run's credential is revoked with one-second resolution (tests/slurm)
scontrol update "JobId=$job" StartTime=now
expect_success "$job" "resumable.sbatch on 3 nodes after USR1 and requeue"
grep -q 'simorch exited with 75' resumable.out || fail "the first run did not exit 75"
grep -q 'restart 1:.*--resume' resumable.out || fail "the requeued job did not resume"
"${checker[@]}" complete long-resumed.h5 --ranks 3 --threads 2
"${checker[@]}" same long-ref.h5 long-resumed.h5
say "ok: interrupted, requeued and resumed across nodes, bitwise equal"

# ---- 3. a node dies mid-run; --resume on the two survivors ----
job=$(OUT=long-failed.h5 sbatch --parsable --nodes=3 --ntasks-per-node=1 --cpus-per-task=2 \
  --time=5 --output=failed.out "$jobs_dir/run.sbatch" long.yaml)
wait_for_results long-failed.h5
killed_at=$SECONDS
for pid in $(ip netns pids "$net-vnode3"); do kill -KILL "$pid" 2>/dev/null || true; done
say "killed every process of vnode3 (slurmd included) during job $job"
result=$(wait_job_end "$job")
ended_after=$((SECONDS - killed_at))
((ended_after <= 30)) || fail "job $job took ${ended_after} s to end after the node died"
[[ $result != "COMPLETED 0:0" ]] || fail "job $job completed although a node died"
say "ok: job $job ended ($result) ${ended_after} s after the node died"
scontrol update NodeName=vnode3 State=DOWN Reason="killed by the test"
job=$(OUT=long-failed.h5 SIMORCH_ARGS=--resume sbatch --parsable --nodes=2 --exclude=vnode3 \
  --ntasks-per-node=1 --cpus-per-task=2 --time=5 --output=resume2.out "$jobs_dir/run.sbatch" long.yaml)
expect_success "$job" "--resume on the two surviving nodes"
"${checker[@]}" complete long-failed.h5 --ranks 2 --threads 2
"${checker[@]}" same long-ref.h5 long-failed.h5
say "ok: --resume on vnode1 vnode2 bitwise equal to the uninterrupted run"
echo "multinode_test: ok in $((SECONDS - t0)) s"
