"""simorch.open: a batch file as numpy arrays, a DataFrame, an xarray Dataset or a report.

The file is checked by the C++ reader (`simorch report`'s checks: a simorch batch file of a
format_version this build reads) and its datasets are read with h5py: numpy arrays of the
file's own dtypes come straight out of h5py, and h5py datasets slice lazily, so
trajectories are read only where they are indexed. Both use the same libhdf5.

A file that a run is still writing is read from its journal instead (the C++ LiveReader,
as `simorch report` does): no HDF5 and no lock, so the writer is never disturbed. That
live view has status, success, the summary columns, failures and the report; initial
states, parameters, final states and trajectories come once the run has ended or stopped.
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from typing import Any

import numpy as np

from . import _simorch
from .errors import IoError

try:
    import h5py
except ImportError as error:  # pragma: no cover - python3-h5py is a dependency
    raise ImportError("simorch.open needs h5py: apt-get install python3-h5py") from error

STATE_NAMES = ("x", "theta1", "theta2", "x_dot", "theta1_dot", "theta2_dot")
# Schema order, from the C++ library (io/batch_reader.hpp, sim/task.hpp).
STATUS_NAMES: tuple = _simorch.STATUS_NAMES
METRIC_NAMES: tuple = _simorch.METRIC_NAMES
# Per-task /results columns besides the metrics, in the DataFrame's order; any other 1-D
# numeric /results dataset (a column of a newer format_version) follows them.
_RUN_COLUMNS = ("steps", "integrator_steps", "rejected_steps", "rank", "thread", "wall_time_s")
_NOT_COLUMNS = {"status", "success", "message", "errors"}


def _names(dataset: Any, fallback: tuple[str, ...]) -> list[str]:
    """A dataset's `columns`/`names` attribute as str (h5py may give bytes)."""
    for key in ("columns", "names"):
        if key in dataset.attrs:
            return [v.decode() if isinstance(v, bytes) else str(v) for v in dataset.attrs[key]]
    return list(fallback)


