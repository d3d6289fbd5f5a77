"""Ascertainment that follows testing volume: the tests series, the ratio, the scaling."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.calibration import forward
from seirflow.errors import DataError
from seirflow.preprocess import observations

# Module-qualified: pytest would collect a bare ``testing_*`` name as a test.
scale_cases = forward.scale_cases

DATES = pd.date_range("2020-03-01", "2020-03-20", freq="D")


def test_tests_series_is_the_trailing_weekly_mean_held_outside_the_reports():
    reported = pd.Series([70.0, 0.0, 140.0, -70.0, 70.0, 70.0, 70.0, 70.0],
                         index=pd.date_range("2020-03-05", periods=8, freq="D"))  # fmt: skip
    values, adjustments = observations.testing_series(reported, DATES)
    s = pd.Series(values, DATES)
    assert s["2020-03-05"] == 70.0  # one day reported
    assert s["2020-03-11"] == pytest.approx(350.0 / 7)  # 5..11 Mar; the revision lowers it
    assert s["2020-03-12"] == pytest.approx(350.0 / 7)  # a 7-day window: 6 .. 12 Mar
    assert (s[:"2020-03-04"] == 70.0).all() and (s["2020-03-13":] == s["2020-03-12"]).all()
    assert [(a.date, a.until) for a in adjustments] == [
        ("2020-03-01", "2020-03-04"),
        ("2020-03-13", "2020-03-20"),
    ]


def _inputs(values):
    return xr.Dataset({"tests": ("date", np.asarray(values, dtype=float))}, coords={"date": DATES})


def test_ratio_is_one_on_the_fit_end_and_after_it():
    inputs = _inputs(np.arange(1.0, 21.0))
    ratio = forward.testing_ratio(inputs, dt.date(2020, 3, 1), 20, dt.date(2020, 3, 10))
    np.testing.assert_allclose(ratio[:10], np.arange(1.0, 11.0) / 10.0)
    assert (ratio[9:] == 1.0).all()
    assert forward.testing_ratio(xr.Dataset(coords={"date": DATES}), dt.date(2020, 3, 1), 20,
                         dt.date(2020, 3, 10)) is None  # fmt: skip


def test_cases_scale_with_the_ratio_to_the_power_gamma_capped_at_full_ascertainment():
    ratio = np.array([0.01, 0.25, 1.0])
    params = {"testing_elasticity": np.array([0.0, 0.5, 1.0]), "ascertainment": np.full(3, 0.5)}
    cases = scale_cases(np.full((3, 3), 10.0), params, ratio)
    np.testing.assert_allclose(cases[0], 10.0)  # gamma 0: constant ascertainment
    np.testing.assert_allclose(cases[1], 10.0 * np.sqrt(ratio))
    np.testing.assert_allclose(cases[2], 10.0 * ratio)
    # ascertainment x ratio^gamma never exceeds 1: with asc 0.5 the factor stops at 2.
    capped = scale_cases(np.full((1, 1), 10.0), {"testing_elasticity": np.array([1.0]),
                         "ascertainment": np.array([0.5])}, np.array([5.0]))  # fmt: skip
    assert capped[0, 0] == pytest.approx(20.0)


def test_gamma_without_a_tests_series_is_a_data_error():
    params = {"testing_elasticity": np.array([0.3]), "ascertainment": np.array([0.2])}
    with pytest.raises(DataError, match="testing_elasticity is not 0"):
        scale_cases(np.ones((1, 3)), params, None)
    # gamma fixed at 0 (the default) needs no series.
    assert scale_cases(np.ones((1, 3)), {"testing_elasticity": np.zeros(1)}, None).sum() == 3
