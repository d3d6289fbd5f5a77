"""Paper figures across calibrated regions: fits, posterior forest, convergence.

Each function saves the figure (PDF and PNG) and returns it, closed, for inspection.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from seirflow.plots.bands import (
    NOT_CONVERGED_COLOUR,
    OUTCOME_LABELS,
    draw_bands,
    predictive_bands,
)
from seirflow.plots.style import paper_style, plain_number, save_figure

__all__ = ["plot_calibration_fits", "plot_posterior_forest", "plot_convergence_summary"]


STREAMS = ("cases", "deaths", "hospital_census", "icu_census")
FIT_COLOUR = "#1b6ca8"


def plot_calibration_fits(
    posteriors: Mapping[str, object],
    *,
    converged: Mapping[str, bool] | None = None,
    streams: Sequence[str] | None = None,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
    blocks: int | None = None,
) -> Figure:
    """Small multiples: one row per region, one column per fitted stream.

    Args:
        posteriors: Region code -> InferenceData (with posterior_predictive and
            observed_data groups).
        converged: Region code -> calibration converged; False titles the row red with
            "not converged". Default: all taken as converged.
        streams: Columns, default every stream some region fitted (in `STREAMS` order);
            a region that did not fit one says so in its panel.
        blocks: Regions are split into this many side-by-side blocks of rows (default:
            1 up to 12 regions, else 2), so 51 regions stay on a page.
    """
    regions = list(posteriors)
    converged = dict(converged or {})
    if streams is None:
        fitted = {str(v) for idata in posteriors.values() for v in _observed(idata)}
        streams = [s for s in STREAMS if s in fitted]
    streams = list(streams)
    if not regions or not streams:
        raise ValueError(f"nothing to draw: regions {regions}, fitted streams {streams}")
    blocks = blocks or (1 if len(regions) <= 12 else 2)
    nrows = math.ceil(len(regions) / blocks)
    ncols = blocks * len(streams)
    with paper_style():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(max(7.0 * ncols / 6, 5.0), 0.95 * nrows + 0.7),
            layout="constrained",
            squeeze=False,
        )
        for i, region in enumerate(regions):
            row, block = i % nrows, i // nrows
            ok = converged.get(region, True)
            for j, stream in enumerate(streams):
                ax = axes[row, block * len(streams) + j]
                _fit_panel(ax, posteriors[region], stream)
                if j == 0:  # the row's region, once per block
                    title = region if ok else f"{region} (not converged)"
                    ax.set_title(title, loc="left", pad=2, fontsize=6,
                                 color="k" if ok else NOT_CONVERGED_COLOUR)  # fmt: skip
                ax.set_ylabel(OUTCOME_LABELS.get(stream, stream), fontsize=5, labelpad=1)
        for i in range(len(regions), nrows * blocks):
            for j in range(len(streams)):
                axes[i % nrows, (i // nrows) * len(streams) + j].set_visible(False)
        n_bad = sum(not converged.get(r, True) for r in regions)
        fig.suptitle(
            "Calibration fits. Points: data; line and bands: posterior-predictive median,\n"
            f"50% and 90%. Red: calibration not converged ({n_bad} of {len(regions)} regions)",
            fontsize=7,
        )
        save_figure(fig, pdf, png)
    return fig


def _observed(idata) -> list[str]:
    obs = getattr(idata, "observed_data", None)
    return [] if obs is None else list(obs.data_vars)


def _fit_panel(ax, idata, stream: str) -> None:
    ax.tick_params(labelsize=5, pad=1)
    obs = getattr(idata, "observed_data", None)
    if obs is None or stream not in obs:
        ax.text(0.5, 0.5, "not fitted", ha="center", va="center", fontsize=6,
                transform=ax.transAxes)  # fmt: skip
        ax.set_xticks([])
        ax.set_yticks([])
        return
    o = obs[stream]
    dates = pd.to_datetime(o[o.dims[0]].values)
    bands = predictive_bands(idata, stream, dates.min(), dates.max())
    if bands is not None:
        draw_bands(ax, bands, FIT_COLOUR, None, lw=0.8)
    ax.plot(dates, o.values, "k.", ms=0.8)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[4, 6]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.yaxis.set_major_formatter(FuncFormatter(plain_number))


def plot_posterior_forest(
    posteriors: Mapping[str, object],
    *,
    parameters: Sequence[str] = ("r0", "ascertainment"),
    converged: Mapping[str, bool] | None = None,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> Figure:
    """Median, 50% and 90% credible intervals of parameters by region.

    Regions with ``converged[region] is False`` are drawn and labelled in red.
    """
    regions = sorted(posteriors)
    converged = dict(converged or {})
    colours = ["#1b6ca8" if converged.get(r, True) else NOT_CONVERGED_COLOUR for r in regions]
    labels = {"r0": "R0 (baseline mixture)", "ascertainment": "ascertainment (cases/infections)"}
    with paper_style():
        fig, axes = plt.subplots(
            1, len(parameters), figsize=(7.0, 0.13 * len(regions) + 1.0), sharey=True,
            layout="constrained", squeeze=False,
        )  # fmt: skip
        y = np.arange(len(regions))
        for ax, name in zip(axes[0], parameters, strict=True):
            for i, region in enumerate(regions):
                post = posteriors[region].posterior
                if name not in post:
                    continue
                q = np.quantile(post[name].values.reshape(-1), [0.05, 0.25, 0.5, 0.75, 0.95])
                ax.plot([q[0], q[4]], [i, i], color=colours[i], lw=0.8)
                ax.plot([q[1], q[3]], [i, i], color=colours[i], lw=2.2)
                ax.plot(q[2], i, "o", color="k", ms=2)
            ax.set_xlabel(labels.get(name, name))
            ax.grid(axis="x", color="0.9", lw=0.5)
        axes[0][0].set_yticks(y, regions, fontsize=5)
        _colour_ticks(axes[0][0], colours)
        axes[0][0].invert_yaxis()
        n_bad = sum(c == NOT_CONVERGED_COLOUR for c in colours)
        fig.suptitle(
            "Posterior by region: median (dot), 50% (thick) and 90% (thin) intervals; "
            f"red: not converged ({n_bad} of {len(regions)})"
        )
        save_figure(fig, pdf, png)
    return fig


def plot_convergence_summary(
    diagnostics: Sequence[Mapping[str, object]],
    *,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> Figure:
    """Max R-hat, min bulk ESS and chain length / tau by region; non-converged in red."""
    rows = sorted(diagnostics, key=lambda d: str(d["region"]))
    regions = [str(d["region"]) for d in rows]
    colours = ["#1b6ca8" if d.get("converged") else NOT_CONVERGED_COLOUR for d in rows]
    limits = rows[0]["thresholds"]
    panels = [
        ("max R-hat", [_number(d["rhat_max_observed"]) for d in rows], limits["rhat_max"]),
        ("min bulk ESS", [_number(d["ess_bulk_min_observed"]) for d in rows], limits["ess_min"]),
        (
            "chain length / max tau",
            [d["steps"] / max(_number(d["tau_max"]), 1e-9) for d in rows],
            limits["tau_multiple"],
        ),
    ]
    with paper_style():
        fig, axes = plt.subplots(
            1, 3, figsize=(7.0, 0.13 * len(rows) + 1.0), sharey=True, layout="constrained"
        )
        y = np.arange(len(rows))
        for ax, (label, values, threshold) in zip(axes, panels, strict=True):
            ax.barh(y, values, color=colours)
            ax.axvline(float(threshold), color="k", lw=0.8, ls="--")
            ax.set_xlabel(label)
        axes[0].set_yticks(y, regions, fontsize=5)
        _colour_ticks(axes[0], colours)
        axes[0].invert_yaxis()
        n_bad = sum(not d.get("converged") for d in rows)
        fig.suptitle(
            "Convergence by region (dashed: thresholds; red: not converged, "
            f"{n_bad} of {len(rows)})"
        )
        save_figure(fig, pdf, png)
    return fig


def _colour_ticks(ax, colours: Sequence[str]) -> None:
    """Colour the y tick labels (regions) like their bars, so red regions read as such."""
    for label, colour in zip(ax.get_yticklabels(), colours, strict=True):
        label.set_color("k" if colour != NOT_CONVERGED_COLOUR else colour)


def _number(value) -> float:
    """Diagnostics store non-finite numbers (e.g. tau of a too-short chain) as null."""
    return float("nan") if value is None else float(value)
