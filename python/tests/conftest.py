"""Shared fixtures: the repository's example studies and a batch file written by the CLI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("SIMORCH_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE_DIR / "examples"

# A small closed-loop study with trajectories and parameter uncertainty: 24 tasks of 1 s.
SMALL_STUDY = """
simulation: {model: full, integrator: rk4, dt: 0.01, duration: 1.0}
controllers:
  lqr: {q: [10, 100, 100, 1, 1, 1], r: 0.1}
physics_uncertainty: {pendulum1_mass: 0.05}
monte_carlo:
  samples: 24
  seed: 3
  controller: lqr
  initial_state: {distribution: uniform, spread: [0, 0.1, 0.1, 0, 0, 0]}
output: {path: small.h5, save_every: 10}
"""


@pytest.fixture
def tiny_study() -> Path:
    return EXAMPLES / "tiny.yaml"


@pytest.fixture
def small_study(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_STUDY)
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The simorch program (SIMORCH_EXE, set by ctest) in one process, no mpirun."""
    exe = os.environ.get("SIMORCH_EXE")
    if not exe:
        pytest.skip("SIMORCH_EXE is not set (run through ctest)")
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def small_batch(tmp_path: Path, small_study: Path) -> Path:
    """small_study run to completion by the CLI."""
    out = tmp_path / "cli.h5"
    result = run_cli("run", str(small_study), "-o", str(out), "--threads", "2", "-q")
    assert result.returncode == 0, result.stderr
    return out


def longest_stall_during(call) -> tuple[float, float]:
    """Runs call() on another thread while this thread keeps running Python; returns (how
    long call() took, the longest time this thread could not run during it). A call that
    holds the GIL stalls this thread for about its whole duration."""
    import threading
    import time

    window = {}

    def work() -> None:
        window["start"] = time.perf_counter()
        call()
        window["end"] = time.perf_counter()

    thread = threading.Thread(target=work)
    stamps = []
    thread.start()
    while thread.is_alive():
        stamps.append(time.perf_counter())
    thread.join()
    inside = [t for t in stamps if window["start"] <= t <= window["end"]]
    edges = [window["start"], *inside, window["end"]]
    return window["end"] - window["start"], max(b - a for a, b in zip(edges, edges[1:]))
