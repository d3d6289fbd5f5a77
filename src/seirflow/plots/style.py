"""Shared look of the paper figures and their reproducible saving (PDF + PNG)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from seirflow.atomic import atomic_output  # noqa: E402

__all__ = [
    "PAPER_RC",
    "SCENARIO_COLOURS",
    "paper_style",
    "save_figure",
    "save_compact_png",
    "COMPACT_DPI",
    "scenario_colour",
    "readable_label",
    "format_time_axis",
    "plain_number",
]

# Sized for a two-column journal page: 7 in wide, fonts legible when printed.
PAPER_RC = {
    "figure.dpi": 150,
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,  # embed TrueType: text stays editable and searchable
    "svg.hashsalt": "seirflow",
}
SCENARIO_COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057")
# Without timestamps, the same figure gives the same bytes on every run.
_PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": "seirflow"}
_PNG_METADATA = {"Software": "seirflow"}


@contextmanager
def paper_style() -> Iterator[None]:
    """Apply the paper rc settings within a block."""
    with plt.rc_context(PAPER_RC):
        yield


def scenario_colour(index: int) -> str:
    """Colour of the index-th scenario, stable across figures."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def save_figure(fig, pdf: str | os.PathLike | None, png: str | os.PathLike | None) -> None:
    """Write `fig` as vector PDF and 300-dpi PNG, atomically and without timestamps."""
    if pdf is not None:
        with atomic_output(pdf) as tmp:
            fig.savefig(tmp, format="pdf", metadata=_PDF_METADATA, bbox_inches="tight")
    if png is not None:
        with atomic_output(png) as tmp:
            fig.savefig(tmp, format="png", dpi=300, metadata=_PNG_METADATA, bbox_inches="tight")
    plt.close(fig)


# Per-region diagnostics go into the HTML report once per region (51 by default): a
# 64-colour palette PNG at screen resolution keeps each image near 40-80 kB.
COMPACT_DPI = 80
COMPACT_COLOURS = 64


def save_compact_png(
    fig, path: str | os.PathLike, *, dpi: int = COMPACT_DPI, colours: int = COMPACT_COLOURS
) -> None:
    """Write `fig` as a small palette PNG (screen resolution, `colours` colours), atomically.

    Quantisation (median cut) is deterministic, and no timestamp is written, so the same
    figure gives the same bytes.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    buf.seek(0)
    with Image.open(buf) as im:
        small = im.convert("RGB").quantize(colours, method=Image.Quantize.MEDIANCUT)
    with atomic_output(path, suffix=".png") as tmp:
        small.save(tmp, format="png", optimize=True)


def readable_label(key: str) -> str:
    """A legend label from a snake_case config key.

    >>> readable_label("shelter_in_place_6wk")
    'Shelter in place 6wk'
    """
    return key.replace("_", " ").strip().capitalize()


def format_time_axis(ax, fit_end=None) -> None:
    """Concise date ticks, plain y numbers with thousands separators, fit-end marker.

    Args:
        ax: A matplotlib Axes whose x axis holds dates.
        fit_end: Last fitted day; if given, a dashed vertical line labelled "fit end"
            separates the fit window from the projection.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(FuncFormatter(plain_number))
    if fit_end is not None:
        import pandas as pd

        ax.axvline(pd.Timestamp(fit_end), color="0.35", lw=0.8, ls="--", gid="fit_end")
        ax.text(
            pd.Timestamp(fit_end), 0.98, " fit end", transform=ax.get_xaxis_transform(),
            ha="left", va="top", fontsize=6, color="0.35",
        )  # fmt: skip


def plain_number(value: float, _pos=None) -> str:
    """Tick text: thousands separators, no offset or scientific notation."""
    return f"{value:,.0f}" if abs(value) >= 10 or value == 0 else f"{value:,.2g}"
