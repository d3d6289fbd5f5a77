"""Scenario contact multipliers: observed mobility through the fit, interventions after it.

Up to `dates.fit_end` every scenario uses the observed setting multipliers. After it, the
baseline holds each setting at its last observed value (the `baseline` scenario is just
that), and each intervention overrides some settings over a date window:

- ``multiplier: x`` sets the contact multiplier directly (1 = pre-pandemic contacts);
- ``rule: pre_pandemic`` sets 1;
- ``rule: hold_last_observed`` holds the value observed on `fit_end`;
- ``rule: lockdown_level`` uses the lowest value observed in the fit window.

Observed mobility is not contacts: the calibrated mobility effect kappa maps a work or
community mobility multiplier m to contacts as ``1 - kappa (1 - m)``. Values that come
from mobility (observed, held, lockdown level) go through kappa; an explicit
`multiplier` is already a contact multiplier and does not. `ScenarioMultipliers.mobility`
marks which cells are which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from seirflow.config import SETTINGS, Dates, Scenario

__all__ = [
    "ScenarioMultipliers",
    "MOBILITY_SETTINGS",
    "scenario_multipliers",
    "contact_multipliers",
]

# Settings whose multipliers come from mobility data and are scaled by kappa.
MOBILITY_SETTINGS: tuple[str, ...] = ("work", "community")


@dataclass(frozen=True)
class ScenarioMultipliers:
    """Daily setting multipliers of one scenario from `dates.simulation_start`.

    Attributes:
        values: [T, S] multipliers, S in `SETTINGS` order, T days through projection_end.
        mobility: [T, S] True where the value is mobility-derived (kappa applies).
    """

    values: np.ndarray
    mobility: np.ndarray


def scenario_multipliers(
    observed: np.ndarray,
    dates: Dates,
    scenario: Scenario,
    settings: tuple[str, ...] = SETTINGS,
) -> ScenarioMultipliers:
    """Build a scenario's daily multipliers from the observed ones.

    Args:
        observed: [T_obs, S] observed multipliers from `dates.simulation_start`, covering
            at least through `dates.fit_end` (later rows are ignored: the future is unknown).
        dates: The run's dates.
        scenario: The scenario's interventions.
        settings: Setting names of the columns of `observed`.

    Returns:
        ScenarioMultipliers over `dates.n_days` days.

    Raises:
        ValueError: if `observed` does not reach `fit_end` or has non-finite values there.

    >>> d = Dates(simulation_start="2020-03-01", fit_start="2020-03-02",
    ...           fit_end="2020-03-03", projection_weeks=1)
    >>> obs = np.array([[1, 1, 1, 1], [1, .5, .6, .7], [1, 0, .8, .9]], float)
    >>> m = scenario_multipliers(obs, d, Scenario(description="hold"))
    >>> m.values[-1].tolist()
    [1.0, 0.0, 0.8, 0.9]
    """
    n_days = dates.n_days
    fit_end = _day(dates, dates.fit_end)
    fit_start = _day(dates, dates.fit_start)
    observed = np.asarray(observed, dtype=float)
    if observed.ndim != 2 or observed.shape[1] != len(settings):
        raise ValueError(f"observed multipliers must be [T, {len(settings)}], got {observed.shape}")
    if observed.shape[0] <= fit_end:
        raise ValueError(
            f"observed multipliers end on day {observed.shape[0] - 1}, before fit_end "
            f"(day {fit_end}, {dates.fit_end})"
        )
    history = observed[: fit_end + 1]
    if not np.isfinite(history).all():
        raise ValueError("observed multipliers have non-finite values before fit_end")

    values = np.empty((n_days, len(settings)))
    values[: fit_end + 1] = history
    values[fit_end + 1 :] = history[fit_end]
    mobility = np.zeros((n_days, len(settings)), dtype=bool)
    mobility[:, [settings.index(s) for s in MOBILITY_SETTINGS if s in settings]] = True

    lockdown = history[fit_start:].min(axis=0)
    for iv in scenario.interventions:
        first = _day(dates, iv.start)
        last = _day(dates, iv.end) if iv.end is not None else n_days - 1
        rows = slice(max(first, 0), min(last, n_days - 1) + 1)
        for setting in iv.settings:
            col = settings.index(setting)
            if iv.multiplier is not None:
                values[rows, col] = iv.multiplier
                mobility[rows, col] = False
            elif iv.rule == "pre_pandemic":
                values[rows, col] = 1.0
            elif iv.rule == "hold_last_observed":
                values[rows, col] = history[fit_end, col]
            else:  # lockdown_level
                values[rows, col] = lockdown[col]
    return ScenarioMultipliers(values=values, mobility=mobility)


def contact_multipliers(
    multipliers: ScenarioMultipliers | np.ndarray, mobility_effect: np.ndarray
) -> np.ndarray:
    """Per-draw contact multipliers [B, T, S]: kappa applied to mobility-derived cells.

    Args:
        multipliers: A scenario's multipliers, or a plain [T, S] array whose work and
            community columns (SETTINGS order) are all mobility-derived.
        mobility_effect: kappa per draw, shape [B].

    Returns:
        [B, T, S] array, ``1 - kappa (1 - m)`` clipped at 0 where mobility-derived.
    """
    if isinstance(multipliers, ScenarioMultipliers):
        values, mask = multipliers.values, multipliers.mobility
    else:
        values = np.asarray(multipliers, dtype=float)
        mask = np.zeros(values.shape, dtype=bool)
        mask[:, [SETTINGS.index(s) for s in MOBILITY_SETTINGS]] = True
    kappa = np.asarray(mobility_effect, dtype=float)[:, None, None]
    scaled = np.maximum(1.0 - kappa * (1.0 - values[None]), 0.0)
    return np.ascontiguousarray(np.where(mask[None], scaled, values[None]))


def _day(dates: Dates, day: dt.date) -> int:
    return (day - dates.simulation_start).days
