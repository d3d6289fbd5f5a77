"""Reading trajectories files: accepted layouts and clear errors for broken ones."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.errors import DataError
from seirflow.postprocess.load import (
    AGE_OUTCOMES,
    INDICATORS,
    OUTCOMES,
    by_age,
    read_indicators,
    read_trajectories,
)
from tests.unit.synthetic_trajectories import trajectories_dataset, write_trajectories


@pytest.fixture
def ds():
    return trajectories_dataset("NY", "baseline", np.random.default_rng(2), days=14, draws=5)


def test_reads_a_good_file_and_normalises_dim_order(tmp_path, ds):
    transposed = ds.transpose("date", "age_group", "draw", ...)
    transposed["extra"] = transposed["deaths"] * 2
    path = write_trajectories(tmp_path / "t.nc", transposed)
    out = read_trajectories(path, scenario="baseline")
    by_age_names = [by_age(o) for o in AGE_OUTCOMES]
    assert list(out.data_vars) == [*OUTCOMES, *by_age_names]
    assert all(out[v].dims == ("draw", "date") for v in OUTCOMES)
    assert all(out[v].dims == ("draw", "date", "age_group") for v in by_age_names)
    np.testing.assert_array_equal(out["deaths_by_age"].values, ds["deaths_by_age"].values)
    np.testing.assert_array_equal(out["deaths"].values, ds["deaths"].values)
    assert out.attrs == {"region": "NY", "fips": "36", "scenario": "baseline", "source": str(path)}


def test_indicators_come_from_the_fit_start_as_draw_by_date(tmp_path, ds):
    path = write_trajectories(tmp_path / "t.nc", ds.transpose("rt_date", ...))
    out = read_indicators(path, scenario="baseline")
    assert list(out.data_vars) == list(INDICATORS)
    assert all(out[v].dims == ("draw", "date") for v in INDICATORS)
    np.testing.assert_array_equal(out["date"].values, ds["rt_date"].values)
    np.testing.assert_array_equal(out["rt"].values, ds["rt"].values)
    bad = write_trajectories(tmp_path / "old.nc", ds.drop_vars("rt"))
    with pytest.raises(DataError, match="variable 'rt' is missing"):
        read_indicators(bad)


def test_round_off_negatives_become_zero(tmp_path, ds):
    ds["icu_census"][0, 0] = -1e-9
    out = read_trajectories(write_trajectories(tmp_path / "t.nc", ds))
    assert out["icu_census"].values[0, 0] == 0.0


def broken(tmp_path, ds, **kwargs):
    path = write_trajectories(tmp_path / "bad.nc", ds)
    with pytest.raises(DataError) as err:
        read_trajectories(path, **kwargs)
    assert str(path) in str(err.value) and err.value.file == str(path)
    return err.value


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="missing"):
        read_trajectories(tmp_path / "nope.nc")


def test_missing_variable(tmp_path, ds):
    err = broken(tmp_path, ds.drop_vars("icu_census"))
    assert err.field == "icu_census" and "is missing" in str(err)


def test_wrong_dims(tmp_path, ds):
    bad = ds.assign(deaths=ds["deaths"].isel(date=0))
    assert "dims ('draw',)" in str(broken(tmp_path, bad))


@pytest.mark.parametrize(
    ("attrs", "field"),
    [
        ({"fips": "53"}, "fips"),
        ({"region": "XX"}, "region"),
        ({"scenario": "other"}, "scenario"),
    ],
)
def test_attributes_are_checked(tmp_path, ds, attrs, field):
    ds.attrs.update(attrs)
    assert broken(tmp_path, ds, scenario="baseline").field == field


def test_missing_attribute(tmp_path, ds):
    del ds.attrs["fips"]
    assert "attribute 'fips' is missing" in str(broken(tmp_path, ds))


def test_non_finite_and_negative_values(tmp_path, ds):
    ds["deaths"][2, 3] = np.nan
    err = broken(tmp_path, ds)
    assert err.field == "deaths" and "non-finite" in str(err) and "draw 2" in str(err)
    ds["deaths"][2, 3] = -5.0
    assert "negative value -5.0" in str(broken(tmp_path, ds))


def test_gaps_in_dates_and_repeated_draws(tmp_path, ds):
    gap = ds.isel(date=[0, 1, 3, 4])
    assert "not consecutive days" in str(broken(tmp_path, gap))
    repeated = ds.assign_coords(draw=[0, 1, 1, 2, 3])
    assert broken(tmp_path, repeated).field == "draw"
