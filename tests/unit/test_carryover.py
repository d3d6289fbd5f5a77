"""Residual carry-over: weekly log residuals, their AR(1) memory, and the projection's factor."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.carryover import (
    carryover_factor,
    innovation_scale,
    residual_memory,
    residual_paths,
    weekly_log_residuals,
)


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
    factor, phi, sigma = carryover_factor(observed, expected, 28)
    assert sigma == 0.0  # no spread asked for
    assert 0.5 < phi <= 1.0 and factor.shape == (2, 28)
    last = np.log((observed[-7:].mean() + 1) / (expected[:, -7:].mean(axis=1) + 1))
    np.testing.assert_allclose(np.log(factor[:, 6]), last * phi)
    np.testing.assert_allclose(np.log(factor[:, 27]), last * phi**4)
    # Without observations in the last week there is nothing to carry.
    observed[-7:] = np.nan
    assert np.all(carryover_factor(observed, expected, 28).factor == 1.0)
    assert np.all(carryover_factor(observed, expected, 28, np.random.default_rng(0)).factor == 1.0)


@pytest.mark.parametrize("phi", [0.3, 0.8, 1.0])
def test_daily_paths_have_the_weekly_ar1_forecast_variance(phi):
    sigma, n = 0.2, 40_000
    paths = residual_paths(np.random.default_rng(5), n, 28, phi, sigma)
    assert paths.shape == (n, 28)
    for week in (1, 2, 4):
        if phi < 1:
            var = sigma**2 * (1 - phi ** (2 * week)) / (1 - phi**2)
        else:
            var = week * sigma**2
        # Monte Carlo sd of a variance estimate: var * sqrt(2 / n) ~ 0.7 % of it.
        assert paths[:, 7 * week - 1].var() == pytest.approx(var, rel=0.04)
    # Seven days apart the path is the weekly AR(1): r_(w+1) - phi r_w is independent of r_w.
    innov = paths[:, 13] - phi * paths[:, 6]
    assert abs(np.corrcoef(innov, paths[:, 6])[0, 1]) < 0.02
    assert np.all(residual_paths(np.random.default_rng(5), 3, 7, phi, 0.0) == 0.0)


def test_innovation_scale_recovers_sigma_of_an_ar1():
    rng = np.random.default_rng(11)
    r = np.zeros(4000)
    for t in range(1, r.size):
        r[t] = 0.7 * r[t - 1] + rng.normal(0, 0.3)
    r[:5] = 25.0  # a misfit at the start moves the median by almost nothing
    assert innovation_scale(r, 0.7) == pytest.approx(0.3, rel=0.05)
    assert innovation_scale(np.array([0.1, 0.2, np.nan]), 0.5) == 0.0


def test_spread_keeps_the_expected_path_as_the_median_and_widens_with_the_horizon():
    rng = np.random.default_rng(8)
    weeks = 20
    offset = np.repeat(np.cumsum(rng.normal(0, 0.1, weeks)), 7)
    expected = np.full((4000, 7 * weeks), 100.0)
    observed = 100.0 * np.exp(offset)
    plain = carryover_factor(observed, expected, 28)
    spread = carryover_factor(observed, expected, 28, np.random.default_rng(2))
    assert spread.phi == plain.phi and spread.sigma > 0
    log_spread = np.log(spread.factor)
    np.testing.assert_allclose(np.median(log_spread, axis=0), np.log(plain.factor[0]), atol=0.02)
    width = log_spread.std(axis=0)
    assert np.all(np.diff(width[6::7]) > 0)


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
    fitted = synthetic_config(free=("r0",))
    streams = fitted.streams.model_dump()
    streams["hospital_census"]["enabled"] = True
    with_census = synthetic_config(free=("r0",), streams=streams)
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
            calibration=calibration,
            draws=8,
            observation_noise=False,
            carryover=on,
            carryover_spread=spread,
        )  # fmt: skip
        for on, spread, calibration in (
            (False, False, fitted),
            (True, False, fitted),
            (True, True, fitted),
            (True, False, with_census),
        )  # fmt: skip
    ]
    off, on, spread, census = runs
    assert off.attrs["carryover"] == ""
    assert [s.split(":")[0] for s in on.attrs["carryover"].split(",")] == [
        "reported_cases", "deaths"]  # fmt: skip
    for name in ("infections", "hospital_admissions", "hospital_census"):
        np.testing.assert_array_equal(on[name].values, off[name].values)
    # Spread: the same streams; a stream with sigma > 0 gets noisier paths, and only it.
    sigma = {s.split(":")[0]: float(s.split("/")[1]) for s in spread.attrs["carryover"].split(",")}
    assert list(sigma) == ["reported_cases", "deaths"] and max(sigma.values()) > 0
    for name, scale in sigma.items():
        assert np.array_equal(spread[name].values, on[name].values) == (scale == 0)
    np.testing.assert_array_equal(spread["infections"].values, on["infections"].values)
    # A fitted census carries its factor over to admissions too (census = admissions * stay).
    assert "hospital_admissions" in census.attrs["carryover"]
    ratio_adm = census["hospital_admissions"].values / off["hospital_admissions"].values
    ratio_census = census["hospital_census"].values / off["hospital_census"].values
    np.testing.assert_allclose(ratio_adm, ratio_census)
