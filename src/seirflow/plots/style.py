"""Shared look of the paper figures and their reproducible saving (PDF + PNG)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from seirflow.atomic import atomic_output  # noqa: E402

__all__ = ["PAPER_RC", "SCENARIO_COLOURS", "paper_style", "save_figure", "scenario_colour"]

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
