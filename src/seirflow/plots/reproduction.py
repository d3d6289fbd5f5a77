"""Paper figure: the effective reproduction number of every region, small multiples.

Saves the figure (PDF and PNG) and returns it, closed, for inspection.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from seirflow.plots.bands import NOT_CONVERGED_COLOUR, draw_bands
from seirflow.plots.style import paper_style, save_figure

__all__ = ["plot_reproduction_number"]

RT_COLOUR = "#7b3294"


def plot_reproduction_number(
    tables: Mapping[str, pd.DataFrame],
    *,
    scenario: str,
    fit_end: str,
    converged: Mapping[str, bool] | None = None,
    pdf: str | os.PathLike | None,
    png: str | os.PathLike | None,
) -> Figure:
    """One panel per region: Rt (median, 50% and 90%) from the fit start under `scenario`.

    Args:
        tables: Region code -> its ``reproduction_quantiles`` table (daily-table layout,
            outcomes ``rt`` and ``attack_rate``).
        scenario: The scenario drawn after the fit end.
        fit_end: Last fitted day (a dashed line).
        converged: Region code -> calibration converged (False: title in red).
    """
    regions = list(tables)
    if not regions:
        raise ValueError("nothing to draw: no regions")
    converged = dict(converged or {})
    ncols = min(len(regions), 6)
    nrows = math.ceil(len(regions) / ncols)
    end = pd.Timestamp(fit_end)
    with paper_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(7.0, 0.95 * nrows + 0.8),
                                 sharex=True, sharey=True, layout="constrained",
                                 squeeze=False)  # fmt: skip
        for i, region in enumerate(regions):
            ax = axes[i // ncols, i % ncols]
            table = tables[region]
            mine = table[table["scenario"] == scenario]
            if mine.empty:
                raise ValueError(f"{region}: no rows of scenario {scenario!r}")
            draw_bands(ax, mine[mine["outcome"] == "rt"], RT_COLOUR, None, lw=0.9)
            ax.axhline(1.0, color="0.3", lw=0.5)
            ax.axvline(end, color="0.3", lw=0.5, ls="--")
            share = mine[(mine["outcome"] == "attack_rate") & (pd.to_datetime(mine["date"]) == end)]
            infected = f", {100 * float(share['median'].iloc[0]):.0f}% inf." if len(share) else ""
            ok = converged.get(region, True)
            ax.set_title(f"{region}{infected}" + ("" if ok else " (not conv.)"), loc="left",
                         pad=2, fontsize=6, color="k" if ok else NOT_CONVERGED_COLOUR)  # fmt: skip
            ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
        for i in range(len(regions), nrows * ncols):
            axes[i // ncols, i % ncols].set_visible(False)
        fig.suptitle(
            f"Effective reproduction number Rt: posterior median, 50% and 90% bands; after the "
            f"fit end (dashed) the {scenario} scenario.\nTitles: median share infected by "
            "the fit end.",
            fontsize=7,
        )
        save_figure(fig, pdf, png)
    return fig
