"""Step: the national total of one scenario, summed draw by draw (rule summarise_national)."""

from __future__ import annotations

import logging
from typing import Any

from seirflow.postprocess.load import read_trajectories
from seirflow.postprocess.national import NATIONAL_LOCATION, NATIONAL_NAME, NationalTotal
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.summaries import summary_frames, write_summaries

__all__ = ["summarise_national"]

log = logging.getLogger(__name__)


def summarise_national(
    *,
    trajectories: list[str] | str,
    daily: str,
    weekly: str,
    scenario: str,
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
) -> None:
    """Quantiles of the national total of one scenario's trajectories.

    Draw k of the total is the sum of every region's draw k (see
    `seirflow.postprocess.national`); quantiles are taken after summing. Regions are
    read one at a time, so memory holds two regions' draws, not all of them.

    Args:
        trajectories: Every region's ``trajectories.nc`` for this scenario.
        daily: Output parquet of the total's daily quantiles (region = location = ``US``).
        weekly: Output parquet of the total's hub rows (location ``US``).
        scenario: Scenario name; every file's ``scenario`` attribute must match.
        dates: The ``dates`` config section (projection start and weeks).
        postprocessing: The ``postprocessing`` config section (quantile levels).

    Raises:
        DataError: if a file is malformed, or regions differ in draws or dates.
        HubFormatError: if the hub rows fail validation (nothing is written).
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
    paths = [trajectories] if isinstance(trajectories, str) else list(trajectories)
    if not paths:
        raise ValueError(f"scenario {scenario!r}: no trajectories files given")
    total = NationalTotal()
    for path in paths:
        total.add(read_trajectories(path, scenario=scenario), source=path)
    levels = list(settings.postprocessing.quantiles)
    window = {"origin": settings.dates.projection_start, "weeks": settings.dates.projection_weeks}
    frames = summary_frames(
        total.dataset(),
        scenario=scenario,
        region=NATIONAL_LOCATION,
        location=NATIONAL_LOCATION,
        name=NATIONAL_NAME,
        levels=levels,
        source=f"national total of {scenario}",
        **window,
    )
    rows = write_summaries(
        [frames[0]], [frames[1]], daily=daily, weekly=weekly, levels=levels, **window
    )
    log.info(
        "national total of %d regions (%s): %d hub rows, %d daily rows",
        len(total.regions),
        " ".join(total.regions),
        *rows,
    )
