"""Rt and attack rate: R0 on day 0, the next-generation matrix by hand, depletion, final size."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.model import BatchSimulator, DiseaseStructure, beta_from_r0, next_generation_matrix
from seirflow.model.reproduction import _perron_roots, attack_rate, effective_reproduction
from tests.unit.test_model_ngm import reciprocal_contacts


@pytest.fixture
def region():
    rng = np.random.default_rng(4)
    population = rng.uniform(1e6, 5e6, 8)
    contacts = reciprocal_contacts(rng, population, n_settings=3)
    sigma = rng.uniform(0.4, 1.0, 8)
    structure = DiseaseStructure(3.0, 5.0, 2, 2)
    sim = BatchSimulator(population, contacts, structure, 300, population / population.sum(), sigma)
    return sim


def test_power_iteration_matches_lapack():
    rng = np.random.default_rng(0)
    x = rng.random((500, 16, 16)) ** 4 * rng.random((500, 16, 1))
    x[0] = 0.0  # nobody susceptible: Rt = 0
    x[1] = np.diag(np.arange(16.0))  # reducible, eigenvalues far apart
    want = np.abs(np.linalg.eigvals(x)).max(axis=1)
    np.testing.assert_allclose(_perron_roots(x), want, rtol=1e-9, atol=1e-300)


def test_rt_is_r0_at_the_start_and_the_ngm_of_the_day_later(region):
    sim = region
    r0 = np.array([1.5, 2.7, 4.0])
    beta = np.array([beta_from_r0(r, sim.population, sim.contacts, 5.0, sim.susceptibility)
                     for r in r0])  # fmt: skip
    rng = np.random.default_rng(2)
    mult = rng.uniform(0.2, 1.0, (3, 300, 3))
    mult[:, 0] = 1.0
    inf = sim.new_infections(mult, beta, np.zeros(3), np.full(3, 100.0))
    rt = effective_reproduction(sim, mult, beta, inf)
    assert rt.shape == (3, 300)
    np.testing.assert_allclose(rt[:, 0], r0, rtol=1e-9)
    # Day 150 of run 2, by hand: the NGM of the day's mixture with N_a -> S_a(t).
    b, t = 1, 150
    s = sim.population - inf[b, :t].sum(axis=0)
    mixture = np.tensordot(mult[b, t], sim.contacts, axes=1)
    k = next_generation_matrix(sim.population, mixture, 5.0, sim.susceptibility, beta[b])
    k = k * (s / sim.population)[:, None]
    assert rt[b, t] == pytest.approx(np.abs(np.linalg.eigvals(k)).max(), rel=1e-9)
    # from_day returns the same values for the later days.
    np.testing.assert_allclose(effective_reproduction(sim, mult, beta, inf, 100), rt[:, 100:])


def test_rt_falls_through_one_when_the_epidemic_peaks_and_final_size():
    # One age group, constant contacts: Rt = R0 S/N; the share infected at the end solves
    # z = 1 - exp(-R0 z) (Kermack-McKendrick final size), an independent reference.
    pop, r0 = np.array([1e6]), 2.0
    sim = BatchSimulator(pop, np.array([[[10.0]]]), DiseaseStructure(3.0, 5.0), 800, [1.0])
    beta = np.array([beta_from_r0(r0, pop, np.array([[[10.0]]]), 5.0)])
    mult = np.ones((1, 800, 1))
    inf = sim.new_infections(mult, beta, [0.0], [10.0])
    rt = effective_reproduction(sim, mult, beta, inf)[0]
    ar = attack_rate(inf, pop)[0]
    np.testing.assert_allclose(rt, r0 * np.clip(1 - (np.cumsum(inf[0, :, 0]) - inf[0, :, 0]) / pop,
                                                0, 1), rtol=1e-12)  # fmt: skip
    z = 0.5
    for _ in range(200):
        z = 1 - np.exp(-r0 * z)
    assert ar[-1] == pytest.approx(z, rel=1e-3)
    assert np.all(np.diff(ar) >= 0)
    # Rt crosses 1 on the day the share infected passes 1 - 1/R0 (herd-immunity threshold).
    cross = int(np.argmax(rt < 1.0))
    assert ar[cross - 2] <= 1 - 1 / r0 <= ar[cross - 1]


def test_attack_rate_by_age_counts_only_the_masked_groups(region):
    sim = region
    beta = np.array([beta_from_r0(2.5, sim.population, sim.contacts, 5.0, sim.susceptibility)])
    inf = sim.new_infections(np.ones((300, 3)), beta, [0.0], [100.0])
    mask = np.zeros(8)
    mask[5:] = 1.0
    got = attack_rate(inf, sim.population, mask)[0]
    want = np.cumsum(inf[0, :, 5:].sum(axis=1)) / sim.population[5:].sum()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    whole = attack_rate(inf, sim.population)[0]
    assert 0 < whole[-1] < 1
