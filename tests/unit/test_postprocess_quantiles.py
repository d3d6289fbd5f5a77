"""Draw summaries: against scipy's type-7 quantiles, invariants, and the daily table layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats.mstats import mquantiles

from seirflow.config.scenarios import HUB_QUANTILES
from seirflow.postprocess.load import OUTCOMES
from seirflow.postprocess.quantiles import (
    DAILY_COLUMNS,
    SUMMARY_LEVELS,
    daily_levels,
    daily_quantiles,
    quantile_column,
    summarise_draws,
)
from tests.unit.synthetic_trajectories import trajectories_dataset


def test_quantiles_match_scipy_type7():
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 50.0, size=(301, 7))
    mean, median, q = summarise_draws(values, HUB_QUANTILES)
    # mquantiles with alphap = betap = 1 is Hyndman-Fan type 7 (R's default).
    reference = mquantiles(values, prob=HUB_QUANTILES, alphap=1, betap=1, axis=0)
    np.testing.assert_allclose(q, reference, rtol=1e-12)
    np.testing.assert_allclose(mean, values.sum(axis=0) / 301, rtol=1e-12)
    np.testing.assert_allclose(median, np.sort(values, axis=0)[150], rtol=0)


def test_draw_axis_can_be_anywhere():
    rng = np.random.default_rng(4)
    values = rng.normal(size=(3, 50, 4))
    _, _, q_axis1 = summarise_draws(values, [0.1, 0.9], axis=1)
    _, _, q_axis0 = summarise_draws(np.moveaxis(values, 1, 0), [0.1, 0.9])
    np.testing.assert_array_equal(q_axis1, q_axis0)
    assert q_axis1.shape == (2, 3, 4)


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(1, 40),
        elements=st.floats(0, 1e9, allow_nan=False, allow_subnormal=False),
    )
)
def test_quantiles_never_decrease_with_level(values):
    _, median, q = summarise_draws(values, HUB_QUANTILES)
    assert (np.diff(q) >= 0).all()
    assert values.min() <= q[0] and q[-1] <= values.max()
    assert q[0] <= median <= q[-1]


def test_quantile_column_names_are_unique_and_readable():
    names = [quantile_column(x) for x in HUB_QUANTILES]
    assert len(set(names)) == len(names)
    assert names[:4] == ["q01", "q025", "q05", "q10"]
    assert names[-3:] == ["q95", "q975", "q99"]
    assert quantile_column(0.0001) == "q0001"
    with pytest.raises(ValueError, match="in \\(0, 1\\)"):
        quantile_column(1.0)


def test_daily_levels_always_include_the_band_levels():
    assert daily_levels([0.5]) == sorted({0.5, *SUMMARY_LEVELS})
    assert daily_levels(HUB_QUANTILES) == list(HUB_QUANTILES)


def test_daily_table_layout_and_values():
    ds = trajectories_dataset("NY", "baseline", np.random.default_rng(5), days=10, draws=30)
    levels = daily_levels([0.5])
    table = daily_quantiles(
        ds, levels, scenario="baseline", region="NY", location="36", name="New York"
    )
    assert list(table.columns) == [*DAILY_COLUMNS, *(quantile_column(x) for x in levels)]
    assert len(table) == 6 * 10
    assert set(table["outcome"]) == set(OUTCOMES)  # not the by-age variables
    row = table[(table["outcome"] == "deaths")].iloc[3]
    draws = ds["deaths"].values[:, 3]
    assert row["date"] == ds["date"].values[3]
    assert row["mean"] == pytest.approx(draws.mean())
    assert row["median"] == pytest.approx(np.median(draws))
    assert row["q95"] == pytest.approx(np.quantile(draws, 0.95))
    assert (table["location"] == "36").all() and (table["name"] == "New York").all()
