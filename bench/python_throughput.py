#!/usr/bin/env python3
"""Throughput of the Python package on one thread, in µs per closed-loop or open-loop step.

1. simorch.run: a closed-loop study of 1,000 tasks × 500 steps (full model, classical SMC,
   Euler, dt 0.01: the seed's run_simulation setup) into a batch file.
2. ParallelOrchestrator.execute: 1,000 initial states × 500 open-loop steps (the seed's
   call), trajectories returned in memory.

The seed's closed loop took about 120 µs per step; the target is ≤ 0.12 µs (1,000×).
Run with the build tree's package (or the installed one):
    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_throughput.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

try:
    import numpy as np
    import simorch
except ImportError as error:
    sys.exit(f"python_throughput: {error}; use /usr/bin/python3 with PYTHONPATH=<build>/python")

SEED_US_PER_STEP = 120.0
# classical_smc gains that stabilise the nominal full plant (docs/controllers.md).
SMC_GAINS = [5.76, -22.8, 222, -578, 32.6, 3.13]


def closed_loop_study(tasks: int, steps: int, integrator: str) -> dict:
    return {
        "simulation": {"model": "full", "integrator": integrator, "dt": 0.01, "duration": steps * 0.01},
        "controllers": {"classical_smc": {"gains": SMC_GAINS, "max_force": 150.0, "boundary_layer": 0.3}},
        "monte_carlo": {
            "samples": tasks,
            "seed": 11,
            "controller": "classical_smc",
            "initial_state": {"distribution": "uniform", "spread": [0, 0.1, 0.1, 0, 0, 0]},
        },
    }


def time_run(tasks: int, steps: int, integrator: str, folder: str) -> tuple[float, float]:
    """(wall of the simorch.run call, compute time of its one thread) in seconds."""
    study = closed_loop_study(tasks, steps, integrator)
    start = time.perf_counter()
    batch = simorch.run(study, output=os.path.join(folder, "bench.h5"), threads=1, force=True, progress=False)
    wall = time.perf_counter() - start
    busy = batch.report()["timing"]["busy_s"]
    assert (batch.status == 1).sum() == tasks, "every task must complete"
    batch.close()
    return wall, busy


def time_execute(states: int, steps: int) -> float:
    rng = np.random.default_rng(3)
    x0 = np.zeros((states, 6))
    x0[:, 1:3] = rng.uniform(-0.05, 0.05, (states, 2))
    controls = rng.normal(0.0, 1.0, steps)
    study = closed_loop_study(1, steps, "euler")
    orchestrator = simorch.ParallelOrchestrator(study, max_workers=1)
    start = time.perf_counter()
    result = orchestrator.execute(x0, controls, 0.01, steps)
    wall = time.perf_counter() - start
    assert result.get_states().shape == (states, steps + 1, 6)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5, help="median over this many runs")
    args = parser.parse_args()
    steps_total = args.tasks * args.steps
    print(f"simorch {simorch.__version__}: {args.tasks} tasks x {args.steps} steps, 1 thread, "
          f"median of {args.repeats}; seed: {SEED_US_PER_STEP} us/step")
    with tempfile.TemporaryDirectory() as folder:
        for integrator in ("euler", "rk4"):
            runs = [time_run(args.tasks, args.steps, integrator, folder) for _ in range(args.repeats)]
            wall = statistics.median(r[0] for r in runs)
            busy = statistics.median(r[1] for r in runs)
            print(f"simorch.run closed loop (full, classical_smc, {integrator}, dt 0.01): "
                  f"{wall / steps_total * 1e6:.4f} us/step whole call, {busy / steps_total * 1e6:.4f} us/step "
                  f"computing; {SEED_US_PER_STEP / (wall / steps_total * 1e6):,.0f}x the seed")
    walls = [time_execute(args.tasks, args.steps) for _ in range(args.repeats)]
    wall = statistics.median(walls)
    print(f"ParallelOrchestrator.execute open loop (full, euler, dt 0.01, trajectories in memory): "
          f"{wall / steps_total * 1e6:.4f} us/step; {SEED_US_PER_STEP / (wall / steps_total * 1e6):,.0f}x the seed")


if __name__ == "__main__":
    main()
