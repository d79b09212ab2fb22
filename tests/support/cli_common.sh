# Sourced by the end-to-end shell tests (tests/mpi/cli_test.sh, tests/resume/…): the
# start they share, the environment and an interpreter that can read batch files.
# Before sourcing, a test sets `usage` (its --help line) and, when it runs one named case,
# takes_case=1. Needs: SIMORCH_EXE; optional MPIEXEC, WORKDIR. Sets: here (the test's
# folder), case_name, simorch, mpiexec, work (entered, fresh and empty), python, fail().
if [[ "${1:-}" == "--help" || ( -n "${takes_case:-}" && $# -ne 1 ) ]]; then
  echo "$usage"
  exit 0
fi
case_name=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
simorch=${SIMORCH_EXE:?SIMORCH_EXE must name the simorch program}
mpiexec=${MPIEXEC:-mpiexec}
work=${WORKDIR:-$(mktemp -d)}

fail() { echo "FAIL: $*"; exit 1; }

# Debian's python3-h5py lives in /usr/bin/python3, which need not be first on PATH.
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import h5py, numpy" 2>/dev/null; then
    python=$candidate
    break
  fi
done
[[ -n "$python" ]] || fail "no python3 with h5py and numpy (apt-get install python3-h5py)"

rm -rf "$work" && mkdir -p "$work" && cd "$work"
