"""Turns what users pass as a study (a path, YAML text, a dict, a Study) into a Study."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Union

from . import _simorch
from .errors import ConfigError

StudyLike = Union[str, "os.PathLike[str]", Mapping, "_simorch.Study"]


def _to_plain(value: Any) -> Any:
    """numpy arrays and scalars inside a study dict, as lists and numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not a study value")


def _looks_like_path(text: str) -> bool:
    # YAML text of a study has a newline or a "key:"; a file name has neither, or exists.
    if "\n" in text:
        return False
    return os.path.exists(text) or text.endswith((".yaml", ".yml")) or ":" not in text


def load_study(study: StudyLike, base_dir: str | os.PathLike | None = None) -> _simorch.Study:
    """A validated Study from a path, YAML text, a dict (the study file's sections) or a Study.

    Relative paths inside YAML text or a dict (an initial-state file) resolve against
    ``base_dir``, by default the current folder. Raises ConfigError (key path, value,
    allowed) or IoError (unreadable file).
    """
    if isinstance(study, _simorch.Study):
        return study
    folder = os.fspath(base_dir) if base_dir is not None else os.getcwd()
    if isinstance(study, Mapping):
        # JSON is YAML: the study keeps the dict's exact values as its text.
        return _simorch.parse_study(json.dumps(dict(study), default=_to_plain), folder)
    if isinstance(study, os.PathLike):
        return _simorch.load_study(os.fspath(study))
    if isinstance(study, str):
        if _looks_like_path(study):
            return _simorch.load_study(study)
        return _simorch.parse_study(study, folder)
    raise ConfigError(
        f"study: got a {type(study).__name__}, allowed: a path, YAML text, a dict or a simorch.Study",
        "study",
        type(study).__name__,
        "a path, YAML text, a dict or a simorch.Study",
    )


def source_name(study: StudyLike) -> str:
    """How `simorch validate` names the study: its path, or <text>/<dict>."""
    if isinstance(study, os.PathLike) or (isinstance(study, str) and _looks_like_path(study)):
        return os.fspath(study)
    if isinstance(study, Mapping):
        return "<dict>"
    if isinstance(study, _simorch.Study):
        return "<Study>"
    return "<text>"
