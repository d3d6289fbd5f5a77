"""Opportunity Insights Google mobility by state (``Google Mobility - State - Daily.csv``).

Values are fractions (-0.45 = 45 % below the Jan 3 - Feb 6 2020 baseline), already a 7-day
moving average. ``.`` marks a missing value (some columns from mid-August 2020); it is read
as NaN here, and filled (and recorded) later by `seirflow.preprocess.multipliers`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from seirflow.errors import DataError
from seirflow.sources.tables import EARLIEST_DATE, check_unique, parse_numbers, read_csv_columns

__all__ = ["GPS_COLUMNS", "MAX_CHANGE", "read_mobility", "mobility_region"]

#: Mobility columns of the file (all fractions of the baseline).
GPS_COLUMNS = (
    "gps_retail_and_recreation",
    "gps_grocery_and_pharmacy",
    "gps_parks",
    "gps_transit_stations",
    "gps_workplaces",
    "gps_residential",
    "gps_away_from_home",
)

#: Largest credible change from the baseline (+1,000 %). The file's largest value is +525 %
#: (gps_parks, South Dakota on 13 August 2020, the Sturgis rally); a value like 37.5 is a
#: percentage written into a fraction column, and would multiply contacts 38-fold.
MAX_CHANGE = 10.0


def read_mobility(path: str | os.PathLike, columns=GPS_COLUMNS) -> pd.DataFrame:
    """Read and validate the state mobility file.

    Args:
        path: ``Google Mobility - State - Daily.csv``.
        columns: Mobility columns to read (default: all of `GPS_COLUMNS`).

    Returns:
        DataFrame with ``date`` (datetime64), ``fips`` (2-digit string) and one float column
        per requested mobility column (NaN where the file has ``.``), in file order.

    Raises:
        DataError: missing column, truncated or empty file, an invalid or out-of-range date,
            a non-numeric value, a value below -1 (a fall of more than 100 %) or above
            `MAX_CHANGE`, or a duplicated (fips, date).
    """
    for column in columns:
        if column not in GPS_COLUMNS:
            raise DataError(
                f"{path}: unknown mobility column {column!r}; expected one of {GPS_COLUMNS}",
                file=path,
                field=column,
                value=None,
            )
    raw = read_csv_columns(path, ("year", "month", "day", "statefips", *columns))
    parts = {
        k: parse_numbers(raw, k, path, integer=True, minimum=1) for k in ("year", "month", "day")
    }
    dates = pd.to_datetime(
        pd.DataFrame({k: v.astype(int) for k, v in parts.items()}), errors="coerce"
    )
    bad = np.flatnonzero(dates.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        value = "-".join(raw[k].iloc[i] for k in ("year", "month", "day"))
        raise DataError(
            f"{path}: columns (year, month, day), line {i + 2}: invalid date {value!r}",
            file=path,
            field="year, month, day",
            value=value,
        )
    latest = pd.Timestamp.today().normalize()
    out = np.flatnonzero(
        np.asarray(dates < pd.Timestamp(EARLIEST_DATE)) | np.asarray(dates > latest)
    )
    if out.size:
        i = int(out[0])
        value = str(dates.iloc[i].date())
        raise DataError(
            f"{path}: columns (year, month, day), line {i + 2}: date {value} is out of "
            f"range [{EARLIEST_DATE}, {latest.date()}]",
            file=path,
            field="year, month, day",
            value=value,
        )
    fips = parse_numbers(raw, "statefips", path, integer=True, minimum=1)
    table = pd.DataFrame({"date": dates.to_numpy(), "fips": [f"{int(f):02d}" for f in fips]})
    for column in columns:
        table[column] = parse_numbers(
            raw, column, path, missing=(".", ""), minimum=-1, maximum=MAX_CHANGE
        )
    check_unique(table, ["fips", "date"], path)
    return table


def mobility_region(table: pd.DataFrame, fips: str, path: str | os.PathLike) -> pd.DataFrame:
    """Select one state's mobility series on a complete daily index.

    Args:
        table: Output of `read_mobility`.
        fips: 2-digit state FIPS code.
        path: File the table came from (for messages).

    Returns:
        DataFrame indexed by every date from the state's first to its last row (dates absent
        from the file are NaN rows), one float column per mobility column.

    Raises:
        DataError: the state has no rows in the file.
    """
    rows = table[table["fips"] == fips]
    if rows.empty:
        raise DataError(
            f"{path}: column 'statefips': region {fips!r} not found",
            file=path,
            field="statefips",
            value=fips,
        )
    series = rows.drop(columns="fips").set_index("date").sort_index()
    full = pd.date_range(series.index[0], series.index[-1], freq="D", name="date")
    return series.reindex(full)
