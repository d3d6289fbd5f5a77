"""The project's weekly quantile table: every target of the project, in hubverse columns.

Not a hub submission (that is `seirflow.hub`: MMWR weeks, hub targets by age group,
samples): this table keeps the project's own targets (infections, cases, occupancy too)
over Thursday-Wednesday weeks from the projection start, for the summaries, the report
and the run-to-run check. Columns (`WEEKLY_COLUMNS`), one row per prediction:

==================  ===========================================================  ==========
column              meaning                                                      parquet
==================  ===========================================================  ==========
``origin_date``     projection start (fit_end + 1 day)                           date32
``scenario_id``     scenario name (config key)                                   string
``location``        2-digit FIPS code, or ``"US"`` for the national total         string
``target``          ``inc infection``, ``inc case``, ``inc hosp``, ``inc death``  string
                    (weekly sums); ``hosp occupancy``, ``icu occupancy`` (beds
                    on the week's last day), see `seirflow.postprocess.weekly`
``horizon``         week 1..N after origin_date                                  int32
``output_type``     ``mean``, ``median`` or ``quantile``                         string
``output_type_id``  quantile level; missing for mean and median                  float64
``value``           people per week (``inc``) or beds (``occupancy``)            float64
==================  ===========================================================  ==========

Missing ``output_type_id`` is a parquet null and ``NA`` in the CSV (hubverse
convention for point estimates). In memory (`read_weekly`): ``origin_date`` holds
`datetime.date`, ``output_type_id`` NaN, ``horizon`` int64.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from seirflow.atomic import atomic_output
from seirflow.errors import DataError
from seirflow.postprocess.quantiles import summarise_draws
from seirflow.postprocess.validate import (
    OUTPUT_TYPES,
    POINT_TYPES,
    TASK_COLUMNS,
    WEEKLY_COLUMNS,
    validate_weekly,
)
from seirflow.postprocess.weekly import TARGETS

__all__ = [
    "WEEKLY_COLUMNS",
    "WEEKLY_SCHEMA",
    "weekly_rows",
    "sort_weekly",
    "write_weekly",
    "read_weekly",
]

WEEKLY_SCHEMA = pa.schema(
    [
        ("origin_date", pa.date32()),
        ("scenario_id", pa.string()),
        ("location", pa.string()),
        ("target", pa.string()),
        ("horizon", pa.int32()),
        ("output_type", pa.string()),
        ("output_type_id", pa.float64()),
        ("value", pa.float64()),
    ]
)
"""Parquet column types (``output_type_id`` numeric: every id is a quantile level)."""


def weekly_rows(
    weekly: xr.DataArray,
    *,
    origin_date: dt.date,
    scenario: str,
    location: str,
    levels: Sequence[float],
) -> pd.DataFrame:
    """Mean, median and quantile rows of one location's weekly targets.

    Args:
        weekly: Dims ``(target, draw, horizon)`` (from `weekly_targets`).
        origin_date: Projection start.
        scenario: Scenario id.
        location: FIPS code or ``"US"``.
        levels: Quantile levels, increasing.

    Returns:
        Hub table (`WEEKLY_COLUMNS`), rows ordered by target, horizon, mean, median, levels.
    """
    weekly = weekly.transpose("target", "draw", "horizon")
    mean, median, q = summarise_draws(weekly.values, levels, axis=1)
    stats = np.concatenate([mean[None], median[None], q], axis=0)  # (output, target, horizon)
    n_out, n_target, n_horizon = stats.shape
    ids = np.array([np.nan, np.nan, *levels], dtype=np.float64)
    types = np.array([*POINT_TYPES, *["quantile"] * len(levels)], dtype=object)
    return pd.DataFrame(
        {
            "origin_date": [origin_date] * stats.size,
            "scenario_id": scenario,
            "location": location,
            "target": np.repeat(weekly["target"].values.astype(object), n_horizon * n_out),
            "horizon": np.tile(np.repeat(weekly["horizon"].values, n_out), n_target).astype(
                np.int64
            ),
            "output_type": np.tile(types, n_target * n_horizon),
            "output_type_id": np.tile(ids, n_target * n_horizon),
            "value": stats.transpose(1, 2, 0).ravel(),
        },
        columns=list(WEEKLY_COLUMNS),
    )


def sort_weekly(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in a stable order: scenario, location (US last), target, horizon, type, level."""
    target_rank = {t: i for i, t in enumerate(TARGETS)}
    type_rank = {t: i for i, t in enumerate(OUTPUT_TYPES)}
    keys = pd.DataFrame(
        {
            "scenario_id": df["scenario_id"],
            "location": df["location"],
            "target": df["target"].map(target_rank).fillna(len(TARGETS)),
            "target_name": df["target"],
            "horizon": df["horizon"],
            "output_type": df["output_type"].map(type_rank).fillna(len(OUTPUT_TYPES)),
            "output_type_id": df["output_type_id"].fillna(-1.0),
        }
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return df.loc[order].reset_index(drop=True)


def write_weekly(
    df: pd.DataFrame,
    *,
    levels: Sequence[float],
    parquet: str | os.PathLike | None = None,
    csv: str | os.PathLike | None = None,
    horizons: int | None = None,
    targets: Sequence[str] | None = None,
    origin_date: dt.date | None = None,
) -> None:
    """Validate a weekly table, then write it as parquet and/or CSV, atomically.

    Both files are written to temporary names first and renamed only when both are
    complete; if validation or writing fails, neither destination is touched.

    Args:
        df: Hub table (`WEEKLY_COLUMNS`).
        levels, horizons, targets, origin_date: Expectations, see `validate_weekly`.
        parquet: Parquet destination (`WEEKLY_SCHEMA`), or None.
        csv: CSV destination (``NA`` for missing ids, ISO dates), or None.

    Raises:
        WeeklyTableError: if the table breaks a rule (nothing is written).
    """
    file = str(parquet or csv)
    validate_weekly(
        df,
        levels=levels,
        file=file,
        horizons=horizons,
        targets=targets,
        origin_date=origin_date,
    )
    table = pa.Table.from_pandas(df, schema=WEEKLY_SCHEMA, preserve_index=False)
    with _maybe_atomic(parquet) as tmp_parquet, _maybe_atomic(csv) as tmp_csv:
        if tmp_parquet is not None:
            pq.write_table(table, tmp_parquet)
        if tmp_csv is not None:
            df.to_csv(tmp_csv, index=False, na_rep="NA", lineterminator="\n")


def read_weekly(path: str | os.PathLike) -> pd.DataFrame:
    """Read a weekly table written by `write_weekly` (parquet or CSV, by suffix).

    Returns:
        The table with in-memory types (see the module docstring); parquet and CSV of the
        same table compare equal.

    Raises:
        DataError: if the file is missing, unreadable or lacks hub columns.
    """
    path = Path(path)
    csv = path.suffix == ".csv"
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False) if csv else pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise DataError(f"{path}: cannot read weekly table: {exc}", file=path) from exc
    missing = [c for c in WEEKLY_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: weekly table lacks columns {missing}",
            file=path,
            field="columns",
            value=missing,
        )
    if csv:
        # Read as text, numbers parsed by float() (correctly rounded), so the shortest-repr
        # floats `write_weekly` wrote come back bit for bit.
        try:
            for column in ("output_type_id", "value", "horizon"):
                df[column] = [np.nan if x in ("NA", "") else float(x) for x in df[column]]
            df["origin_date"] = pd.to_datetime(df["origin_date"], format="%Y-%m-%d").dt.date
        except ValueError as exc:
            raise DataError(f"{path}: malformed weekly table: {exc}", file=path) from exc
    df = df[list(WEEKLY_COLUMNS)].copy()
    df["horizon"] = df["horizon"].astype(np.int64)
    df["output_type_id"] = df["output_type_id"].astype(np.float64)
    df["value"] = df["value"].astype(np.float64)
    for column in (c for c in TASK_COLUMNS if c not in ("origin_date", "horizon")):
        df[column] = df[column].astype(str)
    df["output_type"] = df["output_type"].astype(str)
    return df


def _maybe_atomic(path):
    return contextlib.nullcontext(None) if path is None else atomic_output(path)
