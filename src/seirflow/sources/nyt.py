"""New York Times ``us-states.csv``: cumulative cases and deaths per state and day."""

from __future__ import annotations

import os

import pandas as pd

from seirflow.errors import DataError
from seirflow.sources.tables import check_unique, parse_dates, parse_numbers, read_csv_columns

__all__ = ["NYT_COLUMNS", "read_nyt", "nyt_region"]

NYT_COLUMNS = ("date", "state", "fips", "cases", "deaths")


def read_nyt(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate the NYT state file.

    Args:
        path: ``us-states.csv`` (columns date, state, fips, cases, deaths).

    Returns:
        DataFrame with columns ``date`` (datetime64), ``fips`` (2-digit string), ``cases``
        and ``deaths`` (cumulative, int64), in file order.

    Raises:
        DataError: missing column, truncated or empty file, bad date or date out of range,
            non-numeric or negative or fractional count, malformed FIPS code, or a
            duplicated (fips, date).
    """
    raw = read_csv_columns(path, NYT_COLUMNS)
    bad_fips = ~raw["fips"].str.fullmatch(r"\d{2}")
    if bad_fips.any():
        i = int(bad_fips.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: column 'fips', line {i + 2}: not a 2-digit FIPS code {raw['fips'].iloc[i]!r}",
            file=path,
            field="fips",
            value=raw["fips"].iloc[i],
        )
    table = pd.DataFrame(
        {
            "date": parse_dates(raw["date"], "date", path),
            "fips": raw["fips"].to_numpy(dtype=object),
            "cases": parse_numbers(raw, "cases", path, integer=True, minimum=0).astype("int64"),
            "deaths": parse_numbers(raw, "deaths", path, integer=True, minimum=0).astype("int64"),
        }
    )
    check_unique(table, ["fips", "date"], path)
    return table


def nyt_region(table: pd.DataFrame, fips: str, path: str | os.PathLike) -> pd.DataFrame:
    """Select one state's cumulative series.

    Args:
        table: Output of `read_nyt`.
        fips: 2-digit state FIPS code.
        path: File the table came from (for messages).

    Returns:
        DataFrame indexed by ``date`` (sorted) with int64 columns ``cases``, ``deaths``.

    Raises:
        DataError: the state has no rows in the file.
    """
    rows = table[table["fips"] == fips]
    if rows.empty:
        raise DataError(
            f"{path}: column 'fips': region {fips!r} not found", file=path, field="fips", value=fips
        )
    return rows.set_index("date").sort_index()[["cases", "deaths"]]
