"""What the backtest rules need: per-origin dates and the backtest's target lists.

The backtest reuses the default run's rules through ``use rule ... as backtest_...``; only
the dates (fit ends the day before the origin, projection = the scored horizon), the as-of
cut and the paths (``results/backtest/{origin}/{region}/...``) differ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from seirflow.config import Config

__all__ = [
    "origin_labels",
    "backtest_dates",
    "backtest_origin_scores",
    "origin_trajectories",
    "backtest_targets",
    "figure_origin",
    "backtest_scenarios",
    "figure_forecasts",
    "BACKTEST_SCENARIO",
]

#: The scenario projected at each origin (`seirflow.config.backtest.ProjectionRule`).
BACKTEST_SCENARIO = "baseline"


def origin_labels(cfg: Config) -> list[str]:
    """The origins as ISO dates, the values of the ``{origin}`` wildcard."""
    return [o.isoformat() for o in cfg.backtest.origins]


def backtest_dates(cfg: Config, origin: str) -> dict[str, Any]:
    """The ``dates`` section for a fit on data before `origin` and its scored horizon.

    Example:
        >>> from seirflow.config import load_config
        >>> cfg = load_config({"regions": ["NY"], "scenarios": {"baseline": {"description": "b"}}})
        >>> d = backtest_dates(cfg, "2020-06-01")
        >>> d["fit_end"], d["projection_weeks"]
        ('2020-05-31', 4)
    """
    day = dt.date.fromisoformat(origin)
    dates = cfg.dates.model_copy(
        update={
            "fit_end": day - dt.timedelta(days=1),
            "projection_weeks": cfg.backtest.horizon_weeks,
        }
    )
    return dates.model_dump(mode="json")


def backtest_origin_scores(cfg: Config) -> list[str]:
    """Every origin's score file."""
    return [f"results/backtest/{o}/scores.parquet" for o in origin_labels(cfg)]


def origin_trajectories(cfg: Config, origin: str) -> list[str]:
    """Every region's baseline projection at `origin`, the input of its scoring."""
    return [f"results/backtest/{origin}/{r}/trajectories.nc" for r in cfg.regions]


def backtest_targets(cfg: Config) -> list[str]:
    """What ``snakemake backtest`` builds: pooled scores, summary and figures."""
    return [
        "results/backtest/scores.parquet",
        "results/backtest/summary.csv",
        "results/backtest/relative_wis.png",
        "results/backtest/coverage.png",
        "results/backtest/projections.png",
    ]


def figure_origin(cfg: Config) -> str:
    """The origin of the projections-vs-truth figure: the middle one."""
    labels = origin_labels(cfg)
    return labels[len(labels) // 2]


def figure_forecasts(cfg: Config) -> str:
    """The forecasts at `figure_origin` (every region)."""
    return f"results/backtest/{figure_origin(cfg)}/forecasts.parquet"


def backtest_scenarios(cfg: Config) -> dict[str, dict[str, Any]]:
    """The scenario projected at each origin: the baseline without interventions.

    `seirflow.config.backtest.ProjectionRule.hold_last_observed`: mobility held at its last
    level before the origin (the projection's default), nothing else changed.
    """
    # Not looked up in cfg.scenarios: a config without a "baseline" scenario still backtests.
    description = "Mobility held at its last level before the origin; no interventions."
    return {BACKTEST_SCENARIO: {"description": description, "interventions": []}}
