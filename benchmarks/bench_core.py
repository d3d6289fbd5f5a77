"""Speed of the compiled SEIR core against scipy solve_ivp RK45 (16 groups, 365 days).

Problem: US country-level Mistry et al. (2021) setting matrices (household, school, work,
community; weights 4.11, 11.41, 8.07, 2.79 so that they add up to the published overall matrix)
aggregated from single years to 0-4, ..., 70-74, 75+ with population weights and made reciprocal;
6 million people with the US age distribution; R0 2.5; 2 latent and 2 infectious stages; school
closure and time-varying work and community multipliers; 10 people seeded at day 10.3.

scipy: one ``solve_ivp(RK45, rtol=1e-6, atol=1e-6)`` call before and one after the seed time over
a vectorised numpy right-hand side with the daily mixing matrices precomputed (outside the timing).
Both methods' errors are against DOP853 at rtol 1e-10 integrated day by day. Timings are best of
N. The last line is ``speedup_batched_vs_scipy_rk45=<per-run scipy time / per-run batched time>``.
Also printed: the per-run ratio of a batch of 64 to a single run, and where one calibration
log-posterior evaluation of a real region spends its time (SEIR core, outcome convolutions,
likelihood, the rest), with the workflow's config, a batch of walkers / 2 prior draws and fit
ends of the config and 2020-10-01. ``--baseline REV`` (e.g. ``main``) also imports the kernels of
``src/seirflow/model/seir.py`` and ``outcomes.py`` at git revision REV from a temporary directory
and times them interleaved with the current ones: per-run core time, log-posterior evaluation
time, and the largest difference of their results.
Run: ``python benchmarks/bench_core.py [--baseline main] [--region NY]`` (threads:
``NUMBA_NUM_THREADS``, default all cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from kernel_baseline import (
    baseline_core_report,
    baseline_kernels,
    interleaved,
    log_posterior_report,
)
from scipy.integrate import solve_ivp

ROOT = Path(__file__).resolve().parents[1]
MISTRY = Path("/work/shared/data/raw/mistry2021-mixing-patterns/data")
WEIGHTS = {"household": 4.11, "school": 11.41, "work": 8.07, "community": 2.79}
N_DAYS, LATENT, INFECTIOUS, LE, LI, SEED_T, SEED_N = 365, 4.0, 5.0, 2, 2, 10.3, 10.0


def load_problem():
    """Population [16], contacts [4, 16, 16], multipliers [365, 4], seed distribution [16]."""
    groups = np.minimum(np.arange(85) // 5, 15)
    prefix = MISTRY / "contact_matrices" / "United_States_country_level_"
    ages = MISTRY / "age_distributions" / "United_States_country_level_age_distribution_85.csv"
    if ages.exists():
        single = np.loadtxt(ages, delimiter=",")[:, 1]
        single = single / single.sum() * 6e6
        matrices = [
            w * np.loadtxt(f"{prefix}F_{s}_setting_85.csv.gz", delimiter=",")
            for s, w in WEIGHTS.items()
        ]
        source = "Mistry et al. 2021, United States"
    else:  # synthetic reciprocal stand-in when the raw data are not present
        rng = np.random.default_rng(1)
        single = rng.uniform(5e4, 9e4, 85)
        matrices = [w * rng.gamma(1.0, 1.0 / 85, (85, 85)) for w in WEIGHTS.values()]
        source = "synthetic"
    population = np.bincount(groups, weights=single, minlength=16)
    contacts = []
    for m in matrices:
        c = np.zeros((16, 16))
        np.add.at(c, (groups[:, None], groups[None, :]), single[:, None] * m)
        c /= population[:, None]
        contacts.append(0.5 * (c + c.T * population[None, :] / population[:, None]))
    t = np.arange(N_DAYS)
    mult = np.ones((N_DAYS, 4))
    mult[:, 1] = np.where((t >= 60) & (t < 160), 0.05, 1.0)
    mult[:, 2] = 1 - 0.5 / (1 + np.exp(-(t - 70) / 5))
    mult[:, 3] = 1 - 0.6 / (1 + np.exp(-(t - 65) / 4)) + 0.3 / (1 + np.exp(-(t - 150) / 10))
    dist = np.zeros(16)
    dist[4:10] = 1 / 6
    return population, np.array(contacts), mult, dist, source


def scipy_solver(population, contacts, mult, beta, dist):
    """Return ``run(method, rtol, atol, daily)`` giving daily new infections [365, 16]."""
    n_rows = LE + LI + 2
    ke, ki = LE / LATENT, LI / INFECTIOUS
    mixing = beta * np.einsum("ts,sab->tab", mult, contacts) / population[None, None, :]

    def rhs(t, y, day=None):
        y = y.reshape(n_rows, 16)
        lam = mixing[min(int(t), N_DAYS - 1) if day is None else day] @ y[1 + LE : 1 + LE + LI].sum(
            0
        )
        out = np.empty_like(y)
        flow = lam * (population - y[0])
        out[0] = flow
        out[1] = flow - ke * y[1]
        out[2 : LE + 1] = ke * (y[1:LE] - y[2 : LE + 1])
        out[LE + 1] = ke * y[LE] - ki * y[LE + 1]
        out[LE + 2 : LE + LI + 1] = ki * (y[LE + 1 : LE + LI] - y[LE + 2 : LE + LI + 1])
        out[-1] = ki * y[LE + LI]
        return out.ravel()

    def seeded(y):
        y = y.reshape(n_rows, 16).copy()
        y[0] += SEED_N * dist
        y[1] += SEED_N * dist
        return y.ravel()

    def run(method, rtol, atol, daily):
        y = np.zeros(n_rows * 16)
        if daily:  # reference: day by day, split at the seed time
            cum = [y[:16].copy()]
            for d in range(N_DAYS):
                cuts = [d, SEED_T, d + 1] if d <= SEED_T < d + 1 else [d, d + 1]
                for j in range(len(cuts) - 1):
                    if cuts[j + 1] > cuts[j]:
                        y = solve_ivp(
                            rhs, cuts[j : j + 2], y, method=method, rtol=rtol, atol=atol, args=(d,)
                        ).y[:, -1]
                    if len(cuts) == 3 and j == 0:
                        y = seeded(y)
                cum.append(y[:16].copy())
            return np.diff(np.array(cum), axis=0)
        y = seeded(solve_ivp(rhs, (0, SEED_T), y, method=method, rtol=rtol, atol=atol).y[:, -1])
        days = np.arange(int(np.ceil(SEED_T)), N_DAYS + 1)
        sol = solve_ivp(rhs, (SEED_T, N_DAYS), y, method=method, rtol=rtol, atol=atol, t_eval=days)
        cum = np.vstack([np.zeros((days[0], 16)), sol.y[:16].T])
        return np.diff(cum, axis=0)

    return run


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


COLD_START = """
import time
start = time.perf_counter()
from seirflow.model import simulate_batch
simulate_batch([1.0, 2.0], [[[1.0, 1.0], [0.5, 1.0]]], [[1.0]] * 5, None, [0.1], [0.5], [1e-3],
               [0.5, 0.5], latent_period=3.0, infectious_period=5.0, n_days=5)
