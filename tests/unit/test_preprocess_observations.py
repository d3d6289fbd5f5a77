"""Daily counts from cumulative series, negative revisions, census gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seirflow.errors import DataError
from seirflow.preprocess.observations import (
    census_series,
    daily_counts,
    offset_negative_counts,
    spread_spikes,
)
from seirflow.sources.ctp import ctp_region, read_ctp
from seirflow.sources.nyt import nyt_region, read_nyt
from tests.unit.raw_files import CTP, NYT, csv_rows


@pytest.fixture(scope="module")
def nyt():
    return read_nyt(NYT)


def _cumulative_csv(fips: str, column: str, date: str) -> int:
    rows = [r for r in csv_rows(NYT) if r["fips"] == fips and r["date"] <= date]
    return int(max(rows, key=lambda r: r["date"])[column])


@pytest.mark.parametrize("fips,column", [("36", "deaths"), ("25", "cases"), ("53", "deaths")])
def test_daily_counts_sum_to_cumulative_figure(nyt, fips, column):
    dates = pd.date_range("2020-01-01", "2020-12-31")
    daily, adjustments = daily_counts(nyt_region(nyt, fips, NYT)[column], dates, column)
    assert np.nansum(daily) == _cumulative_csv(fips, column, "2020-12-31")
    assert (daily >= 0).all() and (daily == np.round(daily)).all()
    negatives = [a for a in adjustments if a.action == "offset_negative"]
    for a in negatives:
        assert a.original < 0
        assert daily[dates.get_loc(pd.Timestamp(a.date))] == 0


def test_massachusetts_case_revision_recorded(nyt):
    dates = pd.date_range("2020-03-01", "2020-10-31")
    cum = nyt_region(nyt, "25", NYT)["cases"]
    daily, adjustments = daily_counts(cum, dates, "cases")
    (big,) = [a for a in adjustments if a.action == "offset_negative" and a.original < -1000]
    assert (big.date, big.original) == ("2020-09-02", -7757.0)
    # The revision is spread over history: August keeps most of its cases.
    raw = cum.diff().loc["2020-08-01":"2020-08-31"].sum()
    got = daily[(dates >= "2020-08-01") & (dates <= "2020-08-31")].sum()
    assert 0.9 * raw < got < raw


def test_before_first_report_zero_after_last_nan(nyt):
    dates = pd.date_range("2020-02-20", "2022-04-10")
    daily, adjustments = daily_counts(nyt_region(nyt, "36", NYT)["cases"], dates, "cases")
    assert (daily[dates < "2020-03-01"] == 0).all()
    assert daily[dates.get_loc(pd.Timestamp("2020-03-01"))] == 1  # first NY case
    assert np.isnan(daily[dates > "2022-03-21"]).all()
    actions = {a.action for a in adjustments}
    assert {"before_first_report", "no_data"} <= actions


def test_missing_day_is_nan_and_next_day_covers_gap():
    reported = pd.Series(
        [1, 3, 8, 10],
        index=pd.to_datetime(["2020-03-01", "2020-03-02", "2020-03-04", "2020-03-05"]),
    )
    dates = pd.date_range("2020-03-01", "2020-03-05")
    daily, adjustments = daily_counts(reported, dates, "cases")
    assert np.isnan(daily[2])
    assert daily[[0, 1, 3, 4]].tolist() == [1, 2, 5, 2]
    (gap,) = adjustments
    assert (gap.action, gap.date, gap.until) == ("gap", "2020-03-03", "")


def test_reports_after_window_do_not_change_it():
    reported = pd.Series([5, 10, 20, 2], index=pd.date_range("2020-03-01", periods=4))
    window = pd.date_range("2020-03-01", "2020-03-03")
    daily, adjustments = daily_counts(reported, window, "cases")
    assert daily.tolist() == [5, 5, 10]
    assert adjustments == []


def test_offset_example_and_error():
    out, negatives = offset_negative_counts(np.array([3.0, np.nan, 7.0, -4.0, 2.0, -2.0]))
    assert np.isnan(out[1])
    assert np.nansum(out) == 6 and (out[~np.isnan(out)] >= 0).all()
    assert negatives == [(3, -4.0), (5, -2.0)]
    with pytest.raises(DataError, match="exceeds"):
        offset_negative_counts(np.array([1.0, -2.0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=2, max_size=60), st.data())
def test_offset_invariants(cumulative, data):
    # Any non-negative cumulative series (with revisions) gives valid daily counts.
    daily = np.diff(np.array(cumulative, dtype=float), prepend=0.0)
    out, negatives = offset_negative_counts(daily)
    assert (out >= 0).all()
    assert (out == np.round(out)).all()
    assert out.sum() == cumulative[-1]
    assert len(negatives) == int((daily < 0).sum())
    for t in range(len(out)):  # totals agree at every day after the last revision before it
        if all(daily[t + 1 :] >= 0):
            assert out[: t + 1].sum() == cumulative[t]
    if not (daily < 0).any():
        np.testing.assert_array_equal(out, daily)


@pytest.mark.parametrize("last", ["2020-06-25", "2020-12-31"])
def test_new_jersey_probable_deaths_spread_back_whatever_the_window_end(nyt, last):
    # 25 June 2020: New Jersey added 1,854 probable deaths in one day.
    dates = pd.date_range("2020-03-01", last)
    cum = nyt_region(nyt, "34", NYT)["deaths"]
    daily, adjustments = daily_counts(cum, dates, "deaths")
    (spike,) = [a for a in adjustments if a.action == "spread_spike"]
    assert spike.date == "2020-06-25" and spike.original > 1800
    day = dates.get_loc(pd.Timestamp("2020-06-25"))
    neighbours = cum.diff().loc["2020-06-11":"2020-06-24"].mean()
    assert abs(daily[day] - neighbours) < 0.2 * neighbours
    assert np.nansum(daily) == _cumulative_csv("34", "deaths", last)
    # The excess went to the spring, where those deaths happened.
    april = (dates >= "2020-04-01") & (dates <= "2020-04-30")
    assert daily[april].sum() > cum.diff().loc["2020-04-01":"2020-04-30"].sum() + 500


def test_an_epidemic_wave_is_not_a_spike():
    # Doubling every 2.5 days from 5 to ~20,000 a day, then a plateau and a fall.
    grow = np.round(5 * 2.0 ** (np.arange(30) / 2.5))
    daily = np.concatenate([grow, np.full(20, grow[-1]), np.round(grow[::-1] * 0.9)])
    for floor in (1000.0, 50.0):
        out, moved = spread_spikes(daily, floor)
        assert moved == [] and np.array_equal(out, daily)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=2, max_size=60), st.integers(0, 59), st.data())
def test_spread_spike_invariants(counts, at, data):
    daily = np.array(counts, dtype=float)
    at = min(at, len(daily) - 1)
    daily[at] += data.draw(st.integers(0, 20000))
    out, moved = spread_spikes(daily, 50.0)
    assert out.sum() == daily.sum()
    assert (out >= 0).all() and (out == np.round(out)).all()
    for t, original in moved:
        assert original == daily[t] and out[t] < original and daily[:t].sum() > 0


def test_census_series_missing_never_zero():
    ctp = ctp_region(read_ctp(CTP), "AK", CTP)
    dates = pd.date_range("2020-03-01", "2021-03-31")
    icu, adjustments = census_series(ctp["inIcuCurrently"], dates, "icu_census")
    assert np.isnan(icu).all()
    hosp, adjustments = census_series(ctp["hospitalizedCurrently"], dates, "hospital_census")
    rows = {r["date"]: r["hospitalizedCurrently"] for r in csv_rows(CTP) if r["state"] == "AK"}
    for t, day in enumerate(dates):
        value = rows.get(f"{day.date()}", "")
        if value == "":
            assert np.isnan(hosp[t])
        else:
            assert hosp[t] == float(value)
    # Every NaN day is inside a recorded 'missing' run, and the last run reaches past CTP's end.
    covered = np.zeros(len(dates), bool)
    for a in adjustments:
        covered |= (dates >= a.date) & (dates <= (a.until or a.date))
    np.testing.assert_array_equal(covered, np.isnan(hosp))
    assert "after the source's last date 2021-03-07" in adjustments[-1].detail
