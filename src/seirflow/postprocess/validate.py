"""Checks the project's weekly quantile table passes before it is written.

(Hub submissions are checked against their hub's tasks.json by `seirflow.hub`.)

A *task* is one combination of the task-ID columns (origin_date, scenario_id, location,
target, horizon). Every task must have exactly one ``mean``, one ``median`` and one
``quantile`` row per configured level; quantiles must not decrease with the level.
A failure raises `WeeklyTableError` naming the task, so nothing partial is ever written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from seirflow.errors import DataError

__all__ = [
    "WEEKLY_COLUMNS",
    "TASK_COLUMNS",
    "OUTPUT_TYPES",
    "POINT_TYPES",
    "WeeklyTableError",
    "validate_weekly",
    "describe_task",
]

WEEKLY_COLUMNS: tuple[str, ...] = (
    "origin_date",
    "scenario_id",
    "location",
    "target",
    "horizon",
    "output_type",
    "output_type_id",
    "value",
)
TASK_COLUMNS: tuple[str, ...] = WEEKLY_COLUMNS[:5]
OUTPUT_TYPES: tuple[str, ...] = ("mean", "median", "quantile")
POINT_TYPES: tuple[str, ...] = ("mean", "median")
"""Output types whose ``output_type_id`` is missing (NA), per hubverse convention."""


class WeeklyTableError(DataError):
    """The weekly table breaks its rules; ``task`` names the offending task."""

    def __init__(self, message: str, *, file=None, field=None, value=None, task=None):
        super().__init__(message, file=file, field=field, value=value)
        self.task = task


def describe_task(task: Sequence) -> str:
    """``origin_date=2020-07-16, scenario_id=baseline, location=36, ...`` for messages."""
    return ", ".join(f"{c}={v}" for c, v in zip(TASK_COLUMNS, task, strict=True))


def validate_weekly(
    df: pd.DataFrame,
    *,
    levels: Sequence[float],
    file: str | None = None,
    horizons: int | None = None,
    targets: Sequence[str] | None = None,
    origin_date: dt.date | None = None,
) -> None:
    """Check a weekly table: columns, values, duplicates, completeness, monotone quantiles.

    Tasks expected: every combination of the values seen in each task-ID column (so a
    location missing for one target is caught), widened by the optional expectations.

    Args:
        df: Table with `WEEKLY_COLUMNS` (see `seirflow.postprocess.weekly_table`).
        levels: Quantile levels every task must have.
        file: Destination, named in messages.
        horizons: If given, horizons must be exactly 1..`horizons`.
        targets: If given, every one of these targets is expected.
        origin_date: If given, the only allowed origin date.

    Raises:
        WeeklyTableError: naming the file, the column and the task (``.task``) at fault.
    """
    where = f"{file}: " if file else ""
    if list(df.columns) != list(WEEKLY_COLUMNS):
        raise WeeklyTableError(
            f"{where}hub columns are {list(df.columns)}, expected {list(WEEKLY_COLUMNS)}",
            file=file,
            field="columns",
            value=list(df.columns),
        )
    if df.empty:
        raise WeeklyTableError(f"{where}weekly table has no rows", file=file)
    _check_values(df, where, file, levels, origin_date)
    _check_duplicates(df, where, file)
    _check_complete(df, where, file, levels, horizons, targets, origin_date)
    _check_monotone(df, where, file)


def _check_values(df, where, file, levels, origin_date) -> None:
    for column in (*TASK_COLUMNS, "output_type", "value"):
        null = df[column].isna().to_numpy()
        if null.any():
            row = df.iloc[int(np.argmax(null))]
            raise WeeklyTableError(
                f"{where}column {column!r} is missing for task {_task_of(row)}",
                file=file,
                field=column,
                task=_task_tuple(row),
            )
    bad_type = ~df["output_type"].isin(OUTPUT_TYPES).to_numpy()
    if bad_type.any():
        row = df.iloc[int(np.argmax(bad_type))]
        raise WeeklyTableError(
            f"{where}output_type {row['output_type']!r} is not one of {list(OUTPUT_TYPES)} "
            f"(task {_task_of(row)})",
            file=file,
            field="output_type",
            value=row["output_type"],
            task=_task_tuple(row),
        )
    point = df["output_type"].isin(POINT_TYPES).to_numpy()
    has_id = df["output_type_id"].notna().to_numpy()
    bad_id = (point & has_id) | (~point & ~df["output_type_id"].isin(levels).to_numpy())
    if bad_id.any():
        row = df.iloc[int(np.argmax(bad_id))]
        expected = "NA" if row["output_type"] in POINT_TYPES else f"one of {list(levels)}"
        raise WeeklyTableError(
            f"{where}output_type_id {row['output_type_id']!r} for {row['output_type']} should "
            f"be {expected} (task {_task_of(row)})",
            file=file,
            field="output_type_id",
            value=row["output_type_id"],
            task=_task_tuple(row),
        )
    value = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=np.float64)
    bad_value = ~np.isfinite(value) | (value < 0)
    if bad_value.any():
        row = df.iloc[int(np.argmax(bad_value))]
        raise WeeklyTableError(
            f"{where}value {row['value']!r} is not a finite count >= 0 (task {_task_of(row)}, "
            f"{row['output_type']} {row['output_type_id']})",
            file=file,
            field="value",
            value=row["value"],
            task=_task_tuple(row),
        )
    if origin_date is not None and (df["origin_date"] != origin_date).any():
        row = df[df["origin_date"] != origin_date].iloc[0]
        raise WeeklyTableError(
            f"{where}origin_date {row['origin_date']} differs from the projection start "
            f"{origin_date} (task {_task_of(row)})",
            file=file,
            field="origin_date",
            value=row["origin_date"],
            task=_task_tuple(row),
        )


def _check_duplicates(df, where, file) -> None:
    keys = [*TASK_COLUMNS, "output_type", "output_type_id"]
    dup = df.duplicated(subset=keys, keep=False).to_numpy()
    if dup.any():
        row = df.iloc[int(np.argmax(dup))]
        raise WeeklyTableError(
            f"{where}{int(dup.sum())} duplicate rows; first: task {_task_of(row)}, "
            f"{row['output_type']} {row['output_type_id']}",
            file=file,
            field="output_type_id",
            value=row["output_type_id"],
            task=_task_tuple(row),
        )


def _check_complete(df, where, file, levels, horizons, targets, origin_date) -> None:
    if horizons is not None:
        seen = set(df["horizon"].astype(int))
        if seen != set(range(1, horizons + 1)):
            gap = sorted(set(range(1, horizons + 1)) ^ seen)
            raise WeeklyTableError(
                f"{where}horizons should be 1..{horizons}; missing or extra: {gap}",
                file=file,
                field="horizon",
                value=gap,
            )
    axes = [list(pd.unique(df[c])) for c in TASK_COLUMNS]
    if targets is not None:
        axes[3] = list(dict.fromkeys([*axes[3], *targets]))
    if origin_date is not None:
        axes[0] = [origin_date]
    outputs = [f"{t}:NA" for t in POINT_TYPES] + [f"quantile:{float(x)!r}" for x in levels]
    expected = pd.MultiIndex.from_product([*axes, outputs])
    ids = df["output_type_id"].to_numpy(dtype=object)
    keys = [
        f"{t}:NA" if pd.isna(i) else f"{t}:{float(i)!r}"
        for t, i in zip(df["output_type"].to_numpy(dtype=object), ids, strict=True)
    ]
    have = pd.MultiIndex.from_arrays([*(df[c] for c in TASK_COLUMNS), pd.Index(keys)])
    missing = expected.difference(have)
    if len(missing):
        task, output = missing[0][:5], missing[0][5].split(":")
        n_tasks = len({m[:5] for m in missing})
        raise WeeklyTableError(
            f"{where}incomplete: {len(missing)} row(s) missing over {n_tasks} task(s); first: "
            f"task {describe_task(task)} lacks {output[0]} {output[1]}",
            file=file,
            field="output_type_id",
            value=output[1],
            task=tuple(task),
        )


def _check_monotone(df, where, file) -> None:
    q = df[df["output_type"] == "quantile"].sort_values(
        [*TASK_COLUMNS, "output_type_id"], kind="stable"
    )
    values = q["value"].to_numpy(dtype=np.float64)
    same_task = np.ones(len(q) - 1, dtype=bool) if len(q) else np.zeros(0, dtype=bool)
    for column in TASK_COLUMNS:
        col = q[column].to_numpy()
        same_task &= col[1:] == col[:-1]
    drops = same_task & (np.diff(values) < 0)
    if drops.any():
        i = int(np.argmax(drops))
        lo, hi = q.iloc[i], q.iloc[i + 1]
        raise WeeklyTableError(
            f"{where}quantiles decrease for task {_task_of(hi)}: level {lo['output_type_id']} "
            f"= {lo['value']} > level {hi['output_type_id']} = {hi['value']}",
            file=file,
            field="value",
            value=hi["value"],
            task=_task_tuple(hi),
        )


def _task_tuple(row: pd.Series) -> tuple:
    return tuple(row[c] for c in TASK_COLUMNS)


def _task_of(row: pd.Series) -> str:
    return describe_task(_task_tuple(row))
