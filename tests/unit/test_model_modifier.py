"""The transmission modifier: the walk itself, its place in the forward model and projection."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.calibration.forward import build_forward, modifier_factor, transmission_knots
from seirflow.calibration.problem import build_problem
from seirflow.config import Outcomes
from seirflow.config.calibration import TransmissionModifier, step_names
from seirflow.errors import ConfigError
from seirflow.model.modifier import continued_walk, knot_days, log_modifier, step_sd
from tests.unit.synthetic_region import (
    MODEL,
    N_DAYS,
    SIM_START,
    TRUTH,
    WINDOW,
    synthetic_config,
    synthetic_inputs,
)


def test_walk_is_zero_before_the_first_knot_linear_between_and_held_after_the_last():
    rng = np.random.default_rng(4)
    steps = rng.normal(size=(5, 3))
    knots = knot_days(12, 60, 3)
    w = log_modifier(steps, knots, 80)
    # Independent reference: numpy's linear interpolation through (knot, cumulative sum).
    for row, s in zip(w, steps, strict=True):
        ref = np.interp(np.arange(80), knots, np.concatenate([[0.0], np.cumsum(s)]))
        np.testing.assert_allclose(row, ref, rtol=0, atol=1e-12)
    assert np.all(w[:, :13] == 0.0)
    np.testing.assert_array_equal(w[:, 60:], np.repeat(w[:, [60]], 20, axis=1))


def test_step_prior_scales_with_the_square_root_of_the_gap():
    assert step_sd(0, 42, 3, 0.2) == pytest.approx(0.2 * np.sqrt(2.0))
    assert step_sd(0, 7, 1, 0.2) == pytest.approx(0.2)


def test_wrong_number_of_knots_is_an_error():
    with pytest.raises(ValueError, match="2 steps need 3 knots"):
        log_modifier(np.zeros((1, 2)), np.arange(4.0), 10)


def _forward(knots):
    inputs = synthetic_inputs(0)
    return build_forward(inputs, MODEL, Outcomes(), simulation_start=SIM_START, n_days=N_DAYS,
                         knots=knots)  # fmt: skip


def _params(steps):
    p = {k: np.full(len(steps), v) for k, v in TRUTH.items()}
    p.update({n: steps[:, j] for j, n in enumerate(step_names(steps.shape[1]))})
    return p


def test_forward_model_scales_every_setting_by_the_modifier():
    knots = transmission_knots(TransmissionModifier(enabled=True, knots=2), SIM_START, WINDOW)
    with_modifier, without = _forward(knots), _forward(None)
    steps = np.array([[0.0, 0.0], [-0.7, 0.3]])
    inf = with_modifier.infections(_params(steps)).copy()
    # Zero steps: the model without a modifier, bit for bit.
    np.testing.assert_array_equal(inf[0], without.infections(_params(steps[:1]))[0])
    # Otherwise: the same core run on multipliers scaled by hand.
    mult = without.multipliers(np.array([TRUTH["mobility_effect"]])).copy()
    w = np.interp(np.arange(N_DAYS), knots, [0.0, -0.7, -0.4])
    mult *= np.exp(w)[None, :, None]
    beta = without.beta_per_r0 * np.array([TRUTH["r0"]])
    ref = without.simulator.new_infections(
        mult, beta, np.array([TRUTH["seed_day"]]), np.array([TRUTH["seed_size"]])
    )
    np.testing.assert_allclose(inf[1], ref[0], rtol=1e-12, atol=0)
    assert inf[1].sum() < inf[0].sum()


def test_projection_factor_holds_the_fit_end_value():
    knots = knot_days(29, 99, 2)
    f = modifier_factor(_params(np.array([[0.2, -0.5]])), knots, 150)
    assert np.all(f[0, 99:] == f[0, 99]) and f[0, 99] == pytest.approx(np.exp(-0.3))


def test_continued_walk_starts_after_the_fit_end_with_the_prior_weekly_variance():
    rng = np.random.default_rng(11)
    walk = continued_walk(rng, 20000, 130, 99, 0.2)
    assert np.all(walk[:, :100] == 0.0)
    # Brownian motion: variance sd_week^2 per week, independent increments, mean 0.
    # 20,000 paths: the variance estimate's relative sd is sqrt(2 / 20000) = 1 %.
    week4 = walk[:, 99 + 28]
    assert np.var(week4) == pytest.approx(4 * 0.2**2, rel=0.05)
    assert abs(np.mean(week4)) < 5 * 0.4 / np.sqrt(20000)
    inc = walk[:, 113] - walk[:, 106], walk[:, 106] - walk[:, 99]
    assert abs(np.corrcoef(*inc)[0, 1]) < 5 / np.sqrt(20000)


def test_problem_samples_the_steps_with_a_random_walk_prior():
    cal = synthetic_config(walkers=24, transmission={"enabled": True, "knots": 2})
    problem = build_problem(synthetic_inputs(0), cal, simulation_start=SIM_START, window=WINDOW,
                            model=MODEL, outcomes=Outcomes())  # fmt: skip
    names = problem.space.names
    assert names[-2:] == step_names(2) and len(names) == len(cal.sampled_parameters)
    gap = (WINDOW[1] - WINDOW[0]).days / 2
    prior = problem.space.prior.priors[-1]
    x = np.array([0.0, 1.0])
    sd = 0.2 * np.sqrt(gap / 7)
    assert prior.logpdf(x)[0] - prior.logpdf(x)[1] == pytest.approx(0.5 / sd**2)


def test_too_few_walkers_for_the_steps_is_a_config_error():
    from seirflow.config import load_config

    raw = {"regions": ["NY"], "calibration": {"walkers": 24, "transmission": {"enabled": True}}}
    with pytest.raises(ConfigError, match=r"calibration.walkers.*need at least 30"):
        load_config(raw)


def _project(rule: str, scenario):
    import arviz as az

    from seirflow.config import Dates, Scenario
    from seirflow.projection import project_region

    dates = Dates(simulation_start=SIM_START, fit_start=WINDOW[0], fit_end=WINDOW[1],
                  projection_weeks=4)  # fmt: skip
    transmission = {"enabled": True, "knots": 2, "projection": rule}
    cal = synthetic_config(free=("r0",), walkers=24, transmission=transmission)
    rng = np.random.default_rng(5)
    posterior = {k: TRUTH[k] * rng.lognormal(0.0, 0.002, size=(1, 40)) for k in ("r0",)}
    posterior.update({n: rng.normal(-0.3, 0.01, size=(1, 40)) for n in step_names(2)})
    ds = project_region(synthetic_inputs(0), az.from_dict(posterior=posterior),
                        Scenario.model_validate(scenario), scenario_name="s", region="XX",
                        seed=3, dates=dates, model=MODEL, outcomes=Outcomes(), calibration=cal,
                        draws=40, observation_noise=False)  # fmt: skip
    return np.log(ds["infections"].to_numpy())


def test_random_walk_projection_widens_the_spread_keeps_the_centre_and_pairs_scenarios():
    as_observed = {"description": "as observed", "interventions": []}
    later = {"description": "closed from week 3", "interventions": [
        {"settings": ["work", "community"], "multiplier": 0.0, "start": "2020-05-25"}]}  # fmt: skip
    hold, walk = _project("hold", as_observed), _project("random_walk", as_observed)
    # Same posterior draws: on the first projected day the walk has made one daily step
    # (sd 0.2 / sqrt(7) = 0.076 on log transmission).
    np.testing.assert_allclose(walk[:, 0], hold[:, 0], rtol=0, atol=0.3)
    spread_hold, spread_walk = np.std(hold[:, -1]), np.std(walk[:, -1])
    assert spread_walk > 3 * spread_hold
    # The walk is centred on the held path (median over 40 draws, sd of w at week 4: 0.4).
    assert abs(np.median(walk[:, -1] - hold[:, -1])) < 0.5
    # Common random numbers: a scenario that differs from day 14 on has the same paths before.
    closed = _project("random_walk", later)
    np.testing.assert_array_equal(closed[:, :14], walk[:, :14])
    assert np.all(closed[:, -1] < walk[:, -1])
