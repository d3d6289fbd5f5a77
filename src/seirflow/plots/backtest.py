"""Backtest figures: relative WIS, interval coverage, and projections against the truth."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from seirflow.evaluation.aggregate import relative_wis
from seirflow.evaluation.baseline import BASELINE_MODEL
from seirflow.evaluation.truth import week_dates
from seirflow.plots.style import paper_style, save_compact_png, scenario_colour

__all__ = ["plot_relative_wis", "plot_coverage", "plot_projections_vs_truth"]


def _targets(scores: pd.DataFrame) -> list[str]:
    return sorted(scores["target"].unique())


def plot_relative_wis(scores: pd.DataFrame, path: str | os.PathLike) -> None:
    """Pooled relative WIS by target and horizon, with one point per region (log scale)."""
    paired = scores.pivot_table(index=["origin", "region", "target", "horizon"],
                                columns="model", values="wis").dropna()  # fmt: skip
    model = next(m for m in paired.columns if m != BASELINE_MODEL)
    per_region = paired.groupby(["target", "horizon", "region"]).sum()
    per_region = per_region[per_region[BASELINE_MODEL] > 0]
    ratio = (per_region[model] / per_region[BASELINE_MODEL]).rename("ratio").reset_index()
    pooled = relative_wis(scores)
    targets = _targets(scores)
    with paper_style():
        fig, axes = plt.subplots(1, len(targets), figsize=(7, 2.4), sharey=True, squeeze=False)
        for ax, target in zip(axes[0], targets, strict=True):
            r = ratio[ratio["target"] == target]
            jitter = np.random.default_rng(0).uniform(-0.15, 0.15, len(r))
            ax.scatter(r["horizon"] + jitter, r["ratio"], s=6, alpha=0.5, color="grey")
            p = pooled[(pooled["target"] == target) & (pooled["model"] == model)]
            ax.plot(p["horizon"], p["relative_wis"], "o-", color=scenario_colour(0), label="pooled")
            ax.plot(p["horizon"], p["relative_wis_geomean"], "s--", color=scenario_colour(1),
                    label="geometric mean")  # fmt: skip
            ax.axhline(1.0, color="black", lw=0.8)
            ax.set_yscale("log")
            ax.set_title(target)
            ax.set_xlabel("horizon (weeks)")
        axes[0, 0].set_ylabel(f"WIS {model} / {BASELINE_MODEL}")
        axes[0, 0].legend(frameon=False)
        save_compact_png(fig, path)


def plot_coverage(scores: pd.DataFrame, path: str | os.PathLike) -> None:
    """Empirical coverage of the 50 % and 90 % intervals by horizon, against nominal."""
    cov = scores.groupby(["target", "horizon", "model"])[["covered_50", "covered_90"]].mean()
    cov = cov.reset_index()
    targets = _targets(scores)
    models = sorted(cov["model"].unique())
    with paper_style():
        fig, axes = plt.subplots(1, len(targets), figsize=(7, 2.4), sharey=True, squeeze=False)
        for ax, target in zip(axes[0], targets, strict=True):
            for i, m in enumerate(models):
                c = cov[(cov["target"] == target) & (cov["model"] == m)]
                ax.plot(c["horizon"], c["covered_50"], "o-", color=scenario_colour(i),
                        label=f"{m} 50 %")  # fmt: skip
                ax.plot(c["horizon"], c["covered_90"], "s--", color=scenario_colour(i),
                        label=f"{m} 90 %")  # fmt: skip
            for nominal in (0.5, 0.9):
                ax.axhline(nominal, color="black", lw=0.6, ls=":")
            ax.set_ylim(0, 1)
            ax.set_title(target)
            ax.set_xlabel("horizon (weeks)")
        axes[0, 0].set_ylabel("fraction inside the interval")
        axes[0, 0].legend(frameon=False, fontsize=5)
        save_compact_png(fig, path)


def plot_projections_vs_truth(
    forecasts: pd.DataFrame, scores: pd.DataFrame, target: str, path: str | os.PathLike
) -> None:
    """Small multiples, one per region: forecast median and 90 % interval vs the truth.

    Args:
        forecasts: Tidy forecasts of one origin (both models).
        scores: Scores of the same origin (the ``truth`` column).
        target: Target shown.
        path: PNG.
    """
    f = forecasts[forecasts["target"] == target]
    s = scores[(scores["target"] == target)].drop_duplicates(["region", "horizon"])
    regions = sorted(f["region"].unique())
    ncol = min(8, len(regions))
    nrow = int(np.ceil(len(regions) / ncol))
    models = sorted(f["model"].unique())
    with paper_style():
        fig, axes = plt.subplots(nrow, ncol, figsize=(7, 0.9 * nrow + 0.6), squeeze=False)
        for ax in axes.ravel()[len(regions) :]:
            ax.set_visible(False)
        for ax, region in zip(axes.ravel(), regions, strict=False):
            for i, m in enumerate(models):
                q = f[(f["region"] == region) & (f["model"] == m)].pivot_table(
                    index="horizon", columns="quantile", values="value"
                )
                lo, mid, hi = (q[min(q.columns, key=lambda c, x=x: abs(c - x))]
                               for x in (0.05, 0.5, 0.95))  # fmt: skip
                ax.fill_between(q.index, lo, hi, color=scenario_colour(i), alpha=0.25, lw=0)
                ax.plot(q.index, mid, color=scenario_colour(i), lw=1, label=m)
            t = s[s["region"] == region]
            ax.plot(t["horizon"], t["truth"], "k.", ms=3, label="observed")
            ax.set_title(region, pad=1)
            ax.tick_params(labelsize=5)
        origin = pd.Timestamp(f["origin"].iloc[0]).date()
        first = week_dates(origin, 1)[0].date()
        fig.suptitle(f"{target}, origin {origin} (week 1 from {first}); median and 90 %")
        axes[0, 0].legend(frameon=False, fontsize=4)
        fig.tight_layout()
        save_compact_png(fig, path)
