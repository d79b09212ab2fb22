"""simorch.run: a study in this process, on threads, without MPI and without the GIL."""

from __future__ import annotations

import os
import warnings
from typing import Any, Optional

from . import _simorch
from ._inputs import StudyLike, load_study
from .batch import Batch
from .errors import ConfigError, Error, IoError
from .progress import make_progress

INTERRUPTED = 75  # the CLI's exit code for a stopped, resumable run


def run(
    study: StudyLike,
    output: Optional[str | os.PathLike] = None,
    threads: Optional[int] = None,
    resume: bool = False,
    force: bool = False,
    progress: Any = True,
) -> Batch:
    """Runs every task of a study into its batch file, like `simorch run --threads N`.

    study: a path, YAML text, a dict of the study file's sections, or a simorch.Study.
    output: the batch file (default: the study's output.path). threads: pool threads
    (default: execution.threads, else one per core). resume: finish an interrupted file;
    force: overwrite an existing one (else an existing file raises IoError).
    progress: True (tqdm when installed, else a plain line), False, or a callable
    progress(done, total, elapsed_s, is_final).

    The simulation runs on C++ threads with the GIL released. Ctrl-C (KeyboardInterrupt)
    stops it like SIGINT: running tasks finish, the file is closed resumable, and the
    KeyboardInterrupt propagates; finish with ``run(..., resume=True)``. Returns the file,
    opened (simorch.Batch).
    """
    if resume and force:
        raise ConfigError("force: got True with resume=True, allowed: one of force, resume",
                          "force", "True", "one of force, resume")
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ConfigError(f"threads: got '{threads}', allowed: an integer >= 1 or None",
                          "threads", str(threads), "an integer >= 1 or None")
    if _simorch.is_started_by_mpi_launcher():
        warnings.warn("simorch.run runs the whole study in this process: under mpirun every "
                      "rank would run it; for ranks use `mpirun simorch run STUDY`", stacklevel=2)
    loaded = load_study(study)
    for warning in loaded.warnings:
        warnings.warn(f"simorch: {warning}", stacklevel=2)
    mode = "resume" if resume else "overwrite" if force else "create"
    path = os.fspath(output) if output is not None else ""

    bar = None

    def on_progress(done_before: int, done: int, total: int, elapsed_s: float, is_final: bool) -> None:
        nonlocal bar
        if bar is None:
            bar = make_progress(progress, loaded.num_tasks, done_before)
            if bar is None:
                return
        bar.update(done_before + done, loaded.num_tasks, elapsed_s, is_final)

    try:
        report = _simorch.run_study(loaded, path, threads or 0, mode,
                                    on_progress if progress else None)
    except IoError as error:
        if error.operation == "create batch file" and error.is_bad_input:
            error.add_note("simorch.run: pass force=True to overwrite it or resume=True to finish it")
        raise
    except KeyboardInterrupt as interrupt:
        interrupt.add_note("simorch: the run stopped; its file is resumable with "
                           "simorch.run(study, output, resume=True)")
        raise
    finally:
        if bar is not None:
            bar.close()
    for warning in report["warnings"]:
        warnings.warn(f"simorch: {warning}", stacklevel=2)
    if report["exit_code"] not in (0, INTERRUPTED):
        raise Error(f"simorch run failed: {report['error'] or report['summary'].strip()}")
    batch = Batch(report["output"])
    batch.run_report = report
    return batch
