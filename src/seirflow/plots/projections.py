"""Paper figures of scenario projections: one region's beds, and the national comparison.

Each function saves the figure (PDF and PNG) and returns it, closed, for inspection.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from seirflow.plots.bands import OBSERVED_VARIABLE, OUTCOME_LABELS, draw_bands
from seirflow.plots.style import (
    format_time_axis,
    paper_style,
    readable_label,
    save_figure,
    scenario_colour,
)

__all__ = ["plot_region_outcome", "plot_national_scenarios", "OUTCOME_LABELS"]

FIT_COLOUR = "0.3"


def plot_region_outcome(
    daily: pd.DataFrame,
    inputs: xr.Dataset,
    *,
    region: str,
    outcome: str,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
    fit_start: str,
    fit_end: str,
    fit: pd.DataFrame | None = None,
) -> Figure:
    """One outcome for one region: the posterior fit, then every scenario, with data.

    Args:
        daily: Daily quantiles of all scenarios (columns region, scenario, outcome, date,
            median, q05, q25, q75, q95), over the projection window.
        inputs: The region's inputs (observations, NaN = not reported).
        region: Region code.
        outcome: Trajectory variable, e.g. ``hospital_census``.
        fit_start, fit_end: The fit window; the fit is drawn over it and a dashed line
            marks its end.
        fit: Posterior-predictive bands over the fit window (columns date and
            `seirflow.plots.bands.BAND_LEVELS`, from `predictive_bands`); None if the
            outcome was not fitted (the figure then says so).
    """
    rows = daily[(daily["region"] == region) & (daily["outcome"] == outcome)]
    if rows.empty:
        raise ValueError(f"no {outcome} projections for region {region}")
    label = OUTCOME_LABELS.get(outcome, outcome)
    with paper_style():
        fig, ax = plt.subplots(figsize=(7.0, 3.4), layout="constrained")
        if fit is not None and not fit.empty:
            window = fit[(fit["date"] >= pd.Timestamp(fit_start)) & (fit["date"] <= fit_end)]
            draw_bands(ax, window, FIT_COLOUR, "posterior fit", lw=1.0).set_gid("fit")
        else:
            ax.text(0.02, 0.9, f"{label} not fitted: no posterior fit shown",
                    transform=ax.transAxes, fontsize=6, color=FIT_COLOUR)  # fmt: skip
        for k, (scenario, frame) in enumerate(rows.groupby("scenario", sort=False)):
            draw_bands(ax, frame.sort_values("date"), scenario_colour(k), readable_label(scenario))
        observed = OBSERVED_VARIABLE.get(outcome)
        if observed in inputs:
            last = pd.to_datetime(rows["date"]).max()
            series = inputs[observed].to_series().dropna()
            series = series[(series.index >= pd.Timestamp(fit_start)) & (series.index <= last)]
            ax.plot(series.index, series.values, "k.", ms=2.5, label="observed", gid="observed")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.set_title(
            f"{inputs.attrs.get('name', region)}: {label}, fit then scenarios "
            "(median, 50% and 90% bands)",
            loc="left",
        )
        format_time_axis(ax, fit_end)
        fig.legend(loc="outside lower center", ncols=4, frameon=False)
        save_figure(fig, pdf, png)
    return fig


def plot_national_scenarios(
    daily: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("hospital_census", "icu_census", "deaths"),
    observed: pd.DataFrame | None = None,
    summed: Sequence[str] = (),
    excluded: Mapping[str, str] | None = None,
    fit_start: str | None = None,
    fit_end: str | None = None,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> Figure:
    """National totals (summed draw by draw over regions) by scenario, one panel per outcome.

    Args:
        daily: Daily quantiles with national (``region == "US"``) rows.
        outcomes: One panel each.
        observed: Observed national totals: index date, one column per observed
            variable (``hospital_census``, ``deaths``...), NaN where not every summed
            region reports (from `seirflow.postprocess.national.observed_total`).
        summed: Regions in the total (named in the legend by their number).
        excluded: Regions left out -> reason; named under the title.
        fit_start: Observations are shown from here (default: all).
        fit_end: Last fitted day (dashed line).
    """
    national = daily[daily["region"] == "US"]
    if national.empty:
        raise ValueError("no national ('US') rows in the daily quantiles")
    excluded = dict(excluded or {})
    with paper_style():
        fig, axes = plt.subplots(
            1, len(outcomes), figsize=(7.0, 2.8), layout="constrained", squeeze=False
        )
        for ax, outcome in zip(axes[0], outcomes, strict=True):
            rows = national[national["outcome"] == outcome]
            for k, (scenario, frame) in enumerate(rows.groupby("scenario", sort=False)):
                draw_bands(
                    ax, frame.sort_values("date"), scenario_colour(k), readable_label(scenario)
                )
            column = OBSERVED_VARIABLE.get(outcome)
            if observed is not None and column in observed:
                series = observed[column].dropna()
                if fit_start is not None:
                    series = series[series.index >= pd.Timestamp(fit_start)]
                ax.plot(series.index, series.values, "k.", ms=1.5, gid="observed",
                        label=f"observed (sum of {len(summed) or 'all'} regions)")  # fmt: skip
            ax.set_ylabel(OUTCOME_LABELS.get(outcome, outcome))
            ax.set_ylim(bottom=0)
            if fit_start is not None:  # the same window in every panel
                ax.set_xlim(pd.Timestamp(fit_start), pd.to_datetime(national["date"]).max())
            format_time_axis(ax, fit_end)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                   frameon=False, fontsize=6)  # fmt: skip
        title = "United States, draw-wise sum over regions: median, 50% and 90% bands"
        if excluded:
            title += f"\nleft out (calibration not converged): {', '.join(sorted(excluded))}"
        fig.suptitle(title)
        save_figure(fig, pdf, png)
    return fig
