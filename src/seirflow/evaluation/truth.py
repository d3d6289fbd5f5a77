"""Weekly truth for scoring: the raw reported data, not the model's adjusted inputs.

Weeks are counted from the forecast origin ``o`` (the first day the fit did not see):
week ``k`` is the 7 days ``o + 7(k-1)`` .. ``o + 7k - 1``, so horizon 1 is days
``o`` .. ``o + 6``, horizon 2 is ``o + 7`` .. ``o + 13``, and week 0 (``o - 7`` .. ``o - 1``)
is the last week before the origin. Targets:

``inc case``, ``inc death``
    New York Times ``us-states.csv``: the cumulative count on the week's last day minus the
    cumulative count on the day before its first day (0 before the state's first report),
    i.e. the sum of the raw daily differences. A downward revision dated inside the week
    makes it smaller, possibly negative; nothing is spread over other weeks. Missing if
    either day has no row.
``hosp occupancy``
    COVID Tracking Project ``hospitalizedCurrently`` on the week's last day (patients in
    hospital); missing if not reported that day.
``inc hosp``
    COVID Tracking Project ``hospitalizedIncrease`` summed over the week's 7 days; missing
    unless all 7 are reported, and missing for a state that never reports it (no non-zero
    value in the file).

A week whose value is missing has no row in the tables returned here, so it is not scored.
To recompute a score by hand: take the two NYT rows named above, or the CTP rows of the
week, for the state.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from seirflow.regions import region as lookup_region
from seirflow.sources.ctp import (
    CTP_ADMISSIONS_COLUMN,
    ctp_region,
    read_ctp,
    read_ctp_admissions,
)
from seirflow.sources.layout import RawPaths
from seirflow.sources.nyt import nyt_region, read_nyt

__all__ = [
    "Target",
    "TARGETS",
    "TruthTables",
    "read_truth_tables",
    "week_dates",
    "weekly_values",
    "weekly_truth",
]

TRUTH_COLUMNS = ("origin", "region", "target", "week", "week_start", "week_end", "value")


class Target(StrEnum):
    """Scored targets, named as in the forecast hubs."""

    inc_death = "inc death"
    inc_case = "inc case"
    hosp_occupancy = "hosp occupancy"
    inc_hosp = "inc hosp"


TARGETS: tuple[str, ...] = tuple(t.value for t in Target)


@dataclass(frozen=True)
class TruthTables:
    """The raw national tables the truth is read from.

    Attributes:
        raw: Raw data layout.
        nyt: Output of `seirflow.sources.nyt.read_nyt` (cumulative cases and deaths).
        ctp: Output of `seirflow.sources.ctp.read_ctp` (hospital census).
        admissions: Output of `seirflow.sources.ctp.read_ctp_admissions`.
    """

    raw: RawPaths
    nyt: pd.DataFrame
    ctp: pd.DataFrame
    admissions: pd.DataFrame


def read_truth_tables(raw_dir: str | os.PathLike) -> TruthTables:
    """Read and validate the NYT and CTP files under `raw_dir` once.

    Raises:
        DataError: a file is missing or malformed.
    """
    raw = RawPaths(raw_dir)
    return TruthTables(
        raw=raw,
        nyt=read_nyt(raw.nyt),
        ctp=read_ctp(raw.ctp),
        admissions=read_ctp_admissions(raw.ctp),
    )


def week_dates(origin: dt.date, week: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of week `week` counted from `origin` (week 1 starts on it).

    Example:
        >>> [str(d.date()) for d in week_dates(dt.date(2020, 6, 1), 1)]
        ['2020-06-01', '2020-06-07']
        >>> [str(d.date()) for d in week_dates(dt.date(2020, 6, 1), 0)]
        ['2020-05-25', '2020-05-31']
    """
    start = pd.Timestamp(origin) + pd.Timedelta(days=7 * (week - 1))
    return start, start + pd.Timedelta(days=6)


