"""Weekly hub targets computed by hand on a tiny example."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import xarray as xr

from seirflow.errors import DataError
from seirflow.postprocess.load import OUTCOMES
from seirflow.postprocess.weekly import TARGETS, week_end, weekly_targets

ORIGIN = dt.date(2020, 7, 16)


def tiny(days: int = 14, start: dt.date = ORIGIN) -> xr.Dataset:
    """Two draws; draw 0 counts 1, 2, 3, ... per day, draw 1 is ten times that."""
    base = np.arange(1.0, days + 1)
    values = np.stack([base, 10 * base])
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    coords = {"draw": [0, 1], "date": dates.astype("datetime64[ns]")}
    factors = dict(zip(OUTCOMES, (1, 2, 3, 4, 5, 6), strict=True))
    return xr.Dataset(
        {k: (("draw", "date"), f * values) for k, f in factors.items()},
        coords=coords,
        attrs={"region": "NY"},
    )


def test_weekly_sums_and_end_of_week_census_by_hand():
    out = weekly_targets(tiny(), origin=ORIGIN, weeks=2)
    assert out.dims == ("target", "draw", "horizon")
    assert list(out["target"].values) == list(TARGETS)
    assert list(out["horizon"].values) == [1, 2]
    # Week 1 = days 1..7 (sum 28), week 2 = days 8..14 (sum 77); infections factor 1.
    np.testing.assert_array_equal(out.sel(target="inc infection").values, [[28, 77], [280, 770]])
    np.testing.assert_array_equal(out.sel(target="inc case").values, [[56, 154], [560, 1540]])
    np.testing.assert_array_equal(out.sel(target="inc hosp").values, [[84, 231], [840, 2310]])
    np.testing.assert_array_equal(out.sel(target="inc death").values, [[168, 462], [1680, 4620]])
    # Census on the last day of each week (day 7 and day 14).
    np.testing.assert_array_equal(out.sel(target="hosp occupancy").values, [[28, 56], [280, 560]])
    np.testing.assert_array_equal(out.sel(target="icu occupancy").values, [[35, 70], [350, 700]])


def test_days_outside_the_window_are_ignored():
    # Three days before the origin: weeks still start at the origin.
    early = tiny(days=17, start=ORIGIN - dt.timedelta(days=3))
    out = weekly_targets(early, origin=ORIGIN, weeks=2)
    # Days 4..10 of the series now form week 1: sum 49.
    assert out.sel(target="inc infection", draw=0, horizon=1).item() == 49
    assert out.sel(target="hosp occupancy", draw=0, horizon=2).item() == 4 * 17


def test_horizons_run_one_to_n():
    out = weekly_targets(tiny(days=35), origin=ORIGIN, weeks=5)
    assert list(out["horizon"].values) == [1, 2, 3, 4, 5]


def test_missing_days_are_an_error_naming_the_first():
    with pytest.raises(DataError, match="lacks 7 day.*first 2020-07-30") as err:
        weekly_targets(tiny(days=14), origin=ORIGIN, weeks=3, source="ny.nc")
    assert err.value.file == "ny.nc" and err.value.field == "date"


def test_week_end_is_the_last_day_of_the_week():
    assert week_end(ORIGIN, 2) == dt.date(2020, 7, 29)
