"""Effective reproduction number Rt and attack rate of simulated runs.

On day ``t`` one infectious person aged ``b`` infects on average
``K_ab(t) = beta * D * sigma_a * M_ab(t) * S_a(t) / N_b`` people aged ``a``, with
``M(t) = sum_s m_s(t) C_s`` the day's mixture (contact multipliers, transmission modifier
and scenario included) and ``S_a(t)`` the susceptibles at the start of the day: the
next-generation matrix of `seirflow.model.ngm` with the day's contacts and susceptible
depletion. ``Rt`` is its spectral radius, the instantaneous reproduction number (Fraser
2007, PLoS ONE 2:e758; Diekmann et al. 2010, J R Soc Interface 7:873) that rt.live and
EpiNow2 estimate; with all multipliers 1 and nobody infected yet it is R0. ``K`` is similar
to ``beta D diag(sigma S / N) M``, whose Perron root is found by power iteration.

The attack rate is the share of the population infected since the simulation start.
"""

from __future__ import annotations

import numpy as np

__all__ = ["effective_reproduction", "attack_rate"]

_TOL = 1e-12
_MAX_ITER = 1000
_CHUNK = 32  # draws per block: [chunk, T, A, A] stays a few tens of MB


def _perron_roots(x: np.ndarray) -> np.ndarray:
    """Spectral radii of non-negative matrices ``x[n, A, A]`` by power iteration.

    Element-wise products and sums only (no BLAS), so the bits do not depend on the
    linear-algebra kernel. Entries that have not converged fall back to `numpy.linalg`.
    """
    n, a = x.shape[0], x.shape[1]
    v = np.full((n, a), 1.0 / a)
    lam = np.zeros(n)
    active = np.arange(n)
    for _ in range(_MAX_ITER):
        w = (x[active] * v[active, None, :]).sum(axis=2)
        total = w.sum(axis=1)  # v sums to 1, so this is the growth of its mass
        done = (np.abs(total - lam[active]) <= _TOL * total) | (total == 0)
        lam[active] = total
        v[active] = w / np.where(total > 0, total, 1.0)[:, None]
        active = active[~done]
        if active.size == 0:
            return lam
    lam[active] = np.abs(np.linalg.eigvals(x[active])).max(axis=1)
    return lam


def effective_reproduction(
    simulator,
    multipliers: np.ndarray,
    beta: np.ndarray,
    infections: np.ndarray,
    from_day: int = 0,
) -> np.ndarray:
    """``Rt[B, T - from_day]`` of runs of a `seirflow.model.BatchSimulator`, days from_day..T-1.

    Args:
        simulator: The simulator the runs came from (population, contacts, susceptibility,
            infectious period).
        multipliers: ``[B, T, S]`` the runs' effective contact multipliers.
        beta: ``[B]`` transmission rates.
        infections: ``[B, T, A]`` the runs' daily new infections.
        from_day: First day returned.
    """
    pop = simulator.population
    contacts = simulator.contacts  # [S, A, A]
    period = simulator.structure.infectious_period
    n_batch, n_days = infections.shape[0], infections.shape[1] - from_day
    # Susceptibles at the start of each day: the population less earlier infections.
    before = (np.cumsum(infections, axis=1) - infections)[:, from_day:]
    share = np.clip(1.0 - before / pop, 0.0, 1.0) * simulator.susceptibility  # [B, T, A]
    rt = np.empty((n_batch, n_days))
    for lo in range(0, n_batch, _CHUNK):
        hi = min(lo + _CHUNK, n_batch)
        days = multipliers[lo:hi, from_day : from_day + n_days]
        mixture = np.einsum("bts,sij->btij", days, contacts)
        x = share[lo:hi, :, :, None] * mixture
        rho = _perron_roots(x.reshape(-1, *x.shape[2:])).reshape(hi - lo, n_days)
        rt[lo:hi] = np.asarray(beta, dtype=float)[lo:hi, None] * period * rho
    return rt


def attack_rate(infections: np.ndarray, population: np.ndarray, mask=None) -> np.ndarray:
    """Share infected since the start, through each day: ``[B, T]``.

    Args:
        infections: ``[B, T, A]`` daily new infections.
        population: ``[A]`` people per age group.
        mask: ``[A]`` weights of the age groups to count (default all).
    """
    weights = np.ones(population.shape) if mask is None else np.asarray(mask, dtype=float)
    counted = float((population * weights).sum())
    return np.cumsum((infections * weights).sum(axis=2), axis=1) / counted
