"""simorch.validate: what `simorch validate STUDY` prints, as data."""

from __future__ import annotations

from typing import Any

from . import _simorch
from ._inputs import StudyLike, load_study, source_name


def validate(study: StudyLike) -> dict[str, Any]:
    """Checks a study without running it and returns what a run would do.

    Keys as `simorch validate` prints them: ``study``, ``hash``, ``tasks``, ``model``,
    ``controller``, ``integrator``, ``dt``, ``duration``, ``steps_per_task``,
    ``trajectory_samples_per_task``, ``save_every``, ``initial_state``,
    ``parameter_uncertainty``, ``seed``, ``output``, ``estimated_output_bytes`` and
    ``warnings`` (a list). A bad study raises ConfigError with the key path, the value
    and what is allowed.
    """
    summary = _simorch.summarize_study(load_study(study))
    return {"study": source_name(study), **summary}
