"""Persistence baseline: the COVID-19 Forecast Hub's ``COVIDhub-baseline`` on weekly data.

The baseline of Cramer et al. (2022), "Evaluation of individual and ensemble probabilistic
forecasts of COVID-19 mortality in the United States", PNAS 119(15):e2113561119: its median
is the last observed weekly value carried forward, and its uncertainty comes from the past
one-week changes of the series. This follows the reference implementation, reichlab
``covidModels`` (R-package/R/quantile_baseline.R, ``fit_quantile_baseline`` and
``predict.quantile_baseline``):

1. Fit: the first differences ``d`` of the weekly series up to the origin, missing ones
   dropped, symmetrised as ``c(d, -d)``.
2. Resample: ``S`` equally spaced quantiles (levels 0, 1/(S-1), ..., 1; R type 7 =
   numpy's default "linear") of the symmetrised differences are the one-step changes.
3. Horizon 1: ``last + change``, truncated at 0.
4. Horizon h > 1: the changes are shuffled (a permutation, without replacement) and added to
   the untruncated trajectory of step h - 1; the result is shifted so its median is the
   last value again, then truncated at 0. Truncation is applied to what is reported, not
   carried into the next step, as in the reference.
5. The forecast quantiles are the type-7 quantiles of the S values at each horizon.

A constant series gives a point forecast; the spread grows with the horizon as the
shuffled changes accumulate. Unlike the reference we do not round quantiles up to whole
numbers (occupancy and counts are scored as reported). Occupancy (hospital census) is
forecast the same way, a stock instead of an incidence.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["BASELINE_MODEL", "symmetric_changes", "persistence_quantiles", "baseline_forecasts"]

logger = logging.getLogger(__name__)

#: Model name of the baseline in forecast and score tables.
BASELINE_MODEL = "baseline"


def symmetric_changes(history: Sequence[float] | np.ndarray) -> np.ndarray:
    """One-step changes of a series and their negatives (the fitted baseline).

    Args:
        history: Weekly values up to the origin, oldest first, NaN = missing (a change that
            touches a missing value is dropped).

    Returns:
        float64 array ``[d_1, ..., d_n, -d_1, ..., -d_n]``.

    Example:
        >>> symmetric_changes([3.0, 5.0, np.nan, 4.0, 1.0]).tolist()
        [2.0, -3.0, -2.0, 3.0]
    """
    d = np.diff(np.asarray(history, dtype=float))
    d = d[np.isfinite(d)]
    return np.concatenate([d, -d])


def persistence_quantiles(
    history: Sequence[float] | np.ndarray,
    horizon: int,
    levels: Sequence[float],
    *,
    rng: np.random.Generator,
    n_samples: int = 10_000,
) -> np.ndarray:
    """Quantiles of the persistence baseline at horizons 1..`horizon`.

    Args:
        history: Weekly values up to the origin, oldest first, NaN = missing; the last
            value must be observed. At least two observed consecutive values are needed.
        horizon: Number of weeks ahead (>= 1).
        levels: Quantile levels in [0, 1].
        rng: Random generator (used to shuffle the changes at horizons > 1).
        n_samples: Number S of resampled changes per horizon (default 10,000).

    Returns:
        float64 array, shape (horizon, len(levels)), non-negative, non-decreasing along
        each row.

    Raises:
        ValueError: the last value is missing, there is no observed change, or `horizon`
            or `n_samples` is below 1.

    Example (a constant series has no spread):

        >>> persistence_quantiles([4.0, 4.0, 4.0], 2, [0.1, 0.5, 0.9],
        ...                       rng=np.random.default_rng(0)).tolist()
        [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]
    """
    values = np.asarray(history, dtype=float)
    if horizon < 1 or n_samples < 2:
        raise ValueError(f"persistence_quantiles: need horizon >= 1 and n_samples >= 2, "
                         f"got {horizon} and {n_samples}")  # fmt: skip
    if values.size == 0 or not np.isfinite(values[-1]):
        raise ValueError("persistence_quantiles: the last observed value is missing")
    changes = symmetric_changes(values)
    if changes.size == 0:
        raise ValueError("persistence_quantiles: no observed one-step change in the history")
    last = values[-1]
    probs = np.asarray(levels, dtype=float)
    steps = np.quantile(changes, np.linspace(0.0, 1.0, n_samples))
    out = np.empty((horizon, probs.size))
    raw = last + steps
    out[0] = np.quantile(np.maximum(raw, 0.0), probs)
    for h in range(1, horizon):
        steps = rng.permutation(steps)
        raw = raw + steps
        centred = raw - (np.median(raw) - last)
        out[h] = np.quantile(np.maximum(centred, 0.0), probs)
    return out


def _stream_seed(seed: int, origin, region: str, target: str) -> list[int]:
    # A stable key per series, so a forecast does not depend on which others were asked for.
    key = f"{pd.Timestamp(origin).date()}|{region}|{target}".encode()
    return [int(seed), zlib.crc32(key)]


def baseline_forecasts(
    history: pd.DataFrame,
    horizon: int,
    levels: Sequence[float],
    *,
    seed: int,
    n_samples: int = 10_000,
    model: str = BASELINE_MODEL,
) -> pd.DataFrame:
    """Persistence-baseline quantile forecasts for every origin × region × target.

    Args:
        history: Weekly truth before each origin, as returned by
            `seirflow.evaluation.truth.weekly_truth` with weeks <= 0 (columns ``origin``,
            ``region``, ``target``, ``week``, ``value``); rows with week > 0 are ignored,
            so no data on or after the origin is used. Missing weeks (absent rows) are
            gaps; the series must end with week 0.
        horizon: Weeks ahead (>= 1).
        levels: Quantile levels.
        seed: Seed; each series gets its own stream from (seed, origin, region, target).
        n_samples: Resampled changes per horizon.
        model: Value of the ``model`` column.

    Returns:
        Tidy forecasts: ``origin``, ``region``, ``target``, ``horizon``, ``model``,
        ``quantile``, ``value``; a series whose week 0 is missing or that has no observed
        change is left out (logged).
    """
    past = history[history["week"] <= 0]
    parts = []
    probs = np.asarray(levels, dtype=float)
    for (origin, region, target), rows in past.groupby(["origin", "region", "target"], sort=True):
        weeks = rows["week"].to_numpy()
        series = pd.Series(rows["value"].to_numpy(dtype=float), index=weeks).sort_index()
        full = series.reindex(range(int(weeks.min()), 1)).to_numpy()
        if full.size < 2 or not np.isfinite(full[-1]) or symmetric_changes(full).size == 0:
            logger.info("baseline: %s %s %s: no week 0 or no change; skipped",
                        pd.Timestamp(origin).date(), region, target)  # fmt: skip
            continue
        rng = np.random.default_rng(_stream_seed(seed, origin, region, target))
        q = persistence_quantiles(full, horizon, probs, rng=rng, n_samples=n_samples)
        parts.append(
            pd.DataFrame(
                {
                    "origin": pd.Timestamp(origin),
                    "region": region,
                    "target": target,
                    "horizon": np.repeat(np.arange(1, horizon + 1), probs.size),
                    "model": model,
                    "quantile": np.tile(probs, horizon),
                    "value": q.ravel(),
                }
            )
        )
    columns = ["origin", "region", "target", "horizon", "model", "quantile", "value"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
