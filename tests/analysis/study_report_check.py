#!/usr/bin/env python3
"""Checks `simorch report --json` of a study with cases or a grid against numbers computed
here from the file with h5py (independent code: the pairing, Newcombe's paired interval,
the paired t interval, the per-point rates and medians).

usage: study_report_check.py FILE.h5 REPORT.json
"""

import json
import math
import sys

import h5py
import numpy as np
from scipy import stats

Z = 1.959963984540054
COMPLETED = 1
FAILED = (2, 3, 4)
NOT_RUN = 5  # past a stop: no trial


def wilson(k, n):
    if n == 0:
        return (None, 0.0, 1.0)
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (p, max(0.0, centre - half), min(1.0, centre + half))


def newcombe(a, b, c, d):
    """Newcombe (1998) method 10 for p1 − p2 with p1 = (a+b)/n, p2 = (a+c)/n."""
    n = a + b + c + d
    p1, l1, u1 = wilson(a + b, n)
    p2, l2, u2 = wilson(a + c, n)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    phi = 0.0
    if margins > 0:
        cross = a * d - b * c
        num = cross - n / 2 if cross > n / 2 else (0.0 if cross >= 0 else cross)
        phi = num / math.sqrt(margins)
    delta = p1 - p2
    lo = delta - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    hi = delta + math.sqrt((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2)
    return delta, max(-1.0, lo), min(1.0, hi)


def close(a, b, what, tol=1e-9):
    if a is None or b is None:
        assert a is None and b is None, f"{what}: {a} vs {b}"
        return
    assert abs(a - b) <= tol * max(1.0, abs(b)), f"{what}: report {a}, h5py {b}"


def main():
    path, report_path = sys.argv[1], sys.argv[2]
    report = json.load(open(report_path))
    with h5py.File(path, "r") as f:
        status = f["results/status"][:]
        success = f["results/success"][:]
        case = f["tasks/case"][:]
        sample = f["tasks/sample"][:]
        point = f["tasks/grid_point"][:]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["cases"]["name"]]
        results = {m: f["results"][m][:] for m in report["metrics"] if m in f["results"]}
    ran = (status == COMPLETED) | np.isin(status, FAILED)
    good = (status == COMPLETED) & (success == 1)
    checks = 0

    assert [c["name"] for c in report["cases"]] == names, "case names"
    for c, rc in enumerate(report["cases"]):
        mine = case == c
        n, k = int((mine & ran).sum()), int((mine & good).sum())
        assert rc["finished"] == n and rc["successes"] == k, f"case {names[c]}: counts"
        assert rc["not_run"] == int((mine & (status == NOT_RUN)).sum()), f"{names[c]}: not_run"
        p, lo, hi = wilson(k, n)
        close(rc["success_rate"]["estimate"], p, f"{names[c]} rate")
        close(rc["success_rate"]["lower"], lo, f"{names[c]} lower")
        close(rc["success_rate"]["upper"], hi, f"{names[c]} upper")
        for m, q in rc["metrics"].items():
            v = results[m][mine & (status == COMPLETED)] if m in results else None
            if v is None:
                continue
            v = v[~np.isnan(v)]
            if v.size:
                close(q["p50"], float(np.percentile(v, 50)), f"{names[c]} {m} p50")
                close(q["p95"], float(np.percentile(v, 95)), f"{names[c]} {m} p95")
        checks += 1

    # Pairs: the same (sample, grid point) in both cases, both ran.
    key = {}
    for i in range(status.size):
        key[(int(case[i]), int(sample[i]), int(point[i]))] = i
    expected_pairs = [(a, b) for a in range(len(names)) for b in range(a + 1, len(names))]
    assert [(names.index(p["first"]), names.index(p["second"])) for p in report["comparisons"]] \
        == expected_pairs, "comparison order"
    for p in report["comparisons"]:
        a, b = names.index(p["first"]), names.index(p["second"])
        counts = [0, 0, 0, 0]
        diffs = {m: [] for m in p["metric_differences"]}
        for (c, s, g), i in key.items():
            if c != a or (b, s, g) not in key:
                continue
            j = key[(b, s, g)]
            if not (ran[i] and ran[j]):
                continue
            counts[0 if good[i] and good[j] else 1 if good[i] else 2 if good[j] else 3] += 1
            if status[i] == COMPLETED and status[j] == COMPLETED:
                for m in diffs:
                    diffs[m].append(results[m][i] - results[m][j])
        assert [p["both"], p["only_first"], p["only_second"], p["neither"]] == counts, \
            f"{p['first']} - {p['second']}: {counts}"
        d, lo, hi = newcombe(*counts)
        close(p["rate_difference"]["estimate"], d, "rate difference")
        close(p["rate_difference"]["lower"], lo, "rate difference lower")
        close(p["rate_difference"]["upper"], hi, "rate difference upper")
        for m, values in diffs.items():
            v = np.array(values, dtype=float)
            v = v[np.isfinite(v)]
            r = p["metric_differences"][m]
            assert r["count"] == v.size, f"{m} pairs"
            if v.size >= 2:
                mean, sem = float(v.mean()), float(v.std(ddof=1)) / math.sqrt(v.size)
                half = float(stats.t.ppf(0.975, v.size - 1)) * sem
                close(r["mean"], mean, f"{m} mean difference", 1e-7)
                if sem > 0:
                    close(r["lower"], mean - half, f"{m} lower", 1e-7)
                    close(r["upper"], mean + half, f"{m} upper", 1e-7)
        checks += 1

    grid = report["grid"]
    if grid is not None:
        metric = results[grid["metric"]]
        assert grid["num_points"] == int(np.prod([len(a["values"]) for a in grid["axes"]]))
        for c, per in enumerate(grid["per_case"]):
            for g in range(grid["num_points"]):
                sel = (case == c) & (point == g)
                assert per["finished"][g] == int((sel & ran).sum()), f"point {g} finished"
                assert per["successes"][g] == int((sel & good).sum()), f"point {g} successes"
                v = metric[sel & (status == COMPLETED)]
                v = v[~np.isnan(v)]
                close(per["metric_median"][g], float(np.median(v)) if v.size else None,
                      f"point {g} median")
            checks += 1
    print(f"ok: {path}: {checks} groups checked against h5py")


if __name__ == "__main__":
    main()
