"""Step: the national total of one scenario, summed draw by draw (rule summarise_national)."""

from __future__ import annotations

import logging
from typing import Any

import xarray as xr

from seirflow.hub.rows import submission_rows
from seirflow.hub.submission import round_of, write_rows
from seirflow.postprocess.load import read_trajectories
from seirflow.postprocess.national import (
    NATIONAL_LOCATION,
    NationalTotal,
    national_selection,
    read_diagnostics,
)
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.summaries import summary_frames, write_summaries

__all__ = ["summarise_national"]

log = logging.getLogger(__name__)


def summarise_national(
    *,
    trajectories: list[str] | str,
    daily: str,
    weekly: str,
    hub_rows: str,
    scenario: str,
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
    hub: dict[str, Any] | None = None,
    diagnostics: list[str] | str | None = None,
) -> None:
    """Quantiles of the national total of one scenario's trajectories.

    Draw k of the total is the sum of every region's draw k (see
    `seirflow.postprocess.national`); quantiles are taken after summing. Regions are
    read one at a time, so memory holds two regions' draws, not all of them. The total
    sums the regions `postprocessing.national_regions` selects (default: converged
    calibrations); the ones left out are logged, named in the ``name`` column and
    recorded in the daily parquet's metadata (``attrs`` ``national_regions`` and
    ``national_excluded``: code -> reason).

    Args:
        trajectories: Every region's ``trajectories.nc`` for this scenario.
        daily: Output parquet of the total's daily quantiles (region = location = ``US``).
        weekly: Output parquet of the total's weekly quantiles (location ``US``).
        hub_rows: Output parquet of the total's model-output rows for the hub (no rows
            if the scenario is not submitted, see ``hub.scenarios``).
        scenario: Scenario name; every file's ``scenario`` attribute must match.
        dates: The ``dates`` config section (projection start and weeks).
        postprocessing: The ``postprocessing`` config section (quantile levels, national
            regions).
        hub: The ``hub`` config section (default: its defaults).
        diagnostics: Every region's calibration ``diagnostics.json`` (needed unless
            ``national_regions`` is ``all``).

    Raises:
        DataError: if a file is malformed, regions differ in draws or dates, or a
            region's diagnostics are missing.
        WeeklyTableError: if the hub rows fail validation (nothing is written).
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
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
    for path in paths:
        ds = read_trajectories(path, scenario=scenario)
        if ds.attrs["region"] in selection.included:
            total.add(ds, source=path)
    levels = list(settings.postprocessing.quantiles)
    window = {"origin": settings.dates.projection_start, "weeks": settings.dates.projection_weeks}
    national = total.dataset()
    frames = summary_frames(
        national,
        scenario=scenario,
        region=NATIONAL_LOCATION,
        location=NATIONAL_LOCATION,
        name=selection.name,
        levels=levels,
        source=f"national total of {scenario}",
        **window,
    )
    rows = write_summaries(
        [frames[0]],
        [frames[1]],
        daily=daily,
        weekly=weekly,
        levels=levels,
        attrs=selection.attrs(),
        **window,
    )
    round_ = round_of(hub or {}, dates, postprocessing, [scenario])
    submitted = round_.scenario_ids
    n_hub = write_rows(
        [submission_rows(national, round_, scenario=scenario, location=NATIONAL_LOCATION)]
        if scenario in submitted
        else [],
        hub_rows,
    )
    log.info(
        "national total of %d regions (%s; left out: %s): %d weekly rows, %d daily rows, "
        "%d hub rows",
        len(total.regions),
        " ".join(total.regions),
        " ".join(selection.excluded) or "none",
        *rows,
        n_hub,
    )


def _region_code(path: str) -> str:
    """The region of a trajectories file, from its attributes (nothing else is read)."""
    with xr.open_dataset(path) as opened:
        return str(opened.attrs.get("region", "?"))
