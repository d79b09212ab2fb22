"""The seed's names with the seed's signatures and shapes; task order, failures kept,
the GIL released."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import yaml
import simorch
from conftest import longest_stall_during

X0 = np.array([0.0, 0.05, -0.03, 0.0, 0.0, 0.0])
DT, H = 0.01, 50


def states(batch: int) -> np.ndarray:
    rng = np.random.default_rng(5)
    x = np.tile(X0, (batch, 1))
    x[:, 1:3] += rng.uniform(-0.02, 0.02, (batch, 2))
    return x


def test_parallel_orchestrator_batch_has_the_seeds_shapes(tiny_study):
    orchestrator = simorch.ParallelOrchestrator(tiny_study, max_workers=2)
    result = orchestrator.execute(states(5), np.zeros(H), DT, H)
    assert isinstance(result, simorch.BatchResultContainer)
    assert result.get_states().shape == (5, H + 1, 6)
    assert result.get_states(3).shape == (H + 1, 6)
    assert result.get_times().shape == (H + 1,)
    assert result.get_controls().shape == (5, H)
    assert result.get_batch_count() == 5
    np.testing.assert_allclose(result.get_times(), np.arange(H + 1) * DT)
    np.testing.assert_array_equal(result.get_states()[:, 0], states(5))


def test_single_state_gives_a_standard_container(tiny_study):
    result = simorch.ParallelOrchestrator(tiny_study).execute(X0, np.zeros(H), DT, H)
    assert isinstance(result, simorch.StandardResultContainer)
    assert result.get_states().shape == (H + 1, 6)
    assert result.get_times().shape == (H + 1,)
    assert result.status == "completed"


@pytest.mark.parametrize("shape", ["[H]", "[B,H]", "[B,H,1]", "[H,1]", "scalar"])
def test_control_inputs_broadcast_as_the_seed_does(tiny_study, shape):
    batch = 3
    ramp = np.linspace(0.0, 1.0, H)
    per_task = np.stack([ramp * (i + 1) for i in range(batch)])
    given = {
        "[H]": ramp,
        "[B,H]": per_task,
        "[B,H,1]": per_task[:, :, None],
        "[H,1]": ramp[:, None],
        "scalar": 0.5,
    }[shape]
    expected = {
        "[H]": np.tile(ramp, (batch, 1)),
        "[B,H]": per_task,
        "[B,H,1]": per_task,
        "[H,1]": np.tile(ramp, (batch, 1)),
        "scalar": np.full((batch, H), 0.5),
    }[shape]
    result = simorch.ParallelOrchestrator(tiny_study, 2).execute(states(batch), given, DT, H)
    np.testing.assert_array_equal(result.get_controls(), expected)


def test_results_are_in_task_order_and_do_not_depend_on_workers(tiny_study):
    u = np.random.default_rng(1).normal(0, 2, (8, H))
    one = simorch.ParallelOrchestrator(tiny_study, 1).execute(states(8), u, DT, H)
    two = simorch.ParallelOrchestrator(tiny_study, 2).execute(states(8), u, DT, H)
    assert np.array_equal(one.get_states(), two.get_states(), equal_nan=True)
    sequential = simorch.SequentialOrchestrator(tiny_study)
    for i in (0, 7):
        alone = sequential.execute(states(8)[i], u[i], DT, H)
        assert np.array_equal(alone.get_states(), two.get_states(i), equal_nan=True)


def test_failed_runs_are_kept_with_status_and_message(tiny_study):
    x = states(4)
    x[2, 1] = 3.0  # falls past the angle bound (pi) within the horizon
    u = np.zeros((4, H))
    u[1] = 1e6  # saturated at max_force
    result = simorch.ParallelOrchestrator(tiny_study, 2).execute(x, u, DT, H)
    assert result.get_batch_count() == 4
    assert result.status[2] == "out_of_bounds"
    assert 2 in result.failed_indices()
    assert np.isnan(result.get_states(2)[-1]).all()  # NaN after the early stop
    assert result.to_pandas().loc[2, "status"] == "out_of_bounds"
    assert result.messages[2] != ""
    assert np.nanmax(np.abs(result.get_controls(1))) == pytest.approx(150.0)


def test_bad_inputs_raise_config_errors(tiny_study):
    orchestrator = simorch.ParallelOrchestrator(tiny_study)
    with pytest.raises(simorch.ConfigError) as caught:
        orchestrator.execute(np.zeros(5), np.zeros(H), DT, H)
    assert caught.value.key_path == "initial_state"
    with pytest.raises(simorch.ConfigError) as caught:
        orchestrator.execute(X0, np.zeros(H + 1), DT, H)
    assert caught.value.key_path == "control_inputs"
    with pytest.raises(ValueError):
        orchestrator.execute(X0, np.zeros(H), -0.01, H)
    with pytest.raises(simorch.ConfigError):
        simorch.ParallelOrchestrator(tiny_study, max_workers=0)


def test_worker_pool_maps_in_order_and_keeps_failures():
    def fn(a, b):
        if a == 3:
            raise ArithmeticError("three")
        return a * b

    with simorch.WorkerPool(2) as pool:
        assert pool.map_simulations(lambda a, b: a * b, [(i, 2) for i in range(20)]) == [2 * i for i in range(20)]
        with pytest.raises(ArithmeticError, match="three"):
            pool.map_simulations(fn, [(i, 2) for i in range(6)])
        values = pool.map_simulations(fn, [(i, 2) for i in range(6)], return_exceptions=True)
    assert isinstance(values[3], ArithmeticError)
    assert values[:3] == [0, 2, 4] and values[4:] == [8, 10]
    with pytest.raises(RuntimeError):
        pool.map_simulations(fn, [(1, 1)])


def test_seed_options_are_ignored_with_a_warning(tiny_study):
    with pytest.warns(UserWarning, match="stop_fn"):
        simorch.SequentialOrchestrator(tiny_study).execute(X0, np.zeros(H), DT, H, stop_fn=None)


def test_worker_pool_unpacks_lists_as_the_seed_does():
    with simorch.WorkerPool(2) as pool:
        assert pool.map_simulations(lambda a, b: a - b, [[5, 1], (7, 2)]) == [4, 5]
        assert pool.map_simulations(lambda a: -a, [3, 4]) == [-3, -4]


def test_worker_pool_runs_simorch_calls_on_its_threads(tiny_study):
    sequential = simorch.SequentialOrchestrator(tiny_study)
    with simorch.WorkerPool(2) as pool:
        results = pool.map_simulations(lambda x: sequential.execute(x, np.zeros(H), DT, H), [(x,) for x in states(4)])
    assert [r.get_states().shape for r in results] == [(H + 1, 6)] * 4


def test_run_parallel_simulations_with_the_seeds_config_dicts(tiny_study):
    configs = [
        {"config_path": str(tiny_study), "initial_state": x, "control_inputs": np.zeros(H), "dt": DT, "horizon": H}
        for x in states(3)
    ]
    results = simorch.run_parallel_simulations(configs, max_workers=2)
    assert len(results) == 3
    for config, result in zip(configs, results):
        assert result.get_states().shape == (H + 1, 6)
        np.testing.assert_array_equal(result.get_states()[0], config["initial_state"])


def test_run_parallel_simulations_of_a_study_runs_its_tasks_in_memory(small_study):
    results = simorch.run_parallel_simulations(small_study, max_workers=2)
    assert results.get_batch_count() == 24
    assert results.get_states().shape == (24, 11, 6)
    frame = results.to_pandas()
    assert list(frame.index) == list(range(24))
    assert set(frame["status"]) == {"completed"}


def test_export_writes_the_seeds_layouts(tiny_study, tmp_path):
    result = simorch.ParallelOrchestrator(tiny_study, 2).execute(states(2), np.zeros(H), DT, H)
    result.export("csv", tmp_path / "run.csv")
    table = np.loadtxt(tmp_path / "run_batch_1.csv", delimiter=",", skiprows=1)
    assert table.shape == (H + 1, 8)
    np.testing.assert_array_equal(table[:, 1:7], result.get_states(1))
    result.export("hdf5", tmp_path / "run.h5")
    with h5py.File(tmp_path / "run.h5") as f:
        assert f["batch_0/states"].shape == (H + 1, 6)
        assert f["batch_1/controls"].shape == (H,)
        assert f["batch_1"].attrs["status"] == "completed"
    single = result.item(0)
    single.export("csv", tmp_path / "one.csv")
    assert np.loadtxt(tmp_path / "one.csv", delimiter=",", skiprows=1).shape == (H + 1, 8)
    with pytest.raises(simorch.ConfigError):
        result.export("xlsx", tmp_path / "x.xlsx")


def test_execute_releases_the_gil(tiny_study):
    # dp45 at a tight tolerance on links that swing for the whole horizon (bounds out of
    # reach): computing dominates the call (about 0.2 s in the lockstep kernel), so a call
    # that held the GIL would stall this thread for most of it.
    study = yaml.safe_load(tiny_study.read_text())
    wide = {"max_abs_x": 1e6, "max_abs_theta": 1e6, "max_abs_velocity": 1e6}
    study["simulation"].update(integrator="dp45", rtol=1e-10, atol=1e-12, bounds=wide)
    orchestrator = simorch.ParallelOrchestrator(study, 1)
    duration, stall = longest_stall_during(lambda: orchestrator.execute(states(200), np.zeros(2000), DT, 2000))
    assert stall < duration / 2, (stall, duration)
