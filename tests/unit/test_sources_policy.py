"""Policy milestones: the audit of the flags, against the csv module, and bad inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from seirflow.regions import REGIONS, region
from seirflow.sources.policy import policy_dates, read_policy
from tests.unit.raw_files import POLICY, csv_rows, edited_copy, expect_data_error, replace_line

NO_STAY_AT_HOME = {"AR", "IA", "NE", "ND", "OK", "SD", "UT", "WY"}


@pytest.fixture(scope="module")
def table():
    return read_policy(POLICY)


@pytest.fixture(scope="module")
def dates(table):
    return {r.code: policy_dates(table, r.fips, POLICY) for r in REGIONS}


def _flagged(flag: str) -> dict[str, dict[str, str]]:
    return {f"{int(r['statefips']):02d}": r for r in csv_rows(POLICY) if r[flag] == "1"}


def test_washington_flag_rejected_and_school_row_found(dates):
    wa = dates["WA"].school_closure
    assert wa.source == "description"
    assert wa.date == pd.Timestamp("2020-03-12")
    assert "K-12 schools" in wa.description
    assert "indoor dining" in wa.rejected_flag


def test_nebraska_unflagged_school_closure_found(dates):
    ne = dates["NE"].school_closure
    assert (ne.source, ne.date) == ("description", pd.Timestamp("2020-04-05"))
    assert "in-person instruction" in ne.description
    assert ne.rejected_flag == ""


def test_other_school_closures_are_the_flagged_rows(dates):
    flagged = _flagged("schools_first_closed")
    for reg in REGIONS:
        if reg.code in ("WA", "NE"):
            continue
        got = dates[reg.code].school_closure
        row = flagged[reg.fips]
        assert got.source == "flag"
        assert got.date == pd.Timestamp(row["date"])
        assert got.description == row["policy_description"]


def test_stay_at_home(dates):
    flagged = _flagged("stayathome_first_start")
    for reg in REGIONS:
        got = dates[reg.code].stay_at_home
        if reg.code in NO_STAY_AT_HOME:
            assert (got.date, got.source) == (None, "none"), reg.code
            assert reg.fips not in flagged
        else:
            assert got.source == "flag"
            assert got.date == pd.Timestamp(flagged[reg.fips]["date"])
    # Pennsylvania: county orders first, the statewide order (the flag) on 2020-04-01.
    assert dates["PA"].stay_at_home.date == pd.Timestamp("2020-04-01")


def test_fallback_ignores_local_orders(table):
    # Without Georgia's flag, the Atlanta city order must not be taken as statewide; the
    # statewide "Georgia issued stay at home order" row is found instead.
    ga = table.copy()
    ga.loc[ga["fips"] == "13", "stayathome_first_start"] = 0
    got = policy_dates(ga, "13", POLICY).stay_at_home
    assert (got.source, got.date) == ("description", pd.Timestamp("2020-04-03"))


def test_unknown_region(table):
    expect_data_error(
        lambda: policy_dates(table, "72", POLICY), file=POLICY, field="statefips", value="72"
    )


def test_two_flagged_rows(tmp_path):
    path = edited_copy(POLICY, tmp_path, lambda t: replace_line(t, 2, lambda s: s[:-5] + "1,0,0"))
    table = read_policy(path)
    expect_data_error(
        lambda: policy_dates(table, region("AL").fips, path),
        file=path,
        field="schools_first_closed",
        value=2,
        match="2 rows flagged",
    )


BAD = [
    (
        "renamed column",
        lambda t: t.replace("policy_description", "description", 1),
        "policy_description",
        None,
        "missing column",
    ),
    (
        "flag not 0/1",
        lambda t: replace_line(t, 1, lambda s: s[:-5] + "2,0,0"),
        "schools_first_closed",
        "2",
        "not 0 or 1",
    ),
    (
        "bad date",
        lambda t: replace_line(t, 1, lambda s: s.replace("2020-03-19", "19/03/2020")),
        "date",
        "19/03/2020",
        "YYYY-MM-DD",
    ),
    ("empty", lambda t: "", None, None, "empty file"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, edit, field, value, fragment):
    path = edited_copy(POLICY, tmp_path, edit)
    expect_data_error(
        lambda: read_policy(path), file=path, field=field, value=value, match=fragment
    )
