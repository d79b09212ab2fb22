#!/usr/bin/python3
"""Checks simorch batch files the way a user would read them back (h5py), for the SLURM tests.

  check_batch.py complete FILE [--tasks M] [--ranks R] [--threads T]
      every task has a final status (none pending), run_state is complete, and the last
      timed segment used R ranks x T threads
  check_batch.py segments FILE
      prints one line per /timing/segments row: "<segment> <outcome> <tasks_done>"
  check_batch.py wall FILE
      prints the run's wall time in seconds (/timing attribute wall_s)
  check_batch.py same A B
      every dataset under /tasks, /results and /trajectories is bitwise identical, except
      the ones that describe the run (rank, thread, wall_time_s)
"""
import argparse
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"check_batch.py: {error}; install python3-h5py and python3-numpy (scripts/install-deps)")

# docs/hdf5-schema.md: the only /results datasets that may differ between layouts.
RUN_DESCRIPTIONS = {"/results/rank", "/results/thread", "/results/wall_time_s"}
PENDING = 0


def fail(message):
    print(f"check_batch.py: {message}", file=sys.stderr)
    sys.exit(1)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check_complete(args):
    with h5py.File(args.file, "r") as batch:
        status = batch["/results/status"][()]
        if args.tasks is not None and status.shape[0] != args.tasks:
            fail(f"{args.file}: {status.shape[0]} tasks, expected {args.tasks}")
        pending = int(np.count_nonzero(status == PENDING))
        if pending:
            fail(f"{args.file}: {pending} of {status.shape[0]} tasks still pending")
        run_state = text(batch.attrs["run_state"])
        if run_state != "complete":
            fail(f"{args.file}: run_state is '{run_state}', expected 'complete'")
        segments = batch["/timing/segments"][()]
        last = segments[-1]
        if args.ranks is not None and int(last["ranks"]) != args.ranks:
            fail(f"{args.file}: last segment ran on {int(last['ranks'])} ranks, expected {args.ranks}")
        if args.threads is not None and int(last["threads_per_rank"]) != args.threads:
            fail(f"{args.file}: last segment ran {int(last['threads_per_rank'])} threads per rank,"
                 f" expected {args.threads}")
        print(f"{args.file}: {status.shape[0]} tasks, none pending, {len(segments)} segment(s),"
              f" last {int(last['ranks'])} ranks x {int(last['threads_per_rank'])} threads")


def print_segments(args):
    with h5py.File(args.file, "r") as batch:
        for row in batch["/timing/segments"][()]:
            print(int(row["segment"]), int(row["outcome"]), int(row["tasks_done"]))


def print_wall(args):
    with h5py.File(args.file, "r") as batch:
        print(float(batch["/timing"].attrs["wall_s"]))


def datasets(batch):
    found = {}

    def visit(name, node):
        if isinstance(node, h5py.Dataset):
            found["/" + name] = node

    for group in ("tasks", "results", "trajectories"):
        if group in batch:
            batch[group].visititems(lambda name, node, g=group: visit(f"{g}/{name}", node))
    return found


def check_same(args):
    with h5py.File(args.a, "r") as a, h5py.File(args.b, "r") as b:
        in_a, in_b = datasets(a), datasets(b)
        if set(in_a) != set(in_b):
            fail(f"datasets differ: only in {args.a}: {sorted(set(in_a) - set(in_b))},"
                 f" only in {args.b}: {sorted(set(in_b) - set(in_a))}")
        compared = 0
        for name in sorted(in_a):
            if name in RUN_DESCRIPTIONS:
                continue
            x, y = in_a[name][()], in_b[name][()]
            # Bytes, not values: NaN == NaN must hold and -0.0 != 0.0 must not.
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                fail(f"{name} differs between {args.a} and {args.b}")
            compared += 1
        if compared == 0:
            fail("no datasets to compare")
        print(f"{compared} datasets bitwise identical in {args.a} and {args.b}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    complete = commands.add_parser("complete")
    complete.add_argument("file")
    complete.add_argument("--tasks", type=int)
    complete.add_argument("--ranks", type=int)
    complete.add_argument("--threads", type=int)
    complete.set_defaults(run=check_complete)
    segments = commands.add_parser("segments")
    segments.add_argument("file")
    segments.set_defaults(run=print_segments)
    wall = commands.add_parser("wall")
    wall.add_argument("file")
    wall.set_defaults(run=print_wall)
    same = commands.add_parser("same")
    same.add_argument("a")
    same.add_argument("b")
    same.set_defaults(run=check_same)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
