"""simorch.run: in process, the CLI's file, resume/force rules, progress, Ctrl-C."""

from __future__ import annotations

import _thread
import sys
import threading
import time
import types

import h5py
import numpy as np
import pytest
import simorch
from conftest import longest_stall_during, run_cli

# Enough work (~1 s on one thread) for an interruption to land mid-run; small chunks so
# that results reach the journal early and often.
LONG_STUDY = """
simulation: {model: full, integrator: rk4, dt: 0.01, duration: 2.0}
controllers:
  lqr: {q: [10, 100, 100, 1, 1, 1], r: 0.1}
monte_carlo:
  samples: 20000
  seed: 9
  controller: lqr
  initial_state: {distribution: uniform, spread: [0, 0.1, 0.1, 0, 0, 0]}
output: {path: long.h5}
execution: {max_chunk: 256}
"""

RESULT_DATASETS = ("status", "success", "ise", "itae", "settling_time", "final_state", "steps")


def result_arrays(path) -> dict:
    with h5py.File(path, "r") as f:
        return {name: f[f"results/{name}"][()] for name in RESULT_DATASETS}


def assert_same_results(a, b) -> None:
    ra, rb = result_arrays(a), result_arrays(b)
    for name in RESULT_DATASETS:
        assert ra[name].tobytes() == rb[name].tobytes(), name


def test_run_writes_the_same_results_as_the_cli(small_study, small_batch, tmp_path):
    batch = simorch.run(small_study, output=tmp_path / "py.h5", threads=2, progress=False)
    assert isinstance(batch, simorch.Batch)
    assert batch.info["run_state"] == "complete" and (batch.status == 1).all()
    assert batch.run_report["exit_code"] == 0
    batch.close()
    assert_same_results(tmp_path / "py.h5", small_batch)


def test_study_as_text_or_dict_runs(tmp_path):
    import yaml

    from conftest import SMALL_STUDY

    a = simorch.run(SMALL_STUDY, output=tmp_path / "a.h5", threads=1, progress=False)
    b = simorch.run(yaml.safe_load(SMALL_STUDY), output=tmp_path / "b.h5", threads=2, progress=False)
    a.close()
    b.close()
    assert_same_results(tmp_path / "a.h5", tmp_path / "b.h5")


def test_existing_file_is_refused_without_force(small_study, tmp_path):
    out = tmp_path / "out.h5"
    simorch.run(small_study, output=out, progress=False).close()
    before = out.read_bytes()
    with pytest.raises(simorch.IoError) as caught:
        simorch.run(small_study, output=out, progress=False)
    assert caught.value.is_bad_input
    assert any("force=True" in note for note in caught.value.__notes__)
    assert out.read_bytes() == before
    simorch.run(small_study, output=out, force=True, progress=False).close()
    with pytest.raises(simorch.ConfigError):
        simorch.run(small_study, output=out, force=True, resume=True)
    with pytest.raises(simorch.ConfigError):
        simorch.run(small_study, output=out, threads=0)


def test_bad_study_raises_before_any_file_is_written(tmp_path):
    with pytest.raises(simorch.ConfigError) as caught:
        simorch.run({"monte_carlo": {"samples": -3}}, output=tmp_path / "x.h5")
    assert caught.value.key_path == "monte_carlo.samples"
    assert not (tmp_path / "x.h5").exists()


def interrupt_when_results_arrive(journal, min_bytes: int = 50_000) -> threading.Thread:
    """Ctrl-C as Python sees it (SIGINT's handler runs on the main thread, which is inside
    simorch.run with the GIL released), once the run has written some results."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if journal.exists() and journal.stat().st_size >= min_bytes:
                break
            time.sleep(0.002)
        _thread.interrupt_main()

    watcher = threading.Thread(target=watch)
    watcher.start()
    return watcher


def test_keyboard_interrupt_leaves_a_resumable_file(tmp_path):
    out = tmp_path / "long.h5"
    watcher = interrupt_when_results_arrive(tmp_path / "long.h5.journal")
    with pytest.raises(KeyboardInterrupt) as caught:
        simorch.run(LONG_STUDY, output=out, threads=1, progress=False)
    watcher.join()
    assert any("resume=True" in note for note in caught.value.__notes__)
    with simorch.open(out) as batch:
        assert batch.info["run_state"] == "interrupted"
        pending = int((batch.status == 0).sum())
        assert 0 < pending < len(batch)
    resumed = simorch.run(LONG_STUDY, output=out, threads=2, resume=True, progress=False)
    assert resumed.run_report["done_before"] == len(resumed) - pending
    assert (resumed.status != 0).all() and resumed.info["run_state"] == "complete"
    resumed.close()
    simorch.run(LONG_STUDY, output=tmp_path / "whole.h5", threads=2, progress=False).close()
    assert_same_results(out, tmp_path / "whole.h5")


def test_progress_callable_sees_every_task(small_study, tmp_path):
    calls = []
    simorch.run(small_study, output=tmp_path / "p.h5", progress=lambda *a: calls.append(a)).close()
    done, total, _, is_final = calls[-1]
    assert is_final and done == total == 24
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_progress_without_tqdm_is_one_plain_line(small_study, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm fails
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    simorch.run(small_study, output=tmp_path / "p.h5").close()
    err = capsys.readouterr().err
    assert "24/24 tasks (100.0 %)" in err and err.endswith("\n")


def test_progress_uses_tqdm_when_installed(small_study, tmp_path, monkeypatch):
    bars = []

    class FakeTqdm:
        def __init__(self, total, initial, **kwargs):
            self.total, self.n, self.closed = total, initial, False
            bars.append(self)

        def update(self, n):
            self.n += n

        def close(self):
            self.closed = True

    module = types.ModuleType("tqdm.auto")
    module.tqdm = FakeTqdm
    monkeypatch.setitem(sys.modules, "tqdm.auto", module)
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    simorch.run(small_study, output=tmp_path / "p.h5").close()
    assert len(bars) == 1 and bars[0].n == bars[0].total == 24 and bars[0].closed


def test_run_releases_the_gil(tmp_path):
    study = LONG_STUDY.replace("20000", "4000")
    duration, stall = longest_stall_during(
        lambda: simorch.run(study, output=tmp_path / "g.h5", threads=1, progress=False).close()
    )
    assert stall < duration / 2, (stall, duration)


def test_cli_reads_what_python_wrote(small_study, tmp_path):
    simorch.run(small_study, output=tmp_path / "py.h5", progress=False).close()
    printed = run_cli("report", str(tmp_path / "py.h5"))
    assert printed.returncode == 0 and "24" in printed.stdout
    np.testing.assert_array_equal(result_arrays(tmp_path / "py.h5")["status"], np.ones(24, dtype=np.int8))
