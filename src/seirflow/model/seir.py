"""Compiled kernels of the age-structured SEIR model (the calibration inner loop).

Integrated state of one run, per age group ``a`` (rows of a ``(Le + Li + 1, A)`` array):

* row 0: ``D`` = cumulative infections (seeded included), so ``S = N - D``;
* rows ``1 .. Le``: latent stages ``E_1 .. E_Le`` (Erlang, rate ``Le / latent_period``);
* rows ``Le+1 .. Le+Li``: infectious stages ``I_1 .. I_Li`` (rate ``Li / infectious_period``).

``R`` feeds nothing back, so it is not integrated: recorded states give ``R = D - sum E - sum I``
(what the integrated ``R`` equals up to rounding, as the scheme conserves linear invariants).
Carrying ``D`` instead of ``S`` keeps full relative precision on small early incidence; daily
new infections are ``D(d+1) - D(d)``. Force of infection
``lambda_a = beta * sigma_a * sum_b C_ab(t) * I_b / N_b``; ``C(t) = sum_s m_s(d) C_s`` on
``[d, d+1)``. The kernels take ``transmission[s, b, a] = sigma_a * C_s[a, b] / N_b`` (note the
transpose) so that the product with ``I`` is a sum of contiguous axpy sweeps that vectorise without
``fastmath``; per day and run the mixture ``beta * sum_s m_s transmission[s]`` is formed once
(skipping closed settings, and not at all when the day's multipliers equal the previous day's).

Integrator (chosen by measurement, see ``benchmarks/bench_integrators.py``): fixed-step
Dormand-Prince 5th order (the 6 stages of DOPRI5's 5th-order solution), ``steps_per_day`` steps
per day, so steps never straddle a change of multipliers. The step containing ``seed_time`` is
split into two sub-steps at ``seed_time``, so the solution is continuous in ``seed_time``. Days
before the seed day are not integrated: the state is exactly zero there and a step leaves it so.
Measured on the benchmark problem (16 groups, 365 days, US Mistry contacts, R0 2.5, school
closure and time-varying work and community multipliers, 2 latent and 2 infectious stages)
against DOP853 at rtol 1e-10, as (cumulative infections relative error, daily incidence by age
error / peak):

* DP5, 1 step per day (6 stages/day, the default): 2.6e-10, 1.6e-6
* RK4, 1 step per day (4 stages/day): 3.1e-7, 6.2e-5; 2 steps (8 stages/day): 2.0e-8, 2.9e-6
* scipy RK45 at rtol 1e-6 (the speed baseline): 7.8e-7, 1.7e-4

DP5 at one step a day is the cheapest that is well inside the 1e-5 / 1e-4 targets with margin
for stiffer stage structures. Fixed steps are stable while ``h * rate <~ 3``; the wrappers require
``h * max(stage rate) <= 1``, the regime where the accuracy above holds.

Layout, by measurement (prototypes timed against this kernel on the benchmark problem): one run
at a time, vectorised over age groups. Batch-innermost layouts (state ``[rows, A, B]``, SIMD over
runs) were no faster: each run has its own mixture (its own multipliers and beta), so no operand
is reused across runs and the work per element is the same; with numba's loops they came out
1.5-6x slower per run. Forming the force of infection from the shared setting matrices in one
product for all runs (BLAS-style) costs 4x the multiply-adds per stage. What a batch buys is
threads. The kernel is bound by arithmetic and L1 throughput without FMA (which would change
the rounding and make results depend on the CPU), about 1 us per run-day here.

Runs in a batch are independent (``prange`` over the batch), so results are bit-identical for any
number of threads and equal to the same run alone.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "simulate_batch_kernel",
    "simulate_serial_kernel",
    "simulate_states_kernel",
    "N_STAGES_PER_STEP",
]

N_STAGES_PER_STEP = 6

# Dormand & Prince (1980) RK5(4)7M, 5th-order weights (b7 = 0, so 6 stages are evaluated).
_A21 = 1.0 / 5.0
_A31, _A32 = 3.0 / 40.0, 9.0 / 40.0
_A41, _A42, _A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
_A51, _A52, _A53, _A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
_A61, _A62, _A63 = 9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0
_A64, _A65 = 49.0 / 176.0, -5103.0 / 18656.0
_B1, _B3, _B4 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0
_B5, _B6 = -2187.0 / 6784.0, 11.0 / 84.0


@njit(cache=True)
def _rhs(y, mix, population, latent_stages, infectious_stages, k_lat, k_inf, out, itot, lam):
    """Write dy/dt of one run into ``out`` (both ``(Le + Li + 1, A)``: D, E.., I..)."""
    n_age = population.shape[0]
    first_i = 1 + latent_stages
    last_i = latent_stages + infectious_stages
    for a in range(n_age):
        itot[a] = y[first_i, a]
    for r in range(first_i + 1, last_i + 1):
        for a in range(n_age):
            itot[a] += y[r, a]
    for a in range(n_age):
        lam[a] = 0.0
    for b in range(n_age):
        ib = itot[b]
        for a in range(n_age):
            lam[a] += mix[b, a] * ib
    for a in range(n_age):
        flow = lam[a] * (population[a] - y[0, a])
        out[0, a] = flow
        out[1, a] = flow - k_lat * y[1, a]
    for r in range(2, latent_stages + 1):
        for a in range(n_age):
            out[r, a] = k_lat * (y[r - 1, a] - y[r, a])
    for a in range(n_age):
        out[first_i, a] = k_lat * y[latent_stages, a] - k_inf * y[first_i, a]
    for r in range(first_i + 1, last_i + 1):
        for a in range(n_age):
            out[r, a] = k_inf * (y[r - 1, a] - y[r, a])


@njit(cache=True)
def _step(y, h, mix, population, latent_stages, infectious_stages, k_lat, k_inf, ks, yt, itot, lam):
    """Advance ``y`` (flat view ``(n_rows * A,)`` shared with 2-D views) by one DP5 step."""
    yf = y.ravel()
    ytf = yt.ravel()
    k1, k2, k3, k4, k5, k6 = ks[0], ks[1], ks[2], ks[3], ks[4], ks[5]
    f1, f2, f3, f4, f5, f6 = (
        ks[0].ravel(),
        ks[1].ravel(),
        ks[2].ravel(),
        ks[3].ravel(),
        ks[4].ravel(),
        ks[5].ravel(),
    )
    n = yf.shape[0]
    nl, ni = latent_stages, infectious_stages
    _rhs(y, mix, population, nl, ni, k_lat, k_inf, k1, itot, lam)
    for i in range(n):
        ytf[i] = yf[i] + h * (_A21 * f1[i])
    _rhs(yt, mix, population, nl, ni, k_lat, k_inf, k2, itot, lam)
    for i in range(n):
        ytf[i] = yf[i] + h * (_A31 * f1[i] + _A32 * f2[i])
    _rhs(yt, mix, population, nl, ni, k_lat, k_inf, k3, itot, lam)
    for i in range(n):
        ytf[i] = yf[i] + h * (_A41 * f1[i] + _A42 * f2[i] + _A43 * f3[i])
    _rhs(yt, mix, population, nl, ni, k_lat, k_inf, k4, itot, lam)
    for i in range(n):
        ytf[i] = yf[i] + h * (_A51 * f1[i] + _A52 * f2[i] + _A53 * f3[i] + _A54 * f4[i])
    _rhs(yt, mix, population, nl, ni, k_lat, k_inf, k5, itot, lam)
    for i in range(n):
        ytf[i] = yf[i] + h * (
            _A61 * f1[i] + _A62 * f2[i] + _A63 * f3[i] + _A64 * f4[i] + _A65 * f5[i]
        )
    _rhs(yt, mix, population, nl, ni, k_lat, k_inf, k6, itot, lam)
    for i in range(n):
        yf[i] = yf[i] + h * (_B1 * f1[i] + _B3 * f3[i] + _B4 * f4[i] + _B5 * f5[i] + _B6 * f6[i])


@njit(cache=True)
def _run_one(
    population,
    transmission,
    multipliers,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    seed_row,
    latent_stages,
    infectious_stages,
    k_lat,
    k_inf,
    steps_per_day,
    n_days,
    out_inc,
    record,
    out_states,
):
    """Integrate one run; write daily new infections (and, if ``record``, end-of-day states)."""
    n_age = population.shape[0]
    n_set = transmission.shape[0]
    n_rows = latent_stages + infectious_stages + 1  # D, E.., I..; R = D - E - I
    y = np.zeros((n_rows, n_age))
    yt = np.empty((n_rows, n_age))
    ks = np.empty((N_STAGES_PER_STEP, n_rows, n_age))
    itot = np.empty(n_age)
    lam = np.empty(n_age)
    mix = np.empty((n_age, n_age))
    mix_flat = mix.ravel()
    trans_flat = transmission.reshape((n_set, n_age * n_age))
    h = 1.0 / steps_per_day
    seeded = False
    # Before the seed day the state is exactly zero and every stage derivative is +0.0, so a
    # step leaves it unchanged: those days are written directly instead of integrated.
    first_day = min(int(seed_time), n_days)
    for d in range(first_day):
        for a in range(n_age):
            out_inc[d, a] = 0.0
        if record:
            for a in range(n_age):
                out_states[d, 0, a] = population[a]
            for r in range(1, n_rows + 1):
                for a in range(n_age):
                    out_states[d, r, a] = 0.0
    weight = np.full(n_set, np.nan)  # beta * multipliers of the day whose mixture is in mix
    for d in range(first_day, n_days):
        same = True
        for s in range(n_set):
            same = same and beta * multipliers[d, s] == weight[s]
        if not same:  # a held multiplier (e.g. a projection) reuses yesterday's mixture
            for j in range(n_age * n_age):
                mix_flat[j] = 0.0
            for s in range(n_set):
                weight[s] = beta * multipliers[d, s]
                # A closed setting adds +0.0 to each (non-negative) sum: skipping it is exact.
                if weight[s] == 0.0:
                    continue
                ts = trans_flat[s]
                m = weight[s]
                for j in range(n_age * n_age):
                    mix_flat[j] += m * ts[j]
        for a in range(n_age):
            out_inc[d, a] = y[0, a]
        for j in range(steps_per_day):
            t0 = d + j * h
            t1 = d + (j + 1) * h if j + 1 < steps_per_day else d + 1.0
            if not seeded and seed_time < t1:
                # Split at seed_time: integrate to it, seed, integrate the rest of the step.
                if seed_time > t0:
                    _step(
                        y,
                        seed_time - t0,
                        mix,
                        population,
                        latent_stages,
                        infectious_stages,
                        k_lat,
                        k_inf,
                        ks,
                        yt,
                        itot,
                        lam,
                    )
                for a in range(n_age):
                    x = seed_size * seed_distribution[a]
                    y[0, a] += x
                    y[seed_row, a] += x
                seeded = True
                if t1 > seed_time:
                    _step(
                        y,
                        t1 - max(seed_time, t0),
                        mix,
                        population,
                        latent_stages,
                        infectious_stages,
                        k_lat,
                        k_inf,
                        ks,
                        yt,
                        itot,
                        lam,
                    )
            else:
                _step(
                    y,
                    t1 - t0,
                    mix,
                    population,
                    latent_stages,
                    infectious_stages,
                    k_lat,
                    k_inf,
                    ks,
                    yt,
                    itot,
                    lam,
                )
        for a in range(n_age):
            out_inc[d, a] = y[0, a] - out_inc[d, a]
        if record:
            for a in range(n_age):
                out_states[d, 0, a] = population[a] - y[0, a]
                out_states[d, n_rows, a] = y[0, a]
            for r in range(1, n_rows):
                for a in range(n_age):
                    out_states[d, r, a] = y[r, a]
                    out_states[d, n_rows, a] -= y[r, a]


@njit(cache=True, parallel=True)
def simulate_batch_kernel(
    population,
    transmission,
    multipliers,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    seed_row,
    latent_stages,
    infectious_stages,
    k_lat,
    k_inf,
    steps_per_day,
    n_days,
    out_inc,
):
    """Daily new infections for a batch of runs; no validation (see ``solve.simulate_batch``).

    Args:
        population: float64 ``[A]``.
        transmission: float64 ``[S, A, A]``, ``[s, b, a] = sigma_a * C_s[a, b] / N_b``.
        multipliers: float64 ``[M, T, S]`` with ``M`` 1 (shared) or ``B``; ``T >= n_days``.
        beta, seed_time, seed_size: float64 ``[B]``.
        seed_distribution: float64 ``[A]``, sums to 1.
        seed_row: int, state row receiving seeds (1: ``E_1``; ``1 + Le``: ``I_1``).
        latent_stages, infectious_stages, steps_per_day, n_days: int.
        k_lat, k_inf: float, per-stage rates (1/day).
        out_inc: float64 ``[B, n_days, A]``, overwritten.
    """
    n_batch = beta.shape[0]
    stride = 0 if multipliers.shape[0] == 1 else 1
    dummy = np.empty((0, 0, 0))
    for i in prange(n_batch):
        mi = i * stride
        _run_one(
            population,
            transmission,
            multipliers[mi],
            beta[i],
            seed_time[i],
            seed_size[i],
            seed_distribution,
            seed_row,
            latent_stages,
            infectious_stages,
            k_lat,
            k_inf,
            steps_per_day,
            n_days,
            out_inc[i],
            False,
            dummy,
        )


@njit(cache=True)
def simulate_serial_kernel(
    population,
    transmission,
    multipliers,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    seed_row,
    latent_stages,
    infectious_stages,
    k_lat,
    k_inf,
    steps_per_day,
    n_days,
    out_inc,
):
    """``simulate_batch_kernel`` on the calling thread only (for single runs).

    A parallel region waits for every worker thread to be scheduled, which on a busy machine
    costs whole time slices; a single run gains nothing from it. Same results, bit for bit.
    """
    n_batch = beta.shape[0]
    stride = 0 if multipliers.shape[0] == 1 else 1
    dummy = np.empty((0, 0, 0))
    for i in range(n_batch):
        _run_one(
            population,
            transmission,
            multipliers[i * stride],
            beta[i],
            seed_time[i],
            seed_size[i],
            seed_distribution,
            seed_row,
            latent_stages,
            infectious_stages,
            k_lat,
            k_inf,
            steps_per_day,
            n_days,
            out_inc[i],
            False,
            dummy,
        )


@njit(cache=True, parallel=True)
def simulate_states_kernel(
    population,
    transmission,
    multipliers,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    seed_row,
    latent_stages,
    infectious_stages,
    k_lat,
    k_inf,
    steps_per_day,
    n_days,
    out_inc,
    out_states,
):
    """As ``simulate_batch_kernel``, also writing end-of-day states.

    Args:
        out_states: float64 ``[B, n_days, Le + Li + 2, A]``: rows ``S, E_1.., I_1.., R`` at
            ``t = d + 1``.
    """
    n_batch = beta.shape[0]
    stride = 0 if multipliers.shape[0] == 1 else 1
    for i in prange(n_batch):
        mi = i * stride
        _run_one(
            population,
            transmission,
            multipliers[mi],
            beta[i],
            seed_time[i],
            seed_size[i],
            seed_distribution,
            seed_row,
            latent_stages,
            infectious_stages,
            k_lat,
            k_inf,
            steps_per_day,
            n_days,
            out_inc[i],
            True,
            out_states[i],
        )
