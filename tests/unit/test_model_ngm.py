"""R0 and the next-generation matrix: hand values, growth rate, final size, subcritical die-out."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.errors import SeirflowInputError
from seirflow.model import (
    BatchSimulator,
    DiseaseStructure,
    beta_from_r0,
    next_generation_matrix,
    r0_from_beta,
    spectral_radius,
)


def reciprocal_contacts(rng, population, n_settings=2):
    out = []
    for _ in range(n_settings):
        raw = rng.gamma(1.0, 1.0, (population.size,) * 2)
        out.append((raw + raw.T) * population.mean() / population[:, None] / population.size)
    return np.array(out)


@pytest.fixture
def model():
    rng = np.random.default_rng(11)
    population = rng.uniform(2e7, 8e7, 10)
    contacts = reciprocal_contacts(rng, population)
    sigma = rng.uniform(0.5, 1.0, 10)
    return population, contacts, sigma


def test_next_generation_matrix_by_hand():
    population = np.array([100.0, 300.0])
    contacts = np.array([[2.0, 3.0], [1.0, 4.0]])  # 2*... reciprocal: 3*100 == 1*300
    k = next_generation_matrix(population, contacts, 5.0, [1.0, 0.5], beta=0.1)
    want = np.array(
        [
            [0.1 * 1.0 * 2.0 * 1.0 * 5.0, 0.1 * 1.0 * 3.0 * (100 / 300) * 5.0],
            [0.1 * 0.5 * 1.0 * 3.0 * 5.0, 0.1 * 0.5 * 4.0 * 1.0 * 5.0],
        ]
    )
    np.testing.assert_allclose(k, want, rtol=1e-15)
    r0 = r0_from_beta(0.1, population, contacts, 5.0, [1.0, 0.5])
    tr, det = np.trace(want), np.linalg.det(want)
    assert r0 == pytest.approx((tr + np.sqrt(tr * tr - 4 * det)) / 2, rel=1e-12)


def test_beta_r0_round_trip(model):
    population, contacts, sigma = model
    beta = beta_from_r0(2.7, population, contacts, 6.0, sigma)
    assert r0_from_beta(beta, population, contacts, 6.0, sigma) == pytest.approx(2.7, rel=1e-12)
    # Settings are summed: passing the sum gives the same answer.
    assert beta_from_r0(2.7, population, contacts.sum(0), 6.0, sigma) == pytest.approx(beta)


def test_spectral_radius_matches_lapack_eigenvalues(model):
    """The BLAS-free Perron root agrees with LAPACK's eigenvalues to 1e-12."""
    population, contacts, sigma = model
    k = next_generation_matrix(population, contacts, 6.0, sigma)
    want = np.max(np.abs(np.linalg.eigvals(k)))
    assert spectral_radius(k) == pytest.approx(want, rel=1e-12)


def jacobian_infected(population, mixing, sigma, beta, latent_stages, infectious_stages, ke, ki):
    """Jacobian of (E_1.., I_1..) by stage-major blocks at the disease-free state."""
    n_age = population.size
    n = latent_stages + infectious_stages
    eye = np.eye(n_age)
    chain = np.zeros((n, n))
    rates = [ke] * latent_stages + [ki] * infectious_stages
    for k in range(n):
        chain[k, k] = -rates[k]
        if k:
            chain[k, k - 1] = rates[k - 1]
    jac = np.kron(chain, eye)
    infection = beta * sigma[:, None] * mixing * population[:, None] / population[None, :]
    for k in range(latent_stages, n):
        jac[:n_age, k * n_age : (k + 1) * n_age] += infection
    return jac


@pytest.mark.parametrize(("latent_stages", "infectious_stages"), [(1, 1), (2, 2), (3, 1)])
def test_early_growth_rate_is_dominant_eigenvalue(model, latent_stages, infectious_stages):
    population, contacts, sigma = model
    beta = beta_from_r0(2.2, population, contacts, 5.0, sigma)
    ke, ki = latent_stages / 3.5, infectious_stages / 5.0
    jac = jacobian_infected(
        population, contacts.sum(0), sigma, beta, latent_stages, infectious_stages, ke, ki
    )
    growth = np.max(np.linalg.eigvals(jac).real)
    structure = DiseaseStructure(3.5, 5.0, latent_stages, infectious_stages)
    dist = np.full(10, 0.1)
    sim = BatchSimulator(population, contacts, structure, 60, dist, sigma)
    inc = sim.new_infections(np.ones((60, 2)), [beta], [0.0], [1.0])[0].sum(axis=1)
    assert inc.sum() < 1e-4 * population.sum()  # still linear
    simulated = np.log(inc[59] / inc[49]) / 10.0
    assert simulated == pytest.approx(growth, rel=1e-4)


def test_subcritical_epidemic_dies_out(model):
    population, contacts, sigma = model
    beta = beta_from_r0(0.8, population, contacts, 5.0, sigma)
    sim = BatchSimulator(
        population, contacts, DiseaseStructure(3.0, 5.0), 365, np.full(10, 0.1), sigma
    )
    inc = sim.new_infections(np.ones((365, 2)), [beta], [0.0], [100.0])[0].sum(axis=1)
    assert inc.sum() < 100.0 / (1.0 - 0.8) * 2.0
    assert inc[-1] < 1e-3 * inc[1:].max()
    assert np.all(np.diff(inc[30:]) < 0)


def test_final_size_matches_age_structured_equation(model):
    population, contacts, sigma = model
    period = 5.0
    beta = beta_from_r0(1.8, population, contacts, period, sigma)
    dist = population / population.sum()
    seed = 1000.0
    sim = BatchSimulator(
        population, contacts, DiseaseStructure(3.0, period, 1, 2), 900, dist, sigma
    )
    inc = sim.new_infections(np.ones((900, 2)), [beta], [0.0], [seed])[0]
    simulated = inc.sum(axis=0) / population
    # s_a = (1 - seed_a / N_a) exp(-beta sigma_a D sum_b C_ab (1 - s_b)), iterated from s = 0.
    exponent = beta * sigma[:, None] * period * contacts.sum(0)
    s = np.zeros(population.size)
    for _ in range(2000):
        s = (1.0 - seed * dist / population) * np.exp(-exponent @ (1.0 - s))
    assert 0.3 < (1 - s).min()  # a large epidemic in every group
    np.testing.assert_allclose(simulated, 1.0 - s, rtol=0, atol=1e-7)
    assert inc[-1].sum() < 1e-6  # and it is over


def test_spectral_radius_and_bad_inputs():
    assert spectral_radius([[0.0, 2.0], [2.0, 0.0]]) == pytest.approx(2.0)
    with pytest.raises(SeirflowInputError, match="matrix"):
        spectral_radius([[1.0, -1.0], [0.0, 1.0]])
    with pytest.raises(SeirflowInputError, match="r0"):
        beta_from_r0(-1.0, [1.0, 1.0], np.eye(2), 5.0)
    with pytest.raises(SeirflowInputError, match="contacts"):
        next_generation_matrix([1.0, 1.0], np.ones((2, 3)), 5.0)
    with pytest.raises(SeirflowInputError, match="infectious_period"):
        next_generation_matrix([1.0, 1.0], np.eye(2), 0.0)
    with pytest.raises(SeirflowInputError, match="population"):
        next_generation_matrix([1.0, 0.0], np.eye(2), 5.0)
    with pytest.raises(SeirflowInputError, match="contacts"):
        beta_from_r0(2.0, [1.0, 1.0], np.zeros((2, 2)), 5.0)
