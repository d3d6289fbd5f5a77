"""Steps of the rolling-origin backtest: score one origin × region, then pool them all.

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
from seirflow.plots.backtest import plot_coverage, plot_projections_vs_truth, plot_relative_wis
from seirflow.postprocess.load import read_trajectories
from seirflow.sources.layout import RawPaths, raw_dir_of

__all__ = ["score_backtest_region", "score_backtest", "backtest_summary", "plot_backtest"]

log = logging.getLogger(__name__)


def score_backtest_region(
    *,
    trajectories: str,
    nyt: str,
    ctp: str,
    forecasts: str,
    scores: str,
    region: str,
    origin: str,
    seed: int,
    dates: dict[str, Any],
    backtest: dict[str, Any],
) -> None:
    """Score the model and the persistence baseline of `region` at `origin`.

    Args:
        trajectories: The baseline projection fitted on data before `origin`.
        nyt, ctp: The raw NYT and CTP files; both must lie in one raw directory
            at their layout paths (`seirflow.sources.layout`).
        forecasts: Output parquet, the tidy quantile forecasts of both models.
        scores: Output parquet, tidy (`seirflow.evaluation.aggregate` scores table).
        region, origin: Wildcards (postal code, ISO date).
        seed: Master seed (the baseline's resampling stream is derived from it).
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
    history = weekly_truth(tables, [region], [day], targets, past_weeks)
    truth = weekly_truth(tables, [region], [day], targets, range(1, b.horizon_weeks + 1))
    table = pd.concat(
        [
            model_forecasts(
                read_trajectories(trajectories),
                origin=day,
                region=region,
                targets=targets,
                horizon=b.horizon_weeks,
                levels=HUB_QUANTILES,
            ),
            baseline_forecasts(history, b.horizon_weeks, HUB_QUANTILES, seed=seed),
        ],
        ignore_index=True,
    )
    with atomic_output(forecasts, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    table = score_forecasts(table, truth)
    with atomic_output(scores, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    log.info("%s at %s: %d scores", region, origin, len(table))


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


def score_backtest(*, region_scores: list[str], scores: str, summary: str) -> None:
    """Pool every origin × region's scores; write them and their summary.

    Args:
        region_scores: Per origin × region score files.
        scores: Output parquet, one row per origin × region × target × horizon × model.
        summary: Output CSV (`backtest_summary`).
    """
    table = pd.concat([pd.read_parquet(p) for p in region_scores], ignore_index=True)
    table = table.sort_values(["origin", "region", "target", "horizon", "model"],
                              ignore_index=True)  # fmt: skip
    with atomic_output(scores, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    with atomic_output(summary, suffix=".csv") as tmp:
        backtest_summary(table).to_csv(tmp, index=False, float_format="%.6g")
    log.info("%d scores from %d files", len(table), len(region_scores))


def plot_backtest(
    *,
    scores: str,
    forecasts: list[str],
    relative_wis: str,
    coverage: str,
    projections: str,
    origin: str,
    target: str,
) -> None:
    """Write the backtest figures (PNG each).

    Args:
        scores: Pooled scores (`score_backtest`).
        forecasts: Every region's forecasts at `origin`.
        relative_wis, coverage, projections: Output PNGs.
        origin, target: Origin and target of the projections-vs-truth small multiples.
    """
    table = pd.read_parquet(scores)
    plot_relative_wis(table, relative_wis)
    plot_coverage(table, coverage)
    at_origin = table[table["origin"] == pd.Timestamp(origin)]
    fc = pd.concat([pd.read_parquet(p) for p in forecasts], ignore_index=True)
    plot_projections_vs_truth(fc, at_origin, target, projections)
