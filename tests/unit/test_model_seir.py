"""SEIR core: accuracy against scipy, invariants, batching, threads, compilation, bad inputs."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seirflow.errors import SeirflowInputError
from seirflow.model import (
    BatchSimulator,
    DiseaseStructure,
    beta_from_r0,
    simulate,
    simulate_batch,
)
from seirflow.model.seir import (
    simulate_batch_kernel,
    simulate_serial_kernel,
    simulate_states_kernel,
)
from tests.unit.model_reference import realistic_problem, reference_run


@pytest.fixture(scope="module")
def problem():
    return realistic_problem(np.random.default_rng(20200315))


@pytest.mark.parametrize(
    ("latent_stages", "infectious_stages", "seed_into", "r0", "seed_time"),
    [(1, 1, "exposed", 2.0, 10.3), (2, 2, "exposed", 3.0, 0.0), (3, 2, "infectious", 2.5, 7.75)],
)
def test_matches_scipy_dop853_at_default_step(
    problem, latent_stages, infectious_stages, seed_into, r0, seed_time
):
    population, contacts, multipliers, sigma, dist = problem
    n_days = 300
    beta = beta_from_r0(r0, population, contacts, 5.0, sigma)
    kw = dict(
        latent_period=4.0,
        infectious_period=5.0,
        latent_stages=latent_stages,
        infectious_stages=infectious_stages,
        n_days=n_days,
        seed_into=seed_into,
    )
    got = simulate_batch(
        population, contacts, multipliers, sigma, [beta], [seed_time], [20.0], dist, **kw
    )[0]
    want, _ = reference_run(
        population, contacts, multipliers, sigma, beta, seed_time, 20.0, dist, **kw
    )
    assert want.sum() > 0.1 * population.sum()  # a real epidemic, not a fizzle
    assert abs(got.sum() - want.sum()) / want.sum() < 1e-5
    assert np.abs(got - want).max() < 1e-4 * want.max()
    assert np.abs(got.sum(axis=1) - want.sum(axis=1)).max() < 1e-4 * want.sum(axis=1).max()


def test_held_multipliers_match_scipy_dop853(problem):
    # From day 80 the multipliers are held, so the kernel reuses each day's mixture.
    population, contacts, multipliers, sigma, dist = problem
    held = multipliers[:200].copy()
    held[80:] = held[80]
    beta = beta_from_r0(2.5, population, contacts, 5.0, sigma)
    kw = dict(latent_period=4.0, infectious_period=5.0, latent_stages=2, infectious_stages=2)
    got = simulate_batch(
        population, contacts, held, sigma, [beta], [30.4], [20.0], dist, n_days=200, **kw
    )[0]
    want, _ = reference_run(
        population, contacts, held, sigma, beta, 30.4, 20.0, dist, n_days=200, **kw
    )
    assert np.all(got[:30] == 0.0)  # nothing before the seed day
    assert abs(got.sum() - want.sum()) / want.sum() < 1e-5
    assert np.abs(got - want).max() < 1e-4 * want.max()


def test_closed_setting_is_exactly_a_missing_one(problem):
    population, contacts, multipliers, sigma, dist = problem
    closed = multipliers[:150].copy()
    closed[:, 1] = 0.0
    structure = DiseaseStructure(4.0, 5.0, 2, 2)
    with_closed = BatchSimulator(population, contacts, structure, 150, dist, sigma)
    without = BatchSimulator(population, contacts[[0, 2, 3]], structure, 150, dist, sigma)
    runs = ([0.03, 0.04], [2.5, 7.0], [10.0, 3.0])
    assert np.array_equal(
        with_closed.new_infections(closed, *runs),
        without.new_infections(closed[:, [0, 2, 3]], *runs),
    )


def test_states_match_reference_and_conserve_population(problem):
    population, contacts, multipliers, sigma, dist = problem
    structure = DiseaseStructure(4.0, 5.0, 2, 2)
    beta = beta_from_r0(2.5, population, contacts, 5.0, sigma)
    ds = simulate(
        population,
        contacts,
        multipliers,
        beta,
        3.5,
        10.0,
        dist,
        structure=structure,
        n_days=200,
        start_date="2020-02-01",
        susceptibility=sigma,
    )
    _, want = reference_run(
        population,
        contacts,
        multipliers,
        sigma,
        beta,
        3.5,
        10.0,
        dist,
        latent_period=4.0,
        infectious_period=5.0,
        latent_stages=2,
        infectious_stages=2,
        n_days=200,
    )
    got = ds["states"].isel(draw=0).values
    assert np.abs(got - want).max() < 1e-4 * want[..., 1:3].max()
    total = ds["states"].sum("compartment").values
    np.testing.assert_allclose(total, np.broadcast_to(population, total.shape), rtol=1e-13)
    assert ds["states"].dims == ("draw", "date", "age", "compartment")
    assert ds["new_infections"].dims == ("draw", "date", "age")
    assert str(ds["date"].values[0])[:10] == "2020-02-01"
    assert list(ds["age"].values[[0, -1]]) == ["0-4", "75+"]
    s_drop = -np.diff(ds["states"].sel(compartment="S").values, axis=1)
    np.testing.assert_allclose(
        s_drop, ds["new_infections"].values[:, 1:], rtol=1e-9, atol=1e-9 * population.max()
    )


@st.composite
def random_model(draw):
    n_age = draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    population = rng.uniform(1e2, 1e7, n_age)
    contacts = rng.gamma(0.5, 2.0, (draw(st.integers(1, 4)), n_age, n_age))
    multipliers = rng.uniform(0.0, 2.0, (60, contacts.shape[0]))
    dist = rng.dirichlet(np.ones(n_age))
    seed = draw(st.floats(0.0, 1.0)) * float(np.min(population / dist))
    r0 = draw(st.floats(0.1, 6.0))
    return population, contacts, multipliers, dist, seed, r0, draw(st.integers(1, 3)), rng


@settings(max_examples=25, deadline=None)
@given(random_model())
def test_population_conserved_and_no_negative_compartments(model):
    population, contacts, multipliers, dist, seed, r0, stages, rng = model
    sigma = rng.uniform(0.2, 1.0, population.size)
    structure = DiseaseStructure(3.0, 5.0, stages, stages)
    beta = beta_from_r0(r0, population, contacts, 5.0, sigma)
    sim = BatchSimulator(population, contacts, structure, 60, dist, sigma)
    inc, states = sim.new_infections_and_states(multipliers, [beta], [rng.uniform(0, 59)], [seed])
    np.testing.assert_allclose(
        states.sum(axis=2), np.broadcast_to(population, (1, 60) + (population.size,)), rtol=1e-12
    )
    # Non-negative up to rounding: a compartment that has drained to ~1e-320 people can
    # come out as -5e-324 (one subnormal step), but never as a negative fraction of a person.
    residue = 1e-9
    assert states.min() >= -residue
    assert inc.min() >= -residue


def test_batched_equals_single_runs_bitwise_and_any_thread_count(problem):
    population, contacts, multipliers, sigma, dist = problem
    structure = DiseaseStructure(4.0, 5.0, 1, 2)
    sim = BatchSimulator(population, contacts, structure, 200, dist, sigma)
    rng = np.random.default_rng(7)
    n_batch = 5
    mult = multipliers[None, :200] * rng.uniform(0.5, 1.0, (n_batch, 1, 4))
    beta = rng.uniform(0.02, 0.05, n_batch)
    seed_time = rng.uniform(0.0, 20.0, n_batch)
    seed_size = rng.uniform(1.0, 50.0, n_batch)
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        two = sim.new_infections(mult, beta, seed_time, seed_size)
        numba.set_num_threads(1)
        one = sim.new_infections(mult, beta, seed_time, seed_size)
    finally:
        numba.set_num_threads(previous)
    assert np.array_equal(one, two)
    for i in range(n_batch):
        single = sim.new_infections(mult[i], beta[i], seed_time[i], seed_size[i])
        assert np.array_equal(single[0], two[i])
    with_states, _ = sim.new_infections_and_states(mult, beta, seed_time, seed_size)
    assert np.array_equal(with_states, two)


def test_shared_multipliers_equal_repeated_ones(problem):
    population, contacts, multipliers, sigma, dist = problem
    sim = BatchSimulator(population, contacts, DiseaseStructure(4.0, 5.0), 120, dist, sigma)
    shared = sim.new_infections(multipliers, [0.03, 0.04], [1.0, 2.0], [5.0, 5.0])
    repeated = sim.new_infections(np.stack([multipliers] * 2), [0.03, 0.04], [1.0, 2.0], [5.0, 5.0])
    assert np.array_equal(shared, repeated)


def test_solution_continuous_in_seed_time(problem):
    population, contacts, multipliers, sigma, dist = problem
    sim = BatchSimulator(population, contacts, DiseaseStructure(4.0, 5.0), 150, dist, sigma)
    times = np.array([12.3, 12.3 + 1e-7, 12.0 - 1e-7, 12.0, 12.0 + 1e-7, 12.5])
    inc = sim.new_infections(multipliers, np.full(6, 0.035), times, np.full(6, 10.0))
    # Cumulative infections at the end of each day from day 12 on (all runs seeded by then).
    cumulative = inc.sum(axis=2).cumsum(axis=1)[:, 12:]
    scale = cumulative.max()
    for a, b in [(0, 1), (2, 3), (3, 4)]:
        assert np.abs(cumulative[a] - cumulative[b]).max() < 1e-5 * scale
    assert np.abs(cumulative[5] - cumulative[3]).max() > 1e-3 * scale  # and it does move


def test_no_recompilation_across_input_kinds(problem):
    population, contacts, multipliers, sigma, dist = problem
    kernels = (simulate_batch_kernel, simulate_serial_kernel, simulate_states_kernel)
    before = tuple(len(k.signatures) for k in kernels)
    for n_batch in (1, 3):
        sim = BatchSimulator(
            list(population),
            contacts.astype(np.float32),
            DiseaseStructure(4, 5, np.int32(2), 1),
            40,
            dist,
            None,
        )
        sim.new_infections(
            multipliers[:40].tolist(),
            np.full(n_batch, 0.03),
            np.arange(n_batch),
            np.ones(n_batch, dtype=int),
        )
        sim.new_infections(
            np.broadcast_to(multipliers, (n_batch,) + multipliers.shape),
            np.full(n_batch, 0.03),
            1,
            1,
        )
        sim.new_infections_and_states(multipliers[::-1], np.full(n_batch, 0.03), 0.5, 2.0)
    after = tuple(len(k.signatures) for k in kernels)
    assert after == (1, 1, 1) or after == before
    assert max(after) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contacts": np.ones((4, 16, 15))}, "contacts"),
        ({"population": -np.ones(16)}, "population"),
        ({"multipliers": np.full((300, 4), np.nan)}, "multipliers"),
        ({"multipliers": np.ones((300, 3))}, "multipliers"),
        ({"multipliers": np.ones((50, 4))}, "multipliers"),
        ({"latent_stages": 0}, "latent_stages"),
        ({"infectious_stages": 1.5}, "infectious_stages"),
        ({"seed_time": [400.0]}, "seed_time"),
        ({"seed_size": [1e9]}, "seed_size"),
        ({"seed_distribution": np.full(16, 0.1)}, "seed_distribution"),
        ({"susceptibility": np.ones(15)}, "susceptibility"),
        ({"beta": [np.inf]}, "beta"),
        ({"seed_into": "recovered"}, "seed_into"),
        ({"steps_per_day": 1, "latent_period": 0.5, "latent_stages": 2}, "steps_per_day"),
    ],
)
def test_bad_inputs_name_the_argument(problem, change, field):
    population, contacts, multipliers, sigma, dist = problem
    args = dict(
        population=population,
        contacts=contacts,
        multipliers=multipliers,
        susceptibility=sigma,
        beta=[0.03],
        seed_time=[1.0],
        seed_size=[5.0],
        seed_distribution=dist,
        latent_period=4.0,
        infectious_period=5.0,
        n_days=100,
    )
    args.update(change)
    with pytest.raises(SeirflowInputError) as err:
        simulate_batch(**args)
    assert err.value.field == field
    assert field in str(err.value)
