"""Paper figures of scenario projections: one region's beds, and the national comparison."""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import xarray as xr

from seirflow.plots.style import (
    format_time_axis,
    paper_style,
    readable_label,
    save_figure,
    scenario_colour,
)

__all__ = ["plot_region_outcome", "plot_national_scenarios", "OUTCOME_LABELS"]

OUTCOME_LABELS = {
    "infections": "new infections / day",
    "reported_cases": "reported cases / day",
    "hospital_admissions": "hospital admissions / day",
    "hospital_census": "hospital beds occupied",
    "icu_census": "ICU beds occupied",
    "deaths": "deaths / day",
    "cases": "reported cases / day",
}
_OBSERVED = {"hospital_census": "hospital_census", "icu_census": "icu_census", "deaths": "deaths"}
_OBSERVED["reported_cases"] = "cases"


def _bands(ax, frame: pd.DataFrame, colour: str, label: str) -> None:
    dates = pd.to_datetime(frame["date"])
    ax.fill_between(dates, frame["q05"], frame["q95"], color=colour, alpha=0.15, lw=0)
    ax.fill_between(dates, frame["q25"], frame["q75"], color=colour, alpha=0.3, lw=0)
    ax.plot(dates, frame["median"], color=colour, lw=1.3, label=label)


def plot_region_outcome(
    daily: pd.DataFrame,
    inputs: xr.Dataset,
    *,
    region: str,
    outcome: str,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
    fit_start: str,
    fit_end: str | None = None,
    descriptions: dict[str, str] | None = None,
) -> None:
    """One outcome for one region under every scenario, with observations overlaid.

    Args:
        daily: Daily quantiles of all scenarios (columns region, scenario, outcome, date,
            median, q05, q25, q75, q95).
        inputs: The region's inputs (observations).
        region: Region code.
        outcome: Trajectory variable, e.g. ``hospital_census``.
        fit_start: First fitted day; observations are shown from here.
    """
    rows = daily[(daily["region"] == region) & (daily["outcome"] == outcome)]
    if rows.empty:
        raise ValueError(f"no {outcome} projections for region {region}")
    with paper_style():
        fig, ax = plt.subplots(figsize=(7.0, 3.4), layout="constrained")
        for k, (scenario, frame) in enumerate(rows.groupby("scenario", sort=False)):
            _bands(ax, frame.sort_values("date"), scenario_colour(k), readable_label(scenario))
        observed = _OBSERVED.get(outcome)
        if observed in inputs:
            series = inputs[observed].to_series()
            series = series[series.index >= pd.Timestamp(fit_start)]
            ax.plot(series.index, series.values, "k.", ms=2.5, label="observed")
        ax.set_ylabel(OUTCOME_LABELS.get(outcome, outcome))
        ax.set_ylim(bottom=0)
        ax.set_title(
            f"{inputs.attrs.get('name', region)}: {OUTCOME_LABELS.get(outcome, outcome)} by "
            "scenario (median, 50% and 90% bands)",
            loc="left",
        )
        format_time_axis(ax, fit_end)
        ax.legend(frameon=False, ncols=2)
        save_figure(fig, pdf, png)


def plot_national_scenarios(
    daily: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("hospital_census", "icu_census", "deaths"),
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> None:
    """National totals (summed draw by draw over regions) by scenario, one panel per outcome."""
    national = daily[daily["region"] == "US"]
    if national.empty:
        raise ValueError("no national ('US') rows in the daily quantiles")
    with paper_style():
        fig, axes = plt.subplots(
            1, len(outcomes), figsize=(7.0, 2.6), layout="constrained", squeeze=False
        )
        for ax, outcome in zip(axes[0], outcomes, strict=True):
            rows = national[national["outcome"] == outcome]
            for k, (scenario, frame) in enumerate(rows.groupby("scenario", sort=False)):
                _bands(ax, frame.sort_values("date"), scenario_colour(k), readable_label(scenario))
            ax.set_ylabel(OUTCOME_LABELS.get(outcome, outcome))
            ax.set_ylim(bottom=0)
            format_time_axis(ax)
        axes[0][0].legend(frameon=False, fontsize=6)
        fig.suptitle("United States, all modelled regions: median, 50% and 90% bands")
        save_figure(fig, pdf, png)
