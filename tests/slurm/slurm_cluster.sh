#!/usr/bin/env bash
# Starts and stops a private one-node SLURM cluster on this machine, for tests.
#
#   slurm_cluster.sh start DIR   # munged + slurmctld + slurmd, everything under DIR
#   slurm_cluster.sh stop DIR    # cancels its jobs, stops the daemons whose pid files are in DIR
#   slurm_cluster.sh check       # exit 0 if it can run here, else 77 and the reason on stdout
#
# After `start`, DIR/env.sh exports SLURM_CONF for the clients (sbatch, squeue, scontrol,
# scancel); slurm.conf names the munge socket. A failed start stops what it started. Nothing outside DIR is written: the cluster has
# its own munge key and socket, its own config, spool, state, logs and TCP ports, so it
# coexists with a system SLURM/munge and with other copies of itself.
# Needs root (slurmd runs jobs as their submitting user) and Debian's slurm-wlm + munge.
set -euo pipefail

usage() { echo "usage: slurm_cluster.sh start DIR | stop DIR | check"; }

readonly skip_code=77
# shellcheck source=../support/slurm_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/slurm_common.sh"
# The daemons live in /usr/sbin, which a non-login shell may not have on its PATH.
export PATH="$PATH:/usr/sbin:/sbin"

# Prints why the cluster cannot run here (nothing if it can).
why_not_runnable() {
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "needs root to run slurmd (running as uid $(id -u))"
    return
  fi
  local tool
  for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "'$tool' not found: install Debian packages slurm-wlm and munge (scripts/install-deps)"
      return
    fi
  done
}

# A TCP port nobody listens on. Bind-to-0 asks the kernel for a free one; the small
# race until slurmctld binds it is acceptable for a test harness.
free_port() {
  local py
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
      return
    fi
  done
  # No Python: pick from a high range and check it is not listening.
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "slurm_cluster.sh: no free TCP port found" >&2
  return 1
}

# Waits up to $1 seconds for command "${@:2}" to succeed.
wait_for() {
  local limit_s=$1
  shift
  local deadline=$((SECONDS + limit_s))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.2
  done
}

node_is_idle() { scontrol show node "$1" 2>/dev/null | grep -Eq 'State=IDLE'; }

start_cluster() {
  local dir
  dir=$(realpath -m "$1")
  mkdir -p "$dir"/{munge,etc,spool/ctld,spool/d,log}
  # Clients of any user must reach the socket; the key itself is 0400.
  chmod 0755 "$dir" "$dir/munge"

  # munge: own key, socket, pid, log and seed, so the system munged (if any) is untouched.
  mungekey --create --keyfile="$dir/munge/munge.key" --force
  chmod 0400 "$dir/munge/munge.key"
  local socket="$dir/munge/munge.socket"
  munged --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" --force
  wait_for 10 test -S "$socket" || { echo "munged did not start; see $dir/log/munged.log" >&2; return 1; }

  local host node_line ctld_port slurmd_port
  host=$(hostname -s)
  # The node's real CPU layout; UpTime is not a node parameter.
  node_line=$(slurmd -C | head -n 1 | sed -E 's/ UpTime=[^ ]*//')
  node_line="${node_line/NodeName=* CPUs=/NodeName=$host NodeAddr=127.0.0.1 CPUs=}"
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [[ "$slurmd_port" == "$ctld_port" ]]; do slurmd_port=$(free_port); done

  cat >"$dir/etc/slurm.conf" <<EOF
# Private one-node test cluster written by tests/slurm/slurm_cluster.sh.
ClusterName=simorchtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
$(slurm_common_conf "$socket")
# No slurmdbd: finished jobs stay visible to scontrol for an hour, and their final
# state and exit code are appended to a text file.
MinJobAge=3600
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
ReturnToService=2
MailProg=/bin/true
SchedulerType=sched/backfill
KillWait=10
StateSaveLocation=$dir/spool/ctld
SlurmdSpoolDir=$dir/spool/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/etc/plugstack.conf
$node_line State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # An empty plugstack keeps the system's SPANK plugins (if any) out of the test.
  : >"$dir/etc/plugstack.conf"

  cat >"$dir/env.sh" <<EOF
export SLURM_CONF=$dir/etc/slurm.conf
export SIMORCH_TEST_SLURM_NODE=$host
EOF
  export SLURM_CONF="$dir/etc/slurm.conf"

  # -i: ignore any state left in the spool (there is none; it is a fresh directory).
  slurmctld -f "$SLURM_CONF" -i
  wait_for 30 scontrol ping || { echo "slurmctld did not answer; see $dir/log/slurmctld.log" >&2; return 1; }
  slurmd -f "$SLURM_CONF" -N "$host"
  if ! wait_for 60 node_is_idle "$host"; then
    echo "node $host did not become idle:" >&2
    scontrol show node "$host" >&2 || true
    tail -n 20 "$dir/log/slurmd.log" "$dir/log/slurmctld.log" >&2 || true
    return 1
  fi
  echo "slurm_cluster: up in $dir (ctld port $ctld_port, slurmd port $slurmd_port, node $host)"
}

# Cancels the cluster's jobs (their processes belong to slurmstepd, not to a pid file),
# then stops the daemons whose pid files are in DIR, and only those.
stop_cluster() {
  local dir=$1 name pidfile pid ids
  if [[ -s "$dir/slurmctld.pid" ]] && kill -0 "$(<"$dir/slurmctld.pid")" 2>/dev/null; then
    export SLURM_CONF="$dir/etc/slurm.conf"
    ids=$(squeue -h -o %i 2>/dev/null || true)
    if [[ -n "$ids" ]]; then
      # shellcheck disable=SC2086  # one argument per job id
      scancel $ids 2>/dev/null || true
      wait_for 20 queue_is_empty || echo "slurm_cluster: jobs $ids still listed after scancel" >&2
    fi
  fi
  for name in slurmd slurmctld munge/munged; do
    pidfile="$dir/$name.pid"
    [[ -s "$pidfile" ]] || continue
    pid=$(<"$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait_for 10 not_running "$pid" || {
        echo "slurm_cluster: $name ($pid) ignored SIGTERM, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
      }
    fi
    rm -f "$pidfile"
  done
}

queue_is_empty() { [[ -z "$(squeue -h -o %i 2>/dev/null)" ]]; }
not_running() { ! kill -0 "$1" 2>/dev/null; }

main() {
  case "${1:-}" in
  --help | -h) usage ;;
  check)
    local reason
    reason=$(why_not_runnable)
    if [[ -n "$reason" ]]; then
      echo "$reason"
      exit "$skip_code"
    fi
    ;;
  start)
    [[ $# -eq 2 ]] || { usage >&2; exit 2; }
    # set -e ends the script at the first failure: leave no daemon of a half-started cluster.
    # shellcheck disable=SC2064  # expand $2 now
    trap "rc=\$?; ((rc == 0)) || stop_cluster '$2'" EXIT
    start_cluster "$2"
    ;;
  stop)
    [[ $# -eq 2 ]] || { usage >&2; exit 2; }
    stop_cluster "$2"
    ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

main "$@"
