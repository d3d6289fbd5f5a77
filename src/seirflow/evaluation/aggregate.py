"""Score tidy forecast tables against the truth and aggregate the scores.

Tables (one row each; a "key" is origin × region × target × horizon):

forecasts
    ``origin``, ``region``, ``target``, ``horizon``, ``model``, ``quantile``, ``value``.
truth
    `seirflow.evaluation.truth.weekly_truth` (``week`` is the horizon).
scores
    key × ``model`` with ``truth``, ``wis``, ``dispersion``, ``overprediction``,
    ``underprediction``, ``abs_error``, ``covered_50``, ``covered_90``.

Relative WIS compares a model with the baseline on the keys both scored: *pooled* is the
sum of the model's WIS over regions and origins over the same sum for the baseline;
*geometric mean* is the geometric mean over regions of the per-region ratio of sums over
origins (regions where the baseline's sum is 0 are left out and counted). This is the
"relative WIS" of Cramer et al. (2022), PNAS 119(15):e2113561119, with the baseline as the
only comparator instead of their pairwise tournament.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from seirflow.config.scenarios import HUB_QUANTILES
from seirflow.evaluation.baseline import BASELINE_MODEL
from seirflow.evaluation.wis import weighted_interval_score

__all__ = [
    "KEY",
    "SCORE_COLUMNS",
    "score_forecasts",
    "relative_wis",
    "coverage",
    "region_extremes",
]

logger = logging.getLogger(__name__)

KEY = ("origin", "region", "target", "horizon")
SCORE_COLUMNS = (
    "truth",
    "wis",
    "dispersion",
    "overprediction",
    "underprediction",
    "abs_error",
    "covered_50",
    "covered_90",
)
_GROUP = ["target", "horizon", "model"]


def score_forecasts(
    forecasts: pd.DataFrame, truth: pd.DataFrame, levels: Sequence[float] = HUB_QUANTILES
) -> pd.DataFrame:
    """Score every forecast that has a truth value.

    Args:
        forecasts: Tidy forecasts (module docstring); each key × model must have exactly
            the quantile levels `levels`.
        truth: Tidy truth with ``origin``, ``region``, ``target``, ``week``, ``value``.
        levels: Quantile levels (default: the Scenario Modeling Hub's 23).

    Returns:
        Tidy scores, key × ``model``, sorted; forecasts without truth are left out (logged).

    Raises:
        ValueError: a forecast lacks a level, repeats one, or has a level not in `levels`
            (the message names the forecast).

    Example:
        >>> f = pd.DataFrame({"origin": pd.Timestamp("2020-06-01"), "region": "NY",
        ...     "target": "inc death", "horizon": 1, "model": "m",
        ...     "quantile": [0.05, 0.25, 0.5, 0.75, 0.95], "value": [5.0, 8, 10, 12, 15]})
        >>> t = pd.DataFrame({"origin": [pd.Timestamp("2020-06-01")], "region": ["NY"],
        ...     "target": ["inc death"], "week": [1], "value": [13.0]})
        >>> levels = [0.05, 0.25, 0.5, 0.75, 0.95]
        >>> float(score_forecasts(f, t, levels)["wis"].iloc[0])  # (0.5 + 1 + 1 + 1.5) / 2.5
        1.6
    """
    lv = np.asarray(levels, dtype=float)
    key = [*KEY, "model"]
    rounded = forecasts.assign(quantile=forecasts["quantile"].astype(float).round(9))
    unknown = ~rounded["quantile"].isin(np.round(lv, 9))
    if unknown.any():
        row = rounded[unknown].iloc[0]
        raise ValueError(f"forecasts: level {row['quantile']} is not one of {lv.tolist()} "
                         f"({dict(row[key])})")  # fmt: skip
    counts = rounded.groupby(key, sort=False)["quantile"].agg(["size", "nunique"])
    wrong = counts[(counts["size"] != lv.size) | (counts["nunique"] != lv.size)]
    if len(wrong):
        raise ValueError(
            f"forecasts: {len(wrong)} forecast(s) do not have each of the {lv.size} levels "
            f"exactly once, first {dict(zip(key, wrong.index[0], strict=True))}"
        )
    wide = rounded.pivot_table(index=key, columns="quantile", values="value", aggfunc="first")
    wide = wide[np.round(lv, 9)].reset_index()
    obs = truth.rename(columns={"week": "horizon", "value": "truth"})[[*KEY, "truth"]]
    merged = wide.merge(obs, on=list(KEY), how="inner", validate="many_to_one")
    if len(merged) < len(wide):
        logger.info("score_forecasts: %d of %d forecasts have no truth value; not scored",
                    len(wide) - len(merged), len(wide))  # fmt: skip
    q = merged[list(np.round(lv, 9))].to_numpy(dtype=float)
    s = weighted_interval_score(merged["truth"].to_numpy(dtype=float), q, lv)
    out = merged[key + ["truth"]].copy()
    for name in SCORE_COLUMNS[1:]:
        out[name] = getattr(s, name)
    return out.sort_values(key, ignore_index=True)


def _paired(scores: pd.DataFrame, baseline: str) -> pd.DataFrame:
    base = scores[scores["model"] == baseline][[*KEY, "wis"]].rename(columns={"wis": "base"})
    models = scores[scores["model"] != baseline]
    return models.merge(base, on=list(KEY), how="inner")


def relative_wis(scores: pd.DataFrame, baseline: str = BASELINE_MODEL) -> pd.DataFrame:
    """Relative WIS of each model against the baseline per target and horizon.

    Args:
        scores: Output of `score_forecasts`, including the baseline's rows.
        baseline: Model name of the baseline.

    Returns:
        One row per target × horizon × model (not the baseline): ``wis`` and ``wis_baseline``
        (sums over the paired keys), ``relative_wis`` (pooled ratio), ``relative_wis_geomean``
        (geometric mean over regions), ``n_scored`` (paired keys), ``n_regions`` (in the
        geometric mean) and ``n_regions_zero_baseline`` (left out of it).

    Example:
        >>> s = pd.DataFrame({"origin": pd.Timestamp("2020-06-01"), "target": "inc death",
        ...     "horizon": 1, "region": ["A", "B", "A", "B"],
        ...     "model": ["m", "m", "baseline", "baseline"], "wis": [2.0, 1.0, 1.0, 4.0]})
        >>> r = relative_wis(s)
        >>> float(r["relative_wis"].iloc[0]), float(r["relative_wis_geomean"].iloc[0])
        (0.6, 0.7071067811865476)
    """
    paired = _paired(scores, baseline)
    per_region = paired.groupby([*_GROUP, "region"], sort=True)[["wis", "base"]].sum()
    ok = per_region["base"] > 0
    log_ratio = np.log(per_region["wis"][ok] / per_region["base"][ok])
    geo = np.exp(log_ratio.groupby(level=_GROUP).mean()).rename("relative_wis_geomean")
    n_geo = log_ratio.groupby(level=_GROUP).size().rename("n_regions")
    zero = (~ok).groupby(level=_GROUP).sum().rename("n_regions_zero_baseline")
    pooled = paired.groupby(_GROUP, sort=True).agg(
        wis=("wis", "sum"), wis_baseline=("base", "sum"), n_scored=("wis", "size")
    )
    pooled["relative_wis"] = pooled["wis"] / pooled["wis_baseline"]
    out = pooled.join(geo).join(n_geo).join(zero).reset_index()
    out["n_regions"] = out["n_regions"].fillna(0).astype(np.int64)
    cols = [*_GROUP, "wis", "wis_baseline", "relative_wis", "relative_wis_geomean",
            "n_scored", "n_regions", "n_regions_zero_baseline"]  # fmt: skip
    return out[cols]


def coverage(scores: pd.DataFrame) -> pd.DataFrame:
    """Empirical coverage of the 50 % and 90 % central intervals per target × horizon × model.

    Returns:
        Columns ``target``, ``horizon``, ``model``, ``coverage_50``, ``coverage_90``
        (fractions of scored keys) and ``n_scored``.
    """
    return (
        scores.groupby(_GROUP, sort=True)
        .agg(
            coverage_50=("covered_50", "mean"),
            coverage_90=("covered_90", "mean"),
            n_scored=("wis", "size"),
        )
        .reset_index()
    )


def region_extremes(
    scores: pd.DataFrame, baseline: str = BASELINE_MODEL, n: int = 5
) -> pd.DataFrame:
    """The regions where each model does worst and best relative to the baseline.

    Args:
        scores: Output of `score_forecasts`.
        baseline: Model name of the baseline.
        n: Regions listed at each end.

    Returns:
        Columns ``target``, ``horizon``, ``model``, ``end`` ("worst" or "best"), ``rank``
        (1 = most extreme), ``region``, ``relative_wis`` (sum over origins, model over
        baseline; regions where the baseline's sum is 0 are left out).
    """
    paired = _paired(scores, baseline)
    per_region = paired.groupby([*_GROUP, "region"], sort=True)[["wis", "base"]].sum()
    per_region = per_region[per_region["base"] > 0]
    ratio = (per_region["wis"] / per_region["base"]).rename("relative_wis").reset_index()
    parts = []
    for end, ascending in (("worst", False), ("best", True)):
        ranked = ratio.sort_values([*_GROUP, "relative_wis", "region"],
                                   ascending=[True, True, True, ascending, True])  # fmt: skip
        top = ranked.groupby(_GROUP, sort=True).head(n).copy()
        top["end"] = end
        top["rank"] = top.groupby(_GROUP).cumcount() + 1
        parts.append(top)
    out = pd.concat(parts, ignore_index=True)
    return out[[*_GROUP, "end", "rank", "region", "relative_wis"]].sort_values(
        [*_GROUP, "end", "rank"], ignore_index=True
    )
