"""Step: summarise one scenario's projections (daily quantiles and hub rows, regions + US)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import xarray as xr

from seirflow.atomic import atomic_output
from seirflow.postprocess.hub import hub_rows, sort_hub, write_hub
from seirflow.postprocess.load import read_trajectories
from seirflow.postprocess.national import (
    NATIONAL_LOCATION,
    NationalTotal,
    national_selection,
    read_diagnostics,
)
from seirflow.postprocess.quantiles import daily_levels, daily_quantiles
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.weekly import TARGETS, weekly_targets
from seirflow.regions import region

__all__ = ["summarise_scenario"]

log = logging.getLogger(__name__)


def summarise_scenario(
    *,
    trajectories: list[str] | str,
    daily: str,
    weekly: str,
    scenario: str,
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
    diagnostics: list[str] | str | None = None,
) -> None:
    """Quantiles of one scenario's trajectories, per region and for the national total.

    Regions are read one at a time and added draw by draw to the national total, so
    memory holds two regions' draws, not all of them. The total sums the regions
    `postprocessing.national_regions` selects (default: converged calibrations); the
    ones left out are logged and recorded in the daily parquet's metadata (``attrs``
    ``national_regions`` and ``national_excluded``: code -> reason).

    Args:
        trajectories: Every region's ``trajectories.nc`` for this scenario.
        daily: Output parquet of daily quantiles (layout: `daily_quantiles`; levels: the
            configured ones plus 0.05, 0.25, 0.75, 0.95), regions then ``US``.
        weekly: Output parquet of this scenario's hub rows (layout: `seirflow.postprocess.hub`).
        scenario: Scenario name; every file's ``scenario`` attribute must match.
        dates: The ``dates`` config section (projection start and weeks).
        postprocessing: The ``postprocessing`` config section (quantile levels, national
            regions).
        diagnostics: Every region's calibration ``diagnostics.json`` (needed unless
            ``national_regions`` is ``all``).

    Raises:
        DataError: if a file is malformed, regions differ in draws or dates, or a
            region's diagnostics are missing.
        HubFormatError: if the hub rows fail validation (nothing is written).
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
    levels = list(settings.postprocessing.quantiles)
    origin = settings.dates.projection_start
    weeks = settings.dates.projection_weeks
    paths = [trajectories] if isinstance(trajectories, str) else list(trajectories)
    if not paths:
        raise ValueError(f"scenario {scenario!r}: no trajectories files given")
    diagnostics = [diagnostics] if isinstance(diagnostics, str) else list(diagnostics or [])
    selection = national_selection(
        [_region_code(p) for p in paths],
        read_diagnostics(diagnostics),
        settings.postprocessing.national_regions,
    )
    for code, why in selection.excluded.items():
        log.warning("%s left out of the national total: %s", code, why)

    total = NationalTotal()
    daily_frames, hub_frames = [], []
    for path in paths:
        ds = read_trajectories(path, scenario=scenario)
        if ds.attrs["region"] in selection.included:
            total.add(ds, source=path)
        place = region(ds.attrs["region"])
        daily_frames.append(
            daily_quantiles(
                ds,
                daily_levels(levels),
                scenario=scenario,
                region=place.code,
                location=place.fips,
                name=place.name,
            )
        )
        hub_frames.append(
            hub_rows(
                weekly_targets(ds, origin=origin, weeks=weeks, source=path),
                origin_date=origin,
                scenario=scenario,
                location=place.fips,
                levels=levels,
            )
        )
        log.info(
            "%s: %d draws x %d days summarised", place.code, ds.sizes["draw"], ds.sizes["date"]
        )

    us = total.dataset()
    daily_frames.append(
        daily_quantiles(
            us,
            daily_levels(levels),
            scenario=scenario,
            region=NATIONAL_LOCATION,
            location=NATIONAL_LOCATION,
            name=selection.name,
        )
    )
    hub_frames.append(
        hub_rows(
            weekly_targets(us, origin=origin, weeks=weeks, source=f"national total of {scenario}"),
            origin_date=origin,
            scenario=scenario,
            location=NATIONAL_LOCATION,
            levels=levels,
        )
    )
    log.info(
        "national total of %d regions: %s (left out: %s)",
        len(total.regions),
        " ".join(total.regions),
        " ".join(selection.excluded) or "none",
    )

    hub = sort_hub(pd.concat(hub_frames, ignore_index=True))
    write_hub(
        hub,
        levels=levels,
        parquet=weekly,
        horizons=weeks,
        targets=TARGETS,
        origin_date=origin,
    )
    table = pd.concat(daily_frames, ignore_index=True)
    table.attrs = selection.attrs()
    with atomic_output(daily) as tmp:
        table.to_parquet(tmp, index=False)
    log.info("wrote %d hub rows to %s and %d daily rows to %s", len(hub), weekly, len(table), daily)


def _region_code(path: str) -> str:
    """The region of a trajectories file, from its attributes (nothing else is read)."""
    with xr.open_dataset(path) as opened:
        return str(opened.attrs.get("region", "?"))
