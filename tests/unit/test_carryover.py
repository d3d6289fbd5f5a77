"""Residual carry-over: weekly log residuals, their AR(1) memory, and the projection's factor."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.carryover import carryover_factor, residual_memory, weekly_log_residuals


def test_weekly_residuals_use_whole_weeks_back_from_the_end_and_only_observed_days():
    observed = np.array([99.0] + [9.0] * 7 + [np.nan, 4.0, np.nan, 4.0, 4.0, 4.0, 4.0])
    expected = np.vstack([np.full(15, 1.0), np.arange(15.0)])
    r = weekly_log_residuals(observed, expected)  # day 0 is not in a whole week
    assert r.shape == (2, 2)
    np.testing.assert_allclose(r[0], [np.log(10 / 2), np.log(5 / 2)])
    # Draw 2, week 2: observed days 9, 11..14 only, mean of those expected values.
    mu = np.mean([9.0, 11.0, 12.0, 13.0, 14.0])
    assert r[1, 1] == pytest.approx(np.log(5 / (mu + 1)))
    assert np.isnan(weekly_log_residuals(np.full(7, np.nan), np.ones((1, 7)))).all()


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_memory_recovers_an_ar1_coefficient(phi):
    rng = np.random.default_rng(3)
    r = np.zeros(5000)
    for t in range(1, r.size):
        r[t] = phi * r[t - 1] + rng.normal()
    # sd of the lag-1 autocorrelation estimate: about sqrt((1 - phi^2) / n) < 0.015.
    assert residual_memory(r) == pytest.approx(phi, abs=0.05)


def test_memory_needs_enough_weeks_and_is_never_negative():
    assert residual_memory(np.array([0.1, 0.3, 0.2, np.nan])) == 0.0
    assert residual_memory(np.array([1.0, -1.0] * 10)) == 0.0  # phi = -1, clipped


def test_factor_carries_each_draw_s_last_residual_and_decays_with_phi():
    rng = np.random.default_rng(8)
    weeks = 20
    offset = np.repeat(np.cumsum(rng.normal(0, 0.1, weeks)), 7)  # persistent misfit
    expected = np.vstack([np.full(7 * weeks, 100.0), np.full(7 * weeks, 50.0)])
    observed = 100.0 * np.exp(offset)
    factor, phi = carryover_factor(observed, expected, 28)
    assert 0.5 < phi <= 1.0 and factor.shape == (2, 28)
    last = np.log((observed[-7:].mean() + 1) / (expected[:, -7:].mean(axis=1) + 1))
    np.testing.assert_allclose(np.log(factor[:, 6]), last * phi)
    np.testing.assert_allclose(np.log(factor[:, 27]), last * phi**4)
    # Without observations in the last week there is nothing to carry.
    observed[-7:] = np.nan
    factor, _ = carryover_factor(observed, expected, 28)
    assert np.all(factor == 1.0)


def test_projection_carries_only_fitted_streams_and_leaves_infections_alone():
    import arviz as az

    from seirflow.config import Dates, Outcomes, Scenario
    from seirflow.projection import project_region
    from tests.unit.synthetic_region import MODEL, SIM_START, TRUTH, WINDOW, synthetic_config
    from tests.unit.synthetic_region import synthetic_inputs as inputs

    dates = Dates(simulation_start=SIM_START, fit_start=WINDOW[0], fit_end=WINDOW[1],
                  projection_weeks=2)  # fmt: skip
    rng = np.random.default_rng(1)
    posterior = az.from_dict(posterior={"r0": TRUTH["r0"] * rng.lognormal(0, 0.01, (1, 8))})
    runs = [
        project_region(
            inputs(0),
            posterior,
            Scenario(description="as observed"),
            scenario_name="s",
            region="XX",
            seed=3,
            dates=dates,
            model=MODEL,
            outcomes=Outcomes(),
            calibration=synthetic_config(free=("r0",)),
            draws=8,
            observation_noise=False,
            carryover=on,
        )  # fmt: skip
        for on in (False, True)
    ]
    off, on = runs
    assert off.attrs["carryover"] == ""
    assert [s.split(":")[0] for s in on.attrs["carryover"].split(",")] == [
        "reported_cases", "deaths"]  # fmt: skip
    for name in ("infections", "hospital_admissions", "hospital_census"):
        np.testing.assert_array_equal(on[name].values, off[name].values)
