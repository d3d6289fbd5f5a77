"""Step: the hub model output of all scenarios, the summary CSV and the run-to-run check."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.postprocess.changes import archive_hub, compare_runs, newest_history
from seirflow.postprocess.hub import read_hub, sort_hub, write_hub
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.summary import write_summary
from seirflow.postprocess.weekly import TARGETS

__all__ = ["write_hub_output"]

log = logging.getLogger(__name__)


def write_hub_output(
    *,
    weekly: list[str] | str,
    daily: list[str] | str,
    hub_parquet: str,
    hub_csv: str,
    summary: str,
    changes: str,
    history: str,
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
) -> None:
    """Combine the scenarios' hub rows, write hub files and the summary, check changes.

    Order: validate the combined table and write the hub parquet and CSV; compare its
    4-week-ahead medians with the newest run in `history` (WARNING per flagged pair, every
    pair in `changes`); write the summary CSV and `changes`; finally archive the hub
    parquet in `history` as ``<UTC timestamp>.parquet``.

    Args:
        weekly: Hub parquets to combine: per region and national per scenario (from
            `summarise_region` and `summarise_national`).
        daily: The matching daily quantile parquets.
        hub_parquet, hub_csv: Hub model output (layout: `seirflow.postprocess.hub`).
        summary: Summary CSV (layout: `seirflow.postprocess.summary`).
        changes: CSV of the run-to-run comparison (`CHANGE_COLUMNS`).
        history: Directory of earlier runs' hub parquets (kept across runs).
        dates: The ``dates`` config section.
        postprocessing: The ``postprocessing`` config section.

    Raises:
        HubFormatError: if the combined table fails validation (nothing is written).
        DataError: if an input or the previous run's file is unreadable.
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
    levels = list(settings.postprocessing.quantiles)
    weekly = [weekly] if isinstance(weekly, str) else list(weekly)
    daily = [daily] if isinstance(daily, str) else list(daily)

    hub = sort_hub(pd.concat([read_hub(p) for p in weekly], ignore_index=True))
    write_hub(
        hub,
        levels=levels,
        parquet=hub_parquet,
        csv=hub_csv,
        horizons=settings.dates.projection_weeks,
        targets=TARGETS,
        origin_date=settings.dates.projection_start,
    )
    log.info(
        "wrote %d hub rows (%d scenarios, %d locations) to %s and %s",
        len(hub),
        hub["scenario_id"].nunique(),
        hub["location"].nunique(),
        hub_parquet,
        hub_csv,
    )
    previous_path = newest_history(history)
    previous = read_hub(previous_path) if previous_path is not None else None
    table = compare_runs(
        hub,
        previous,
        factor=settings.postprocessing.change_warning_factor,
        previous_run=previous_path.stem if previous_path is not None else "",
    )
    write_summary(daily, summary)
    with atomic_output(changes) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
    archive_hub(hub_parquet, history, now=dt.datetime.now(dt.UTC))
