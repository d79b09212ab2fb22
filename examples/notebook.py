# %% [markdown]
# # simorch from a notebook
#
# Runs one Monte Carlo study under two controllers (LQR and classical SMC, the same
# plants and starts: common random numbers), compares them with pandas and plots the
# link angles with matplotlib. Cells are marked `# %%` (Jupyter, VS Code, jupytext);
# as a script: `/usr/bin/python3 examples/notebook.py [--out DIR] [--picture PNG]`
# (docs/img/notebook.png comes from `--picture docs/img/notebook.png`).

# %%
import argparse
import os
import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a script writes the picture; a notebook shows it
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import simorch

parser = argparse.ArgumentParser(description="Compare LQR and classical SMC on one study")
parser.add_argument("--out", default="out/notebook", help="folder for the batch files and the picture")
parser.add_argument("--picture", help="where to save the figure (default: OUT/notebook.png)")
args, _ = parser.parse_known_args()  # a notebook kernel passes its own arguments
os.makedirs(args.out, exist_ok=True)
print("simorch", simorch.__version__)

# %% [markdown]
# The study as a dict (a path or YAML text work too). Both controllers get the same
# 400 tasks: the same initial states and the same ±10 % link masses and lengths.

# %%
study = {
    "simulation": {"model": "full", "integrator": "rk4", "dt": 0.01, "duration": 6.0},
    "controllers": {
        "lqr": {"q": [10, 100, 100, 1, 1, 1], "r": 0.1},
        # gains that stabilise the nominal plant (docs/controllers.md)
        "classical_smc": {"gains": [5.76, -22.8, 222, -578, 32.6, 3.13], "boundary_layer": 0.3},
    },
    "physics_uncertainty": {"pendulum1_mass": 0.1, "pendulum2_mass": 0.1,
                            "pendulum1_length": 0.1, "pendulum2_length": 0.1},
    "monte_carlo": {
        "samples": 400,
        "seed": 2026,
        "initial_state": {"distribution": "uniform", "spread": [0, 0.15, 0.15, 0, 0, 0]},
    },
    "output": {"save_every": 5},
}
print(simorch.validate({**study, "monte_carlo": {**study["monte_carlo"], "controller": "lqr"}})["tasks"], "tasks each")

# %%
batches = {}
for controller in ("lqr", "classical_smc"):
    run_study = {**study, "monte_carlo": {**study["monte_carlo"], "controller": controller}}
    batches[controller] = simorch.run(run_study, output=os.path.join(args.out, f"{controller}.h5"),
                                      force=True, progress=True)

# %% [markdown]
# One row per task and controller; the same task id is the same plant and start.

# %%
frame = pd.concat({name: b.to_pandas() for name, b in batches.items()}, names=["controller"])
summary = frame.groupby("controller").agg(
    success_rate=("success", "mean"),
    median_settling_s=("settling_time", "median"),
    p95_max_abs_u=("max_abs_u", lambda u: u.quantile(0.95)),
    median_ise=("ise", "median"),
)
print(summary.round(3).to_string())

# Paired comparison: on how many tasks does SMC settle later than LQR?
paired = frame["settling_time"].unstack("controller")
print(f"SMC settles later than LQR on {(paired['classical_smc'] > paired['lqr']).mean():.0%} of the tasks")
print(pd.crosstab(frame.index.get_level_values("controller"), frame["status"], rownames=["controller"]))

# %%
fig, (ax_angle, ax_settle) = plt.subplots(1, 2, figsize=(11, 4))
for (name, batch), color in zip(batches.items(), ("tab:blue", "tab:orange")):
    theta1 = batch.trajectories[:, :, 1]  # read from the file here, not before
    lo, mid, hi = np.nanpercentile(np.abs(theta1), [5, 50, 95], axis=0)
    ax_angle.fill_between(batch.times, lo, hi, color=color, alpha=0.25)
    ax_angle.plot(batch.times, mid, color=color, label=f"{name}: median, 5–95 %")
    ax_settle.hist(batch.metrics["settling_time"], bins=np.linspace(0, 6, 49), alpha=0.6, color=color, label=name)
ax_angle.set(xlabel="time [s]", ylabel="|θ1| [rad]", yscale="log", title="link 1 angle over 400 tasks")
ax_angle.legend(loc="lower left")
ax_settle.set(xlabel="settling time [s]", ylabel="tasks", title="settling time (|θ| ≤ 0.01 rad)")
ax_settle.legend()
fig.tight_layout()
picture = args.picture or os.path.join(args.out, "notebook.png")
fig.savefig(picture, dpi=110)
print("picture:", picture)

# %%
for batch in batches.values():
    batch.close()
