# Sourced by the end-to-end shell tests (tests/mpi/cli_test.sh, tests/resume/…): the
# environment they share and an interpreter that can read batch files.
# Needs: SIMORCH_EXE; optional MPIEXEC, WORKDIR. Sets: simorch, mpiexec, work, python, fail().
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
