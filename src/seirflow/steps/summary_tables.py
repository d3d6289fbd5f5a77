"""Step: the project's own tables of all scenarios (weekly quantiles, summary CSVs) and the
run-to-run check. The hub submission is `seirflow.steps.hub`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.postprocess.changes import archive_weekly, compare_runs, newest_history
from seirflow.postprocess.settings import read_settings
from seirflow.postprocess.summary import write_summary, write_weekly_summary
from seirflow.postprocess.weekly import TARGETS
from seirflow.postprocess.weekly_table import read_weekly, sort_weekly, write_weekly

__all__ = ["write_summary_tables"]

log = logging.getLogger(__name__)


def write_summary_tables(
    *,
    weekly: list[str] | str,
    daily: list[str] | str,
    weekly_quantiles: str,
    summary: str,
    weekly_summary: str,
    changes: str,
    history: str,
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
) -> None:
    """Combine the scenarios' weekly quantiles, write them and the summaries, check changes.

    Order: validate the combined table and write the weekly quantiles parquet; compare
    its 4-week-ahead medians with the newest run in `history` (WARNING per flagged pair,
    every pair in `changes`); write the daily and weekly summary CSVs and `changes`;
    finally archive the weekly quantiles in `history` as ``<UTC timestamp>.parquet``.

    Args:
        weekly: Weekly quantile parquets to combine: per region and national per scenario
            (from `summarise_region` and `summarise_national`).
        daily: The matching daily quantile parquets.
        weekly_quantiles: All of them in one table (layout: `seirflow.postprocess.weekly_table`;
            every target of the project, Thursday-Wednesday weeks from the projection
            start).
        summary: Daily summary CSV (layout: `seirflow.postprocess.summary`).
        weekly_summary: Weekly summary CSV, the one the report embeds (same module).
        changes: CSV of the run-to-run comparison (`CHANGE_COLUMNS`).
        history: Directory of earlier runs' weekly quantiles (kept across runs).
        dates: The ``dates`` config section.
        postprocessing: The ``postprocessing`` config section.

    Raises:
        WeeklyTableError: if the combined table fails validation (nothing is written).
        DataError: if an input or the previous run's file is unreadable.
        ConfigError: if a section is invalid.
    """
    settings = read_settings(dates, postprocessing)
    levels = list(settings.postprocessing.quantiles)
    weekly = [weekly] if isinstance(weekly, str) else list(weekly)
    daily = [daily] if isinstance(daily, str) else list(daily)

    hub = sort_weekly(pd.concat([read_weekly(p) for p in weekly], ignore_index=True))
    write_weekly(
        hub,
        levels=levels,
        parquet=weekly_quantiles,
        horizons=settings.dates.projection_weeks,
        targets=TARGETS,
        origin_date=settings.dates.projection_start,
    )
    log.info(
        "wrote %d weekly rows (%d scenarios, %d locations) to %s",
        len(hub),
        hub["scenario_id"].nunique(),
        hub["location"].nunique(),
        weekly_quantiles,
    )
    previous_path = newest_history(history)
    previous = read_weekly(previous_path) if previous_path is not None else None
    table = compare_runs(
        hub,
        previous,
        factor=settings.postprocessing.change_warning_factor,
        previous_run=previous_path.stem if previous_path is not None else "",
    )
    write_summary(daily, summary)
    write_weekly_summary(hub, weekly_summary)
    with atomic_output(changes) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
    archive_weekly(weekly_quantiles, history, now=dt.datetime.now(dt.UTC))
