"""Step: one region's daily quantiles and hub rows under every scenario (rule summarise_region)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.errors import DataError
from seirflow.hub.rows import submission_rows
from seirflow.hub.submission import round_of, write_rows
from seirflow.postprocess.load import INDICATORS, read_indicators, read_trajectories
from seirflow.postprocess.quantiles import daily_levels, daily_quantiles
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.summaries import summary_frames, write_summaries
from seirflow.regions import region as region_info

__all__ = ["summarise_region"]

log = logging.getLogger(__name__)


def summarise_region(
    *,
    trajectories: list[str] | str,
    daily: str,
    weekly: str,
    hub_rows: str,
    reproduction: str,
    region: str,
    scenarios: list[str],
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
    hub: dict[str, Any] | None = None,
) -> None:
    """Quantiles of one region's trajectories, scenario by scenario.

    Args:
        trajectories: The region's ``trajectories.nc`` per scenario, in the order of
            `scenarios`.
        daily: Output parquet of daily quantiles (layout: `daily_quantiles`; levels: the
            configured ones plus 0.05, 0.25, 0.75, 0.95), scenarios in the given order.
        weekly: Output parquet of the region's weekly quantiles (layout:
            `seirflow.postprocess.weekly_table`).
        hub_rows: Output parquet of the region's model-output rows for the hub, of the
            submitted scenarios (`seirflow.hub.rows`).
        reproduction: Output parquet of the daily quantiles of Rt and the attack rate
            (`seirflow.postprocess.load.INDICATORS`) from the fit start, every scenario, in
            the daily table's layout.
        region: Wildcard: postal code every file's ``region`` attribute must match.
        scenarios: Scenario names; file i's ``scenario`` attribute must be scenarios[i].
        dates: The ``dates`` config section (projection start and weeks).
        postprocessing: The ``postprocessing`` config section (quantile levels).
        hub: The ``hub`` config section (default: its defaults).

    Raises:
        DataError: if a file is malformed or holds another region or scenario.
        WeeklyTableError: if the hub rows fail validation (nothing is written).
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
    paths = [trajectories] if isinstance(trajectories, str) else list(trajectories)
    if not paths or len(paths) != len(scenarios):
        raise ValueError(
            f"region {region!r}: {len(paths)} trajectories files for scenarios {scenarios}"
        )
    place = region_info(region)
    levels = list(settings.postprocessing.quantiles)
    window = {"origin": settings.dates.projection_start, "weeks": settings.dates.projection_weeks}
    round_ = round_of(hub or {}, dates, postprocessing, scenarios)
    daily_frames, hub_frames, submitted, indicator_frames = [], [], [], []
    for path, scenario in zip(paths, scenarios, strict=True):
        ds = read_trajectories(path, scenario=scenario)
        if ds.attrs["region"] != place.code:
            raise DataError(
                f"{path}: attribute 'region' = {ds.attrs['region']!r}, expected {place.code!r}",
                file=path,
                field="region",
                value=ds.attrs["region"],
            )
        frames = summary_frames(
            ds,
            scenario=scenario,
            region=place.code,
            location=place.fips,
            name=place.name,
            levels=levels,
            source=path,
            **window,
        )
        daily_frames.append(frames[0])
        indicator_frames.append(
            daily_quantiles(
                read_indicators(path, scenario=scenario),
                daily_levels(levels),
                scenario=scenario,
                region=place.code,
                location=place.fips,
                name=place.name,
                variables=INDICATORS,
            )
        )
        hub_frames.append(frames[1])
        if scenario in round_.scenario_ids:
            submitted.append(submission_rows(ds, round_, scenario=scenario, location=place.fips))
    rows = write_summaries(
        daily_frames, hub_frames, daily=daily, weekly=weekly, levels=levels, **window
    )
    n_hub = write_rows(submitted, hub_rows)
    with atomic_output(reproduction) as tmp:
        pd.concat(indicator_frames, ignore_index=True).to_parquet(tmp, index=False)
    log.info(
        "%s: %d weekly rows to %s, %d daily rows to %s, %d hub rows to %s",
        region, rows[0], weekly, rows[1], daily, n_hub, hub_rows,
    )  # fmt: skip
