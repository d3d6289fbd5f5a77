"""Hub rows, validation of broken tables (nothing written), parquet and CSV round trip."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from seirflow.config.scenarios import HUB_QUANTILES
from seirflow.postprocess.validate import WEEKLY_COLUMNS, WeeklyTableError, validate_weekly
from seirflow.postprocess.weekly import TARGETS, weekly_targets
from seirflow.postprocess.weekly_table import read_weekly, sort_weekly, weekly_rows, write_weekly
from tests.unit.synthetic_trajectories import trajectories_dataset

ORIGIN = dt.date(2020, 7, 16)
LEVELS = list(HUB_QUANTILES)


def table(weeks: int = 3, locations=("NY", "WA"), scenario="baseline", seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for code in locations:
        ds = trajectories_dataset(code, scenario, rng, days=7 * weeks, draws=60)
        fips = ds.attrs["fips"]
        weekly = weekly_targets(ds, origin=ORIGIN, weeks=weeks)
        frames.append(
            weekly_rows(weekly, origin_date=ORIGIN, scenario=scenario, location=fips, levels=LEVELS)
        )
    return sort_weekly(pd.concat(frames, ignore_index=True))


def test_rows_layout_fips_horizons_and_values():
    rng = np.random.default_rng(1)
    ds = trajectories_dataset("NY", "baseline", rng, days=21, draws=60)
    weekly = weekly_targets(ds, origin=ORIGIN, weeks=3)
    rows = weekly_rows(
        weekly, origin_date=ORIGIN, scenario="baseline", location="36", levels=LEVELS
    )
    assert list(rows.columns) == list(WEEKLY_COLUMNS)
    assert len(rows) == len(TARGETS) * 3 * (2 + len(LEVELS))
    assert set(rows["location"]) == {"36"}
    assert sorted(set(rows["horizon"])) == [1, 2, 3]
    assert set(rows["target"]) == set(TARGETS)
    assert rows.loc[rows["output_type"] != "quantile", "output_type_id"].isna().all()
    # Spot check one task against numpy on the weekly draws.
    task = rows[(rows["target"] == "inc hosp") & (rows["horizon"] == 2)]
    draws = weekly.sel(target="inc hosp", horizon=2).values
    by_type = task.set_index(["output_type", "output_type_id"], drop=True)["value"]
    assert task[task["output_type"] == "mean"]["value"].item() == pytest.approx(draws.mean())
    assert task[task["output_type"] == "median"]["value"].item() == pytest.approx(np.median(draws))
    q = task[task["output_type"] == "quantile"]
    np.testing.assert_allclose(q["value"], np.quantile(draws, LEVELS))
    np.testing.assert_array_equal(q["output_type_id"], LEVELS)
    assert len(by_type) == 2 + len(LEVELS)
    validate_weekly(rows, levels=LEVELS, horizons=3, targets=TARGETS, origin_date=ORIGIN)


def test_parquet_and_csv_round_trip_equal(tmp_path):
    df = table()
    write_weekly(df, levels=LEVELS, parquet=tmp_path / "h.parquet", csv=tmp_path / "h.csv")
    from_parquet = read_weekly(tmp_path / "h.parquet")
    from_csv = read_weekly(tmp_path / "h.csv")
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    pd.testing.assert_frame_equal(from_parquet, df, check_dtype=False)
    # Leading zeros survive; missing ids are nulls in parquet and NA in the CSV.
    assert set(from_csv["location"]) == {"36", "53"}
    schema = pq.read_schema(tmp_path / "h.parquet")
    assert str(schema.field("origin_date").type) == "date32[day]"
    assert pq.read_table(tmp_path / "h.parquet")["output_type_id"].null_count == (
        (df["output_type"] != "quantile").sum()
    )
    text = (tmp_path / "h.csv").read_text().splitlines()
    assert text[0] == ",".join(WEEKLY_COLUMNS)
    assert any(line.startswith("2020-07-16,baseline,36,") and ",mean,NA," in line for line in text)


def write_broken(df, tmp_path, **expect):
    parquet, csv = tmp_path / "out.parquet", tmp_path / "out.csv"
    with pytest.raises(WeeklyTableError) as err:
        write_weekly(df, levels=LEVELS, parquet=parquet, csv=csv, **expect)
    assert not parquet.exists() and not csv.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind either
    return err.value


def test_non_monotone_quantiles_are_rejected_naming_the_task(tmp_path):
    df = table()
    i = df.index[
        (df["location"] == "53")
        & (df["target"] == "inc death")
        & (df["horizon"] == 2)
        & (df["output_type_id"] == 0.9)
    ][0]
    df.loc[i, "value"] = df.loc[i - 1, "value"] - 1.0
    err = write_broken(df, tmp_path)
    assert "quantiles decrease" in str(err)
    assert "location=53, target=inc death, horizon=2" in str(err)
    assert err.task[2:] == ("53", "inc death", 2)


def test_duplicate_rows_are_rejected(tmp_path):
    df = table()
    dup = pd.concat([df, df.iloc[[5]]], ignore_index=True)
    err = write_broken(dup, tmp_path)
    assert "duplicate" in str(err)
    assert err.task == tuple(
        df.iloc[5][["origin_date", "scenario_id", "location", "target", "horizon"]]
    )


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("quantile_level", "lacks quantile 0.975"),
        ("mean", "lacks mean NA"),
        ("whole_task", "lacks mean NA"),
    ],
)
def test_missing_rows_are_rejected(tmp_path, drop, message):
    df = table()
    task = (df["location"] == "36") & (df["target"] == "icu occupancy") & (df["horizon"] == 3)
    gone = {
        "quantile_level": task & (df["output_type_id"] == 0.975),
        "mean": task & (df["output_type"] == "mean"),
        "whole_task": task,
    }[drop]
    err = write_broken(df[~gone].reset_index(drop=True), tmp_path)
    assert "incomplete" in str(err) and message in str(err)
    assert err.task[2:] == ("36", "icu occupancy", 3)


def test_missing_horizon_or_target_everywhere_is_caught_by_expectations(tmp_path):
    df = table(weeks=3)
    last_week_gone = df[df["horizon"] < 3].reset_index(drop=True)
    validate_weekly(last_week_gone, levels=LEVELS)  # consistent on its own...
    err = write_broken(last_week_gone, tmp_path, horizons=3)
    assert "horizons should be 1..3" in str(err)
    no_icu = df[df["target"] != "icu occupancy"].reset_index(drop=True)
    err = write_broken(no_icu, tmp_path, targets=TARGETS)
    assert "target=icu occupancy" in str(err)


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("value", np.nan, "column 'value' is missing"),
        ("value", -1.0, "not a finite count"),
        ("output_type", "sample", "not one of"),
        ("output_type_id", 0.33, "should be one of"),
        ("location", None, "column 'location' is missing"),
    ],
)
def test_bad_values_are_rejected(tmp_path, column, bad, message):
    df = table()
    df[column] = df[column].astype(object)
    df.loc[7, column] = bad
    err = write_broken(df, tmp_path)
    assert message in str(err)


def test_point_estimates_must_not_have_an_id(tmp_path):
    df = table()
    df.loc[df.index[df["output_type"] == "median"][0], "output_type_id"] = 0.5
    assert "should be NA" in str(write_broken(df, tmp_path))


def test_wrong_columns_or_origin_date_are_rejected(tmp_path):
    df = table()
    assert "hub columns" in str(write_broken(df.drop(columns="horizon"), tmp_path))
    err = write_broken(df, tmp_path, origin_date=dt.date(2020, 8, 1))
    assert "origin_date 2020-07-16 differs" in str(err)


def test_failure_leaves_an_existing_file_untouched(tmp_path):
    good = table()
    write_weekly(good, levels=LEVELS, parquet=tmp_path / "out.parquet")
    before = (tmp_path / "out.parquet").read_bytes()
    with pytest.raises(WeeklyTableError):
        write_weekly(good.iloc[1:], levels=LEVELS, parquet=tmp_path / "out.parquet")
    assert (tmp_path / "out.parquet").read_bytes() == before
