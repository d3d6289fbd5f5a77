"""Figures of one region's calibration: traces, pairwise posterior, fit to the data.

All figures use matplotlib's Agg backend and are written atomically as PNG.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from seirflow.plots.style import save_compact_png  # noqa: E402

__all__ = ["plot_trace", "plot_pairs", "plot_fit", "save_figure"]

_STREAM_LABELS = {
    "cases": "Reported cases per day",
    "deaths": "Deaths per day",
    "hospital_census": "Patients in hospital",
    "icu_census": "Patients in ICU",
}


def save_figure(fig, path) -> None:
    """Save ``fig`` as a compact PNG (for the report) atomically and close it."""
    save_compact_png(fig, path)


def plot_trace(chain_x: np.ndarray, names, *, discard: int, priors, title: str):
    """Walker traces (whole chain) and posterior marginals with the prior density.

    Args:
        chain_x: Natural-scale chain, [steps, walkers, P].
        names: Parameter names.
        discard: Burn-in steps (shaded).
        priors: One prior per parameter, each with ``logpdf(x)`` (natural scale).
        title: Figure title.

    Returns:
        matplotlib.figure.Figure
    """
    p = len(names)
    fig, axes = plt.subplots(
        p, 2, figsize=(11, 1.6 * p + 0.8), squeeze=False, gridspec_kw={"width_ratios": [3, 1]}
    )
    steps = np.arange(chain_x.shape[0])
    for j, name in enumerate(names):
        ax = axes[j, 0]
        ax.plot(steps, chain_x[:, :, j], lw=0.4, alpha=0.35, color="C0")
        ax.axvspan(0, discard, color="0.85", zorder=0)
        ax.set_ylabel(name, fontsize=8)
        ax.tick_params(labelsize=7)
        post = chain_x[discard:, :, j].ravel()
        hx = axes[j, 1]
        lo, hi = np.quantile(post, [0.001, 0.999])
        pad = 0.25 * (hi - lo) + 1e-12
        bins = np.linspace(lo - pad, hi + pad, 40)
        hx.hist(post, bins=bins, density=True, color="C0", alpha=0.7, label="posterior")
        grid = np.linspace(bins[0], bins[-1], 200)
        hx.plot(grid, np.exp(priors[j].logpdf(grid)), color="k", lw=0.8, label="prior")
        hx.tick_params(labelsize=7)
        hx.set_yticks([])
    axes[0, 1].legend(fontsize=7, frameon=False)
    axes[-1, 0].set_xlabel("step (grey: burn-in, discarded)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_pairs(x: np.ndarray, names, *, title: str, max_points: int = 2000):
    """Pairwise scatter of posterior draws with marginal histograms (a corner plot).

    Args:
        x: Posterior draws, [n, P].
        names: Parameter names.
        title: Figure title.
        max_points: Largest number of points per panel (an evenly spaced subset).

    Returns:
        matplotlib.figure.Figure
    """
    p = len(names)
    if len(x) > max_points:
        x = x[np.linspace(0, len(x) - 1, max_points).astype(int)]
    size = max(6.0, 1.3 * p)
    fig, axes = plt.subplots(p, p, figsize=(size, size), squeeze=False)
    for i in range(p):
        for j in range(p):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(x[:, i], bins=30, color="C0")
                ax.set_yticks([])
            else:
                ax.scatter(x[:, j], x[:, i], s=1, alpha=0.3, color="C0", rasterized=True)
            ax.tick_params(labelsize=6)
            if i == p - 1:
                ax.set_xlabel(names[j], fontsize=7)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(names[i], fontsize=7)
            elif j > 0:
                ax.set_yticklabels([])
            ax.xaxis.set_major_locator(MaxNLocator(3))
            if i != j:
                ax.yaxis.set_major_locator(MaxNLocator(3))
    fig.suptitle(title)
    # Fixed margins: tight_layout over P x P panels was most of this figure's cost.
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.95, wspace=0.08, hspace=0.08)
    return fig


def plot_fit(
    observed: dict[str, pd.Series],
    predicted: dict[str, np.ndarray],
    *,
    simulation_start,
    window: tuple,
    title: str,
):
    """Observed data against the posterior-predictive median and 50 % / 90 % bands.

    Args:
        observed: Stream -> observed daily series (NaN = missing), any date range.
        predicted: Stream -> posterior-predictive draws, [n, T] from the simulation start.
        simulation_start: Date of simulation day 0.
        window: Fitting window (first, last date); days outside are shown hollow.
        title: Figure title.

    Returns:
        matplotlib.figure.Figure
    """
    streams = list(predicted)
    ncol = 2 if len(streams) > 1 else 1
    nrow = math.ceil(len(streams) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6 * ncol, 3.3 * nrow), squeeze=False)
    start, end = (pd.Timestamp(d) for d in window)
    for ax, name in zip(axes.ravel(), streams, strict=False):
        draws = predicted[name]
        dates = pd.date_range(pd.Timestamp(simulation_start), periods=draws.shape[1], freq="D")
        q = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(dates, q[0], q[4], color="C0", alpha=0.2, lw=0, label="90%")
        ax.fill_between(dates, q[1], q[3], color="C0", alpha=0.4, lw=0, label="50%")
        ax.plot(dates, q[2], color="C0", lw=1.2, label="median")
        obs = observed[name].dropna()
        obs = obs[(obs.index >= dates[0]) & (obs.index <= dates[-1])]
        inside = (obs.index >= start) & (obs.index <= end)
        ax.plot(obs.index[inside], obs[inside], "o", ms=2.2, color="k", label="fitted data")
        ax.plot(obs.index[~inside], obs[~inside], "o", ms=2.2, mfc="none", color="k", lw=0)
        ax.axvspan(start, end, color="0.95", zorder=0)
        ax.set_title(_STREAM_LABELS.get(name, name), fontsize=9)
        ax.tick_params(labelsize=7)
        for label in ax.get_xticklabels():
            label.set_rotation(30)
    for ax in axes.ravel()[len(streams) :]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
