"""Run-to-run sanity check: did a 4-week-ahead median move a lot since the last run?

Each run's weekly quantile table is copied into a history directory as ``<UTC timestamp>.parquet``
(`archive_weekly`). Before that, the current medians at horizon `CHANGE_HORIZON` are
compared with the newest archived run's (`compare_runs`), per scenario x location x
target. A pair is *flagged* when the ratio ``max(now, floor) / max(before, floor)`` is at
least the warning factor or at most its inverse; the floor (default one person or bed
per week) keeps zero and near-zero medians from producing infinite ratios.

The comparison is by horizon, not calendar date: after a refit with a later fit_end, the
same horizon is a later week (both origin dates are listed).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from seirflow.atomic import atomic_output

__all__ = [
    "CHANGE_HORIZON",
    "CHANGE_COLUMNS",
    "history_name",
    "newest_history",
    "archive_weekly",
    "compare_runs",
]

log = logging.getLogger(__name__)

CHANGE_HORIZON = 4
"""Weeks ahead compared between runs."""

CHANGE_COLUMNS: tuple[str, ...] = (
    "scenario_id",
    "location",
    "target",
    "horizon",
    "origin_date",
    "previous_origin_date",
    "previous_run",
    "previous_median",
    "median",
    "ratio",
    "flagged",
)
"""Columns of ``changes.csv``; ``ratio`` and ``previous_*`` are empty where not compared."""

_STAMP = "%Y%m%dT%H%M%S.%fZ"
_STAMP_RE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")


def history_name(now: dt.datetime) -> str:
    """File name of a run archived at `now` (timezone-aware), sortable as text.

    >>> history_name(dt.datetime(2020, 7, 16, 9, 30, tzinfo=dt.UTC))
    '20200716T093000.000000Z.parquet'

    Raises:
        ValueError: if `now` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("history timestamps must be timezone-aware (UTC)")
    return now.astimezone(dt.UTC).strftime(_STAMP) + ".parquet"


def newest_history(history: str | os.PathLike) -> Path | None:
    """The newest archived hub parquet in `history`, or None if there is none.

    Files not named like `history_name` are ignored.
    """
    directory = Path(history)
    if not directory.is_dir():
        return None
    runs = sorted(p for p in directory.glob("*.parquet") if p.is_file() and _STAMP_RE.match(p.stem))
    return runs[-1] if runs else None


def archive_weekly(hub_parquet: str | os.PathLike, history: str | os.PathLike, *, now) -> Path:
    """Copy this run's hub parquet into `history` as ``<UTC timestamp>.parquet``.

    Args:
        hub_parquet: The hub parquet just written.
        history: Directory of earlier runs (created if missing).
        now: Timezone-aware time of the run.

    Returns:
        Path of the copy.

    Raises:
        FileExistsError: if a run with the same timestamp is already archived.
    """
    target = Path(history) / history_name(now)
    if target.exists():
        raise FileExistsError(f"{target}: a run with this timestamp is already archived")
    with atomic_output(target) as tmp:
        shutil.copyfile(hub_parquet, tmp)
    log.info("archived this run's hub output as %s", target)
    return target


def compare_runs(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    *,
    factor: float,
    previous_run: str = "",
    horizon: int = CHANGE_HORIZON,
    floor: float = 1.0,
) -> pd.DataFrame:
    """Compare medians at `horizon` between this run and the previous one; log flags.

    Args:
        current: This run's weekly table (`read_weekly` types).
        previous: The previous run's weekly table, or None if there is none.
        factor: Warning factor (> 0; a factor below 1 is read as its inverse).
        previous_run: Name of the previous run, for the table and messages.
        horizon: Horizon compared; if this run has fewer weeks, its last horizon.
        floor: Medians below this count as this, for the ratio (people or beds per week).

    Returns:
        One row per scenario x location x target (`CHANGE_COLUMNS`), including tasks
        present in only one run (not compared, not flagged). Each flagged row is also
        logged at WARNING.
    """
    factor = max(factor, 1.0 / factor)
    horizon = min(horizon, int(current["horizon"].max()))
    now = _medians(current, horizon)
    if previous is None:
        log.info("no previous run to compare with: nothing flagged")
        before = now.iloc[0:0]
    else:
        before = _medians(previous, horizon)
    keys = ["scenario_id", "location", "target"]
    table = now.merge(before, on=keys, how="outer", suffixes=("", "_previous"))
    table = table.rename(
        columns={
            "median_previous": "previous_median",
            "origin_date_previous": "previous_origin_date",
        }
    )
    table["horizon"] = horizon
    table["previous_run"] = previous_run if previous is not None else ""
    both = table["median"].notna() & table["previous_median"].notna()
    ratio = np.maximum(table["median"], floor) / np.maximum(table["previous_median"], floor)
    table["ratio"] = ratio.where(both)
    tolerance = 1e-12
    table["flagged"] = both & (
        (ratio >= factor * (1 - tolerance)) | (ratio <= (1 + tolerance) / factor)
    )
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)[list(CHANGE_COLUMNS)]
    for row in table[table["flagged"]].itertuples(index=False):
        log.warning(
            "scenario %s, location %s, target %r: median %d weeks ahead moved x%.2f since "
            "run %s (%.1f -> %.1f)",
            row.scenario_id,
            row.location,
            row.target,
            horizon,
            row.ratio,
            previous_run or "previous",
            row.previous_median,
            row.median,
        )
    if previous is not None:
        log.info(
            "compared %d medians with run %s: %d moved by x%g or more",
            int(both.sum()),
            previous_run,
            int(table["flagged"].sum()),
            factor,
        )
    return table


def _medians(df: pd.DataFrame, horizon: int) -> pd.DataFrame:
    rows = df[(df["output_type"] == "median") & (df["horizon"] == horizon)]
    return rows[["scenario_id", "location", "target", "origin_date", "value"]].rename(
        columns={"value": "median"}
    )
