"""Negative-binomial likelihood, observation selection, parameter space and target."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from seirflow.calibration.likelihood import (
    StreamLikelihood,
    build_observations,
    nbinom_logpmf,
)
from seirflow.calibration.parameters import STREAM_DISPERSION, ParameterSpace
from seirflow.calibration.target import LogPosterior
from seirflow.config import DOMAINS, Calibration
from seirflow.errors import ConfigError, DataError

START = dt.date(2020, 3, 1)
DATES = pd.date_range(START, periods=30, freq="D")


def test_nb_logpmf_matches_scipy():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2000, 300).astype(float)
    mu = rng.lognormal(3.0, 2.0, 300)
    k = rng.lognormal(1.0, 2.0, 300)
    ref = stats.nbinom.logpmf(y, k, k / (k + mu))
    np.testing.assert_allclose(nbinom_logpmf(y, mu, k), ref, rtol=1e-9, atol=1e-9)
    # large k: the Poisson limit
    np.testing.assert_allclose(
        nbinom_logpmf(y[:20], mu[:20], 1e9), stats.poisson.logpmf(y[:20], mu[:20]), rtol=1e-6
    )


def series(values, dates=DATES):
    return pd.Series(np.asarray(values, dtype=float), index=dates)


def observations(observed, streams, window=(DATES[0], DATES[-1])):
    return build_observations(
        observed,
        streams,
        window=window,
        simulation_start=START,
        n_days=len(DATES),
        dispersion=STREAM_DISPERSION,
        file="inputs.nc",
    )


def test_missing_days_skipped_not_zero_and_window_selects_days():
    y = np.arange(30.0) + 1
    y[[3, 10, 11]] = np.nan
    obs = observations({"cases": series(y)}, {"cases": 1.0}, (DATES[2], DATES[20]))[0]
    kept = [d for d in range(2, 21) if d not in (3, 10, 11)]
    assert obs.t_idx.tolist() == kept
    assert obs.y.tolist() == [d + 1.0 for d in kept]
    mu = np.full((2, 30), 7.0)
    k = np.array([3.0, 50.0])
    like = StreamLikelihood((obs,))
    got = like({"cases": mu}, {"dispersion_cases": k})
    for b in range(2):
        ref = stats.nbinom.logpmf(obs.y, k[b], k[b] / (k[b] + 7.0)).sum()
        assert got[b, 0] == pytest.approx(ref, rel=1e-12)
    # a zero observation would change the value: NaN days really are skipped
    y0 = np.nan_to_num(y)
    obs0 = observations({"cases": series(y0)}, {"cases": 1.0}, (DATES[2], DATES[20]))
    assert StreamLikelihood(obs0)({"cases": mu}, {"dispersion_cases": k})[0, 0] != got[0, 0]


def test_weight_scales_and_pointwise_sums_to_total():
    observed = {"cases": series(np.arange(30.0)), "deaths": series(np.arange(30.0) % 4)}
    mu = {"cases": np.linspace(1, 40, 60).reshape(2, 30), "deaths": np.full((2, 30), 1.5)}
    k = {"dispersion_cases": np.array([5.0, 8.0]), "dispersion_deaths": np.array([2.0, 9.0])}
    one = StreamLikelihood(observations(observed, {"cases": 1.0, "deaths": 1.0}))(mu, k).copy()
    weighted = StreamLikelihood(observations(observed, {"cases": 2.5, "deaths": 0.5}))
    got = weighted(mu, k)
    np.testing.assert_allclose(got, one * np.array([2.5, 0.5]), rtol=1e-12)
    point = weighted.pointwise(mu, k)
    np.testing.assert_allclose(point["cases"].sum(axis=1), got[:, 0], rtol=1e-12)
    np.testing.assert_allclose(point["deaths"].sum(axis=1), got[:, 1], rtol=1e-12)


def test_window_or_stream_without_data_is_a_clear_error():
    empty = series(np.full(30, np.nan))
    with pytest.raises(DataError) as err:
        observations({"cases": series(np.ones(30)), "deaths": empty}, {"cases": 1, "deaths": 1})
    assert err.value.field == "deaths" and "inputs.nc" in str(err.value)
    with pytest.raises(DataError, match="no variable 'icu_census'"):
        observations({"cases": series(np.ones(30))}, {"icu_census": 1.0})
    with pytest.raises(ConfigError, match="no stream is enabled"):
        observations({"cases": series(np.ones(30))}, {})
    with pytest.raises(ConfigError, match="inside the simulated days"):
        observations(
            {"cases": series(np.ones(30))},
            {"cases": 1},
            (DATES[0], DATES[-1] + pd.Timedelta(days=5)),
        )
    with pytest.raises(ConfigError, match="non-empty"):
        observations({"cases": series(np.ones(30))}, {"cases": 1}, (DATES[5], DATES[2]))
    negative = series(np.r_[np.ones(10), -3.0, np.ones(19)])
    with pytest.raises(DataError, match="-3.0 on 2020-03-11"):
        observations({"cases": negative}, {"cases": 1})


# ---------------------------------------------------------------------------- space, target
def calibration(**streams):
    return Calibration.model_validate(
        {"streams": {s: {"enabled": s in streams, "weight": streams.get(s, 1.0)}
                     for s in STREAM_DISPERSION}}
    )  # fmt: skip


def test_space_drops_dispersion_of_disabled_streams_and_checks_fixed_values():
    cal = calibration(cases=1.0)
    space = ParameterSpace.from_config(dict(cal.parameters), DOMAINS, enabled_streams=["cases"])
    assert "dispersion_cases" in space.names
    assert not any(n.startswith("dispersion_") and n != "dispersion_cases" for n in space.names)
    assert not any(n.startswith("dispersion_") for n in space.fixed)
    bad = Calibration.model_validate({"parameters": {"ascertainment": {"free": False,
                                                                       "value": 1.5}}})  # fmt: skip
    with pytest.raises(ConfigError) as err:
        ParameterSpace.from_config(dict(bad.parameters), DOMAINS, enabled_streams=["cases"])
    assert err.value.field == "calibration.parameters.ascertainment.value"


def test_transform_round_trip_and_jacobian():
    cal = calibration(cases=1.0, deaths=1.0)
    space = ParameterSpace.from_config(
        dict(cal.parameters), DOMAINS, enabled_streams=["cases", "deaths"]
    )
    x = space.prior.sample(np.random.default_rng(1), 40)
    z = space.to_unconstrained(x)
    assert np.all(np.isfinite(z))
    np.testing.assert_allclose(space.to_natural(z), x, rtol=1e-9, atol=1e-12)
    # log |dx/dz| against finite differences, parameter by parameter
    h = 1e-6
    fd = np.zeros(len(z))
    for j in range(space.ndim):
        dz = np.zeros(space.ndim)
        dz[j] = h
        fd += np.log(np.abs((space.to_natural(z + dz) - space.to_natural(z - dz))[:, j] / (2 * h)))
    np.testing.assert_allclose(space.log_jacobian(z), fd, rtol=1e-5, atol=1e-5)
    # any z maps inside the support
    wild = np.random.default_rng(2).normal(0, 30, size=(200, space.ndim))
    assert space.prior.in_support(space.to_natural(wild)).all()


class LinearForward:
    """mu = level * ascertainment for every stream (a stand-in for the SEIR core)."""

    def __call__(self, params):
        a = np.asarray(params["ascertainment"])[:, None]
        level = np.full((a.shape[0], 30), 50.0) * a
        return {s: level for s in STREAM_DISPERSION}


def test_disabled_stream_contributes_nothing_and_blobs_add_up():
    y = series(np.arange(30.0) * 3)
    observed = {s: y for s in STREAM_DISPERSION}
    both = calibration(cases=1.0, deaths=2.0)
    space = ParameterSpace.from_config(
        dict(both.parameters), DOMAINS, enabled_streams=["cases", "deaths"]
    )
    obs = observations(observed, {"cases": 1.0, "deaths": 2.0})
    target = LogPosterior(space, LinearForward(), StreamLikelihood(obs))
    z = space.to_unconstrained(space.prior.sample(np.random.default_rng(5), 8))
    out = target(z)
    assert out.shape == (8, 3)
    x, lp = space.log_prior_unconstrained(z)
    np.testing.assert_allclose(out[:, 0], lp + out[:, 1] + out[:, 2], rtol=1e-12)
    # only cases enabled: the target is prior + cases only, whatever deaths would add
    only = calibration(cases=1.0)
    space1 = ParameterSpace.from_config(dict(only.parameters), DOMAINS, enabled_streams=["cases"])
    target1 = LogPosterior(
        space1, LinearForward(), StreamLikelihood(observations(observed, {"cases": 1}))
    )
    x1 = x[:, [space.names.index(n) for n in space1.names]]
    out1 = target1(space1.to_unconstrained(x1))
    assert out1.shape == (8, 2)
    np.testing.assert_allclose(out1[:, 1], out[:, 1], rtol=1e-12)


def test_rows_outside_support_or_failing_model_are_minus_inf():
    cal = calibration(cases=1.0)
    space = ParameterSpace.from_config(dict(cal.parameters), DOMAINS, enabled_streams=["cases"])
    obs = observations({"cases": series(np.ones(30))}, {"cases": 1.0})

    class Failing(LinearForward):
        def __call__(self, params):
            out = super().__call__(params)
            out["cases"] = out["cases"].copy()
            out["cases"][0] = np.nan
            return out

    target = LogPosterior(space, Failing(), StreamLikelihood(obs))
    z = space.to_unconstrained(space.prior.sample(np.random.default_rng(6), 4))
    res = target(z)
    assert np.all(res[0] == -np.inf) and np.all(np.isfinite(res[1:]))
    assert target.rejected == 1


def test_census_thinned_to_every_seventh_day_back_from_the_fit_end():
    from seirflow.calibration.problem import build_problem
    from seirflow.config import Outcomes
    from tests.unit.synthetic_region import (
        MODEL,
        SIM_START,
        WINDOW,
        synthetic_config,
        synthetic_inputs,
    )

    inputs = synthetic_inputs(0)
    problems = [
        build_problem(
            inputs,
            synthetic_config(streams=streams),
            simulation_start=SIM_START,
            window=WINDOW,
            model=MODEL,
            outcomes=Outcomes(),
        )  # fmt: skip
        for streams in (
            {"cases": {}, "hospital_census": {}},
            {"cases": {}, "hospital_census": {"every_days": 7}},
        )
    ]
    daily, weekly = ({o.name: o for o in p.observations}["hospital_census"] for p in problems)
    lag = (np.datetime64(WINDOW[1]) - weekly.dates).astype(int)
    assert lag.min() == 0 and np.all(lag % 7 == 0)
    np.testing.assert_array_equal(weekly.y, daily.y[np.isin(daily.dates, weekly.dates)])
    assert weekly.y.size == -(-daily.y.size // 7)
    # The other streams keep every day.
    cases = [{o.name: o for o in p.observations}["cases"].y.size for p in problems]
    assert cases[0] == cases[1] == daily.y.size
