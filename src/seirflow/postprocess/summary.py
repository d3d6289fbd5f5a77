"""The summary CSVs for people: mean, median and 50% / 90% bands per location.

Daily (`write_summary`, ``results/summaries/summary.csv``), columns `SUMMARY_COLUMNS`:
``location`` (FIPS or ``US``), ``region`` (postal code or ``US``), ``name`` (for ``US``
it names the regions left out of the total, see
`seirflow.postprocess.national.NationalSelection.name`), ``scenario``, ``outcome``
(trajectory variable), ``date`` (ISO), ``mean``, ``median``, ``q05``, ``q25``, ``q75``,
``q95``; values in people per day (incidence) or beds (census), rounded to 0.1.

Weekly (`write_weekly_summary`, ``results/summaries/weekly_summary.csv``, the one the HTML
report embeds: a seventh of the daily rows, so it stays small for 51 regions), columns
`WEEKLY_SUMMARY_COLUMNS`: the targets and weeks of `seirflow.postprocess.weekly_table`
with the same statistics, taken from that table (weekly sums per draw, or the census on the
week's last day), rounded to 0.1. A quantile column is left out if its level is not among
the configured ``postprocessing.quantiles``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.errors import DataError
from seirflow.postprocess.national import NATIONAL_LOCATION, NATIONAL_NAME
from seirflow.postprocess.quantiles import SUMMARY_LEVELS, quantile_column
from seirflow.postprocess.weekly import TARGETS, week_end
from seirflow.regions import REGIONS

__all__ = [
    "SUMMARY_COLUMNS",
    "WEEKLY_SUMMARY_COLUMNS",
    "summary_table",
    "write_summary",
    "weekly_summary_table",
    "write_weekly_summary",
]

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

WEEKLY_SUMMARY_COLUMNS: tuple[str, ...] = (
    "location",
    "region",
    "name",
    "scenario",
    "target",
    "horizon",
    "target_end_date",
    "mean",
    "median",
    *(quantile_column(x) for x in SUMMARY_LEVELS),
)

_DECIMALS = 1
_NAMES = {r.fips: (r.code, r.name) for r in REGIONS} | {
    NATIONAL_LOCATION: (NATIONAL_LOCATION, NATIONAL_NAME)
}


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


def weekly_summary_table(hub: pd.DataFrame, *, source: str = "weekly table") -> pd.DataFrame:
    """The weekly summary of a weekly table: one row per scenario, location, target and week.

    Args:
        hub: Hub table (`seirflow.postprocess.weekly_table` layout, in-memory types), validated.
        source: Named in the error message.

    Returns:
        `WEEKLY_SUMMARY_COLUMNS` (without quantile columns whose level the hub lacks),
        sorted by scenario, location (``US`` last), target (hub order) and horizon.

    Raises:
        DataError: if a location is neither a known FIPS code nor ``US``.
    """
    unknown = sorted(set(hub["location"]) - set(_NAMES))
    if unknown:
        raise DataError(
            f"{source}: unknown location {unknown[0]!r}",
            file=source,
            field="location",
            value=unknown[0],
        )
    levels = {round(x, 6): quantile_column(x) for x in SUMMARY_LEVELS}
    stat = np.where(
        hub["output_type"] == "quantile",
        hub["output_type_id"].round(6).map(levels),
        hub["output_type"],
    )
    rows = hub.assign(stat=stat).dropna(subset=["stat"])
    table = rows.pivot(
        index=["scenario_id", "location", "target", "horizon", "origin_date"],
        columns="stat",
        values="value",
    ).reset_index()
    table["region"] = [_NAMES[x][0] for x in table["location"]]
    table["name"] = [_NAMES[x][1] for x in table["location"]]
    table["target_end_date"] = [
        week_end(o, int(h)).isoformat()
        for o, h in zip(table["origin_date"], table["horizon"], strict=True)
    ]
    table = table.rename(columns={"scenario_id": "scenario"})
    table["horizon"] = table["horizon"].astype(int)
    rank = table["target"].map({t: i for i, t in enumerate(TARGETS)})
    order = (
        table.assign(rank=rank)
        .sort_values(["scenario", "location", "rank", "horizon"], kind="stable")
        .index
    )  # "US" sorts after every 2-digit FIPS code
    columns = [c for c in WEEKLY_SUMMARY_COLUMNS if c in table.columns]
    out = table.loc[order, columns].reset_index(drop=True)
    out[columns[7:]] = out[columns[7:]].round(_DECIMALS)
    return out


def write_weekly_summary(hub: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write `weekly_summary_table` of `hub` as CSV, atomically.

    Raises:
        DataError: see `weekly_summary_table`.
    """
    table = weekly_summary_table(hub)
    with atomic_output(path) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
