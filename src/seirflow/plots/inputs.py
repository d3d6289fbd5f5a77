"""Overview figure of one region's model inputs."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402

from seirflow.plots.style import COMPACT_DPI, save_compact_png  # noqa: E402

__all__ = ["plot_region_inputs"]


def _event_lines(ax, ds: xr.Dataset) -> None:
    for attr, style, label in (
        ("school_closure_date", ":", "school closure"),
        ("stay_at_home_date", "--", "stay at home"),
    ):
        if ds.attrs.get(attr):
            ax.axvline(pd.Timestamp(ds.attrs[attr]), color="grey", ls=style, lw=1, label=label)


def plot_region_inputs(ds: xr.Dataset, path: str | os.PathLike, *, dpi: int = COMPACT_DPI) -> None:
    """Write a PNG overview: population, the four contact matrices, multipliers, observations.

    Panels: population by age group (bars); each setting's contact matrix (heatmap, contacts
    per person per day, own colour scale); daily setting multipliers; new cases and deaths
    per day; hospital and ICU census (gaps = not reported). Dashed and dotted lines mark the
    stay-at-home and school closure dates.

    Args:
        ds: Output of `seirflow.preprocess.build_region_inputs`.
        path: Target PNG file, written atomically.
        dpi: Resolution.
    """
    fig = plt.figure(figsize=(16, 9), layout="constrained")
    grid = fig.add_gridspec(2, 4)
    title = f"{ds.attrs.get('name', '')} ({ds.attrs.get('region', '')}): model inputs"
    fig.suptitle(title)

    ax = fig.add_subplot(grid[0, 0])
    ax.barh(ds["age_group"].values, ds["population"].values / 1e6, color="tab:blue")
    ax.set_xlabel("population (millions, Census 2019)")
    ax.set_title("population by age group")

    labels = ds["age_group"].values
    ticks = np.arange(0, labels.size, max(1, labels.size // 6))
    cells = [grid[0, 1], grid[0, 2], grid[0, 3], grid[1, 0]]
    for cell, setting in zip(cells, ds["setting"].values, strict=True):
        ax = fig.add_subplot(cell)
        image = ax.imshow(
            ds["contacts"].sel(setting=setting).values, origin="lower", cmap="viridis", vmin=0
        )
        fig.colorbar(image, ax=ax, label="contacts / person / day", shrink=0.8)
        ax.set_title(f"{setting} contacts")
        ax.set_xticks(ticks, labels[ticks], rotation=90, fontsize=7)
        ax.set_yticks(ticks, labels[ticks], fontsize=7)
        ax.set_xlabel("contact age group")
        ax.set_ylabel("age group")

    dates = pd.DatetimeIndex(ds["date"].values)
    ax = time_axis = fig.add_subplot(grid[1, 1])
    for setting in ds["setting"].values:
        ax.plot(dates, ds["multipliers"].sel(setting=setting).values, label=setting)
    _event_lines(ax, ds)
    ax.set_ylim(bottom=0)
    ax.set_title("setting multipliers (1 = baseline)")
    ax.legend(fontsize=7)
    ax.tick_params(axis="x", labelrotation=45)

    ax = fig.add_subplot(grid[1, 2], sharex=time_axis)
    ax.plot(dates, ds["cases"].values, color="tab:orange", lw=1, label="cases")
    ax.set_ylabel("new cases / day")
    twin = ax.twinx()
    twin.plot(dates, ds["deaths"].values, color="tab:red", lw=1, label="deaths")
    twin.set_ylabel("new deaths / day")
    _event_lines(ax, ds)
    ax.set_title("new cases and deaths (NYT)")
    ax.tick_params(axis="x", labelrotation=45)

    ax = fig.add_subplot(grid[1, 3], sharex=time_axis)
    ax.plot(dates, ds["hospital_census"].values, label="in hospital")
    ax.plot(dates, ds["icu_census"].values, label="in ICU")
    _event_lines(ax, ds)
    ax.set_title("hospital census (CTP; gap = missing)")
    ax.set_ylabel("patients")
    ax.legend(fontsize=7)
    ax.tick_params(axis="x", labelrotation=45)

    save_compact_png(fig, path, dpi=dpi)
