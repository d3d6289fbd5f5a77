"""Mistry et al. (2021) contact matrices by setting, 85 single years of age (0..83, 84+).

Each ``*_F_<setting>_setting_85.csv(.gz)`` file is an 85x85 matrix without header. Row i,
column j is the per-capita probability that a person aged i contacts a person aged j in the
setting on a given day; multiplied by the setting weight it is the daily number of contacts
of one person aged i with people aged j (do not multiply by N_j). Row sums are at most 1.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from seirflow.errors import DataError
from seirflow.regions import Region
from seirflow.sources.layout import SETTINGS, RawPaths

__all__ = ["MISTRY_AGES", "SETTING_WEIGHTS", "read_mistry_matrix", "read_mistry_settings"]

#: Number of single-year ages in the matrices (0..83 and the open group 84+).
MISTRY_AGES = 85

#: Daily contact weights per setting (Mistry et al. 2021), unrounded so that
#: sum_s w_s F_s reproduces the published overall matrices M.
SETTING_WEIGHTS: Mapping[str, float] = {
    "household": 4.1103,
    "school": 11.4069,
    "work": 8.0746,
    "community": 2.7868,
}

_ROW_SUM_TOLERANCE = 1e-9


def read_mistry_matrix(path: str | os.PathLike) -> np.ndarray:
    """Read and validate one 85x85 setting matrix (plain or gzip-compressed CSV).

    Args:
        path: ``*_F_<setting>_setting_85.csv`` or ``.csv.gz``.

    Returns:
        float64 array, shape (85, 85): per-capita daily contact probabilities.

    Raises:
        DataError: file missing, empty or truncated (incomplete gzip stream, short rows),
            non-numeric or non-finite or negative entries, a non-square or non-85x85 shape,
            or a row sum above 1.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found", file=path, field=None, value=None)
    try:
        # Fast path: all numeric. On any parse problem, re-read as text to name the bad entry.
        values = pd.read_csv(path, header=None, dtype=np.float64).to_numpy()
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        values = None
    except (EOFError, OSError, zlib.error) as exc:
        raise DataError(
            f"{path}: cannot decompress (truncated or corrupt gzip): {exc}",
            file=path,
            field=None,
            value=None,
        ) from exc
    square = values is not None and values.shape == (MISTRY_AGES, MISTRY_AGES)
    if not square or not np.isfinite(values).all():
        return _check_text(path)
    return _check_values(path, values, lambda i, j: str(float(values[i, j])))


def _check_text(path: Path) -> np.ndarray:
    """Slow path: read as text and report the first problem (or return the values)."""
    try:
        frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file", file=path, field=None, value=None) from None
    except (EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataError(
            f"{path}: cannot decompress (truncated or corrupt gzip): {exc}",
            file=path,
            field=None,
            value=None,
        ) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(
            f"{path}: cannot parse CSV: {exc}", file=path, field=None, value=None
        ) from exc
    n_rows, n_cols = frame.shape
    if n_rows != n_cols or n_rows != MISTRY_AGES:
        raise DataError(
            f"{path}: matrix shape ({n_rows}, {n_cols}) is not square {MISTRY_AGES}x{MISTRY_AGES}",
            file=path,
            field="shape",
            value=(n_rows, n_cols),
        )
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        text = frame.iat[i, j]
        what = "empty (truncated or missing)" if text == "" else "non-finite or non-numeric"
        raise DataError(
            f"{path}: entry [{i}, {j}] (row, column): {what} value {text!r}",
            file=path,
            field=f"[{i}, {j}]",
            value=text,
        )
    return _check_values(path, values, lambda i, j: frame.iat[i, j])


def _check_values(path: Path, values: np.ndarray, text) -> np.ndarray:
    """Check signs and row sums of a finite 85x85 matrix; `text(i, j)` shows an entry."""
    if (values < 0).any():
        i, j = (int(k[0]) for k in np.nonzero(values < 0))
        raise DataError(
            f"{path}: entry [{i}, {j}] (row, column): negative value {text(i, j)}",
            file=path,
            field=f"[{i}, {j}]",
            value=text(i, j),
        )
    row_sums = values.sum(axis=1)
    if (row_sums > 1 + _ROW_SUM_TOLERANCE).any():
        i = int(np.argmax(row_sums))
        raise DataError(
            f"{path}: row {i}: row sum {row_sums[i]:.6g} > 1; expected per-capita contact "
            "probabilities (an F matrix, not a weighted M matrix)",
            file=path,
            field=f"row {i}",
            value=float(row_sums[i]),
        )
    return values


def read_mistry_settings(raw: RawPaths, region: Region) -> dict[str, np.ndarray]:
    """Read the four setting matrices of one region.

    Args:
        raw: Raw data layout.
        region: The region (state or DC).

    Returns:
        Mapping setting -> (85, 85) float64 array, in `SETTINGS` order.

    Raises:
        DataError: a file is missing (the region is not in the snapshot) or invalid.
    """
    return {setting: read_mistry_matrix(raw.mistry(region, setting)) for setting in SETTINGS}
