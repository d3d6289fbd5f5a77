"""A smooth time-varying modifier of transmission: a random walk on the log scale.

Transmission on day ``d`` is multiplied by ``exp(w(d))``, on top of the contact
multipliers (mobility, school closures, scenarios). ``w`` is piecewise linear through
``K + 1`` knots evenly spaced from the fit start to the fit end: ``w = 0`` up to the
first knot (the pre-pandemic mixture R0 refers to), ``w(knot_k) = s_1 + ... + s_k``,
and ``w`` holds its value at the last knot (the fit end) afterwards (the ``hold``
projection rule). With independent steps ``s_k ~ Normal(0, sd_week * sqrt(gap /
7))`` this is a Brownian motion observed at the knots, the discretised form of the weekly
random walk on log Rt used for US states by Unwin et al. (2020, Nat Commun 11:6189).

`continued_walk` is the ``random_walk`` projection rule: after the fit end the walk goes on
with the prior's weekly sd, one path per projected draw, so projections carry the
uncertainty of transmission changing again while their median holds the fit-end value.

It stands for what mobility does not measure — distancing within a setting, masks,
shielding of the vulnerable, seasonality — and acts on every setting alike.
"""

from __future__ import annotations

import numpy as np

__all__ = ["knot_days", "step_sd", "log_modifier", "continued_walk"]


def knot_days(first_day: int, last_day: int, knots: int) -> np.ndarray:
    """Days (from the simulation start) of the K + 1 knots, first_day .. last_day.

    >>> knot_days(43, 165, 2).tolist()
    [43.0, 104.0, 165.0]
    """
    if knots < 1 or last_day <= first_day:
        raise ValueError(f"need knots >= 1 and last_day > first_day, got {knots}, "
                         f"{first_day}..{last_day}")  # fmt: skip
    return np.linspace(float(first_day), float(last_day), knots + 1)


def step_sd(first_day: int, last_day: int, knots: int, sd_week: float) -> float:
    """Prior sd of each step: a weekly sd scaled to the gap between knots."""
    gap = (last_day - first_day) / knots
    return float(sd_week * np.sqrt(gap / 7.0))


def log_modifier(steps: np.ndarray, knots: np.ndarray, n_days: int) -> np.ndarray:
    """``w(d)`` for days ``0 .. n_days - 1`` and each row of steps.

    Element-wise (no BLAS), so the result does not depend on the linear-algebra kernel.

    Args:
        steps: ``[B, K]`` steps ``s_k``.
        knots: ``[K + 1]`` knot days, increasing.
        n_days: Days to evaluate.

    Returns:
        numpy.ndarray: ``[B, n_days]``.

    >>> w = log_modifier(np.array([[1.0, -2.0]]), np.array([10.0, 20.0, 30.0]), 35)
    >>> w[0, [0, 10, 15, 20, 25, 30, 34]].tolist()
    [0.0, 0.0, 0.5, 1.0, 0.0, -1.0, -1.0]
    """
    steps = np.atleast_2d(np.asarray(steps, dtype=float))
    knots = np.asarray(knots, dtype=float)
    if steps.shape[1] + 1 != knots.size:
        raise ValueError(
            f"{steps.shape[1]} steps need {steps.shape[1] + 1} knots, got {knots.size}"
        )
    values = np.concatenate([np.zeros((steps.shape[0], 1)), np.cumsum(steps, axis=1)], axis=1)
    days = np.clip(np.arange(n_days, dtype=float), knots[0], knots[-1])
    i = np.clip(np.searchsorted(knots, days, side="right") - 1, 0, knots.size - 2)
    frac = (days - knots[i]) / (knots[i + 1] - knots[i])
    return values[:, i] * (1.0 - frac) + values[:, i + 1] * frac


def continued_walk(
    rng: np.random.Generator, n_paths: int, n_days: int, last_day: int, sd_week: float
) -> np.ndarray:
    """Random-walk continuation of ``w`` after ``last_day``: ``[n_paths, n_days]``.

    Zero through ``last_day``; after it the sum of daily Normal(0, sd_week^2 / 7) steps,
    so its variance grows by ``sd_week^2`` per week as in the fitted walk's prior.
    """
    out = np.zeros((n_paths, n_days))
    ahead = n_days - 1 - last_day
    if ahead > 0:
        steps = rng.normal(0.0, sd_week / np.sqrt(7.0), size=(n_paths, ahead))
        out[:, last_day + 1 :] = np.cumsum(steps, axis=1)
    return out