print(time.perf_counter() - start)
"""


def cold_compile_seconds():
    """Import and first call in a fresh process with an empty numba cache (full compilation)."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        done = subprocess.run(
            [sys.executable, "-c", COLD_START], env=env, check=True, capture_output=True, text=True
        )
    return float(done.stdout.strip().splitlines()[-1])


def errors(got, ref):
    return (abs(got.sum() - ref.sum()) / ref.sum(), np.abs(got - ref).max() / ref.max())


def main(argv=None):
    import numba

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", help="git revision whose kernels to compare with, e.g. main")
    ap.add_argument("--region", default="NY", help="region of the log-posterior timing")
    opts = ap.parse_args(argv)
    baseline = None if opts.baseline is None else baseline_kernels(opts.baseline)

    start = time.perf_counter()
    from seirflow.model import BatchSimulator, DiseaseStructure, beta_from_r0
    from seirflow.model.seir import simulate_batch_kernel, simulate_serial_kernel

    population, contacts, mult, dist, source = load_problem()
    beta = beta_from_r0(2.5, population, contacts, INFECTIOUS)
    sim = BatchSimulator(
        population, contacts, DiseaseStructure(LATENT, INFECTIOUS, LE, LI), N_DAYS, dist
    )
    sim.new_infections(mult, [beta], [SEED_T], [SEED_N])
    first_call = time.perf_counter() - start
    print(
        f"problem: {source}, 16 groups, {N_DAYS} days, Le={LE}, Li={LI}, R0=2.5; "
        f"numba threads {numba.get_num_threads()}"
    )
    print(
        f"import + first call: {first_call:.2f} s here (cache load if cached), "
        f"{cold_compile_seconds():.2f} s with an empty cache (full compile)"
    )

    calls = {}
    for n_batch in (1, 64):
        m = np.ascontiguousarray(np.broadcast_to(mult, (n_batch,) + mult.shape))
        args = (m, np.full(n_batch, beta), np.full(n_batch, SEED_T), np.full(n_batch, SEED_N))
        out = np.empty((n_batch, N_DAYS, 16))
        calls[n_batch] = lambda a=args, o=out: sim.new_infections(*a, out=o)
        calls[n_batch]()
    # Interleaved, so that the ratio compares the two under the same load.
    per_run = dict(zip(calls, interleaved(list(calls.values()), 30), strict=True))
    for n_batch in per_run:
        per_run[n_batch] /= n_batch
        print(f"seirflow batch {n_batch:3d}: {per_run[n_batch] * 1e3:.4f} ms per run")
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    one_thread = best_of(calls[64], 15) / 64
    numba.set_num_threads(threads)
    print(
        f"seirflow batch  64 on 1 thread: {one_thread * 1e3:.4f} ms per run "
        f"(a machine shared with other jobs slows the {threads}-thread figure)"
    )
    print(
        f"batched (64) per-run time / single-run time: {per_run[64] / per_run[1]:.3f} with "
        f"{threads} threads (goal <= 0.25), {one_thread / per_run[1]:.3f} on 1 thread"
    )
    if baseline is not None:
        baseline_core_report(sim, mult, beta, baseline)
    if (ROOT / "data" / "raw").is_dir():
        numba.set_num_threads(1)
        for fit_end in (None, dt.date(2020, 10, 1)):
            log_posterior_report(opts.region, fit_end, baseline)
        numba.set_num_threads(threads)
    else:
        print("log posterior: skipped (no data/raw; `dvc pull` brings it)")
    ours = sim.new_infections(mult, [beta], [SEED_T], [SEED_N])[0]
    print(
        f"compiled signatures: batch kernel {len(simulate_batch_kernel.signatures)}, "
        f"single-run kernel {len(simulate_serial_kernel.signatures)}"
    )

    run = scipy_solver(population, contacts, mult, beta, dist)
    ref = run("DOP853", 1e-10, 1e-8, daily=True)
    rk45 = run("RK45", 1e-6, 1e-6, daily=False)
    t_scipy = best_of(lambda: run("RK45", 1e-6, 1e-6, daily=False), 3)
    print(f"scipy RK45 rtol 1e-6: {t_scipy * 1e3:.2f} ms per run")
    for name, got in (("seirflow DP5, 1 step/day", ours), ("scipy RK45 rtol 1e-6", rk45)):
        cum, peak = errors(got, ref)
        print(
            f"error vs DOP853 rtol 1e-10 [{name}]: cumulative infections {cum:.2e} relative, "
            f"daily incidence by age {peak:.2e} of peak"
        )
    print(f"speedup single run vs scipy RK45: {t_scipy / per_run[1]:.1f}x")
    print(f"speedup_batched_vs_scipy_rk45={t_scipy / per_run[64]:.1f}")


if __name__ == "__main__":
    main()
