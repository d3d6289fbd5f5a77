"""Model-output rows of one location: weekly hub targets by age group, per draw.

Targets (`HUB_TARGET_OUTCOMES`): ``inc`` is the sum of the daily counts over an MMWR week
(Sunday-Saturday, horizon h = the h-th week from the origin); ``cum`` is the running sum
of those weeks since the origin date (the hub's "since the beginning of the simulation":
the origin is the first day of the submitted projection). Values are per draw of the
age-structured trajectories (``<outcome>_by_age``), so ``0-64`` + ``65-130`` = ``0-130``
draw by draw.

Output types:
- ``sample``: one sample per posterior draw, paired across scenarios (common random
  numbers), targets, horizons and age groups. With more draws than the round's
  ``max_samples_per_task``, evenly spaced draws are kept. Sample id: ``run_grouping`` =
  1000 x location number (FIPS, 0 for ``US``) + draw position + 1 (ids differ across
  locations; the draw's parameters are shared by every scenario), ``stochastic_run`` = 1
  (one noise stream per parameter draw);
- ``quantile`` (the round's levels) and ``mean``, over all draws.
Values are rounded to the round's ``n_decimal`` after the statistics are taken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import xarray as xr

from seirflow.config.hub import HubOutputType
from seirflow.errors import DataError
from seirflow.hub.round import SAMPLE_ID_COLUMNS, TASK_IDS, HubRound
from seirflow.postprocess.load import by_age
from seirflow.postprocess.quantiles import summarise_draws

__all__ = [
    "HUB_TARGET_OUTCOMES",
    "OUTPUT_COLUMNS",
    "OUTPUT_SCHEMA",
    "hub_values",
    "sample_draws",
    "location_rows",
    "submission_rows",
    "to_arrow",
]

HUB_TARGET_OUTCOMES: dict[str, tuple[str, bool]] = {
    "inc death": ("deaths", False),
    "inc hosp": ("hospital_admissions", False),
    "cum death": ("deaths", True),
    "cum hosp": ("hospital_admissions", True),
}
"""Hub target -> (trajectory outcome, cumulative?)."""

OUTPUT_COLUMNS: tuple[str, ...] = (
    *TASK_IDS,
    "output_type",
    "output_type_id",
    *SAMPLE_ID_COLUMNS,
    "value",
)
OUTPUT_SCHEMA = pa.schema(
    [
        ("origin_date", pa.date32()),
        ("scenario_id", pa.string()),
        ("location", pa.string()),
        ("target", pa.string()),
        ("horizon", pa.int32()),
        ("age_group", pa.string()),
        ("output_type", pa.string()),
        ("output_type_id", pa.float64()),
        ("run_grouping", pa.int32()),
        ("stochastic_run", pa.int32()),
        ("value", pa.float64()),
    ]
)
"""Parquet types of the model-output file: ids NA for samples and means (null)."""

_PER_LOCATION = 1000  # run_grouping = 1000 x location number + draw (hub.samples.max <= 999)


def hub_values(ds: xr.Dataset, r: HubRound, *, source: str = "trajectories") -> xr.DataArray:
    """Weekly hub targets per draw: dims ``(target, age_group, draw, horizon)``.

    Raises:
        DataError: if `ds` lacks a by-age outcome or an age group, or a day of the weeks.
    """
    first = np.datetime64(r.origin, "D")
    window = np.arange(first, first + 7 * r.weeks)
    have = ds["date"].values.astype("datetime64[D]")
    missing = np.setdiff1d(window, have)
    if missing.size:
        raise DataError(
            f"{source}: lacks {missing.size} day(s) of the hub weeks {window[0]} .. "
            f"{window[-1]}, first {missing[0]}",
            file=source,
            field="date",
            value=str(missing[0]),
        )
    index = np.searchsorted(have, window)
    targets = [str(t) for t in r.hub.targets]
    ages = list(r.hub.age_groups)
    out = np.empty((len(targets), len(ages), ds.sizes["draw"], r.weeks))
    for i, target in enumerate(targets):
        outcome, cumulative = HUB_TARGET_OUTCOMES[target]
        name = by_age(outcome)
        if name not in ds.data_vars:
            raise DataError(
                f"{source}: variable {name!r} (for hub target {target!r}) is missing; "
                "trajectories projected without hub age groups?",
                file=source,
                field=name,
            )
        have_ages = [str(a) for a in ds[name]["age_group"].values]
        absent = [a for a in ages if a not in have_ages]
        if absent:
            raise DataError(
                f"{source}: {name} lacks hub age group(s) {absent} (has {have_ages})",
                file=source,
                field="age_group",
                value=absent,
            )
        daily = ds[name].sel(age_group=ages).transpose("age_group", "draw", "date").values
        weekly = daily[:, :, index].reshape(len(ages), ds.sizes["draw"], r.weeks, 7).sum(-1)
        out[i] = np.cumsum(weekly, axis=-1) if cumulative else weekly
    return xr.DataArray(
        out,
        dims=("target", "age_group", "draw", "horizon"),
        coords={"target": targets, "age_group": ages, "horizon": np.arange(1, r.weeks + 1)},
    )


def sample_draws(n_draws: int, max_samples: int) -> np.ndarray:
    """Positions of the draws submitted as samples: all, or `max_samples` evenly spaced.

    >>> sample_draws(5, 300).tolist(), sample_draws(10, 4).tolist()
    ([0, 1, 2, 3, 4], [0, 3, 6, 9])
    """
    if n_draws <= max_samples:
        return np.arange(n_draws)
    return np.linspace(0, n_draws - 1, max_samples).round().astype(np.int64)


def location_rows(
    values: xr.DataArray, r: HubRound, *, scenario: str, location: str
) -> pd.DataFrame:
    """Model-output rows (`OUTPUT_COLUMNS`) of one location under one config scenario.

    Args:
        values: From `hub_values`.
        r: The round (scenario ids, output types, levels, rounding, samples).
        scenario: Config scenario name (written as its hub scenario id).
        location: FIPS code or ``US``.
    """
    values = values.transpose("target", "age_group", "draw", "horizon")
    data = values.values
    n_t, n_a, n_d, n_h = data.shape
    blocks = []
    types = set(r.hub.output_types)
    if HubOutputType.sample in types:
        keep = sample_draws(n_d, r.hub.samples.max)
        block = data[:, :, keep, :]  # (target, age, sample, horizon)
        number = 0 if location == "US" else int(location)
        ids = _PER_LOCATION * number + np.arange(1, keep.size + 1)
        blocks.append(_frame(block, values, "sample", None, ids))
    if HubOutputType.quantile in types or HubOutputType.mean in types:
        mean, _, q = summarise_draws(data, r.levels, axis=2)
        if HubOutputType.quantile in types:
            block = np.moveaxis(q, 0, 2)  # (target, age, level, horizon)
            blocks.append(_frame(block, values, "quantile", np.asarray(r.levels), None))
        if HubOutputType.mean in types:
            blocks.append(_frame(mean[:, :, None, :], values, "mean", None, None))
    table = pd.concat(blocks, ignore_index=True)
    table["value"] = np.round(table["value"].to_numpy(), r.hub.n_decimal)
    table.insert(0, "location", location)
    table.insert(0, "scenario_id", r.scenario_ids[scenario])
    table.insert(0, "origin_date", r.origin)
    return table[list(OUTPUT_COLUMNS)]


def submission_rows(ds: xr.Dataset, r: HubRound, *, scenario: str, location: str) -> pd.DataFrame:
    """`location_rows` of one trajectories dataset (a region's, or the national total)."""
    source = str(ds.attrs.get("source", f"{location} {scenario}"))
    return location_rows(hub_values(ds, r, source=source), r, scenario=scenario, location=location)


def _frame(block, values, output_type, levels, sample_ids) -> pd.DataFrame:
    """Rows of a (target, age, k, horizon) block; k = samples, levels or one statistic."""
    n_t, n_a, n_k, n_h = block.shape
    grid = np.indices(block.shape).reshape(4, -1)
    k = grid[2]
    return pd.DataFrame(
        {
            "target": values["target"].values.astype(object)[grid[0]],
            "horizon": values["horizon"].values[grid[3]].astype(np.int64),
            "age_group": values["age_group"].values.astype(object)[grid[1]],
            "output_type": output_type,
            "output_type_id": levels[k] if levels is not None else np.nan,
            "run_grouping": pd.array(sample_ids[k], dtype="Int64")
            if sample_ids is not None
            else pd.array([pd.NA] * k.size, dtype="Int64"),
            "stochastic_run": pd.array(np.ones(k.size, dtype=np.int64), dtype="Int64")
            if sample_ids is not None
            else pd.array([pd.NA] * k.size, dtype="Int64"),
            "value": block.ravel(),
        }
    )


def to_arrow(table: pd.DataFrame) -> pa.Table:
    """`table` with the model-output file's parquet types (`OUTPUT_SCHEMA`)."""
    return pa.Table.from_pandas(
        table[list(OUTPUT_COLUMNS)], schema=OUTPUT_SCHEMA, preserve_index=False
    )
