"""The summary CSV for people: daily mean, median and 50% / 90% bands per location.

Columns (`SUMMARY_COLUMNS`): ``location`` (FIPS or ``US``), ``region`` (postal code or
``US``), ``name`` (for ``US`` it names the regions left out of the total, see
`seirflow.postprocess.national.NationalSelection.name`), ``scenario``, ``outcome``
(trajectory variable), ``date`` (ISO), ``mean``, ``median``, ``q05``, ``q25``, ``q75``,
``q95``; values in people per day (incidence) or beds (census), rounded to 0.1.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.errors import DataError
from seirflow.postprocess.quantiles import SUMMARY_LEVELS, quantile_column

__all__ = ["SUMMARY_COLUMNS", "summary_table", "write_summary"]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "location",
    "region",
    "name",
    "scenario",
    "outcome",
    "date",
    "mean",
    "median",
    *(quantile_column(x) for x in SUMMARY_LEVELS),
)

_DECIMALS = 1


def summary_table(daily: pd.DataFrame, *, source: str = "daily quantiles") -> pd.DataFrame:
    """Select and order the summary columns of a daily quantile table.

    Args:
        daily: Daily table from `daily_quantiles` (one or several scenarios).
        source: Named in the error message.

    Returns:
        `SUMMARY_COLUMNS`, sorted by scenario, location, outcome, date; values rounded.

    Raises:
        DataError: if a column is missing.
    """
    missing = [c for c in SUMMARY_COLUMNS if c not in daily.columns]
    if missing:
        raise DataError(
            f"{source}: columns {missing} are missing", file=source, field="columns", value=missing
        )
    out = daily[list(SUMMARY_COLUMNS)].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    values = list(SUMMARY_COLUMNS[6:])
    out[values] = out[values].round(_DECIMALS)
    keys = ["scenario", "location", "outcome", "date"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def write_summary(daily_paths: Sequence[str | os.PathLike], path: str | os.PathLike) -> None:
    """Write the summary CSV of several daily quantile parquets (one per scenario), atomically.

    Raises:
        DataError: if a parquet is unreadable or lacks a column.
    """
    frames = []
    for p in daily_paths:
        try:
            daily = pd.read_parquet(p)
        except (OSError, ValueError) as exc:
            raise DataError(f"{p}: cannot read daily quantiles: {exc}", file=p) from exc
        frames.append(summary_table(daily, source=str(p)))
    table = pd.concat(frames, ignore_index=True)
    with atomic_output(path) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
