"""Rolling-origin backtest scores: truth, persistence baseline, WIS and its aggregates."""

from seirflow.evaluation.aggregate import (
    KEY,
    SCORE_COLUMNS,
    coverage,
    region_extremes,
    relative_wis,
    score_forecasts,
)
from seirflow.evaluation.baseline import (
    BASELINE_MODEL,
    baseline_forecasts,
    persistence_quantiles,
    symmetric_changes,
)
from seirflow.evaluation.truth import (
    TARGETS,
    Target,
    TruthTables,
    read_truth_tables,
    week_dates,
    weekly_truth,
    weekly_values,
)
from seirflow.evaluation.wis import IntervalScores, central_intervals, weighted_interval_score

__all__ = [
    "BASELINE_MODEL",
    "KEY",
    "SCORE_COLUMNS",
    "TARGETS",
    "IntervalScores",
    "Target",
    "TruthTables",
    "baseline_forecasts",
    "central_intervals",
    "coverage",
    "persistence_quantiles",
    "read_truth_tables",
    "region_extremes",
    "relative_wis",
    "score_forecasts",
    "symmetric_changes",
    "week_dates",
    "weekly_truth",
    "weekly_values",
    "weighted_interval_score",
]
