"""Strict CSV reading shared by the source readers.

Each check raises `DataError` naming the file, the column and the offending value, with the
1-based line number in the file where that helps (header = line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from seirflow.errors import DataError

__all__ = [
    "EARLIEST_DATE",
    "read_csv_columns",
    "parse_numbers",
    "parse_dates",
    "check_unique",
]

#: Earliest plausible date in any of the 2020 epidemic sources.
EARLIEST_DATE = dt.date(2020, 1, 1)

_TAIL_BYTES = 65536


def _check_utf8(path: Path) -> None:
    """Raise if the file is not UTF-8 text, naming the line and the offending byte."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02x}"
        raise DataError(
            f"{path}: line {line}: byte {byte} at offset {exc.start} is not UTF-8 text; "
            "save the file as UTF-8",
            file=path,
            field=f"line {line}",
            value=byte,
        ) from None


def _header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        try:
            return next(csv.reader(fh))
        except StopIteration:
            raise DataError(f"{path}: empty file", file=path, field=None, value=None) from None


def _check_last_line(path: Path, n_columns: int) -> None:
    """Raise if the last record has fewer or more fields than the header (a truncated file)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read().decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return
    last = lines[-1]
    if last.count('"') % 2:
        raise DataError(
            f"{path}: last line has an unterminated quoted field: file looks truncated "
            f"(last line: {last[-80:]!r})",
            file=path,
            field="last line",
            value=last,
        )
    fields = next(csv.reader(io.StringIO(last)))
    if len(fields) != n_columns:
        raise DataError(
            f"{path}: last line has {len(fields)} fields but the header has {n_columns}: "
            f"file looks truncated (last line: {last[-80:]!r})",
            file=path,
            field="last line",
            value=last,
        )


def read_csv_columns(path: str | os.PathLike, columns: Sequence[str]) -> pd.DataFrame:
    """Read the named columns of a CSV file as strings, after structural checks.

    Checks that the file exists and is not empty, that the header holds every column in
    `columns`, that the last record is complete (same field count as the header) and that
    there is at least one data row. Values are returned as strings, unparsed; empty fields
    are empty strings.

    Args:
        path: CSV file (plain text).
        columns: Column names that must be present; only these are read.

    Returns:
        DataFrame with exactly `columns`, string values, a default RangeIndex (row `i` is
        on line `i + 2` of the file).

    Raises:
        DataError: file missing or empty, not UTF-8 text, a column missing, a truncated
            last line, no data rows, or a CSV syntax error.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found", file=path, field=None, value=None)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: empty file", file=path, field=None, value=None)
    _check_utf8(path)
    header = _header(path)
    for column in columns:
        if column not in header:
            raise DataError(
                f"{path}: missing column {column!r} (header has: {', '.join(header)})",
                file=path,
                field=column,
                value=None,
            )
    _check_last_line(path, len(header))
    try:
        frame = pd.read_csv(
            path,
            usecols=list(columns),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(
            f"{path}: cannot parse CSV: {exc}", file=path, field=None, value=None
        ) from exc
    if frame.empty:
        raise DataError(f"{path}: no data rows", file=path, field=None, value=None)
    return frame[list(columns)]


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    path: str | os.PathLike,
    *,
    missing: Sequence[str] = (),
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> np.ndarray:
    """Convert a string column to float, with checks.

    Args:
        frame: Output of `read_csv_columns`.
        column: Column to convert.
        path: File the frame came from (for messages).
        missing: Tokens that mean "not reported" and become NaN (e.g. ``("", ".")``). Any
            other empty value is an error.
        integer: Require whole numbers.
        minimum: Smallest allowed value (e.g. 0 for counts).
        maximum: Largest physically possible value.

    Returns:
        float64 array, NaN where the value was a `missing` token.

    Raises:
        DataError: a value is empty (and not allowed missing), non-numeric, infinite, not a
            whole number when `integer`, or outside [`minimum`, `maximum`].
    """
    raw = frame[column]
    is_missing = raw.isin(list(missing)) if missing else np.zeros(len(raw), dtype=bool)
    values = pd.to_numeric(raw.where(~is_missing), errors="coerce").to_numpy(dtype=float)
    is_missing = np.asarray(is_missing)
    bad = (~np.isfinite(values)) & ~is_missing
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = raw.iloc[i]
        what = "empty value (truncated or missing)" if value == "" else "non-numeric value"
        raise DataError(
            f"{path}: column {column!r}, line {i + 2}: {what} {value!r}",
            file=path,
            field=column,
            value=value,
        )
    if integer:
        frac = np.flatnonzero((values != np.round(values)) & ~is_missing)
        if frac.size:
            i = int(frac[0])
            raise DataError(
                f"{path}: column {column!r}, line {i + 2}: not a whole number {raw.iloc[i]!r}",
                file=path,
                field=column,
                value=raw.iloc[i],
            )
    if minimum is not None:
        low = np.flatnonzero((values < minimum) & ~is_missing)
        if low.size:
            i = int(low[0])
            raise DataError(
                f"{path}: column {column!r}, line {i + 2}: value {raw.iloc[i]!r} is below "
                f"the minimum {minimum:g}",
                file=path,
                field=column,
                value=raw.iloc[i],
            )
    if maximum is not None:
        high = np.flatnonzero((values > maximum) & ~is_missing)
        if high.size:
            i = int(high[0])
            raise DataError(
                f"{path}: column {column!r}, line {i + 2}: value {raw.iloc[i]!r} is above "
                f"the maximum {maximum:g}",
                file=path,
                field=column,
                value=raw.iloc[i],
            )
    return values


def parse_dates(
    values: pd.Series,
    column: str,
    path: str | os.PathLike,
    *,
    earliest: dt.date = EARLIEST_DATE,
    latest: dt.date | None = None,
) -> pd.DatetimeIndex:
    """Parse ISO dates (YYYY-MM-DD) and check they lie in a plausible range.

    Args:
        values: String series (one per data row, row `i` on line `i + 2`).
        column: Column name for messages.
        path: File the values came from.
        earliest: First allowed date.
        latest: Last allowed date (default: today).

    Returns:
        Day-resolution DatetimeIndex, same length as `values`.

    Raises:
        DataError: an unparseable date or one outside [earliest, latest].
    """
    latest = latest or dt.date.today()
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise DataError(
            f"{path}: column {column!r}, line {i + 2}: not a YYYY-MM-DD date {values.iloc[i]!r}",
            file=path,
            field=column,
            value=values.iloc[i],
        )
    index = pd.DatetimeIndex(parsed)
    out = np.flatnonzero(
        np.asarray(index < pd.Timestamp(earliest)) | np.asarray(index > pd.Timestamp(latest))
    )
    if out.size:
        i = int(out[0])
        raise DataError(
            f"{path}: column {column!r}, line {i + 2}: date {values.iloc[i]!r} is out of "
            f"range [{earliest}, {latest}]",
            file=path,
            field=column,
            value=values.iloc[i],
        )
    return index


def _text(value) -> str:
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def check_unique(frame: pd.DataFrame, keys: Sequence[str], path: str | os.PathLike) -> None:
    """Raise if two rows share the same values in `keys` (e.g. a duplicated date).

    Args:
        frame: Table (any dtypes) whose index holds each row's 0-based position among the
            data rows of `path` (row with index `i` is on line `i + 2`).
        keys: Columns that together identify a row.
        path: File the table came from.

    Raises:
        DataError: naming the first duplicated key and both line numbers.
    """
    dup = frame.duplicated(list(keys), keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup)
        first = frame.iloc[rows[0]][list(keys)]
        same = rows[(frame.iloc[rows][list(keys)] == first).all(axis=1).to_numpy()]
        lines = [int(frame.index[r]) + 2 for r in same[:2]]
        value = ", ".join(f"{k}={_text(first[k])}" for k in keys)
        raise DataError(
            f"{path}: duplicated ({', '.join(keys)}): {value} on lines {lines[0]} and {lines[1]}",
            file=path,
            field=", ".join(keys),
            value=value,
        )
