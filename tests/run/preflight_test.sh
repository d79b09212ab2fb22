#!/usr/bin/env bash
# The space check before a run, on a small tmpfs: a run that cannot fit is refused before
# any file is created, with one line naming both figures; --skip-space-check overrides;
# above half of the free space the run warns and goes on; `simorch validate` shows the
# same figures. Needs root (mount); exits 77 (skipped) with the reason otherwise.
# Environment: SIMORCH_EXE, WORKDIR.
set -euo pipefail
usage="usage: preflight_test.sh   (SIMORCH_EXE=... WORKDIR=...)"
# shellcheck source=../support/cli_common.sh
source "$(dirname "$0")/../support/cli_common.sh"
mkdir disk
if ! mount -t tmpfs -o size=8m simorch-preflight "$work/disk" 2>mount.txt; then
  echo "SKIP: cannot mount a tmpfs here ($(head -1 mount.txt)); needs root and mount rights"
  exit 77
fi
trap 'umount "$work/disk" 2>/dev/null || umount -l "$work/disk" 2>/dev/null || true' EXIT

study() {  # study SAMPLES FILE: tiny.yaml with a trajectory every step (about 12 kB a task)
  sed -e "s/samples: 16/samples: $1/" -e "s|path: out/tiny.h5|path: disk/$1.h5\n  save_every: 1|" \
    "$here/../../examples/tiny.yaml" >"$2"
}

# 1000 tasks need about 12 MB: refused, nothing created, one line with both figures.
study 1000 big.yaml
code=0
"$simorch" run big.yaml -q 2>stderr.txt || code=$?
[[ $code -eq 2 ]] || fail "a run that does not fit: exit code $code, expected 2"
[[ $(wc -l <stderr.txt) -eq 1 ]] || { cat stderr.txt; fail "expected one line"; }
grep -Eq "needs about [0-9.e+]+ MB .* has [0-9.e+]+ MB free" stderr.txt ||
  { cat stderr.txt; fail "the refusal does not name both figures"; }
grep -q -- "--skip-space-check" stderr.txt || fail "the refusal does not name the override"
[[ -z $(ls -A disk) ]] || { ls -la disk; fail "a refused run created files"; }

# validate shows the same figures.
"$simorch" validate big.yaml >validate.txt
needed=$(grep -o "needs about [0-9.e+]* MB" stderr.txt | grep -o "[0-9.e+]* MB")
grep -q "estimated output size: $needed" validate.txt || { cat validate.txt; fail "validate shows another size than $needed"; }
grep -q "free space at .*disk: .* (too little" validate.txt || { cat validate.txt; fail "validate does not show the free space"; }

# The override starts the run (which then fails on the full disk, resumable: exit 1).
code=0
"$simorch" run big.yaml -q --skip-space-check 2>/dev/null || code=$?
[[ $code -ne 2 ]] || fail "--skip-space-check was refused"
rm -f disk/*

# 400 tasks need about 4.8 MB of 8 MB: a warning, and the run completes.
study 400 half.yaml
"$simorch" run half.yaml -q 2>stderr.txt || { cat stderr.txt; fail "a run over half of the free space failed"; }
grep -q "warning: .*more than half" stderr.txt || { cat stderr.txt; fail "no warning above half of the free space"; }

# 16 tasks: silent.
study 16 small.yaml
"$simorch" run small.yaml -q 2>stderr.txt
[[ ! -s stderr.txt ]] || { cat stderr.txt; fail "a small run printed: $(cat stderr.txt)"; }
echo "preflight_test: ok"
