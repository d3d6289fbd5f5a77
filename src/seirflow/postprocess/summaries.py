"""Summary tables of trajectories: daily and weekly quantiles, and writing both.

One region's summaries (every scenario) and the national total's (one scenario) are
built the same way: each trajectories dataset gives a block of daily quantiles and a
block of weekly quantile rows (`summary_frames`); the blocks are written together
(`write_summaries`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

import pandas as pd
import xarray as xr

from seirflow.atomic import atomic_output
from seirflow.postprocess.quantiles import daily_levels, daily_quantiles
from seirflow.postprocess.weekly import TARGETS, weekly_targets
from seirflow.postprocess.weekly_table import sort_weekly, weekly_rows, write_weekly

__all__ = ["summary_frames", "write_summaries"]


def summary_frames(
    ds: xr.Dataset,
    *,
    scenario: str,
    region: str,
    location: str,
    name: str,
    levels: Sequence[float],
    origin: dt.date,
    weeks: int,
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily and weekly quantiles of one trajectories dataset (one place, one scenario).

    Args:
        ds: Trajectories, dims ``(draw, date)`` (see `seirflow.postprocess.load`).
        scenario: Scenario name written in both tables.
        region, location, name: Postal code (or ``US``), FIPS (or ``US``), full name.
        levels: Hub quantile levels; the daily table adds `daily_levels` to them.
        origin: Projection start (hub origin date); weeks: hub horizons 1..`weeks`.
        source: Where `ds` came from, named in errors.

    Returns:
        (daily table as `daily_quantiles`, weekly rows as `weekly_rows`).

    Raises:
        DataError: if `ds` does not cover the `weeks` hub weeks from `origin`.
    """
    daily = daily_quantiles(
        ds, daily_levels(levels), scenario=scenario, region=region, location=location, name=name
    )
    hub = weekly_rows(
        weekly_targets(ds, origin=origin, weeks=weeks, source=source),
        origin_date=origin,
        scenario=scenario,
        location=location,
        levels=levels,
    )
    return daily, hub


def write_summaries(
    daily_frames: Sequence[pd.DataFrame],
    hub_frames: Sequence[pd.DataFrame],
    *,
    daily: str | os.PathLike,
    weekly: str | os.PathLike,
    levels: Sequence[float],
    origin: dt.date,
    weeks: int,
    attrs: dict | None = None,
) -> tuple[int, int]:
    """Validate the weekly rows, then write them (`weekly`) and the daily table (`daily`).

    Both files are written atomically; if the weekly rows fail validation neither is.
    `attrs` (JSON-safe) become the daily table's parquet metadata.

    Returns:
        (weekly rows, daily rows) written.

    Raises:
        WeeklyTableError: if the weekly rows break a rule of `seirflow.postprocess.validate`.
    """
    hub = sort_weekly(pd.concat(hub_frames, ignore_index=True))
    write_weekly(
        hub, levels=levels, parquet=weekly, horizons=weeks, targets=TARGETS, origin_date=origin
    )
    table = pd.concat(daily_frames, ignore_index=True)
    table.attrs = dict(attrs or {})
    with atomic_output(daily) as tmp:
        table.to_parquet(tmp, index=False)
    return len(hub), len(table)
