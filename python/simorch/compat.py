"""The seed's API (dip-smc-pso src/simulation/orchestrators/parallel.py) with its names
and signatures, on simorch's C++ runner. Differences (docs/python.md): results always in
task order, failed runs kept with their status and message instead of dropped, the
simulation runs without the GIL, and trajectories that stop early are NaN-padded to the
full horizon instead of truncated."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence

import numpy as np

from . import _simorch
from ._inputs import StudyLike, load_study
from .batch import STATE_NAMES, STATUS_NAMES
from .errors import ConfigError


def _config_error(key: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(f"{key}: got '{value}', allowed: {allowed}", key, str(value), allowed)


def _initial_states(initial_state: Any) -> np.ndarray:
    """[6] or [B, 6] as a [B, 6] float64 array (the seed's np.atleast_2d)."""
    x = np.atleast_2d(np.asarray(initial_state, dtype=float))
    if x.ndim != 2 or x.shape[1] != 6 or x.shape[0] < 1:
        raise _config_error("initial_state", f"shape {list(np.shape(initial_state))}", "shape [6] or [B, 6]")
    return x


def _controls(control_inputs: Any, batch_size: int, horizon: int) -> np.ndarray:
    """The seed's broadcasting, as [1, H] (one sequence for all) or [B, H]:
    [H] for all; [B, H] per task (when B > 1 and the first axis is B); [H, m] for all,
    first input; [B, H, 1] per task; a scalar or [1] as a constant."""
    u = np.asarray(control_inputs, dtype=float)
    if u.ndim == 0 or (u.ndim == 1 and u.size == 1):
        return np.full((1, horizon), float(u.reshape(-1)[0]))
    if u.ndim == 1:
        rows = u.reshape(1, -1)
    elif u.ndim == 2 and batch_size > 1 and u.shape[0] == batch_size:
        rows = u
    elif u.ndim == 2:
        rows = u[:, 0].reshape(1, -1)
    elif u.ndim == 3 and u.shape[0] == batch_size:
        rows = u[:, :, 0]
    else:
        raise _config_error("control_inputs", f"shape {list(u.shape)}", "shape [H], [B, H], [H, 1] or [B, H, 1]")
    if rows.shape[1] != horizon:
        raise _config_error(
            "control_inputs", f"{rows.shape[1]} steps", f"one input per step of the horizon ({horizon})"
        )
    return np.ascontiguousarray(rows)


def _check_step(dt: Any, horizon: Any) -> tuple[float, int]:
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise _config_error("horizon", horizon, "an integer >= 1")
    if not np.isfinite(dt) or dt <= 0:
        raise _config_error("dt", dt, "a finite time step > 0 [s]")
    return float(dt), int(horizon)


class StandardResultContainer:
    """One simulation (the seed's StandardResultContainer): states [H+1, 6], times [H+1],
    controls [H]; plus status ("completed", "out_of_bounds", "diverged", "error") and
    message. After an early stop the remaining states are NaN (the seed truncated)."""

    def __init__(self, states: np.ndarray, times: np.ndarray, controls: np.ndarray, status: str, message: str):
        self.states = states
        self.times = times
        self.controls = controls
        self.status = status
        self.message = message
        self.metadata: dict[str, Any] = {"status": status, "message": message}

    def get_states(self) -> np.ndarray:
        return self.states

    def get_times(self) -> np.ndarray:
        return self.times

    def export(self, format_type: str, filepath: str | os.PathLike) -> None:
        _export([self], format_type, filepath, single=True)


class BatchResultContainer:
    """Many simulations in task order (the seed's BatchResultContainer): get_states()
    [B, H+1, 6], get_states(i) [H+1, 6], get_times() [H+1]; every task is kept, failed
    ones with their status and message (the seed dropped them)."""

    def __init__(self, results: "_simorch.BatchResults"):
        self._results = results
        columns = results.columns()
        self.states: np.ndarray = results.states()
        self.times: np.ndarray = results.times()
        # The C++ container samples the force at each state sample (NaN at the last);
        # the seed keeps one force per step.
        self.controls: np.ndarray = results.controls()[:, :-1]
        self.status = np.array([STATUS_NAMES[s] for s in columns["status"]], dtype=object)
        self.messages = np.array(columns["message"], dtype=object)
        self.summary = columns

    def get_batch_count(self) -> int:
        return len(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def get_states(self, batch_index: Optional[int] = None) -> np.ndarray:
        return self.states if batch_index is None else self.states[batch_index]

    def get_times(self, batch_index: Optional[int] = None) -> np.ndarray:
        return self.times

    def get_controls(self, batch_index: Optional[int] = None) -> np.ndarray:
        return self.controls if batch_index is None else self.controls[batch_index]

    def failed_indices(self) -> List[int]:
        """Tasks whose status is not completed (the seed printed and dropped them)."""
        return list(self._results.failed_indices())

    def item(self, batch_index: int) -> StandardResultContainer:
        return StandardResultContainer(
            self.states[batch_index],
            self.times,
            self.controls[batch_index],
            str(self.status[batch_index]),
            str(self.messages[batch_index]),
        )

    def to_pandas(self):
        """One row per task: status, message and the summary metrics."""
        import pandas as pd

        columns = {k: v for k, v in self.summary.items() if k not in ("final_state", "task_id")}
        columns["status"] = self.status
        for i, name in enumerate(STATE_NAMES):
            columns[f"final_{name}"] = self.summary["final_state"][:, i]
        frame = pd.DataFrame(columns)
        frame.index.name = "task_id"
        return frame

    def export(self, format_type: str, filepath: str | os.PathLike) -> None:
        _export([self.item(i) for i in range(len(self))], format_type, filepath, single=False)


def _export(items: Sequence[StandardResultContainer], format_type: str, filepath: Any, single: bool) -> None:
    """The seed's layouts: CSV `time,state_0..5,control` (a batch: one file per task,
    STEM_batch_i.csv); HDF5 datasets times/states/controls (a batch: group batch_i each),
    plus each task's status and message as attributes."""
    kind = str(format_type).lower()
    path = Path(filepath)
    if kind == "csv":
        for i, item in enumerate(items):
            target = path if single else path.parent / f"{path.stem}_batch_{i}{path.suffix}"
            _write_csv(item, target)
    elif kind == "hdf5":
        import h5py

        with h5py.File(path, "w") as f:
            for i, item in enumerate(items):
                group = f if single else f.create_group(f"batch_{i}")
                group.create_dataset("times", data=item.times)
                group.create_dataset("states", data=item.states)
                group.create_dataset("controls", data=item.controls)
                group.attrs["status"] = item.status
                group.attrs["message"] = item.message
    else:
        raise _config_error("format_type", format_type, "'csv' or 'hdf5'")


def _write_csv(item: StandardResultContainer, target: Path) -> None:
    horizon = len(item.controls)
    controls = np.append(item.controls, np.nan)  # no force after the last sample
    table = np.column_stack([item.times, item.states, controls[: horizon + 1]])
    header = ",".join(["time"] + [f"state_{i}" for i in range(6)] + ["control"])
    np.savetxt(target, table, delimiter=",", header=header, comments="", fmt="%.17g")


class SequentialOrchestrator:
    """The seed's SequentialOrchestrator(context): context is a study (path, YAML text,
    dict or Study) in place of SimulationContext; its plant, integrator, bounds and
    max_force are used, with nominal physics."""

    def __init__(self, context: StudyLike):
        self.context = load_study(context)

    def execute(self, initial_state: Any, control_inputs: Any, dt: float, horizon: int, **kwargs: Any):
        """One run on the calling thread (GIL released): StandardResultContainer; a batch
        of initial states runs one after the other into a BatchResultContainer."""
        _warn_ignored(kwargs)
        return _execute(self.context, initial_state, control_inputs, dt, horizon, threads=-1)


class ParallelOrchestrator:
    """The seed's ParallelOrchestrator(context, max_workers) on simorch's C++
    ParallelOrchestrator (max_workers None: one thread per core)."""

    def __init__(self, context: StudyLike, max_workers: Optional[int] = None):
        if max_workers is not None and (not isinstance(max_workers, int) or max_workers < 1):
            raise _config_error("max_workers", max_workers, "an integer >= 1 or None")
        self.context = load_study(context)
        self.max_workers = max_workers

    def execute(self, initial_state: Any, control_inputs: Any, dt: float, horizon: int, **kwargs: Any):
        """initial_state [6] or [B, 6]; control_inputs [H], [B, H] or [B, H, 1]. One
        state: StandardResultContainer; a batch: BatchResultContainer in task order."""
        _warn_ignored(kwargs)
        return _execute(self.context, initial_state, control_inputs, dt, horizon, threads=self.max_workers or 0)


def _warn_ignored(kwargs: dict) -> None:
    if kwargs:
        warnings.warn(
            f"simorch ignores the execute() options {sorted(kwargs)}: state bounds and the "
            "stop rule come from the study's simulation section",
            stacklevel=3,
        )


def _execute(study: Any, initial_state: Any, control_inputs: Any, dt: Any, horizon: Any, threads: int):
    dt, horizon = _check_step(dt, horizon)
    x = _initial_states(initial_state)
    u = _controls(control_inputs, x.shape[0], horizon)
    batch = BatchResultContainer(_simorch.run_open_loop(study, x, u, dt, horizon, threads))
    return batch.item(0) if x.shape[0] == 1 else batch


class WorkerPool:
    """The seed's WorkerPool(max_workers) as a context manager, on simorch's C++ thread
    pool. map_simulations(fn, params) calls fn(*p) for each p on the pool's threads and
    returns the results in the order of `params`. A Python fn holds the GIL while it runs
    Python code; simorch's own functions (execute, run, run_parallel_simulations) release
    it, so pools of those run in parallel."""

    def __init__(self, max_workers: Optional[int] = None):
        if max_workers is not None and (not isinstance(max_workers, int) or max_workers < 1):
            raise _config_error("max_workers", max_workers, "an integer >= 1 or None")
        self.max_workers = max_workers
        self._pool: Optional[_simorch.WorkerPool] = None

    def __enter__(self) -> "WorkerPool":
        self._pool = _simorch.WorkerPool(self.max_workers or 0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def map_simulations(
        self, simulation_fn: Callable[..., Any], parameters: Iterable[Any], return_exceptions: bool = False
    ) -> List[Any]:
        """Results in the order of `parameters`. A call that raises: by default the
        exception of the lowest such index is raised once every call has finished (the
        seed printed it and appended None); return_exceptions=True puts the exception
        object in its place instead."""
        if self._pool is None:
            raise RuntimeError("Worker pool not initialized. Use as context manager.")
        # As the seed: each entry is unpacked into fn's arguments (a bare value is one argument).
        params = [tuple(p) if isinstance(p, (tuple, list)) else (p,) for p in parameters]
        values, failed = self._pool.map(lambda i: simulation_fn(*params[i]), len(params))
        if not return_exceptions:
            for value, is_failed in zip(values, failed):
                if is_failed:
                    raise value
        return values


def run_parallel_simulations(simulation_configs: Any, max_workers: Optional[int] = None):
    """The seed's run_parallel_simulations(configs, max_workers): each config a dict with
    config_path (default 'config.yaml'), initial_state, control_inputs, dt, horizon;
    returns one StandardResultContainer per config, in config order.

    Given a study (path, YAML text, dict with a study's sections, Study) instead of a
    list, runs every task of the study in memory (C++ run_parallel_simulations) and
    returns a BatchResultContainer."""
    if isinstance(simulation_configs, (list, tuple)):
        studies: dict[str, Any] = {}
        for config in simulation_configs:
            key = os.fspath(config.get("config_path", "config.yaml"))
            if key not in studies:
                studies[key] = load_study(key)

        def run_one(config: dict) -> StandardResultContainer:
            study = studies[os.fspath(config.get("config_path", "config.yaml"))]
            return SequentialOrchestrator(study).execute(
                config["initial_state"], config["control_inputs"], config["dt"], config["horizon"]
            )

        with WorkerPool(max_workers) as pool:
            return pool.map_simulations(run_one, [(c,) for c in simulation_configs])
    study = load_study(simulation_configs)
    return BatchResultContainer(_simorch.run_parallel_simulations(study, max_workers or 0))
