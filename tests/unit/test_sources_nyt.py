"""NYT reader: real snapshot against the csv module, and every kind of bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from seirflow.regions import REGIONS
from seirflow.sources.nyt import nyt_region, read_nyt
from tests.unit.raw_files import NYT, csv_rows, edited_copy, expect_data_error, replace_line


@pytest.fixture(scope="module")
def table():
    return read_nyt(NYT)


def test_every_row_and_value_matches_the_csv_module(table):
    rows = csv_rows(NYT)
    assert len(table) == len(rows)
    assert table["cases"].tolist() == [int(r["cases"]) for r in rows]
    assert table["deaths"].tolist() == [int(r["deaths"]) for r in rows]
    assert [f"{d.date()}" for d in table["date"]] == [r["date"] for r in rows]


def test_all_regions_present_and_series_sorted(table):
    for reg in REGIONS:
        series = nyt_region(table, reg.fips, NYT)
        assert series.index.is_monotonic_increasing
        assert series.index.is_unique
    ny = nyt_region(table, "36", NYT)
    rows = [r for r in csv_rows(NYT) if r["fips"] == "36" and r["date"] == "2020-12-31"]
    assert ny.loc[pd.Timestamp("2020-12-31"), "deaths"] == int(rows[0]["deaths"])


def test_unknown_region(table):
    expect_data_error(lambda: nyt_region(table, "99", NYT), file=NYT, field="fips", value="99")


# (description, edit of the file text, field, value, message fragment)
BAD = [
    (
        "renamed column",
        lambda t: t.replace("date,state,fips,cases,deaths", "date,state,fips,case,deaths", 1),
        "cases",
        None,
        "missing column",
    ),
    (
        "non-numeric",
        lambda t: replace_line(t, 5, lambda s: s.rsplit(",", 2)[0] + ",abc,0"),
        "cases",
        "abc",
        "non-numeric",
    ),
    (
        "negative",
        lambda t: replace_line(t, 7, lambda s: s.rsplit(",", 1)[0] + ",-3"),
        "deaths",
        "-3",
        "below the minimum",
    ),
    (
        "fraction",
        lambda t: replace_line(t, 7, lambda s: s.rsplit(",", 1)[0] + ",1.5"),
        "deaths",
        "1.5",
        "whole number",
    ),
    (
        "bad date",
        lambda t: replace_line(t, 3, lambda s: "2020-13-01" + s[10:]),
        "date",
        "2020-13-01",
        "not a YYYY-MM-DD",
    ),
    (
        "date too early",
        lambda t: replace_line(t, 3, lambda s: "2019-12-31" + s[10:]),
        "date",
        "2019-12-31",
        "out of range",
    ),
    (
        "date in the future",
        lambda t: replace_line(t, 3, lambda s: "2099-01-01" + s[10:]),
        "date",
        "2099-01-01",
        "out of range",
    ),
    (
        "bad fips",
        lambda t: replace_line(t, 3, lambda s: s.replace(",53,", ",5x,")),
        "fips",
        "5x",
        "FIPS",
    ),
    ("truncated", lambda t: t[: len(t) - 12], "last line", None, "truncated"),
    (
        "duplicated date",
        lambda t: t + "\n" + t.splitlines()[2],
        "fips, date",
        "fips=53, date=2020-01-22",
        "duplicated",
    ),
    ("header only", lambda t: t.splitlines()[0] + "\n", None, None, "no data rows"),
    ("empty", lambda t: "", None, None, "empty file"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_raises_data_error_naming_file_field_value(
    tmp_path, edit, field, value, fragment
):
    path = edited_copy(NYT, tmp_path, edit)
    expect_data_error(lambda: read_nyt(path), file=path, field=field, value=value, match=fragment)


def test_missing_file(tmp_path):
    path = tmp_path / "absent.csv"
    expect_data_error(lambda: read_nyt(path), file=path, match="file not found")
