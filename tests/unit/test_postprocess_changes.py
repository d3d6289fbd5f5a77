"""Run-to-run check: a doubled median is flagged, a 10% move is not; history handling."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest

from seirflow.postprocess.changes import (
    CHANGE_COLUMNS,
    archive_weekly,
    compare_runs,
    history_name,
    newest_history,
)

ORIGIN = dt.date(2020, 7, 16)


def medians(values: dict[tuple[str, str, str], float], horizons=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """A hub table with only median rows; horizon h has value * h (so only h=4 matters)."""
    rows = [
        {
            "origin_date": ORIGIN,
            "scenario_id": s,
            "location": loc,
            "target": t,
            "horizon": h,
            "output_type": "median",
            "output_type_id": np.nan,
            "value": v * h,
        }
        for (s, loc, t), v in values.items()
        for h in horizons
    ]
    return pd.DataFrame(rows)


BEFORE = {
    ("baseline", "36", "hosp occupancy"): 100.0,
    ("baseline", "53", "hosp occupancy"): 100.0,
    ("baseline", "06", "hosp occupancy"): 100.0,
    ("baseline", "US", "inc death"): 0.0,
    ("closed", "36", "inc hosp"): 40.0,
}


def test_doubled_median_is_flagged_ten_percent_is_not(caplog):
    after = dict(BEFORE)
    after[("baseline", "36", "hosp occupancy")] = 200.0  # doubled
    after[("baseline", "53", "hosp occupancy")] = 110.0  # +10%
    after[("baseline", "06", "hosp occupancy")] = 45.0  # more than halved
    with caplog.at_level(logging.WARNING, logger="seirflow.postprocess.changes"):
        table = compare_runs(medians(after), medians(BEFORE), factor=2.0, previous_run="r1")
    assert list(table.columns) == list(CHANGE_COLUMNS)
    flagged = table.set_index(["scenario_id", "location", "target"])["flagged"]
    assert flagged[("baseline", "36", "hosp occupancy")]
    assert not flagged[("baseline", "53", "hosp occupancy")]
    assert flagged[("baseline", "06", "hosp occupancy")]
    assert not flagged[("closed", "36", "inc hosp")]
    assert flagged.sum() == 2
    row = table[table["location"] == "36"].iloc[0]
    assert row["horizon"] == 4
    assert row["previous_median"] == 400.0 and row["median"] == 800.0
    assert row["ratio"] == pytest.approx(2.0)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert any("baseline" in w and "36" in w and "hosp occupancy" in w for w in warnings)


def test_zero_medians_use_the_floor():
    after = dict(BEFORE)
    after[("baseline", "US", "inc death")] = 0.2  # 0 -> 0.8 at horizon 4: both below floor 1
    table = compare_runs(medians(after), medians(BEFORE), factor=2.0)
    row = table[table["location"] == "US"].iloc[0]
    assert row["ratio"] == 1.0 and not row["flagged"]
    after[("baseline", "US", "inc death")] = 5.0  # 0 -> 20: a real change
    table = compare_runs(medians(after), medians(BEFORE), factor=2.0)
    row = table[table["location"] == "US"].iloc[0]
    assert row["ratio"] == 20.0 and row["flagged"]
    assert np.isfinite(table["ratio"]).all()


def test_no_history_compares_nothing_and_flags_nothing():
    table = compare_runs(medians(BEFORE), None, factor=2.0)
    assert len(table) == len(BEFORE)
    assert not table["flagged"].any()
    assert table["previous_median"].isna().all() and table["ratio"].isna().all()
    assert (table["median"] > 0).sum() == 4


def test_tasks_in_only_one_run_are_listed_unflagged():
    after = {k: v for k, v in BEFORE.items() if k[0] == "baseline"}
    after[("new", "36", "inc hosp")] = 1000.0
    table = compare_runs(medians(after), medians(BEFORE), factor=2.0)
    assert len(table) == len(BEFORE) + 1
    only_one = table["median"].isna() | table["previous_median"].isna()
    assert only_one.sum() == 2 and not table.loc[only_one, "flagged"].any()


def test_short_runs_compare_their_last_horizon():
    table = compare_runs(medians(BEFORE, (1, 2)), medians(BEFORE, (1, 2)), factor=2.0)
    assert (table["horizon"] == 2).all() and (table["ratio"].dropna() == 1.0).all()


def test_history_names_sort_in_time_and_newest_is_found(tmp_path):
    assert newest_history(tmp_path / "absent") is None
    assert newest_history(tmp_path) is None
    hub = tmp_path / "hub.parquet"
    hub.write_bytes(b"run")
    history = tmp_path / "history"
    t0 = dt.datetime(2020, 7, 16, 9, 0, tzinfo=dt.UTC)
    first = archive_weekly(hub, history, now=t0)
    second = archive_weekly(hub, history, now=t0 + dt.timedelta(days=1, microseconds=1))
    (history / "notes.parquet").write_bytes(b"ignored")
    assert newest_history(history) == second != first
    assert second.read_bytes() == b"run"
    assert history_name(t0) < history_name(t0 + dt.timedelta(microseconds=1))
    with pytest.raises(FileExistsError):
        archive_weekly(hub, history, now=t0)
    with pytest.raises(ValueError, match="timezone"):
        history_name(dt.datetime(2020, 1, 1))
