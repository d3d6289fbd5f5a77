"""Summaries over posterior draws: mean, median and quantiles, and the daily table.

Quantiles use numpy's default ``linear`` method (Hyndman & Fan type 7, R's default).
Round-off can make linearly interpolated quantiles decrease by an ulp between adjacent
levels; they are made non-decreasing in the level with a running maximum, so every
output passes the hub's monotonicity check.

The daily table (`DAILY_COLUMNS` then one column per level) is wide, one row per
scenario x location x outcome x date, so a band is two columns::

    df = pd.read_parquet("results/summaries/by_region/NY/daily_quantiles.parquet")
    ny = df[(df.region == "NY") & (df.outcome == "hospital_census")]
    plt.fill_between(ny.date, ny[quantile_column(0.05)], ny[quantile_column(0.95)])
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.postprocess.load import OUTCOMES

__all__ = [
    "SUMMARY_LEVELS",
    "DAILY_COLUMNS",
    "quantile_column",
    "daily_levels",
    "summarise_draws",
    "daily_quantiles",
]

SUMMARY_LEVELS: tuple[float, ...] = (0.05, 0.25, 0.75, 0.95)
"""Levels always in the daily table (50% and 90% bands), whatever the configured ones."""

DAILY_COLUMNS: tuple[str, ...] = (
    "scenario",
    "region",
    "location",
    "name",
    "outcome",
    "date",
    "mean",
    "median",
)
"""Leading columns of the daily table; quantile columns (`quantile_column`) follow."""


def quantile_column(level: float) -> str:
    """Column name of a quantile level: ``q`` and the level's digits after ``0.``.

    Whole percentages get two digits, finer levels all their digits, so names are unique.

    >>> [quantile_column(x) for x in (0.01, 0.05, 0.1, 0.5, 0.025, 0.975, 0.999)]
    ['q01', 'q05', 'q10', 'q50', 'q025', 'q975', 'q999']

    Raises:
        ValueError: if `level` is not in (0, 1).
    """
    if not 0 < level < 1:
        raise ValueError(f"quantile level must be in (0, 1), got {level}")
    digits = str(Decimal(repr(float(level)))).split(".")[1]
    return f"q{digits.ljust(2, '0')}"


def daily_levels(levels: Sequence[float]) -> list[float]:
    """The configured levels plus `SUMMARY_LEVELS`, sorted and unique."""
    return sorted({float(x) for x in levels} | set(SUMMARY_LEVELS))


def summarise_draws(
    values: np.ndarray, levels: Sequence[float], *, axis: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, median and quantiles of `values` over the draw axis.

    Args:
        values: Array of draws, any shape; finite.
        levels: Quantile levels in (0, 1), increasing.
        axis: The draw axis (default 0).

    Returns:
        ``(mean, median, quantiles)``: mean and median have `values`' shape without
        `axis`; quantiles has an extra leading axis of ``len(levels)``, non-decreasing
        along it.

    Example:
        >>> mean, median, q = summarise_draws(np.arange(5.0), [0.25, 0.75])
        >>> float(mean), float(median), q.tolist()
        (2.0, 2.0, [1.0, 3.0])
    """
    values = np.asarray(values, dtype=np.float64)
    quantiles = np.quantile(values, np.asarray(levels, dtype=np.float64), axis=axis)
    quantiles = np.maximum.accumulate(quantiles, axis=0)
    return values.mean(axis=axis), np.median(values, axis=axis), quantiles


def daily_quantiles(
    ds: xr.Dataset,
    levels: Sequence[float],
    *,
    scenario: str,
    region: str,
    location: str,
    name: str,
    variables: Sequence[str] = OUTCOMES,
) -> pd.DataFrame:
    """Daily mean, median and quantiles of every variable of one location's trajectories.

    Args:
        ds: Trajectories with variables of dims ``(draw, date)`` (see `read_trajectories`).
        levels: Quantile levels in (0, 1), increasing.
        scenario: Scenario name.
        region: Postal code, or ``"US"`` for the national total.
        location: 2-digit FIPS code, or ``"US"``.
        name: Display name (``"New York"``, ``"United States"``).
        variables: The variables summarised, those of `ds` among them (default: the
            outcomes, not the by-age ones).

    Returns:
        Wide table: `DAILY_COLUMNS` then ``quantile_column(level)`` per level; one row per
        variable (``outcome``, in `ds` order) x date. ``date`` is datetime64; values are in
        the variable's units (people per day, or beds).
    """
    dates = pd.to_datetime(ds["date"].values)
    columns = [quantile_column(x) for x in levels]
    frames = []
    for outcome in (v for v in ds.data_vars if v in variables):
        da = ds[outcome]
        mean, median, q = summarise_draws(da.transpose("draw", "date").values, levels)
        frame = pd.DataFrame(
            {
                "scenario": scenario,
                "region": region,
                "location": location,
                "name": name,
                "outcome": str(outcome),
                "date": dates,
                "mean": mean,
                "median": median,
                **dict(zip(columns, q, strict=True)),
            }
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
