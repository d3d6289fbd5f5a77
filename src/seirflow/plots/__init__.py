"""Figures."""

from seirflow.plots.inputs import plot_region_inputs

__all__ = ["plot_region_inputs"]
