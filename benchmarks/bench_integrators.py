"""Accuracy and cost of fixed-step integrators on the benchmark problem (how DP5 was chosen).

Runs a generic explicit Runge-Kutta kernel (same right-hand side and layout as the model, any
Butcher tableau) for RK4, DP5 (Dormand-Prince 5th order) and DOP853 at 1, 2 and 4 steps per day,
and prints per-run time and errors against scipy DOP853 (rtol 1e-10, day by day). Timings of the
generic kernel are only comparable with each other, not with the tuned model kernel.
Run: ``python benchmarks/bench_integrators.py``.
"""

from __future__ import annotations

import time

import numpy as np
from bench_core import (
    INFECTIOUS,
    LATENT,
    LE,
    LI,
    N_DAYS,
    SEED_N,
    SEED_T,
    errors,
    load_problem,
    scipy_solver,
)
from numba import njit
from scipy.integrate._ivp import dop853_coefficients as dop853

from seirflow.model import beta_from_r0


@njit(cache=True)
def _rhs(y, mix, pop, ke, ki, out):
    n_age = pop.shape[0]
    itot = y[1 + LE : 1 + LE + LI].sum(axis=0)
    lam = np.zeros(n_age)
    for b in range(n_age):
        lam += mix[b] * itot[b]
    flow = lam * (pop - y[0])
    out[0] = flow
    out[1] = flow - ke * y[1]
    for r in range(2, LE + 1):
        out[r] = ke * (y[r - 1] - y[r])
    out[LE + 1] = ke * y[LE] - ki * y[LE + 1]
    for r in range(LE + 2, LE + LI + 1):
        out[r] = ki * (y[r - 1] - y[r])
    out[LE + LI + 1] = ki * y[LE + LI]


@njit(cache=True)
def run_tableau(pop, mixing, dist, ke, ki, a, b, steps_per_day, out):
    n_age = pop.shape[0]
    n_stages = b.shape[0]
    y = np.zeros((LE + LI + 2, n_age))
    k = np.zeros((n_stages,) + y.shape)
    h = 1.0 / steps_per_day
    seeded = False
    for d in range(N_DAYS):
        start = y[0].copy()
        for j in range(steps_per_day):
            t0, t1 = d + j * h, d + (j + 1) * h
            cuts = [t0, t1]
            if not seeded and SEED_T < t1:
                cuts = [t0, SEED_T, t1]
            for c in range(len(cuts) - 1):
                hh = cuts[c + 1] - cuts[c]
                if hh > 0:
                    for i in range(n_stages):
                        yt = y.copy()
                        for m in range(i):
                            yt += hh * a[i, m] * k[m]
                        _rhs(yt, mixing[d], pop, ke, ki, k[i])
                    for i in range(n_stages):
                        y += hh * b[i] * k[i]
                if len(cuts) == 3 and c == 0:
                    y[0] += SEED_N * dist
                    y[1] += SEED_N * dist
                    seeded = True
        out[d] = y[0] - start


def tableaus():
    rk4 = (
        np.array([[0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1.0, 0]]),
        np.array([1, 2, 2, 1]) / 6.0,
    )
    a = np.zeros((6, 6))
    a[1, :1] = [1 / 5]
    a[2, :2] = [3 / 40, 9 / 40]
    a[3, :3] = [44 / 45, -56 / 15, 32 / 9]
    a[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
    a[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
    dp5 = (a, np.array([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]))
    return {
        "RK4": rk4,
        "DP5": dp5,
        "DOP853": (np.ascontiguousarray(dop853.A[:12, :12]), np.ascontiguousarray(dop853.B)),
    }


def main():
    population, contacts, mult, dist, _ = load_problem()
    beta = beta_from_r0(2.5, population, contacts, INFECTIOUS)
    mixing = np.ascontiguousarray(
        (beta * np.einsum("ts,sab->tab", mult, contacts) / population[None, None, :]).transpose(
            0, 2, 1
        )
    )
    ref = scipy_solver(population, contacts, mult, beta, dist)("DOP853", 1e-10, 1e-8, True)
    out = np.empty((N_DAYS, 16))
    print("method  steps/day  stages/day  ms/run  cumulative_rel_err  incidence_err/peak")
    for name, (a, b) in tableaus().items():
        for spd in (1, 2, 4):
            args = (population, mixing, dist, LE / LATENT, LI / INFECTIOUS, a, b, spd, out)
            run_tableau(*args)
            start = time.perf_counter()
            run_tableau(*args)
            elapsed = time.perf_counter() - start
            cum, peak = errors(out, ref)
            print(
                f"{name:7s} {spd:9d} {spd * b.size:11d} {elapsed * 1e3:7.2f} {cum:19.2e} "
                f"{peak:19.2e}"
            )


if __name__ == "__main__":
    main()
