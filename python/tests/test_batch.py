"""simorch.open: numpy arrays, DataFrame, xarray, report; foreign and partial files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest
import simorch
from conftest import run_cli
from test_run import LONG_STUDY


def test_arrays_have_the_schema_shapes(small_batch):
    with simorch.open(small_batch) as batch:
        assert len(batch) == 24
        assert batch.status.dtype == np.int8 and batch.status.shape == (24,)
        assert (batch.status == 1).all()
        assert batch.status_names[:2] == ["pending", "completed"]
        assert batch.initial_state.shape == (24, 6)
        assert batch.final_state.shape == (24, 6)
        assert set(batch.metrics) >= {"ise", "settling_time", "max_abs_u"}
        assert batch.parameters is not None and batch.parameters["pendulum1_mass"].shape == (24,)
        assert batch.info["run_state"] == "complete"


def test_trajectories_are_read_lazily(small_batch):
    with simorch.open(small_batch) as batch:
        assert isinstance(batch.trajectories, h5py.Dataset)  # nothing read yet
        assert batch.trajectories.shape == (24, 11, 6)
        times, states, controls = batch.trajectory(5)
        assert times.shape == (11,) and states.shape == (11, 6) and controls.shape == (11,)
        np.testing.assert_array_equal(states[0], batch.initial_state[5])
        np.testing.assert_allclose(times, np.arange(11) * 0.1)


def test_to_pandas_has_one_row_per_task(small_batch):
    with simorch.open(small_batch) as batch:
        frame = batch.to_pandas()
        assert frame.shape[0] == 24 and frame.index.name == "task_id"
        assert (frame["status"] == "completed").all()
        np.testing.assert_array_equal(frame["ise"], batch.metrics["ise"])
        np.testing.assert_array_equal(frame["x0_theta1"], batch.initial_state[:, 1])
        assert "pendulum1_mass" in frame and "final_theta2" in frame and "message" in frame


def test_report_is_the_clis_json(small_batch):
    with simorch.open(small_batch) as batch:
        report = batch.report()
    printed = json.loads(run_cli("report", str(small_batch), "--json").stdout)
    assert report == printed
    assert report["tasks"]["by_status"]["completed"] == 24


def test_to_xarray_has_task_time_state_dimensions(small_batch):
    pytest.importorskip("xarray")
    with simorch.open(small_batch) as batch:
        data = batch.to_xarray()
    assert data["trajectory"].dims == ("task", "time", "state")
    assert data.sizes["task"] == 24 and data.sizes["time"] == 11


def test_a_foreign_file_raises_io_error(tmp_path):
    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.zeros(3)
    with pytest.raises(simorch.IoError) as caught:
        simorch.open(path)
    assert caught.value.is_bad_input


def test_a_partial_file_reads_with_pending_rows(small_batch, tmp_path):
    # A file whose run stopped part-way: mark the second half pending, as an interrupted
    # run leaves it (fill values) and the reader must take it as it is.
    partial = tmp_path / "partial.h5"
    partial.write_bytes(small_batch.read_bytes())
    with h5py.File(partial, "r+") as f:
        f["results/status"][12:] = 0
        f["results/ise"][12:] = np.nan
        f.attrs["run_state"] = "interrupted"
        f.attrs["tasks_done"] = np.uint64(12)
    with simorch.open(partial) as batch:
        assert (batch.status[:12] == 1).all() and (batch.status[12:] == 0).all()
        frame = batch.to_pandas()
        assert (frame["status"] == "pending").sum() == 12
        report = batch.report()
    assert report["file"]["is_partial"]
    assert report["tasks"]["by_status"]["pending"] == 12


def test_a_file_being_written_gives_the_live_view(tmp_path):
    exe = os.environ.get("SIMORCH_EXE")
    if not exe:
        pytest.skip("SIMORCH_EXE is not set (run through ctest)")
    study = tmp_path / "long.yaml"
    study.write_text(LONG_STUDY)
    out = tmp_path / "long.h5"
    journal = tmp_path / "long.h5.journal"
    writer = subprocess.Popen([exe, "run", str(study), "-o", str(out), "--threads", "1", "-q"])
    try:
        # Until the journal holds some results (~2,000 tasks), then a writer that never
        # closes the file: its journal's last segment stays open.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not journal.exists() or journal.stat().st_size < 200_000):
            time.sleep(0.02)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    with simorch.open(out) as batch:
        assert batch.is_live
        assert batch.writer["is_open"] and batch.writer["pid"] == writer.pid
        done = batch.status != 0
        assert 0 < done.sum() < len(batch)
        assert not np.isnan(batch.metrics["ise"][done]).any()
        assert np.isnan(batch.metrics["ise"][~done]).all()
        assert batch.to_pandas().shape[0] == len(batch)
        assert batch.report()["tasks"]["finished"] == done.sum()
        with pytest.raises(simorch.IoError, match="live view"):
            batch.initial_state
    simorch.run(study, output=out, resume=True, progress=False).close()
    with simorch.open(out) as batch:
        assert not batch.is_live and (batch.status != 0).all()
