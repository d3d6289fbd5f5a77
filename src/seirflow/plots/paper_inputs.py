"""Paper figure: one region's model inputs (population, contacts by setting, multipliers)."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from seirflow.plots.style import paper_style, save_figure

__all__ = ["plot_inputs_overview"]


def plot_inputs_overview(
    ds: xr.Dataset,
    *,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
    fit_window: tuple[str, str] | None = None,
) -> None:
    """Population by age, contacts per person per day by setting, daily multipliers.

    Args:
        ds: A region's inputs (`seirflow.preprocess.build_region_inputs`).
        pdf, png: Output paths (either may be None).
        fit_window: (start, end) dates to shade on the multiplier panel.
    """
    labels = [str(a) for a in ds["age_group"].values]
    settings = [str(s) for s in ds["setting"].values]
    contacts = ds["contacts"].values  # [S, A, A]
    with paper_style():
        fig = plt.figure(figsize=(7.0, 5.2), layout="constrained")
        grid = fig.add_gridspec(2, 4, height_ratios=[1.0, 1.1])
        ax_pop = fig.add_subplot(grid[0, 0])
        population = ds["population"].values / 1e6
        ax_pop.barh(np.arange(len(labels)), population, color="#1b6ca8")
        ax_pop.set_yticks(np.arange(len(labels))[::2], labels[::2])
        ax_pop.set_xlabel("population (millions)")
        ax_pop.set_title("a  population by age", loc="left")

        vmax = float(contacts.max())
        for k, setting in enumerate(settings[:3]):
            ax = fig.add_subplot(grid[0, k + 1])
            im = ax.imshow(contacts[k], origin="lower", cmap="viridis", vmin=0, vmax=vmax)
            _matrix_axes(ax, labels, first=k == 0)
            ax.set_title(f"{'bcd'[k]}  {setting}", loc="left")
        fig.colorbar(im, ax=fig.axes[1:4], shrink=0.8, label="contacts / person / day")

        ax_c = fig.add_subplot(grid[1, 0])
        if len(settings) > 3:
            ax_c.imshow(contacts[3], origin="lower", cmap="viridis", vmin=0, vmax=vmax)
            _matrix_axes(ax_c, labels, first=True)
            ax_c.set_title(f"e  {settings[3]}", loc="left")

        ax_m = fig.add_subplot(grid[1, 1:])
        dates = pd.to_datetime(ds["date"].values)
        for k, setting in enumerate(settings):
            ax_m.plot(dates, ds["multipliers"].values[:, k], label=setting, lw=1.2)
        if fit_window is not None:
            ax_m.axvspan(pd.Timestamp(fit_window[0]), pd.Timestamp(fit_window[1]), color="0.92")
        ax_m.set_ylim(bottom=0)
        ax_m.set_ylabel("contact multiplier (1 = pre-pandemic)")
        ax_m.set_title("f  daily setting multipliers (shaded: fitting window)", loc="left")
        ax_m.legend(ncols=4, loc="lower left", frameon=False)
        fig.autofmt_xdate()
        fig.suptitle(f"{ds.attrs.get('name', '')} ({ds.attrs.get('region', '')}): model inputs")
        save_figure(fig, pdf, png)


def _matrix_axes(ax, labels: list[str], *, first: bool) -> None:
    ticks = np.arange(0, len(labels), 4)
    ax.set_xticks(ticks, [labels[t] for t in ticks], rotation=90)
    ax.set_yticks(ticks, [labels[t] for t in ticks] if first else [])
    ax.set_xlabel("age of contact")
    if first:
        ax.set_ylabel("age of person")