def _cumulative_on(series: pd.Series, days: pd.DatetimeIndex) -> np.ndarray:
    out = series.reindex(days).to_numpy(dtype=float, copy=True)
    out[np.asarray(days < series.index.min())] = 0.0
    return out


def weekly_values(
    tables: TruthTables, region: str, target: str, origin: dt.date, weeks: Sequence[int]
) -> np.ndarray:
    """One region's weekly truth for the weeks `weeks` counted from `origin`.

    Args:
        tables: Output of `read_truth_tables`.
        region: Postal code.
        target: One of `TARGETS`.
        origin: Forecast origin (first day of week 1).
        weeks: Week numbers (1 = horizon 1; 0 and below are before the origin).

    Returns:
        float64 array, shape (len(weeks),), NaN = missing (rules in the module docstring).

    Raises:
        KeyError: unknown region. ValueError: unknown target.
        DataError: the region has no rows in a source file.
    """
    target = Target(target)
    reg = lookup_region(region)
    bounds = [week_dates(origin, w) for w in weeks]
    starts = pd.DatetimeIndex([a for a, _ in bounds])
    ends = pd.DatetimeIndex([b for _, b in bounds])
    if target in (Target.inc_case, Target.inc_death):
        column = "cases" if target is Target.inc_case else "deaths"
        cumulative = nyt_region(tables.nyt, reg.fips, tables.raw.nyt)[column]
        before = starts - pd.Timedelta(days=1)
        return _cumulative_on(cumulative, ends) - _cumulative_on(cumulative, before)
    if target is Target.hosp_occupancy:
        census = ctp_region(tables.ctp, reg.code, tables.raw.ctp)["hospitalizedCurrently"]
        return census.reindex(ends).to_numpy(dtype=float)
    rows = tables.admissions[tables.admissions["state"] == reg.code]
    daily = rows.set_index("date")[CTP_ADMISSIONS_COLUMN].sort_index()
    if not (daily.fillna(0) != 0).any():
        return np.full(len(weeks), np.nan)
    out = np.empty(len(weeks))
    for i, (a, b) in enumerate(bounds):
        week = daily.reindex(pd.date_range(a, b, freq="D")).to_numpy(dtype=float)
        out[i] = week.sum() if np.isfinite(week).all() else np.nan
    return out


def weekly_truth(
    tables: TruthTables,
    regions: Iterable[str],
    origins: Iterable[dt.date],
    targets: Iterable[str],
    weeks: Sequence[int],
) -> pd.DataFrame:
    """Tidy weekly truth, one row per origin × region × target × week with a value.

    Args:
        tables: Output of `read_truth_tables`.
        regions: Postal codes.
        origins: Forecast origins.
        targets: Targets (`TARGETS`).
        weeks: Week numbers counted from each origin, e.g. ``range(1, 5)`` for the scored
            horizons, ``range(-20, 1)`` for the history a baseline is fitted to.

    Returns:
        DataFrame with columns ``origin`` (datetime64), ``region``, ``target``, ``week``
        (int), ``week_start``, ``week_end`` (datetime64, inclusive) and ``value`` (float);
        missing weeks are left out.
    """
    parts = []
    for origin in origins:
        bounds = [week_dates(origin, w) for w in weeks]
        for region in regions:
            for target in targets:
                values = weekly_values(tables, region, target, origin, weeks)
                parts.append(
                    pd.DataFrame(
                        {
                            "origin": pd.Timestamp(origin),
                            "region": region,
                            "target": str(Target(target)),
                            "week": np.asarray(weeks, dtype=np.int64),
                            "week_start": [a for a, _ in bounds],
                            "week_end": [b for _, b in bounds],
                            "value": values,
                        }
                    )
                )
    if not parts:
        return pd.DataFrame(columns=list(TRUTH_COLUMNS))
    table = pd.concat(parts, ignore_index=True)
    return table[np.isfinite(table["value"].to_numpy())].reset_index(drop=True)
