"""Weighted interval score and persistence baseline: hand computations and identities."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seirflow.config import HUB_QUANTILES
from seirflow.evaluation import (
    baseline_forecasts,
    persistence_quantiles,
    relative_wis,
    score_forecasts,
    weighted_interval_score,
)

LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95]


def pinball_wis(y, q, levels):
    """Independent reference: WIS = 2 x mean pinball loss over the 2K+1 quantiles."""
    tau = np.asarray(levels)
    y = np.asarray(y)[:, None]
    loss = ((y <= q).astype(float) - tau) * (q - y)
    return 2 * loss.mean(axis=1)


def test_hub_levels_are_the_hub_task_levels():
    assert len(HUB_QUANTILES) == 23 and HUB_QUANTILES[0] == 0.01 and HUB_QUANTILES[-1] == 0.99


def test_wis_by_hand_above_the_50_interval():
    # K = 2 intervals (alpha 0.1: [5, 15], alpha 0.5: [8, 12]), median 10, y = 13.
    # dispersion: 0.05*10 + 0.25*4 = 1.5; underprediction: (13-12) + 0.5*|13-10| = 2.5
    # WIS = (1.5 + 2.5) / (K + 1/2) = 4 / 2.5 = 1.6
    s = weighted_interval_score([13.0], np.array([[5, 8, 10, 12, 15.0]]), LEVELS)
    assert s.wis[0] == pytest.approx(1.6)
    assert s.dispersion[0] == pytest.approx(0.6)
    assert s.underprediction[0] == pytest.approx(1.0)
    assert s.overprediction[0] == 0
    assert s.abs_error[0] == 3
    assert not s.covered_50[0] and s.covered_90[0]


def test_wis_by_hand_below_every_interval():
    # y = 2: overprediction (5-2) + (8-2) + 0.5*(10-2) = 13; dispersion 1.5; WIS = 14.5/2.5
    s = weighted_interval_score([2.0], np.array([[5, 8, 10, 12, 15.0]]), LEVELS)
    assert s.wis[0] == pytest.approx(5.8)
    assert s.overprediction[0] == pytest.approx(13 / 2.5)
    assert not s.covered_90[0]


def test_wis_equals_twice_mean_pinball_loss_on_hub_levels():
    rng = np.random.default_rng(1)
    q = np.sort(rng.gamma(2.0, 50.0, size=(200, 23)), axis=1)
    y = rng.gamma(2.0, 50.0, size=200)
    s = weighted_interval_score(y, q, HUB_QUANTILES)
    np.testing.assert_allclose(s.wis, pinball_wis(y, q, HUB_QUANTILES), rtol=1e-12)
    np.testing.assert_allclose(s.wis, s.dispersion + s.overprediction + s.underprediction)


def test_wis_rejects_crossing_quantiles_and_unpaired_levels():
    with pytest.raises(ValueError, match="row 0"):
        weighted_interval_score([1.0], np.array([[5, 4, 10, 12, 15.0]]), LEVELS)
    with pytest.raises(ValueError, match="central interval"):
        weighted_interval_score([1.0], np.array([[1, 2, 3.0]]), [0.1, 0.5, 0.8])


finite = st.floats(0, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=5, max_size=5), finite, st.floats(0.01, 100))
def test_wis_properties(values, y, c):
    q = np.sort(np.asarray(values))[None, :]
    s = weighted_interval_score([y], q, LEVELS)
    assert s.wis[0] >= 0
    scaled = weighted_interval_score([c * y], c * q, LEVELS)
    assert scaled.wis[0] == pytest.approx(c * s.wis[0], rel=1e-9, abs=1e-9)
    point = weighted_interval_score([y], np.full((1, 5), y), LEVELS)
    assert point.wis[0] == 0


def test_baseline_constant_series_has_zero_width():
    q = persistence_quantiles([7.0] * 6, 4, HUB_QUANTILES, rng=np.random.default_rng(0))
    assert np.all(q == 7.0)


def test_baseline_ramp_is_symmetric_around_last_value_and_widens():
    history = 100.0 + 10 * np.arange(10)  # changes all +10, symmetrised to +-10
    q = persistence_quantiles(history, 4, HUB_QUANTILES, rng=np.random.default_rng(3))
    last = history[-1]
    assert np.all(q[:, 11] == pytest.approx(last))
    width = q[:, -1] - q[:, 0]
    # Horizon 1 is exact; later horizons are Monte Carlo (10,000 shuffles): symmetric to
    # within a few percent of the interval width.
    np.testing.assert_allclose(q[0] - last, -(q[0, ::-1] - last), atol=1e-9)
    for h in range(1, 4):
        np.testing.assert_allclose(q[h] - last, -(q[h, ::-1] - last), atol=0.05 * width[h])
    assert np.all(np.diff(width) > 0)
    assert width[0] == pytest.approx(20.0)


def test_baseline_truncates_at_zero_and_is_seeded():
    history = [50.0, 0.0, 40.0, 5.0]
    a = persistence_quantiles(history, 3, HUB_QUANTILES, rng=np.random.default_rng(5))
    b = persistence_quantiles(history, 3, HUB_QUANTILES, rng=np.random.default_rng(5))
    assert np.array_equal(a, b) and a.min() == 0.0


def _history(values, region="NY", target="inc death"):
    weeks = np.arange(-len(values) + 1, 1)
    return pd.DataFrame({"origin": pd.Timestamp("2020-06-01"), "region": region,
                         "target": target, "week": weeks, "value": values})  # fmt: skip


def test_baseline_scores_relative_wis_one_against_itself():
    hist = pd.concat([_history([10.0, 14, 9, 12]), _history([100.0, 80, 90, 95], "MA")])
    f = baseline_forecasts(hist, 2, HUB_QUANTILES, seed=1)
    copy = f.assign(model="copy")
    truth = pd.DataFrame(
        {"origin": pd.Timestamp("2020-06-01"), "region": ["NY", "NY", "MA"],
         "target": "inc death", "week": [1, 2, 1], "value": [20.0, 3, 95]}
    )  # fmt: skip
    scores = score_forecasts(pd.concat([f, copy]), truth)
    assert len(scores) == 6
    rel = relative_wis(scores)
    assert rel["relative_wis"].tolist() == [1.0, 1.0]
    assert rel["n_scored"].tolist() == [2, 1]
