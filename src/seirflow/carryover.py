"""Residual carry-over: a projection starts from the observed level, not the fitted one.

A fitted stream misses its last observed week by a factor that does not vanish the next
week: a census counts each patient on every day of a stay, and reporting practice and
the fit's smoothing make weekly case and death residuals persistent too. With weekly log
residuals ``r_w = log((y_w + 1) / (mu_w + 1))`` (7-day means, weeks counted back from the
fit end) treated as AR(1) with coefficient ``phi``, the forecast of the residual ``d``
days after the fit end is ``phi^(d / 7) r_last``, so the model's expected values are
multiplied by ``exp(phi^(d / 7) r_last)``: ``r_last`` per posterior draw, ``phi`` the
lag-1 autocorrelation of the posterior-mean fit's weekly residuals over the fit window
(clipped to [0, 1]; fewer than `MIN_PAIRS` pairs of weeks: 0, no carry-over). Only data
up to the fit end enters, so a backtest fit still sees nothing after its origin.

That is the residual's expected path. With ``spread`` the projection also draws the
innovations still to come, so the interval widens with the horizon as the fit's own
weekly misfit did: ``r`` is simulated day by day as AR(1) with coefficient
``a = phi^(1/7)`` and innovation variance ``sigma^2 (1 - a^2) / (1 - phi^2)`` (the
random-walk limit ``sigma^2 / 7`` at ``phi = 1``), whose value 7 days apart is exactly the
weekly AR(1) ``r_w = phi r_(w-1) + sigma e_w``. ``sigma`` is a robust scale (1.4826 x the
median absolute innovation) of the posterior-mean fit's weekly innovations
``r_w - phi r_(w-1)``: the median keeps the first weeks' misfit (seeding, scarce tests),
which does not recur later, from setting the width of every projection.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "MIN_PAIRS",
    "Carryover",
    "weekly_log_residuals",
    "residual_memory",
    "innovation_scale",
    "residual_paths",
    "carryover_factor",
]

MIN_PAIRS = 4
"""Pairs of consecutive weekly residuals needed to estimate phi."""


def weekly_log_residuals(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Log residuals of 7-day means over whole weeks ending on the last day.

    Args:
        observed: ``[T]`` observed values of the fit window, NaN = not reported.
        expected: ``[B, T]`` expected values of each draw on the same days.

    Returns:
        ``[B, W]``, weeks in time order (the last is the week ending on day T); a week
        without observations is NaN. Means are over the observed days only.

    >>> r = weekly_log_residuals(np.array([3.0] * 14), np.array([[1.0] * 14]))
    >>> np.round(r, 4).tolist()
    [[0.6931, 0.6931]]
    """
    weeks = observed.size // 7
    y = observed[observed.size - 7 * weeks :].reshape(weeks, 7)
    mu = expected[:, expected.shape[1] - 7 * weeks :].reshape(expected.shape[0], weeks, 7)
    seen = np.isfinite(y)
    n = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = np.where(seen, y, 0.0).sum(axis=1) / n
        mu_mean = np.where(seen[None], mu, 0.0).sum(axis=2) / n
        return np.where(n > 0, np.log((y_mean + 1.0) / (mu_mean + 1.0)), np.nan)


def residual_memory(residuals: np.ndarray) -> float:
    """phi: lag-1 autocorrelation of a weekly residual series (NaN weeks skipped), in [0, 1].

    >>> residual_memory(np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.5]))
    1.0
    """
    pairs = np.column_stack([residuals[:-1], residuals[1:]])
    pairs = pairs[np.isfinite(pairs).all(axis=1)]
    if len(pairs) < MIN_PAIRS or np.ptp(pairs[:, 0]) == 0 or np.ptp(pairs[:, 1]) == 0:
        return 0.0
    return float(np.clip(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1], 0.0, 1.0))


def innovation_scale(residuals: np.ndarray, phi: float) -> float:
    """sigma: 1.4826 x the median of ``|r_w - phi r_(w-1)|`` (NaN weeks skipped), 0 if too few.

    >>> innovation_scale(np.array([0.0, 1.0, 0.0, -1.0, 0.0, 1.0]), 0.0)
    1.4826
    """
    innovations = residuals[1:] - phi * residuals[:-1]
    innovations = innovations[np.isfinite(innovations)]
    if innovations.size < MIN_PAIRS:
        return 0.0
    return float(1.4826 * np.median(np.abs(innovations)))


def residual_paths(
    rng: np.random.Generator, n_paths: int, ahead: int, phi: float, sigma: float
) -> np.ndarray:
    """``[n_paths, ahead]`` future innovations' part of the residual, day 1 .. ahead.

    Starts from 0 at the fit end; day ``7 w`` has the weekly AR(1)'s forecast variance
    ``sigma^2 (1 - phi^(2 w)) / (1 - phi^2)`` (``w sigma^2`` at ``phi = 1``).
    """
    a = phi ** (1.0 / 7.0)
    # (1 - a^2) / (1 - phi^2) -> 1/7 as phi -> 1; expm1 keeps it accurate near there.
    ratio = 1.0 / 7.0 if phi >= 1.0 else (
        1.0 if phi == 0.0 else np.expm1(2.0 * np.log(a)) / np.expm1(2.0 * np.log(phi)))  # fmt: skip
    shocks = rng.normal(0.0, sigma * np.sqrt(ratio), size=(n_paths, ahead))
    out = np.empty((n_paths, ahead))
    level = np.zeros(n_paths)
    for d in range(ahead):
        level = a * level + shocks[:, d]
        out[:, d] = level
    return out


class Carryover(NamedTuple):
    """A stream's carry-over: factors ``[B, ahead]``, the residual's phi and sigma."""

    factor: np.ndarray
    phi: float
    sigma: float


def carryover_factor(
    observed: np.ndarray,
    expected: np.ndarray,
    ahead: int,
    spread: np.random.Generator | None = None,
) -> Carryover:
    """Multipliers of the expected values for the ``ahead`` days after the fit window.

    Args:
        observed: ``[T]`` the stream's observations over the fit window.
        expected: ``[B, T]`` each draw's expected values over the fit window.
        ahead: Days projected after it.
        spread: Draw the residual's future innovations with this generator (one path per
            draw); None: its expected path only.

    Returns:
        `Carryover`: factors (ones if the last week has no observation or phi is 0),
        phi and sigma (0 without spread).
    """
    per_draw = weekly_log_residuals(observed, expected)
    mean_fit = weekly_log_residuals(observed, expected.mean(axis=0)[None])[0]
    phi = residual_memory(mean_fit)
    last = per_draw[:, -1] if per_draw.shape[1] else np.full(expected.shape[0], np.nan)
    if phi == 0.0 or not np.isfinite(last).all():
        return Carryover(np.ones((expected.shape[0], ahead)), phi, 0.0)
    log_factor = last[:, None] * (phi ** (np.arange(1, ahead + 1) / 7.0))[None, :]
    sigma = 0.0
    if spread is not None:
        sigma = innovation_scale(mean_fit, phi)
        log_factor = log_factor + residual_paths(spread, expected.shape[0], ahead, phi, sigma)
    return Carryover(np.exp(log_factor), phi, sigma)
