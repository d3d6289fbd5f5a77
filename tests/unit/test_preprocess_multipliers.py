"""Setting multipliers from mobility and school closure, against the raw CSV values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from seirflow.errors import ConfigError
from seirflow.preprocess.multipliers import MobilityMapping, fill_mobility, setting_multipliers
from seirflow.sources.layout import SETTINGS
from seirflow.sources.mobility import mobility_region, read_mobility
from tests.unit.raw_files import MOBILITY, csv_rows

H, S, W, C = (SETTINGS.index(s) for s in ("household", "school", "work", "community"))


@pytest.fixture(scope="module")
def table():
    return read_mobility(MOBILITY)


def _csv(fips: int, date: str) -> dict[str, str]:
    y, m, d = (str(int(x)) for x in date.split("-"))
    return next(
        r
        for r in csv_rows(MOBILITY)
        if r["statefips"] == str(fips) and (r["year"], r["month"], r["day"]) == (y, m, d)
    )


def test_known_date_equals_one_plus_csv_value(table):
    dates = pd.date_range("2020-02-01", "2020-06-30")
    closure = pd.Timestamp("2020-03-18")
    out, _ = setting_multipliers(mobility_region(table, "36", MOBILITY), dates, closure)
    row = _csv(36, "2020-04-15")
    t = dates.get_loc(pd.Timestamp("2020-04-15"))
    assert out[t, W] == pytest.approx(1 + float(row["gps_workplaces"]), abs=1e-15)
    community = [
        row["gps_retail_and_recreation"],
        row["gps_transit_stations"],
        row["gps_grocery_and_pharmacy"],
    ]
    assert out[t, C] == pytest.approx(1 + sum(map(float, community)) / 3, abs=1e-15)
    assert out[t, H] == 1.0


def test_school_closure_baseline_and_residual(table):
    dates = pd.date_range("2020-01-15", "2020-12-31")
    closure = pd.Timestamp("2020-03-18")
    mobility = mobility_region(table, "36", MOBILITY)
    out, adjustments = setting_multipliers(mobility, dates, closure)
    assert (out[dates < closure, S] == 1).all()
    assert (out[dates >= closure, S] == 0).all()
    # Before the first mobility date (2020-02-24): baseline 1, recorded.
    assert (out[dates < pd.Timestamp("2020-02-24")][:, [W, C]] == 1).all()
    baseline = [a for a in adjustments if a.action == "baseline"]
    assert {a.stream for a in baseline} == {"multipliers.work", "multipliers.community"}
    assert (baseline[0].date, baseline[0].until) == ("2020-01-15", "2020-02-23")
    partial = MobilityMapping(school_closed_multiplier=0.25)
    out, _ = setting_multipliers(mobility, dates, closure, partial)
    assert (out[dates >= closure, S] == 0.25).all()
    out, _ = setting_multipliers(mobility, dates, None)
    assert (out[:, S] == 1).all()


def test_after_last_mobility_date_holds_last_value(table):
    mobility = mobility_region(table, "36", MOBILITY).loc[:"2020-05-31"]
    dates = pd.date_range("2020-05-25", "2020-06-10")
    out, adjustments = setting_multipliers(mobility, dates, None)
    last = 1 + mobility["gps_workplaces"].iloc[-1]
    assert (out[dates > pd.Timestamp("2020-05-31"), W] == last).all()
    assert any(a.action == "held_last" and a.date == "2020-06-01" for a in adjustments)


def test_missing_values_interpolated_linearly_and_recorded(table):
    ak = mobility_region(table, "02", MOBILITY)
    dates = pd.date_range("2020-08-01", "2020-09-30")
    mapping = MobilityMapping(community={"gps_transit_stations": 1.0})
    out, adjustments = setting_multipliers(ak, dates, None, mapping)
    before = float(_csv(2, "2020-08-16")["gps_transit_stations"])
    after = float(_csv(2, "2020-09-17")["gps_transit_stations"])
    # 2020-08-17 .. 2020-09-16 missing: 31 days; day k of the gap is k/32 of the way.
    t = dates.get_loc(pd.Timestamp("2020-08-27"))
    assert out[t, C] == pytest.approx(1 + before + (after - before) * 11 / 32, rel=1e-12)
    (fill,) = [a for a in adjustments if a.stream == "mobility.gps_transit_stations"]
    assert (fill.action, fill.date, fill.until) == ("interpolated", "2020-08-17", "2020-09-16")


def test_edge_gaps_hold_nearest():
    index = pd.date_range("2020-03-01", periods=6)
    series = pd.Series([np.nan, 0.1, 0.2, np.nan, 0.4, np.nan], index=index)
    filled, adjustments = fill_mobility(series, "mobility.x")
    assert filled.tolist() == pytest.approx([0.1, 0.1, 0.2, 0.3, 0.4, 0.4])
    assert [a.action for a in adjustments] == ["held_nearest", "interpolated", "held_nearest"]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"work": {"gps_offices": 1.0}}, "mobility_mapping.work"),
        ({"community": {"gps_parks": 0.0}}, "mobility_mapping.community.gps_parks"),
        ({"household": {"gps_residential": -1.0}}, "mobility_mapping.household.gps_residential"),
        ({"school_closed_multiplier": 1.5}, "mobility_mapping.school_closed_multiplier"),
    ],
)
def test_bad_mapping(kwargs, field):
    with pytest.raises(ConfigError) as info:
        MobilityMapping(**kwargs)
    assert info.value.field == field


def test_household_layer_can_follow_mobility(table):
    dates = pd.date_range("2020-04-01", "2020-04-30")
    mapping = MobilityMapping(household={"gps_residential": 1.0})
    out, _ = setting_multipliers(mobility_region(table, "36", MOBILITY), dates, None, mapping)
    row = _csv(36, "2020-04-10")
    assert out[9, H] == pytest.approx(1 + float(row["gps_residential"]), abs=1e-15)
