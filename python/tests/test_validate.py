"""simorch.validate and study input: path, YAML text, dict; ConfigError and IoError."""

from __future__ import annotations

import pytest
import simorch
from conftest import SMALL_STUDY, run_cli


def test_validate_returns_what_the_cli_prints(tiny_study):
    summary = simorch.validate(tiny_study)
    printed = run_cli("validate", str(tiny_study)).stdout
    assert f"study: {tiny_study} is valid (hash {summary['hash']})" in printed
    assert f"tasks: {summary['tasks']}\n" in printed
    assert f"controller: {summary['controller']}\n" in printed
    assert f"steps per task: {summary['steps_per_task']}\n" in printed
    assert f"initial state: {summary['initial_state']}\n" in printed
    assert summary["tasks"] == 16 and summary["model"] == "full" and summary["warnings"] == []


def test_path_text_and_dict_give_the_same_study(small_study):
    import yaml

    from_path = simorch.validate(small_study)
    from_text = simorch.validate(SMALL_STUDY)
    from_dict = simorch.validate(yaml.safe_load(SMALL_STUDY))
    assert from_path["hash"] == from_text["hash"] == from_dict["hash"]
    assert from_text["study"] == "<text>" and from_dict["study"] == "<dict>"
    assert from_path["parameter_uncertainty"] == "pendulum1_mass ±5%"
    assert from_path["trajectory_samples_per_task"] == 11


def test_bad_value_raises_config_error_with_key_value_and_allowed():
    with pytest.raises(simorch.ConfigError) as caught:
        simorch.validate({"simulation": {"integrator": "rk5"}})
    error = caught.value
    assert error.key_path == "simulation.integrator"
    assert error.value == "rk5"
    assert "rk4" in error.allowed
    assert isinstance(error, ValueError)  # what the seed raised for bad inputs
    assert str(error).startswith("simulation.integrator: got 'rk5'")


def test_unknown_key_names_the_closest_one():
    with pytest.raises(simorch.ConfigError) as caught:
        simorch.validate({"monte_carlo": {"sampels": 10}})
    assert caught.value.key_path == "monte_carlo.sampels"
    assert "samples" in str(caught.value)


def test_missing_file_raises_io_error(tmp_path):
    with pytest.raises(simorch.IoError) as caught:
        simorch.validate(tmp_path / "absent.yaml")
    assert caught.value.file.endswith("absent.yaml")


def test_other_types_are_refused():
    with pytest.raises(simorch.ConfigError) as caught:
        simorch.validate(42)
    assert caught.value.key_path == "study"


def test_version_matches_the_cli():
    assert run_cli("--version").stdout.strip() == f"simorch {simorch.__version__}"
