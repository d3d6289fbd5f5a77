"""The model's quantile forecasts at a backtest origin, from its projected trajectories.

Weekly targets are computed per draw as in the hub output (`seirflow.postprocess.weekly`:
week sums for incidence, the census on the week's last day for occupancy), so they match
the truth's weeks (`seirflow.evaluation.truth`); the quantiles are those of the draws
(numpy "linear", made non-decreasing), as in `seirflow.postprocess.quantiles`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.postprocess.quantiles import summarise_draws
from seirflow.postprocess.weekly import weekly_targets

__all__ = ["MODEL", "model_forecasts"]

#: Model name of seirflow's own forecasts in the score tables.
MODEL = "seirflow"

FORECAST_COLUMNS = ["origin", "region", "target", "horizon", "model", "quantile", "value"]


def model_forecasts(
    trajectories: xr.Dataset,
    *,
    origin: dt.date,
    region: str,
    targets: Sequence[str],
    horizon: int,
    levels: Sequence[float],
    model: str = MODEL,
) -> pd.DataFrame:
    """Tidy quantile forecasts of one region's projection at `origin`.

    Args:
        trajectories: Projected trajectories (dims draw, date) starting on or before
            `origin` and covering `horizon` weeks from it.
        origin: Forecast origin (first projected day, week 1 = origin .. origin + 6).
        region: Postal code, for the ``region`` column.
        targets: Targets to keep (`seirflow.evaluation.truth.TARGETS`).
        horizon: Weeks.
        levels: Quantile levels.
        model: Value of the ``model`` column.

    Returns:
        Columns ``origin``, ``region``, ``target``, ``horizon``, ``model``, ``quantile``,
        ``value``; one row per target × horizon × level.

    Raises:
        DataError: the trajectories lack a day of the window or a needed variable.
    """
    weekly = weekly_targets(trajectories, origin=origin, weeks=horizon).sel(target=list(targets))
    weekly = weekly.transpose("draw", "target", "horizon")
    _, _, q = summarise_draws(weekly.values, levels, axis=0)  # (level, target, horizon)
    lv = np.asarray(levels, dtype=float)
    n_t, n_h = len(targets), horizon
    return pd.DataFrame(
        {
            "origin": pd.Timestamp(origin),
            "region": region,
            "target": np.repeat(np.asarray(targets, dtype=object), n_h * lv.size),
            "horizon": np.tile(np.repeat(np.arange(1, n_h + 1), lv.size), n_t),
            "model": model,
            "quantile": np.tile(lv, n_t * n_h),
            "value": q.transpose(1, 2, 0).ravel(),
        }
    )[FORECAST_COLUMNS]
