"""As-of inputs: nothing dated on or after the origin reaches what the fit sees."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.errors import ConfigError
from seirflow.preprocess import build_region_inputs, read_source_tables
from tests.unit.raw_files import RAW

START, END, AS_OF = "2020-02-01", "2020-08-31", "2020-07-01"


@pytest.fixture(scope="module")
def tables():
    return read_source_tables(RAW)


def _late_revisions(tables):
    """Tables with a huge downward case revision and other changes dated from AS_OF on."""
    cut = pd.Timestamp(AS_OF)
    nyt = tables.nyt.copy()
    late = (nyt["fips"] == "36") & (nyt["date"] >= cut)
    nyt.loc[late, "cases"] -= 150_000  # one day -150,000 then flat: spread back without as_of
    ctp = tables.ctp.copy()
    ctp.loc[ctp["date"] >= cut, "hospitalizedCurrently"] *= 10
    mobility = tables.mobility.copy()
    mobility.loc[mobility["date"] >= cut, "gps_workplaces"] = -0.9
    return replace(tables, nyt=nyt, ctp=ctp, mobility=mobility)


def _build(tables, as_of):
    return build_region_inputs("NY", raw_dir=RAW, start=START, end=END, tables=tables, as_of=as_of)


def test_late_revisions_change_nothing_before_the_origin(tables):
    changed = _late_revisions(tables)
    xr.testing.assert_identical(_build(tables, AS_OF), _build(changed, AS_OF))


def test_without_as_of_the_late_revision_is_spread_back(tables):
    before = _build(tables, None)
    after = _build(_late_revisions(tables), None)
    window = slice("2020-03-15", "2020-06-30")
    assert before["cases"].sel(date=window).sum() - after["cases"].sel(date=window).sum() > 1e5
    assert not before["multipliers"].equals(after["multipliers"])


def test_from_the_origin_on_observations_are_missing_and_mobility_held(tables):
    ds = _build(tables, AS_OF)
    late = ds.sel(date=slice(AS_OF, None))
    for name in ("cases", "deaths", "hospital_census", "icu_census"):
        assert np.isnan(late[name]).all(), name
    assert np.isfinite(ds["cases"].sel(date="2020-06-30"))
    held = ds["multipliers"].sel(date="2020-06-30")
    np.testing.assert_array_equal(
        late["multipliers"], np.broadcast_to(held, late["multipliers"].shape)
    )
    assert ds.attrs["as_of"] == AS_OF


def test_as_of_outside_the_dates_is_an_error(tables):
    with pytest.raises(ConfigError, match="as_of 2019-12-01") as info:
        _build(tables, "2019-12-01")
    assert info.value.field == "as_of" and info.value.value == "2019-12-01"
