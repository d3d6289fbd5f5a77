"""National totals: quantiles of draw-wise sums, never sums of quantiles; alignment checks."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from seirflow.errors import DataError
from seirflow.postprocess.national import NationalTotal, national_total
from seirflow.postprocess.quantiles import summarise_draws
from tests.unit.synthetic_trajectories import trajectories_dataset

LEVELS = [0.05, 0.5, 0.95]


def region_ds(code: str, deaths, *, draws=None, start="2020-07-16", scenario="s") -> xr.Dataset:
    deaths = np.asarray(deaths, dtype=float)
    dates = np.arange(np.datetime64(start), np.datetime64(start) + deaths.shape[1])
    da = xr.DataArray(
        deaths,
        dims=("draw", "date"),
        coords={
            "draw": np.arange(deaths.shape[0]) if draws is None else draws,
            "date": dates.astype("datetime64[ns]"),
        },
    )
    return xr.Dataset({"deaths": da}, attrs={"region": code, "scenario": scenario})


def test_hand_made_example_sums_draws_then_takes_quantiles():
    # Draw k of A is high exactly when draw k of B is low: every national draw is 9.
    a = np.arange(10.0)[:, None]
    b = a[::-1]
    us = national_total([region_ds("NY", a), region_ds("WA", b)])
    np.testing.assert_array_equal(us["deaths"].values, np.full((10, 1), 9.0))
    _, _, q_us = summarise_draws(us["deaths"].values, LEVELS)
    np.testing.assert_array_equal(q_us[:, 0], [9.0, 9.0, 9.0])
    # Adding the regions' quantiles gives a band from 0.9 to 17.1: clearly not the total's.
    _, _, q_a = summarise_draws(a, LEVELS)
    _, _, q_b = summarise_draws(b, LEVELS)
    sum_of_quantiles = (q_a + q_b)[:, 0]
    np.testing.assert_allclose(sum_of_quantiles, [0.9, 9.0, 17.1])
    assert abs(sum_of_quantiles[2] - q_us[2, 0]) > 8


def test_matches_quantiles_of_summed_draws_on_random_regions():
    rng = np.random.default_rng(11)
    regions = [trajectories_dataset(c, "s", rng, days=14, draws=50) for c in ("NY", "WA", "TX")]
    us = national_total(regions)
    for name in regions[0].data_vars:
        by_hand = sum(r[name].values for r in regions)
        np.testing.assert_array_equal(us[name].values, by_hand)
        _, _, q = summarise_draws(us[name].values, LEVELS)
        np.testing.assert_allclose(q, np.quantile(by_hand, LEVELS, axis=0))
    assert us.attrs["region"] == "US" and us.attrs["regions"] == "NY WA TX"
    # The inputs are not modified by the running sum.
    assert regions[0]["deaths"].values.sum() < us["deaths"].values.sum()


def test_different_draws_are_rejected_naming_both_files():
    total = NationalTotal()
    total.add(region_ds("NY", np.ones((3, 2))), source="ny.nc")
    with pytest.raises(DataError, match=r"wa\.nc: coordinate 'draw' differs from ny\.nc") as err:
        total.add(region_ds("WA", np.ones((4, 2))), source="wa.nc")
    assert err.value.field == "draw" and err.value.file == "wa.nc"
    with pytest.raises(DataError, match="coordinate 'draw'"):
        total.add(region_ds("WA", np.ones((3, 2)), draws=[0, 1, 5]), source="wa.nc")


def test_different_dates_scenario_or_repeated_region_are_rejected():
    total = NationalTotal()
    total.add(region_ds("NY", np.ones((3, 2))), source="ny.nc")
    with pytest.raises(DataError, match="coordinate 'date'"):
        total.add(region_ds("WA", np.ones((3, 2)), start="2020-07-17"), source="wa.nc")
    with pytest.raises(DataError, match="scenario 'other'"):
        total.add(region_ds("WA", np.ones((3, 2)), scenario="other"), source="wa.nc")
    with pytest.raises(DataError, match="region NY is given twice"):
        total.add(region_ds("NY", np.ones((3, 2))), source="ny2.nc")
    assert total.regions == ["NY"]


def test_no_regions_is_an_error():
    with pytest.raises(ValueError, match="at least one"):
        national_total([])
