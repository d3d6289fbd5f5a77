"""Weekly truth on tiny hand-made raw tables: revisions stay in their week, gaps stay gaps."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from seirflow.evaluation import TruthTables, weekly_truth, weekly_values
from seirflow.sources.layout import RawPaths

ORIGIN = dt.date(2020, 6, 1)  # week 1 = 1-7 June, week 0 = 25-31 May, week -1 = 18-24 May


def _days(first: str, n: int) -> pd.DatetimeIndex:
    return pd.date_range(first, periods=n, freq="D")


@pytest.fixture
def tables(tmp_path):
    days = _days("2020-05-20", 19)  # 20 May .. 7 June
    # NY (FIPS 36) cumulative cases: +10 a day, with a downward revision of -30 on 3 June.
    daily_cases = np.full(days.size, 10)
    daily_cases[days.get_loc(pd.Timestamp("2020-06-03"))] = -30
    cases = 100 + np.cumsum(daily_cases)
    nyt = pd.DataFrame(
        {"date": days, "fips": "36", "cases": cases, "deaths": np.arange(days.size) * 2}
    )
    census = np.arange(days.size, dtype=float) + 50
    admissions = np.full(days.size, 3.0)
    admissions[days.get_loc(pd.Timestamp("2020-05-27"))] = np.nan  # one day not reported
    ctp = pd.DataFrame(  # the columns of `read_ctp`
        {
            "date": days,
            "state": "NY",
            "hospitalizedCurrently": census,
            "inIcuCurrently": np.nan,
            "totalTestResultsIncrease": np.nan,
        }
    )
    adm = pd.DataFrame({"date": days, "state": "NY", "hospitalizedIncrease": admissions})
    return TruthTables(raw=RawPaths(tmp_path), nyt=nyt, ctp=ctp, admissions=adm)


def test_incident_cases_keep_the_revision_in_its_week(tables):
    # Week 1 (1-7 June): six days of +10 and one of -30 -> 30; week 0: 7 x 10 = 70.
    out = weekly_values(tables, "NY", "inc case", ORIGIN, [0, 1])
    assert out.tolist() == [70.0, 30.0]


def test_incident_deaths_before_first_report_count_from_zero(tables):
    # Week -1 (18-24 May): the series starts 20 May at 0 (cumulative 0..8 by 24 May);
    # the day before the week (17 May) has no row and counts as 0 cumulative.
    out = weekly_values(tables, "NY", "inc death", ORIGIN, [-1, 0])
    assert out.tolist() == [8.0, 14.0]


def test_week_after_the_last_row_is_missing(tables):
    assert np.isnan(weekly_values(tables, "NY", "inc case", ORIGIN, [2])).all()


def test_occupancy_is_the_census_on_the_weeks_last_day(tables):
    # 31 May is day 11 after 20 May: census 61; 7 June: 68.
    assert weekly_values(tables, "NY", "hosp occupancy", ORIGIN, [0, 1]).tolist() == [61, 68]


def test_admissions_need_all_seven_days(tables):
    out = weekly_values(tables, "NY", "inc hosp", ORIGIN, [0, 1])
    assert np.isnan(out[0]) and out[1] == 21.0


def test_state_that_never_reports_admissions_has_no_truth(tables):
    zero = tables.admissions.assign(hospitalizedIncrease=0.0)
    t = TruthTables(raw=tables.raw, nyt=tables.nyt, ctp=tables.ctp, admissions=zero)
    assert np.isnan(weekly_values(t, "NY", "inc hosp", ORIGIN, [1])).all()


def test_weekly_truth_is_tidy_and_drops_missing_weeks(tables):
    table = weekly_truth(tables, ["NY"], [ORIGIN], ["inc case", "inc hosp"], [0, 1, 2])
    assert list(table.columns) == [
        "origin", "region", "target", "week", "week_start", "week_end", "value"
    ]  # fmt: skip
    rows = {(r.target, r.week): r.value for r in table.itertuples()}
    assert rows == {("inc case", 0): 70.0, ("inc case", 1): 30.0, ("inc hosp", 1): 21.0}
    first = table.iloc[0]
    assert first["week_start"] == pd.Timestamp("2020-05-25")
    assert first["week_end"] == pd.Timestamp("2020-05-31")
