"""A copy of the real Scenario Modeling Hub round (tests/fixtures/hub) and synthetic
model output of the right shape for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SMH = Path(__file__).parents[1] / "fixtures" / "hub" / "smh-covid19-2025-04"
ROUND = "2025-04-27"
TEAM, MODEL = "JHU_UNC", "flepiMoP"
SCENARIOS = [f"{x}-2025-04-01" for x in "ABCDE"]
AGES = ["0-130", "65-130", "0-64"]
LEVELS = [0.01, 0.025, 0.05, *np.round(np.arange(0.1, 0.91, 0.05), 2), 0.95, 0.975, 0.99]
SAMPLE_TARGETS = ["inc death", "inc hosp"]


def smh_hub(root: Path) -> Path:
    """A hub directory with the SMH round's configuration and flepiMoP's metadata."""
    hub = root / "hub"
    shutil.copytree(SMH / "hub-config", hub / "hub-config")
    (hub / "model-metadata").mkdir(parents=True)
    shutil.copy(SMH / "model-metadata" / f"{TEAM}-{MODEL}.yaml", hub / "model-metadata")
    return hub


def smh_table(locations=("US", "36"), n_samples: int = 100, seed: int = 1) -> pd.DataFrame:
    """Synthetic output for the SMH round: samples of the required targets in every
    location, and quantiles and means of ``cum death`` in the first location."""
    rng = np.random.default_rng(seed)
    horizons = np.arange(1, 53)
    grid = pd.MultiIndex.from_product(
        [list(locations), SCENARIOS, SAMPLE_TARGETS, horizons, AGES, range(n_samples)],
        names=["location", "scenario_id", "target", "horizon", "age_group", "sample"],
    ).to_frame(index=False)
    loc_rank = grid["location"].map({loc: i for i, loc in enumerate(locations)})
    samples = grid.assign(
        output_type="sample",
        output_type_id=np.nan,
        run_grouping=(1000 * loc_rank + grid["sample"] + 1).astype("Int64"),
        stochastic_run=pd.array(np.ones(len(grid), dtype=np.int64), dtype="Int64"),
        value=np.round(rng.gamma(2.0, 50.0, len(grid)), 1),
    ).drop(columns="sample")
    quantile_grid = pd.MultiIndex.from_product(
        [[locations[0]], SCENARIOS, ["cum death"], horizons, AGES],
        names=["location", "scenario_id", "target", "horizon", "age_group"],
    ).to_frame(index=False)
    levels = np.array(LEVELS)
    quantiles = quantile_grid.loc[quantile_grid.index.repeat(len(levels))].reset_index(drop=True)
    quantiles["output_type"] = "quantile"
    quantiles["output_type_id"] = np.tile(levels, len(quantile_grid))
    quantiles["value"] = np.round(quantiles["output_type_id"] * 1000.0, 1)
    means = quantile_grid.assign(output_type="mean", output_type_id=np.nan, value=500.0)
    table = pd.concat([samples, quantiles, means], ignore_index=True)
    table["run_grouping"] = table["run_grouping"].astype("Int64")
    table["stochastic_run"] = table["stochastic_run"].astype("Int64")
    table.insert(0, "origin_date", pd.Timestamp(ROUND).date())
    return table


SCHEMA = pa.schema(
    [
        ("origin_date", pa.date32()),
        ("location", pa.string()),
        ("scenario_id", pa.string()),
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


def write_output(hub: Path, table: pd.DataFrame, name: str | None = None, folder=None) -> Path:
    """Write `table` as the team's model-output parquet (types of `SCHEMA` where the
    columns are the round's; others as pandas gives them)."""
    folder = folder or f"{TEAM}-{MODEL}"
    path = hub / "model-output" / folder / (name or f"{ROUND}-{TEAM}-{MODEL}.parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if set(table.columns) == set(SCHEMA.names):
        fields = [
            pa.field(f.name, pa.float64())
            if pa.types.is_integer(f.type) and pd.api.types.is_float_dtype(table[f.name])
            else f
            for f in SCHEMA
        ]
        arrow = pa.Table.from_pandas(
            table[SCHEMA.names], schema=pa.schema(fields), preserve_index=False
        )
    else:
        arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, path)
    return path
