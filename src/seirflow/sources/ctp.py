"""COVID Tracking Project ``all-states-history.csv``: hospital and ICU census, and tests.

Empty fields mean "not reported" and stay missing (NaN); they are never read as zero.
"""

from __future__ import annotations

import os

import pandas as pd

from seirflow.errors import DataError
from seirflow.sources.tables import check_unique, parse_dates, parse_numbers, read_csv_columns

__all__ = [
    "CTP_CENSUS_COLUMNS",
    "CTP_ADMISSIONS_COLUMN",
    "CTP_TESTS_COLUMN",
    "read_ctp",
    "read_ctp_admissions",
    "ctp_region",
]

#: Census columns used: patients currently in hospital, of whom currently in an ICU.
CTP_CENSUS_COLUMNS = ("hospitalizedCurrently", "inIcuCurrently")

#: Test results reported per day (the daily increase of ``totalTestResults``; a downward
#: revision makes it negative, and it is kept as reported).
CTP_TESTS_COLUMN = "totalTestResultsIncrease"

#: New admissions per day (the daily increase of ``hospitalizedCumulative``), where reported.
CTP_ADMISSIONS_COLUMN = "hospitalizedIncrease"


def read_ctp(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate the census and test columns of the CTP state history.

    Args:
        path: ``all-states-history.csv``.

    Returns:
        DataFrame with ``date`` (datetime64), ``state`` (postal code) and float columns
        ``hospitalizedCurrently``, ``inIcuCurrently``, ``totalTestResultsIncrease`` (NaN =
        not reported), in file order.

    Raises:
        DataError: missing column, truncated or empty file, bad or out-of-range date,
            non-numeric, negative or fractional census value, fractional test count, or a
            duplicated (state, date).
    """
    raw = read_csv_columns(path, ("date", "state", *CTP_CENSUS_COLUMNS, CTP_TESTS_COLUMN))
    table = pd.DataFrame(
        {
            "date": parse_dates(raw["date"], "date", path),
            "state": raw["state"].to_numpy(dtype=object),
        }
    )
    for column in CTP_CENSUS_COLUMNS:
        table[column] = parse_numbers(raw, column, path, missing=("",), integer=True, minimum=0)
    table[CTP_TESTS_COLUMN] = parse_numbers(
        raw, CTP_TESTS_COLUMN, path, missing=("",), integer=True
    )
    check_unique(table, ["state", "date"], path)
    return table


def ctp_region(table: pd.DataFrame, code: str, path: str | os.PathLike) -> pd.DataFrame:
    """Select one state's census series.

    Args:
        table: Output of `read_ctp`.
        code: State postal code (e.g. ``"NY"``).
        path: File the table came from (for messages).

    Returns:
        DataFrame indexed by ``date`` (sorted) with the two census columns and the tests
        column (float, NaN = not reported).

    Raises:
        DataError: the state has no rows in the file.
    """
    rows = table[table["state"] == code]
    if rows.empty:
        raise DataError(
            f"{path}: column 'state': region {code!r} not found",
            file=path,
            field="state",
            value=code,
        )
    return rows.set_index("date").sort_index()[[*CTP_CENSUS_COLUMNS, CTP_TESTS_COLUMN]]


def read_ctp_admissions(path: str | os.PathLike) -> pd.DataFrame:
    """Read the daily new hospital admissions of the CTP state history.

    ``hospitalizedIncrease`` is the day's increase of the state's cumulative
    hospitalisations. Many states never reported a cumulative figure; there it is empty or
    a run of zeros. A downward revision makes it negative, and it is kept as reported.

    Args:
        path: ``all-states-history.csv``.

    Returns:
        DataFrame with ``date`` (datetime64), ``state`` (postal code) and float
        ``hospitalizedIncrease`` (NaN = empty field), in file order.

    Raises:
        DataError: missing column, truncated or empty file, bad or out-of-range date, a
            non-numeric or fractional value, or a duplicated (state, date).
    """
    raw = read_csv_columns(path, ("date", "state", CTP_ADMISSIONS_COLUMN))
    table = pd.DataFrame(
        {
            "date": parse_dates(raw["date"], "date", path),
            "state": raw["state"].to_numpy(dtype=object),
            CTP_ADMISSIONS_COLUMN: parse_numbers(
                raw, CTP_ADMISSIONS_COLUMN, path, missing=("",), integer=True
            ),
        }
    )
    check_unique(table, ["state", "date"], path)
    return table
