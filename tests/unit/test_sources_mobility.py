"""Opportunity Insights mobility reader: real snapshot against the csv module, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from seirflow.regions import REGIONS
from seirflow.sources.mobility import GPS_COLUMNS, mobility_region, read_mobility
from tests.unit.raw_files import MOBILITY, csv_rows, edited_copy, expect_data_error, replace_line


@pytest.fixture(scope="module")
def table():
    return read_mobility(MOBILITY)


def test_values_and_missing_marks_match_csv_module(table):
    rows = csv_rows(MOBILITY)
    assert len(table) == len(rows)
    for column in GPS_COLUMNS:
        expected = [math.nan if r[column] == "." else float(r[column]) for r in rows]
        np.testing.assert_array_equal(table[column].to_numpy(), np.array(expected))
    first = rows[0]
    assert table["date"].iloc[0] == pd.Timestamp(
        int(first["year"]), int(first["month"]), int(first["day"])
    )


def test_region_series_is_daily_and_complete(table):
    for reg in REGIONS:
        series = mobility_region(table, reg.fips, MOBILITY)
        assert (np.diff(series.index.to_numpy()) == np.timedelta64(1, "D")).all()
        assert series["gps_workplaces"].notna().all()
    # Alaska's transit column has a run of '.' in Aug-Sep 2020: kept as NaN here.
    ak = mobility_region(table, "02", MOBILITY)
    assert ak.loc["2020-08-17":"2020-09-16", "gps_transit_stations"].isna().all()


def test_unknown_region(table):
    expect_data_error(
        lambda: mobility_region(table, "72", MOBILITY), file=MOBILITY, field="statefips", value="72"
    )


def test_unknown_column():
    expect_data_error(
        lambda: read_mobility(MOBILITY, ["gps_offices"]), file=MOBILITY, field="gps_offices"
    )


def _set(line: str, index: int, value: str) -> str:
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


# Columns: year,month,day,statefips,retail,grocery,parks,transit,workplaces,residential,away
BAD = [
    (
        "renamed column",
        lambda t: t.replace("gps_workplaces", "gps_work", 1),
        "gps_workplaces",
        None,
        "missing column",
    ),
    (
        "non-numeric",
        lambda t: replace_line(t, 2, lambda s: _set(s, 8, "high")),
        "gps_workplaces",
        "high",
        "non-numeric",
    ),
    (
        "below -100 %",
        lambda t: replace_line(t, 2, lambda s: _set(s, 4, "-1.5")),
        "gps_retail_and_recreation",
        "-1.5",
        "below the minimum",
    ),
    (
        "invalid date",
        lambda t: replace_line(t, 2, lambda s: _set(s, 1, "13")),
        "year, month, day",
        "2020-13-24",
        "invalid date",
    ),
    (
        "date out of range",
        lambda t: replace_line(t, 2, lambda s: _set(s, 0, "2019")),
        "year, month, day",
        "2019-02-24",
        "out of range",
    ),
    (
        "duplicated date",
        lambda t: t.rstrip("\n") + "\n" + t.splitlines()[1],
        "fips, date",
        "fips=01, date=2020-02-24",
        "duplicated",
    ),
    ("truncated", lambda t: t.rstrip("\n")[:-25], "last line", None, "truncated"),
    ("empty", lambda t: "", None, None, "empty file"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, edit, field, value, fragment):
    path = edited_copy(MOBILITY, tmp_path, edit)
    expect_data_error(
        lambda: read_mobility(path), file=path, field=field, value=value, match=fragment
    )
