"""National totals: quantiles of draw-wise sums, never sums of quantiles; alignment checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.config import NationalRegions
from seirflow.errors import DataError
from seirflow.postprocess.national import (
    NationalSelection,
    NationalTotal,
    national_selection,
    national_total,
    observed_total,
    read_diagnostics,
)
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


# --- which regions are summed, and the observed totals over them ----------------------

DIAGNOSTICS = [
    {"region": "NY", "converged": True, "reasons": []},
    {"region": "TX", "converged": False, "reasons": ["R-hat >= 1.05 for r0"]},
    {"region": "WA", "converged": True, "reasons": []},
]


def test_converged_rule_leaves_out_non_converged_regions_with_the_reason():
    sel = national_selection(["NY", "TX", "WA"], DIAGNOSTICS, "converged")
    assert sel.included == ["NY", "WA"]
    assert list(sel.excluded) == ["TX"] and "R-hat >= 1.05 for r0" in sel.excluded["TX"]
    assert sel.name == "United States (excluding TX: calibration not converged)"
    assert sel.attrs() == {"national_regions": ["NY", "WA"], "national_excluded": sel.excluded}


def test_all_rule_sums_every_region_without_diagnostics():
    sel = national_selection(["NY", "TX"], [], NationalRegions.ALL)
    assert sel == NationalSelection(["NY", "TX"], {}) and sel.name == "United States"


def test_converged_rule_without_diagnostics_or_survivors_is_an_error():
    with pytest.raises(DataError, match=r"none for \['CA'\]"):
        national_selection(["NY", "CA"], DIAGNOSTICS, "converged")
    with pytest.raises(DataError, match="national_regions: all"):
        national_selection(["TX"], DIAGNOSTICS, "converged")


def test_read_diagnostics_names_the_file_of_a_bad_record(tmp_path):
    bad = tmp_path / "diagnostics.json"
    bad.write_text('{"region": "NY"}')
    with pytest.raises(DataError, match=f"{bad}: diagnostics lack 'converged'"):
        read_diagnostics([str(bad)])


def observed(code: str, deaths, census) -> xr.Dataset:
    dates = pd.date_range("2020-07-14", periods=len(deaths), freq="D")
    return xr.Dataset(
        {"deaths": ("date", np.asarray(deaths, float)),
         "hospital_census": ("date", np.asarray(census, float))},
        coords={"date": dates},
        attrs={"region": code},
    )  # fmt: skip


def test_observed_total_sums_only_selected_regions_on_days_all_report():
    inputs = [
        observed("NY", [1, 2, 3], [10, np.nan, 30]),
        observed("TX", [100, 100, 100], [1000, 1000, 1000]),
        observed("WA", [4, 5, 6], [40, 50, 60]),
    ]
    total = observed_total(inputs, ["NY", "WA"])
    assert total["deaths"].tolist() == [5, 7, 9]
    np.testing.assert_array_equal(total["hospital_census"], [50, np.nan, 90])
    with pytest.raises(DataError, match=r"no inputs for regions \['CA'\]"):
        observed_total(inputs, ["NY", "CA"])
