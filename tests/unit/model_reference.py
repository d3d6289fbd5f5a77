"""Independent reference for the SEIR model: plain numpy equations integrated by scipy DOP853.

Written without the package: state per age group ``a`` is the block
``[S, E_1..E_Le, I_1..I_Li, R, cumulative infections]`` (age-major), integrated day by day
(multipliers jump at day boundaries) and split at the seed time.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp


def reference_run(
    population,
    contacts,
    multipliers,
    susceptibility,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    *,
    latent_period,
    infectious_period,
    latent_stages,
    infectious_stages,
    n_days,
    seed_into="exposed",
    rtol=1e-10,
    atol=1e-8,
):
    """Return ``(daily new infections [n_days, A], end-of-day S, E, I, R [n_days, A, 4])``."""
    n_age = len(population)
    le, li = latent_stages, infectious_stages
    width = le + li + 3
    sig = np.ones(n_age) if susceptibility is None else np.asarray(susceptibility)
    ke, ki = le / latent_period, li / infectious_period

    def rhs(_t, y, mixing):
        blocks = y.reshape(n_age, width)
        s = blocks[:, 0]
        e = blocks[:, 1 : 1 + le]
        i = blocks[:, 1 + le : 1 + le + li]
        prevalence = i.sum(axis=1) / population
        force = beta * sig * (mixing @ prevalence)
        infections = force * s
        d = np.zeros_like(blocks)
        d[:, 0] = -infections
        d[:, 1] = infections - ke * e[:, 0]
        for k in range(1, le):
            d[:, 1 + k] = ke * (e[:, k - 1] - e[:, k])
        d[:, 1 + le] = ke * e[:, -1] - ki * i[:, 0]
        for k in range(1, li):
            d[:, 1 + le + k] = ki * (i[:, k - 1] - i[:, k])
        d[:, 1 + le + li] = ki * i[:, -1]
        d[:, -1] = infections
        return d.ravel()

    y = np.zeros((n_age, width))
    y[:, 0] = population
    seed_col = 1 if seed_into == "exposed" else 1 + le
    cumulative = [y[:, -1].copy()]
    states = []
    seeded = False
    for day in range(n_days):
        mixing = np.einsum("s,sab->ab", multipliers[day], contacts)
        cuts = [float(day), float(day + 1)]
        if not seeded and seed_time < day + 1:
            cuts = [float(day), float(seed_time), float(day + 1)]
        for j in range(len(cuts) - 1):
            if cuts[j + 1] > cuts[j]:
                sol = solve_ivp(
                    rhs,
                    (cuts[j], cuts[j + 1]),
                    y.ravel(),
                    method="DOP853",
                    rtol=rtol,
                    atol=atol,
                    args=(mixing,),
                )
                y = sol.y[:, -1].reshape(n_age, width).copy()
            if len(cuts) == 3 and j == 0:
                moved = seed_size * np.asarray(seed_distribution)
                y[:, 0] -= moved
                y[:, seed_col] += moved
                y[:, -1] += moved
                seeded = True
        cumulative.append(y[:, -1].copy())
        states.append(
            np.stack(
                [
                    y[:, 0],
                    y[:, 1 : 1 + le].sum(1),
                    y[:, 1 + le : 1 + le + li].sum(1),
                    y[:, 1 + le + li],
                ],
                axis=-1,
            )
        )
    return np.diff(np.array(cumulative), axis=0), np.array(states)


def realistic_problem(rng, n_age=16, n_days=365):
    """Reciprocal 4-setting contacts, populations 1e5..1e6, school closure and varying mixing."""
    population = rng.uniform(1e5, 1e6, n_age)
    contacts = []
    for scale in (3.0, 4.0, 3.0, 4.0):
        raw = rng.gamma(1.0, 1.0, (n_age, n_age)) + np.eye(n_age) * 2.0
        total = raw + raw.T  # symmetric total contacts between groups
        c = total / population[:, None] * population.mean() / n_age * scale / 4.0
        contacts.append(c)  # C_ab N_a symmetric, so reciprocal
    t = np.arange(n_days)
    multipliers = np.ones((n_days, 4))
    multipliers[:, 1] = np.where((t >= 60) & (t < 160), 0.05, 1.0)
    multipliers[:, 2] = 1.0 - 0.5 / (1.0 + np.exp(-(t - 70) / 5.0))
    multipliers[:, 3] = (
        1.0 - 0.6 / (1.0 + np.exp(-(t - 65) / 4.0)) + 0.3 / (1.0 + np.exp(-(t - 150) / 10.0))
    )
    susceptibility = np.linspace(0.6, 1.0, n_age)
    seed_distribution = np.zeros(n_age)
    seed_distribution[4:10] = 1.0 / 6.0
    return population, np.array(contacts), multipliers, susceptibility, seed_distribution