class Batch:
    """One batch file, read-only. Arrays are read on first use and cached; trajectories
    stay on disk (``trajectories`` slices lazily). Works on partial files: pending tasks
    have status 0 and NaN metrics. Use as a context manager or call close()."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        #: True when a run is writing the file (or was killed writing it): a live view.
        self.is_live: bool = _simorch.is_being_written(self.path)
        self._file = None
        self._live: dict[str, Any] = {}
        if self.is_live:
            self._live = _simorch.read_live(self.path)
            #: Root attributes (format, n_tasks, run_state, study YAML text, ...).
            self.info: dict[str, Any] = self._live["info"]
            #: Live view only: the writer's host, pid, segment, is_gone (killed).
            self.writer: dict[str, Any] = self._live["writer"]
            return
        self.info = _simorch.read_batch_info(self.path)
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as error:
            raise IoError(f"{self.path}: open failed: {error}", self.path, "open", True) from error

    def _h5(self, what: str) -> "h5py.File":
        if self._file is None:
            raise IoError(
                f"{self.path}: {what} is not in the live view of a file a run is writing; "
                "status, metrics and report() are (reopen once the run has ended or stopped)",
                self.path,
                "read",
                True,
            )
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self.info["n_tasks"])

    def __repr__(self) -> str:
        state = "being written (live view)" if self.is_live else self.info["run_state"]
        return f"<simorch.Batch {self.path!r}: {len(self)} tasks, {int((self.status != 0).sum())} done, {state}>"

    # ---- /results ---------------------------------------------------------------------

    @cached_property
    def status(self) -> np.ndarray:
        """int8 [M]: 0 pending, 1 completed, 2 out_of_bounds, 3 diverged, 4 error."""
        if self.is_live:
            return self._live["status"]
        return self._file["results/status"][()]

    @cached_property
    def status_names(self) -> list[str]:
        if self.is_live:
            return list(STATUS_NAMES)
        return _names(self._file["results/status"], STATUS_NAMES)

    @cached_property
    def success(self) -> np.ndarray:
        """bool [M]: completed and settled."""
        if self.is_live:
            return self._live["success"].astype(bool)
        return self._file["results/success"][()].astype(bool)

    @cached_property
    def metrics(self) -> dict[str, np.ndarray]:
        """float64 [M] per summary metric (NaN for pending tasks)."""
        return {name: self.column(name) for name in METRIC_NAMES}

    @cached_property
    def final_state(self) -> np.ndarray:
        return self._h5("final_state")["results/final_state"][()]

    @cached_property
    def messages(self) -> np.ndarray:
        """str [M]: why a task failed, "" otherwise."""
        if self.is_live:
            messages = np.full(len(self), "", dtype=object)
            for task_id, _, message in self._live["errors"]:
                messages[task_id] = message
            return messages
        raw = self._file["results/message"][()]
        return np.array([m.decode(errors="replace") for m in raw], dtype=object)

    def column(self, name: str) -> np.ndarray:
        """Any 1-D or 2-D /results dataset (steps, rank, wall_time_s, ...); in a live view
        the summary columns (metrics, steps, integrator_steps, rejected_steps, wall_time_s)."""
        if self.is_live and name in self._live["columns"]:
            return self._live["columns"][name]
        return self._h5(f"/results/{name}")[f"results/{name}"][()]

    # ---- /tasks -----------------------------------------------------------------------

    @cached_property
    def initial_state(self) -> np.ndarray:
        """float64 [M, 6] (NaN for tasks a partial run never started)."""
        return self._h5("initial_state")["tasks/initial_state"][()]

    @cached_property
    def parameters(self) -> dict[str, np.ndarray] | None:
        """Physical parameters per task, by name; None when the study samples none."""
        file = self._h5("parameters")
        if "tasks/params" not in file:
            return None
        dataset = file["tasks/params"]
        values = dataset[()]
        return {name: values[:, i] for i, name in enumerate(_names(dataset, ()))}

    @cached_property
    def task_inputs(self) -> dict[str, np.ndarray]:
        """Every other /tasks dataset (cases, grid coordinates, design points where the
        file has them), by name."""
        skip = {"initial_state", "params"}
        group = self._h5("task inputs")["tasks"]
        return {name: group[name][()] for name in group if name not in skip}

    # ---- /trajectories (lazy) ----------------------------------------------------------

    @property
    def has_trajectories(self) -> bool:
        return self._file is not None and "trajectories" in self._file

    @cached_property
    def times(self) -> np.ndarray | None:
        """float64 [K]: trajectory sample times; None without trajectories."""
        self._h5("trajectories")
        return self._file["trajectories/time"][()] if self.has_trajectories else None

    @property
    def trajectories(self) -> "h5py.Dataset | None":
        """[M, K, 6] on disk: index it (``b.trajectories[i]``, ``[:, ::10]``) to read."""
        self._h5("trajectories")
        return self._file["trajectories/state"] if self.has_trajectories else None

    @property
    def controls(self) -> "h5py.Dataset | None":
        """[M, K] on disk: force applied from each sample time (NaN at the last)."""
        self._h5("trajectories")
        return self._file["trajectories/control"] if self.has_trajectories else None

    def trajectory(self, task: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times [K], states [K, 6], controls [K]) of one task; reads only that row."""
        self._h5("trajectories")
        if not self.has_trajectories:
            raise IoError(
                f"{self.path}: no trajectories (set output.save_every > 0 in the study)",
                self.path,
                "read trajectory",
                True,
            )
        return self.times, self.trajectories[task], self.controls[task]

    # ---- views ------------------------------------------------------------------------

    def to_pandas(self):
        """One row per task (index task_id): status (categorical), success, the metrics,
        steps and where it ran, message, initial state x0_*, parameters, task inputs and
        final state final_* (a live view: status, success, summary columns, message)."""
        import pandas as pd

        columns: dict[str, Any] = {
            "status": pd.Categorical.from_codes(self.status.astype(np.int64), self.status_names),
            "success": self.success,
            **self.metrics,
        }
        for name in self._extra_columns():
            columns[name] = self.column(name)
        columns["message"] = self.messages
        if self.is_live:  # inputs and final states are in the HDF5 file only
            frame = pd.DataFrame(columns)
            frame.index.name = "task_id"
            return frame
        for i, name in enumerate(STATE_NAMES):
            columns[f"x0_{name}"] = self.initial_state[:, i]
        for name, values in (self.parameters or {}).items():
            columns[name] = values
        for name, values in self.task_inputs.items():
            if values.ndim == 1:
                columns[name] = values
            else:
                for j in range(values.shape[1]):
                    columns[f"{name}_{j}"] = values[:, j]
        for i, name in enumerate(STATE_NAMES):
            columns[f"final_{name}"] = self.final_state[:, i]
        frame = pd.DataFrame(columns)
        frame.index.name = "task_id"
        return frame

    def _extra_columns(self) -> list[str]:
        """The /results columns to_pandas shows besides status, success and the metrics."""
        if self.is_live:
            available = list(self._live["columns"])
        else:
            group = self._file["results"]
            available = [
                name for name in group
                if name not in _NOT_COLUMNS and group[name].ndim == 1 and group[name].dtype.kind in "iuf"
            ]
        ordered = [name for name in _RUN_COLUMNS if name in available]
        return ordered + [n for n in available if n not in ordered and n not in METRIC_NAMES]

    def to_xarray(self):
        """An xarray Dataset with dimensions task, time, state (needs python3-xarray);
        the trajectories are read whole, so slice the file first for huge studies."""
        try:
            import xarray as xr
        except ImportError as error:
            raise ImportError("to_xarray needs xarray: apt-get install python3-xarray") from error
        self._h5("to_xarray")
        data: dict[str, Any] = {
            "status": ("task", self.status),
            "success": ("task", self.success),
            "initial_state": (("task", "state"), self.initial_state),
            "final_state": (("task", "state"), self.final_state),
        }
        for name, values in self.metrics.items():
            data[name] = ("task", values)
        for name, values in (self.parameters or {}).items():
            data[name] = ("task", values)
        coords: dict[str, Any] = {"task": np.arange(len(self)), "state": list(STATE_NAMES)}
        if self.has_trajectories:
            data["trajectory"] = (("task", "time", "state"), self.trajectories[()])
            data["control"] = (("task", "time"), self.controls[()])
            coords["time"] = self.times
        dataset = xr.Dataset(data, coords=coords)
        dataset.attrs.update({k: v for k, v in self.info.items() if k != "study"})
        dataset["status"].attrs["names"] = self.status_names
        return dataset

    def report(self) -> dict[str, Any]:
        """`simorch report --json` as a dict: outcomes, success rate, metric quantiles,
        timing, Amdahl (docs/scaling.md); of a file being written, the live view (read
        afresh on every call)."""
        return json.loads(_simorch.report_json(self.path))


def open(path: str | os.PathLike) -> Batch:  # noqa: A001 - the package's documented name
    """Opens a batch file written by `simorch run` or simorch.run (complete or partial)."""
    return Batch(path)
