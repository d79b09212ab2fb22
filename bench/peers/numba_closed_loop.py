#!/usr/bin/python3
"""The closed loop a Python user writes with numba: `full` DIP model (docs/physics.md),
RK4, LQR u = -K x saturated at 150 N, dt 10 ms, ISE accumulated.

The LQR gain comes from simorch's own Riccati design (`bench_kernel --print-lqr-gain`), so
both sides integrate the same closed loop. Prints one line of key=value figures:
ns per closed-loop step (median of --repeat runs) and a checksum of the ISE.

    /usr/bin/python3 bench/peers/numba_closed_loop.py --gain "k0,k1,...,k5" [--tasks 64]
"""
import argparse
import math
import statistics
import sys
import time

try:
    import numba
    import numpy as np
except ImportError as error:  # the benchmark script reports this line
    print(f"numba_missing=1 reason={error}")
    sys.exit(3)

# DipParams defaults (include/simorch/model/dip_params.hpp).
M0, M1, M2 = 1.5, 0.2, 0.15
L1, LC1, LC2 = 0.4, 0.2, 0.15
I1, I2 = 0.0081, 0.0034
G = 9.81
C0, C1, C2 = 0.2, 0.005, 0.004
MT = M0 + M1 + M2
A = M1 * LC1 + M2 * L1
B = M2 * LC2
D = M2 * L1 * LC2
J1 = M1 * LC1 * LC1 + M2 * L1 * L1 + I1
J2 = M2 * LC2 * LC2 + I2


@numba.njit(cache=False, fastmath=False)
def rhs(x, u, out):
    s1, c1 = math.sin(x[1]), math.cos(x[1])
    s2, c2 = math.sin(x[2]), math.cos(x[2])
    s12 = s1 * c2 - c1 * s2
    c12 = c1 * c2 + s1 * s2
    v, w1, w2 = x[3], x[4], x[5]
    m01, m02, m12 = A * c1, B * c2, D * c12
    f0 = u + A * s1 * w1 * w1 + B * s2 * w2 * w2 - C0 * v
    f1 = -D * s12 * w2 * w2 + A * G * s1 - C1 * w1
    f2 = D * s12 * w1 * w1 + B * G * s2 - C2 * w2
    # closed-form LDL^T solve of the symmetric 3x3 mass matrix
    l10 = m01 / MT
    l20 = m02 / MT
    d1 = J1 - l10 * m01
    l21 = (m12 - l20 * m01) / d1
    d2 = J2 - l20 * m02 - l21 * l21 * d1
    y1 = f1 - l10 * f0
    y2 = f2 - l20 * f0 - l21 * y1
    q2 = y2 / d2
    q1 = y1 / d1 - l21 * q2
    q0 = f0 / MT - l10 * q1 - l20 * q2
    out[0], out[1], out[2] = v, w1, w2
    out[3], out[4], out[5] = q0, q1, q2


@numba.njit(cache=False, fastmath=False)
def simulate(x0, gain, dt, steps, max_force):
    x = x0.copy()
    k1 = np.empty(6)
    k2 = np.empty(6)
    k3 = np.empty(6)
    k4 = np.empty(6)
    tmp = np.empty(6)
    ise = 0.0
    for _ in range(steps):
        u = 0.0
        squared = 0.0
        for j in range(6):
            u -= gain[j] * x[j]
            squared += x[j] * x[j]
        u = min(max(u, -max_force), max_force)
        ise += squared * dt
        rhs(x, u, k1)
        for j in range(6):
            tmp[j] = x[j] + 0.5 * dt * k1[j]
        rhs(tmp, u, k2)
        for j in range(6):
            tmp[j] = x[j] + 0.5 * dt * k2[j]
        rhs(tmp, u, k3)
        for j in range(6):
            tmp[j] = x[j] + dt * k3[j]
        rhs(tmp, u, k4)
        for j in range(6):
            x[j] += dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
    return ise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gain", required=True, help="six comma-separated LQR gains")
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gain = np.array([float(v) for v in args.gain.split(",")])
    starts = [np.array([0.0, 0.05 + 0.05 * i / args.tasks, -0.05 + 0.02 * i / args.tasks, 0, 0, 0])
              for i in range(args.tasks)]
    simulate(starts[0], gain, 0.01, 10, 150.0)  # compile outside the timing
    times = []
    checksum = 0.0
    for _ in range(args.repeat):
        start = time.perf_counter()
        checksum = sum(simulate(x0, gain, 0.01, args.steps, 150.0) for x0 in starts)
        times.append(time.perf_counter() - start)
    ns = statistics.median(times) / (args.tasks * args.steps) * 1e9
    print(f"numba={numba.__version__} ns_per_step={ns:.1f} ise_sum={checksum:.12g}")


if __name__ == "__main__":
    main()
