"""The per-region input Dataset: layout, all regions, round trip, bad inputs, figure."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from seirflow.errors import ConfigError
from seirflow.plots import plot_region_inputs
from seirflow.preprocess import (
    MobilityMapping,
    adjustments_from_json,
    build_region_inputs,
    read_region_inputs,
    read_source_tables,
    write_region_inputs,
)
from seirflow.regions import REGIONS
from tests.unit.raw_files import (
    NYT,
    RAW,
    edited_copy,
    expect_data_error,
    linked_raw_dir,
    replace_file,
    replace_line,
)

START, END = "2020-02-01", "2021-06-30"


@pytest.fixture(scope="module")
def tables():
    return read_source_tables(RAW)


@pytest.fixture(scope="module")
def ny(tables):
    return build_region_inputs("NY", raw_dir=RAW, start=START, end=END, tables=tables)


def test_layout(ny):
    assert dict(ny.sizes) == {
        "age_group": 16,
        "age_contact": 16,
        "single_age": 86,
        "setting": 4,
        "date": 516,
    }
    assert ny["age_group"].values.tolist()[:2] == ["0-4", "5-9"]
    assert ny["age_contact"].values.tolist() == ny["age_group"].values.tolist()
    assert ny["age_lower"].dims == ("age_group",) and ny["age_lower"].dtype == np.int64
    assert ny["age_lower"].values.tolist() == list(range(0, 80, 5))
    assert ny["single_age"].values.tolist() == list(range(86))
    assert ny["setting"].values.tolist() == ["household", "school", "work", "community"]
    assert ny["contacts"].dims == ("setting", "age_group", "age_contact")
    assert ny["multipliers"].dims == ("date", "setting")
    for name in ("cases", "deaths", "hospital_census", "icu_census"):
        assert ny[name].dims == ("date",) and ny[name].dtype == np.float64
    assert ny.attrs["region"] == "NY" and ny.attrs["fips"] == "36"
    assert ny.attrs["name"] == "New York"
    assert ny.attrs["school_closure_date"] == "2020-03-18"
    assert ny.attrs["stay_at_home_date"] == "2020-03-22"
    assert ny["population"].sum() == ny["population_single_year"].sum() == 19_428_617


def test_source_hashes_match_files(ny):
    hashes = json.loads(ny.attrs["source_sha256"])
    assert len(hashes) == 9  # 5 national files + 4 Mistry matrices
    for relative, digest in hashes.items():
        assert hashlib.sha256((RAW / relative).read_bytes()).hexdigest() == digest


def test_observations_beyond_data_are_nan_and_recorded(ny):
    # CTP ends 2021-03-07: census NaN afterwards, recorded as missing.
    after = ny["hospital_census"].sel(date=slice("2021-03-08", None))
    assert after.isnull().all() and ny["hospital_census"].sel(date="2021-03-07").notnull()
    adjustments = adjustments_from_json(ny.attrs["adjustments"])
    assert any(a.stream == "hospital_census" and a.date == "2021-03-08" for a in adjustments)
    # Multipliers exist for every date; school 0 from the closure date on.
    assert np.isfinite(ny["multipliers"]).all()
    school = ny["multipliers"].sel(setting="school")
    assert (school.sel(date=slice(None, "2020-03-17")) == 1).all()
    assert (school.sel(date=slice("2020-03-18", None)) == 0).all()


def test_negative_revisions_recorded_and_sums_kept(ny):
    adjustments = adjustments_from_json(ny.attrs["adjustments"])
    deaths = [a for a in adjustments if a.stream == "deaths" and a.action == "offset_negative"]
    assert [a.date for a in deaths][:2] == ["2020-08-06", "2020-09-09"]
    assert deaths[0].original == -102
    assert float(ny["deaths"].min()) >= 0


def test_all_51_regions_build(tables):
    for reg in REGIONS:
        ds = build_region_inputs(reg.code, raw_dir=RAW, start=START, end=END, tables=tables)
        n = ds["population"].values
        flow = ds["contacts"].values * n[None, :, None]
        np.testing.assert_allclose(flow, flow.transpose(0, 2, 1), rtol=1e-12)
        assert (ds["cases"].sel(date=slice(None, "2021-06-30")) >= 0).all(), reg.code
        assert ds.attrs["school_closure_date"] != "", reg.code
        assert np.isfinite(ds["multipliers"]).all(), reg.code


def test_round_trip_and_atomic_write(tmp_path, ny):
    path = tmp_path / "out" / "inputs.nc"
    write_region_inputs(ny, path)
    back = read_region_inputs(path)
    assert back.identical(ny)
    assert sorted(p.name for p in path.parent.iterdir()) == ["inputs.nc"]


def test_failed_write_leaves_old_file(tmp_path, ny):
    path = tmp_path / "inputs.nc"
    write_region_inputs(ny, path)
    before = path.read_bytes()
    broken = ny.copy()
    broken.attrs["bad"] = {"nested": "dict"}  # not serialisable as a netCDF attribute
    with pytest.raises((TypeError, ValueError)):
        write_region_inputs(broken, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["inputs.nc"]


def test_options_change_the_output(tables):
    ds = build_region_inputs(
        "CA",
        raw_dir=RAW,
        start="2020-03-01",
        end="2020-04-30",
        tables=tables,
        age_edges=[0, 20, 65],
        mobility_mapping=MobilityMapping(school_closed_multiplier=0.3),
    )
    assert ds["age_group"].values.tolist() == ["0-19", "20-64", "65+"]
    assert ds["contacts"].shape == (4, 3, 3)
    assert (ds["multipliers"].sel(setting="school", date="2020-04-01") == 0.3).all()
    assert json.loads(ds.attrs["mobility_mapping"])["school_closed_multiplier"] == 0.3


def test_adjustments_limited_to_output_dates(tables):
    def fills(end):
        ds = build_region_inputs("AK", raw_dir=RAW, start="2020-03-01", end=end, tables=tables)
        return [
            a
            for a in adjustments_from_json(ds.attrs["adjustments"])
            if a.stream == "mobility.gps_transit_stations"
        ]

    assert fills("2020-07-31") == []
    (fill,) = fills("2020-08-20")
    assert (fill.action, fill.date, fill.until) == ("interpolated", "2020-08-17", "2020-09-16")


def test_plot_written_atomically(tmp_path, ny):
    path = tmp_path / "overview.png"
    plot_region_inputs(ny, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000
    assert [p.name for p in tmp_path.iterdir()] == ["overview.png"]


def test_bad_options():
    with pytest.raises(KeyError, match="unknown region"):
        build_region_inputs("PR", raw_dir=RAW, start=START, end=END)
    with pytest.raises(ConfigError, match="before start"):
        build_region_inputs("NY", raw_dir=RAW, start="2020-05-01", end="2020-04-01")
    with pytest.raises(ConfigError, match="age_edges"):
        build_region_inputs("NY", raw_dir=RAW, start=START, end=END, age_edges=[0, 90])


def test_broken_raw_file_is_named(tmp_path):
    raw = linked_raw_dir(tmp_path)
    broken = edited_copy(NYT, tmp_path, lambda t: replace_line(t, 9, lambda s: s + "0x"))
    replace_file(raw, "nyt/us-states.csv", broken)
    expect_data_error(
        lambda: build_region_inputs("NY", raw_dir=raw, start=START, end=END),
        file=raw / "nyt/us-states.csv",
        field="deaths",
        match="non-numeric",
    )


def test_region_absent_from_a_source(tmp_path):
    raw = linked_raw_dir(tmp_path)
    text = (RAW / "ctp/all-states-history.csv").read_text()
    kept = [line for line in text.splitlines() if ',"VT",' not in line]
    replace_file(raw, "ctp/all-states-history.csv", "\n".join(kept).encode())
    expect_data_error(
        lambda: build_region_inputs("VT", raw_dir=raw, start=START, end=END),
        file=raw / "ctp/all-states-history.csv",
        field="state",
        value="VT",
        match="not found",
    )


def test_dates_are_daily_and_cover_range(ny):
    dates = pd.DatetimeIndex(ny["date"].values)
    assert dates[0] == pd.Timestamp(START) and dates[-1] == pd.Timestamp(END)
    assert (np.diff(dates.values) == np.timedelta64(1, "D")).all()
