#!/usr/bin/env python3
"""Checks simorch batch files as a user would read them, with h5py.

  compare_batches.py [--require-status NAME]... [--allow-pending] REFERENCE [OTHER ...]

Every file must open with h5py and have no pending task (unless --allow-pending).
Every OTHER must hold the same datasets as REFERENCE under /tasks, /results and
/trajectories, bit for bit (same dtype, shape and bytes; NaN payloads included), except
/results/rank, /results/thread and /results/wall_time_s, which describe the run layout;
/grid and /cases (with its canonical texts) are compared too.
--require-status asserts that REFERENCE has at least one task of that status.
Exit 0 when all checks hold, 1 otherwise (each difference printed), 2 on bad usage.
"""
import argparse
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # Debian's python3-h5py lives in /usr/bin/python3
    sys.exit(f"compare_batches.py: {error}; run it with /usr/bin/python3 (python3-h5py)")

LAYOUT_DATASETS = {"/results/rank", "/results/thread", "/results/wall_time_s"}
GROUPS = ("/tasks", "/results", "/trajectories", "/grid")
STATUS_NAMES = ["pending", "completed", "out_of_bounds", "diverged", "error", "not_run"]


def result_datasets(f):
    found = {}
    for group in GROUPS:
        if group not in f:
            continue
        def visit(name, obj, group=group):
            if isinstance(obj, h5py.Dataset):
                found[f"{group}/{name}"] = obj[()]
        f[group].visititems(visit)
    if "/cases" in f:  # the case table and each case's canonical text
        found["/cases"] = f["/cases"][()]
        found["/cases@canonical"] = np.array([str(t) for t in f["/cases"].attrs["canonical"]])
    return {k: v for k, v in found.items() if k not in LAYOUT_DATASETS}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference")
    parser.add_argument("others", nargs="*")
    parser.add_argument("--require-status", action="append", default=[], choices=STATUS_NAMES[1:])
    parser.add_argument("--allow-pending", action="store_true")
    args = parser.parse_args()

    problems = []
    with h5py.File(args.reference, "r") as f:
        reference = result_datasets(f)
        status = f["/results/status"][()]
    if "/results/status" not in reference:
        problems.append(f"{args.reference}: no /results/status")
    counts = {name: int(np.count_nonzero(status == code)) for code, name in enumerate(STATUS_NAMES)}
    print(f"{args.reference}: {len(status)} tasks, " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if counts["pending"] and not args.allow_pending:
        problems.append(f"{args.reference}: {counts['pending']} tasks still pending")
    for name in args.require_status:
        if counts[name] == 0:
            problems.append(f"{args.reference}: no task with status {name}")

    for other in args.others:
        with h5py.File(other, "r") as f:
            datasets = result_datasets(f)
        if set(datasets) != set(reference):
            problems.append(f"{other}: datasets differ: {sorted(set(datasets) ^ set(reference))}")
        for name in sorted(set(datasets) & set(reference)):
            a, b = reference[name], datasets[name]
            if a.dtype != b.dtype or a.shape != b.shape:
                problems.append(f"{other}:{name}: {b.dtype}{b.shape} vs {a.dtype}{a.shape}")
            elif a.tobytes() != b.tobytes():
                rows = a.shape[0] if a.ndim else 1
                problems.append(f"{other}:{name}: bytes differ ({rows} rows)")
        print(f"{other}: {len(datasets)} datasets compared")

    for problem in problems:
        print(f"FAIL {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
