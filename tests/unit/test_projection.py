"""Projection helpers: which posterior draws are projected, and with which parameter values."""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
import xarray as xr

from seirflow.config import Calibration
from seirflow.errors import DataError
from seirflow.projection import posterior_table, select_draws


def test_select_draws_spreads_evenly_without_randomness():
    rng = np.random.default_rng(0)
    idx = select_draws(1000, 5, rng)
    np.testing.assert_array_equal(idx, [0, 250, 500, 749, 999])
    assert rng.integers(1 << 30) == np.random.default_rng(0).integers(1 << 30)  # rng untouched


def test_select_draws_resamples_when_more_draws_than_samples():
    idx = select_draws(10, 50, np.random.default_rng(1))
    assert len(idx) == 50 and idx.min() >= 0 and idx.max() <= 9
    assert np.all(np.diff(idx) >= 0)
    with pytest.raises(DataError):
        select_draws(0, 5, np.random.default_rng(1))


def test_posterior_table_adds_fixed_values_from_posterior_and_config():
    idata = az.from_dict(posterior={"r0": np.arange(6.0).reshape(2, 3)})
    idata.add_groups(constant_data=xr.Dataset({"seed_size": ((), 10.0)}))
    table = posterior_table(idata, Calibration())
    assert list(table["r0"]) == [0, 1, 2, 3, 4, 5]  # chain-major
    assert (table["seed_size"] == 10.0).all()
    # a dispersion not calibrated but fixed in the config (ICU, off by default) is filled in
    assert (table["dispersion_icu_census"] == 20.0).all()
