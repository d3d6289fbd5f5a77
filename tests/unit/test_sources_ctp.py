"""COVID Tracking Project reader: real snapshot against the csv module, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from seirflow.regions import REGIONS
from seirflow.sources.ctp import CTP_CENSUS_COLUMNS, ctp_region, read_ctp
from tests.unit.raw_files import CTP, csv_rows, edited_copy, expect_data_error, replace_line


@pytest.fixture(scope="module")
def table():
    return read_ctp(CTP)


@pytest.mark.parametrize("column", CTP_CENSUS_COLUMNS)
def test_values_and_missing_match_the_csv_module(table, column):
    rows = csv_rows(CTP)
    expected = [math.nan if r[column] == "" else float(r[column]) for r in rows]
    np.testing.assert_array_equal(table[column].to_numpy(), np.array(expected))
    # Unreported stays missing: as many NaN as empty fields, and no zero invented.
    assert table[column].isna().sum() == sum(r[column] == "" for r in rows)
    assert (table[column] == 0).sum() == sum(r[column] == "0" for r in rows)


def test_regions(table):
    for reg in REGIONS:
        assert not ctp_region(table, reg.code, CTP).empty
    # Alaska never reports ICU census: all missing, never zero.
    assert ctp_region(table, "AK", CTP)["inIcuCurrently"].isna().all()
    ny = ctp_region(table, "NY", CTP)
    row = next(r for r in csv_rows(CTP) if r["state"] == "NY" and r["date"] == "2020-04-13")
    assert ny.loc[pd.Timestamp("2020-04-13"), "hospitalizedCurrently"] == float(
        row["hospitalizedCurrently"]
    )


def test_unknown_region(table):
    expect_data_error(lambda: ctp_region(table, "XX", CTP), file=CTP, field="state", value="XX")


def _set_field(line: str, index: int, value: str) -> str:
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


# Column positions in the file: 8 = hospitalizedCurrently, 11 = inIcuCurrently.
BAD = [
    (
        "renamed column",
        lambda t: t.replace('"inIcuCurrently"', '"inICUCurrently"', 1),
        "inIcuCurrently",
        None,
        "missing column",
    ),
    (
        "negative",
        lambda t: replace_line(t, 3, lambda s: _set_field(s, 8, "-5")),
        "hospitalizedCurrently",
        "-5",
        "below the minimum",
    ),
    (
        "non-numeric",
        lambda t: replace_line(t, 3, lambda s: _set_field(s, 11, "n/a")),
        "inIcuCurrently",
        "n/a",
        "non-numeric",
    ),
    (
        "bad date",
        lambda t: replace_line(t, 2, lambda s: _set_field(s, 0, '"2021-02-30"')),
        "date",
        "2021-02-30",
        "YYYY-MM-DD",
    ),
    ("truncated", lambda t: t[:-40], "last line", None, "truncated"),
    (
        "duplicated date",
        lambda t: t + "\n" + t.splitlines()[1],
        "state, date",
        "state=AK, date=2021-03-07",
        "duplicated",
    ),
    ("empty", lambda t: "", None, None, "empty file"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, edit, field, value, fragment):
    path = edited_copy(CTP, tmp_path, edit)
    expect_data_error(lambda: read_ctp(path), file=path, field=field, value=value, match=fragment)
