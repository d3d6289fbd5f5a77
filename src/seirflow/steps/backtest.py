"""Steps of the rolling-origin backtest: score every region at one origin, then pool them.

The truth is the raw reported data (`seirflow.evaluation.truth`), never the model's
adjusted inputs. The persistence baseline sees only weeks before the origin, from the
first full week after ``dates.fit_start`` on.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from seirflow.atomic import atomic_output
from seirflow.config import HUB_QUANTILES, Backtest, Dates
from seirflow.evaluation import (
    baseline_forecasts,
    coverage,
    read_truth_tables,
    relative_wis,
    score_forecasts,
    weekly_truth,
)
from seirflow.evaluation.forecasts import model_forecasts
from seirflow.postprocess.load import read_trajectories
from seirflow.sources.layout import RawPaths, raw_dir_of

__all__ = ["score_backtest_origin", "score_backtest", "backtest_summary", "plot_backtest"]

log = logging.getLogger(__name__)


def score_backtest_origin(
    *,
    trajectories: list[str],
    nyt: str,
    ctp: str,
    forecasts: str,
    scores: str,
    origin: str,
    seed: int,
    dates: dict[str, Any],
    backtest: dict[str, Any],
) -> None:
    """Score the model and the persistence baseline of every region at `origin`.

    One job per origin, not per region: scoring a region takes half a second, starting
    a Python process with pandas and xarray several.

    Args:
        trajectories: Each region's baseline projection fitted on data before `origin`
            (the region is read from the file).
        nyt, ctp: The raw NYT and CTP files; both must lie in one raw directory
            at their layout paths (`seirflow.sources.layout`).
        forecasts: Output parquet, the tidy quantile forecasts of both models.
        scores: Output parquet, tidy (`seirflow.evaluation.aggregate` scores table).
        origin: Wildcard (ISO date).
        seed: Master seed (the baseline's resampling streams, one per region × target,
            are derived from it, so a region's scores do not depend on the others).
        dates, backtest: Config sections (plain data).
    """
    raw = RawPaths(raw_dir_of(nyt))
    if Path(ctp).resolve() != raw.ctp.resolve():
        raise ValueError(f"ctp = {ctp}: expected {raw.ctp}, next to nyt = {nyt}")
    d, b = Dates.model_validate(dates), Backtest.model_validate(backtest)
    day = dt.date.fromisoformat(origin)
    tables = read_truth_tables(raw.root)
    targets = list(b.targets)
    past_weeks = range(-((day - d.fit_start).days // 7) + 1, 1)
    projections = [read_trajectories(path) for path in trajectories]
    regions = [ds.attrs["region"] for ds in projections]
    history = weekly_truth(tables, regions, [day], targets, past_weeks)
    truth = weekly_truth(tables, regions, [day], targets, range(1, b.horizon_weeks + 1))
    model = [
        model_forecasts(
            ds,
            origin=day,
            region=region,
            targets=targets,
            horizon=b.horizon_weeks,
            levels=HUB_QUANTILES,
        )
        for ds, region in zip(projections, regions, strict=True)
    ]
    baseline = baseline_forecasts(history, b.horizon_weeks, HUB_QUANTILES, seed=seed)
    table = pd.concat([*model, baseline], ignore_index=True)
    table = table.sort_values(["region", "model", "target", "horizon", "quantile"],
                              ignore_index=True)  # fmt: skip
    with atomic_output(forecasts, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    table = score_forecasts(table, truth)
    with atomic_output(scores, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    log.info("%s: %d scores over %d regions", origin, len(table), len(regions))


def backtest_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Relative WIS (pooled, geometric mean) and 50/90 % coverage per target × horizon × model.

    The baseline's rows have relative WIS 1 by definition.
    """
    rel = relative_wis(table)[["target", "horizon", "model", "relative_wis",
                               "relative_wis_geomean", "n_regions"]]  # fmt: skip
    cov = coverage(table)
    out = cov.merge(rel, on=["target", "horizon", "model"], how="left")
    base = out["relative_wis"].isna()
    out.loc[base, ["relative_wis", "relative_wis_geomean"]] = 1.0
    return out.sort_values(["target", "horizon", "model"], ignore_index=True)


def score_backtest(*, origin_scores: list[str], scores: str, summary: str) -> None:
    """Pool every origin's scores; write them and their summary.

    Args:
        origin_scores: Per origin score files.
        scores: Output parquet, one row per origin × region × target × horizon × model.
        summary: Output CSV (`backtest_summary`).
    """
    table = pd.concat([pd.read_parquet(p) for p in origin_scores], ignore_index=True)
    table = table.sort_values(["origin", "region", "target", "horizon", "model"],
                              ignore_index=True)  # fmt: skip
    with atomic_output(scores, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    with atomic_output(summary, suffix=".csv") as tmp:
        backtest_summary(table).to_csv(tmp, index=False, float_format="%.6g")
    log.info("%d scores from %d files", len(table), len(origin_scores))


def plot_backtest(
    *,
    scores: str,
    forecasts: str,
    relative_wis: str,
    coverage: str,
    projections: str,
    origin: str,
    target: str,
) -> None:
    """Write the backtest figures (PNG each).

    Args:
        scores: Pooled scores (`score_backtest`).
        forecasts: The forecasts at `origin` (every region).
        relative_wis, coverage, projections: Output PNGs.
        origin, target: Origin and target of the projections-vs-truth small multiples.
    """
    # matplotlib here, not at import: the scoring jobs never plot.
    from seirflow.plots.backtest import plot_coverage, plot_projections_vs_truth, plot_relative_wis

    table = pd.read_parquet(scores)
    plot_relative_wis(table, relative_wis)
    plot_coverage(table, coverage)
    at_origin = table[table["origin"] == pd.Timestamp(origin)]
    fc = pd.read_parquet(forecasts)
    plot_projections_vs_truth(fc, at_origin, target, projections)
