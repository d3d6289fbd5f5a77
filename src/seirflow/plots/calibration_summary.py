"""Paper figures across calibrated regions: fits, posterior forest, convergence."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from seirflow.plots.projections import OUTCOME_LABELS
from seirflow.plots.style import paper_style, save_figure

__all__ = ["plot_calibration_fits", "plot_posterior_forest", "plot_convergence_summary"]


def plot_calibration_fits(
    posteriors: Mapping[str, object],
    *,
    stream: str,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
    ncols: int = 6,
) -> None:
    """Small multiples: each region's fitted data against its posterior predictive.

    Args:
        posteriors: Region code -> InferenceData (with posterior_predictive and
            observed_data groups).
        stream: Fitted stream to show (e.g. ``deaths``); regions without it are marked.
    """
    regions = list(posteriors)
    ncols = max(1, min(ncols, len(regions)))
    nrows = math.ceil(len(regions) / ncols)
    with paper_style():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(7.0 * ncols / 6 + 0.5, 1.15 * nrows + 0.4),
            layout="constrained",
            squeeze=False,
        )
        for ax, region in zip(axes.flat, regions, strict=False):
            idata = posteriors[region]
            ax.set_title(region, loc="left", pad=2)
            ax.tick_params(labelsize=5, pad=1)
            pp = getattr(idata, "posterior_predictive", None)
            obs = getattr(idata, "observed_data", None)
            if pp is None or stream not in pp or obs is None or stream not in obs:
                ax.text(0.5, 0.5, f"{stream}\nnot fitted", ha="center", va="center", fontsize=6)
                continue
            o = obs[stream]
            dates = pd.to_datetime(o[o.dims[0]].values)
            sim = pp[stream].stack(sample=("chain", "draw")).transpose("sample", "date")
            sim = sim.sel(date=dates)
            q = np.quantile(sim.values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            ax.fill_between(dates, q[0], q[4], color="#1b6ca8", alpha=0.2, lw=0)
            ax.fill_between(dates, q[1], q[3], color="#1b6ca8", alpha=0.35, lw=0)
            ax.plot(dates, q[2], color="#1b6ca8", lw=0.8)
            ax.plot(dates, o.values, "k.", ms=0.8)
            ax.set_ylim(bottom=0)
            ax.xaxis.set_major_locator(plt.matplotlib.dates.MonthLocator(bymonth=[4, 6]))
            ax.xaxis.set_major_formatter(plt.matplotlib.dates.DateFormatter("%b"))
        for ax in axes.flat[len(regions) :]:
            ax.set_visible(False)
        fig.suptitle(
            f"Calibration fits: {OUTCOME_LABELS.get(stream, stream)} (points: data; line and "
            "bands: posterior-predictive median, 50% and 90%)"
        )
        save_figure(fig, pdf, png)


def plot_posterior_forest(
    posteriors: Mapping[str, object],
    *,
    parameters: Sequence[str] = ("r0", "ascertainment"),
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> None:
    """Median, 50% and 90% credible intervals of parameters by region."""
    regions = sorted(posteriors)
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
                ax.plot([q[0], q[4]], [i, i], color="#1b6ca8", lw=0.8)
                ax.plot([q[1], q[3]], [i, i], color="#1b6ca8", lw=2.2)
                ax.plot(q[2], i, "o", color="k", ms=2)
            ax.set_xlabel(labels.get(name, name))
            ax.grid(axis="x", color="0.9", lw=0.5)
        axes[0][0].set_yticks(y, regions, fontsize=5)
        axes[0][0].invert_yaxis()
        fig.suptitle("Posterior by region: median (dot), 50% (thick) and 90% (thin) intervals")
        save_figure(fig, pdf, png)


def plot_convergence_summary(
    diagnostics: Sequence[Mapping[str, object]],
    *,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> None:
    """Max R-hat, min bulk ESS and chain length / tau by region; non-converged in red."""
    rows = sorted(diagnostics, key=lambda d: str(d["region"]))
    regions = [str(d["region"]) for d in rows]
    colours = ["#1b6ca8" if d.get("converged") else "#d1495b" for d in rows]
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
        axes[0].invert_yaxis()
        n_bad = sum(not d.get("converged") for d in rows)
        fig.suptitle(
            "Convergence by region (dashed: thresholds; red: not converged, "
            f"{n_bad} of {len(rows)})"
        )
        save_figure(fig, pdf, png)


def _number(value) -> float:
    """Diagnostics store non-finite numbers (e.g. tau of a too-short chain) as null."""
    return float("nan") if value is None else float(value)
