"""simorch from Python: run Monte Carlo studies of a controlled double inverted pendulum
in process (simorch.run), read their batch files (simorch.open), and keep the seed
project's API (ParallelOrchestrator, SequentialOrchestrator, WorkerPool,
run_parallel_simulations, BatchResultContainer). See docs/python.md."""

from . import _simorch
from ._inputs import load_study
from .batch import Batch, open
from .compat import (
    BatchResultContainer,
    ParallelOrchestrator,
    SequentialOrchestrator,
    StandardResultContainer,
    WorkerPool,
    run_parallel_simulations,
)
from .errors import ConfigError, Error, IoError
from .run import run
from .validate import validate

__version__: str = _simorch.__version__
Study = _simorch.Study

__all__ = [
    "Batch",
    "BatchResultContainer",
    "ConfigError",
    "Error",
    "IoError",
    "ParallelOrchestrator",
    "SequentialOrchestrator",
    "StandardResultContainer",
    "Study",
    "WorkerPool",
    "load_study",
    "open",
    "run",
    "run_parallel_simulations",
    "validate",
    "__version__",
]
