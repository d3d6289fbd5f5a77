"""Scenario multipliers: history kept, baseline held, each intervention applied as documented."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.config import SETTINGS, Dates, Scenario
from seirflow.scenarios import contact_multipliers, scenario_multipliers

DATES = Dates(
    simulation_start="2020-03-01", fit_start="2020-03-05", fit_end="2020-03-20", projection_weeks=2
)
FIT_END = 19  # day index of 2020-03-20
W, C, S = SETTINGS.index("work"), SETTINGS.index("community"), SETTINGS.index("school")


@pytest.fixture
def observed():
    rng = np.random.default_rng(1)
    obs = rng.uniform(0.3, 1.0, size=(60, 4))  # longer than the fit: the tail must be ignored
    obs[:, SETTINGS.index("household")] = 1.0
    return obs


def test_baseline_keeps_history_and_holds_last_observed(observed):
    m = scenario_multipliers(observed, DATES, Scenario(description="baseline"))
    assert m.values.shape == (DATES.n_days, 4)
    np.testing.assert_array_equal(m.values[: FIT_END + 1], observed[: FIT_END + 1])
    np.testing.assert_array_equal(
        m.values[FIT_END + 1 :], np.broadcast_to(observed[FIT_END], (14, 4))
    )
    assert m.mobility[:, [W, C]].all() and not m.mobility[:, [S]].any()


def test_interventions_rules_and_windows(observed):
    scenario = Scenario.model_validate(
        {
            "description": "mixed",
            "interventions": [
                {
                    "settings": ["school"],
                    "multiplier": 0.5,
                    "start": "2020-03-21",
                    "end": "2020-03-25",
                },
                {"settings": ["work"], "rule": "lockdown_level", "start": "2020-03-23"},
                {"settings": ["community"], "rule": "pre_pandemic", "start": "2020-03-30"},
            ],
        }
    )
    m = scenario_multipliers(observed, DATES, scenario)
    v = m.values
    assert (v[20:25, S] == 0.5).all() and v[25, S] == observed[FIT_END, S]
    assert not m.mobility[20:25, S].any()
    lockdown = observed[4 : FIT_END + 1, W].min()
    assert (v[22:, W] == lockdown).all() and (v[20:22, W] == observed[FIT_END, W]).all()
    assert (v[29:, C] == 1.0).all() and (v[20:29, C] == observed[FIT_END, C]).all()


def test_contact_multipliers_apply_kappa_only_to_mobility_cells(observed):
    scenario = Scenario.model_validate(
        {
            "description": "x",
            "interventions": [{"settings": ["work"], "multiplier": 0.2, "start": "2020-03-21"}],
        }
    )
    m = scenario_multipliers(observed, DATES, scenario)
    kappa = np.array([0.0, 1.0, 0.5])
    c = contact_multipliers(m, kappa)
    assert c.shape == (3, DATES.n_days, 4)
    np.testing.assert_array_equal(c[0, :10, W], 1.0)  # kappa 0: mobility ignored
    np.testing.assert_allclose(c[1, :10, W], observed[:10, W])  # kappa 1: as observed
    np.testing.assert_allclose(c[2, :10, C], 1 - 0.5 * (1 - observed[:10, C]))
    np.testing.assert_array_equal(c[:, 20:, W], 0.2)  # explicit contact multiplier: no kappa
    np.testing.assert_array_equal(c[:, :, S], np.broadcast_to(m.values[:, S], (3, DATES.n_days)))


def test_observed_must_reach_fit_end(observed):
    with pytest.raises(ValueError, match="before fit_end"):
        scenario_multipliers(observed[:10], DATES, Scenario(description="b"))
