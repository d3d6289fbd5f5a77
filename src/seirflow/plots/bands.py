"""What the paper figures share: outcome labels with units, and median / 50% / 90% bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from seirflow.postprocess.load import OBSERVED_STREAM

__all__ = [
    "OUTCOME_LABELS",
    "OBSERVED_VARIABLE",
    "BAND_LEVELS",
    "NOT_CONVERGED_COLOUR",
    "draw_bands",
    "predictive_bands",
]

# Axis labels: what is counted and per what (incidence per day, census in patients).
OUTCOME_LABELS = {
    "infections": "new infections per day",
    "reported_cases": "reported cases per day",
    "cases": "reported cases per day",
    "hospital_admissions": "hospital admissions per day",
    "hospital_census": "patients in hospital",
    "icu_census": "patients in ICU",
    "deaths": "deaths per day",
}
# Trajectory outcome -> observed series (variable of inputs.nc, stream of the posterior).
OBSERVED_VARIABLE = {**OBSERVED_STREAM, "cases": "cases"}
# Columns of the daily quantile tables the bands are drawn from.
BAND_LEVELS = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}
NOT_CONVERGED_COLOUR = "#d1495b"


def draw_bands(ax, frame: pd.DataFrame, colour: str, label: str | None, *, lw: float = 1.3):
    """Median line over 50% and 90% bands of a table with date and `BAND_LEVELS` columns."""
    dates = pd.to_datetime(frame["date"])
    ax.fill_between(dates, frame["q05"], frame["q95"], color=colour, alpha=0.15, lw=0)
    ax.fill_between(dates, frame["q25"], frame["q75"], color=colour, alpha=0.3, lw=0)
    return ax.plot(dates, frame["median"], color=colour, lw=lw, label=label)[0]


def predictive_bands(idata, stream: str, start=None, end=None) -> pd.DataFrame | None:
    """Daily quantiles of a posterior-predictive stream over ``[start, end]``.

    Args:
        idata: A region's InferenceData from calibration (group ``posterior_predictive``,
            dims chain, draw, date: every simulated day of the fit).
        stream: Fitted stream (``cases``, ``deaths``, ``hospital_census``, ``icu_census``).
        start, end: Date window (inclusive); default: all predicted days.

    Returns:
        Columns ``date`` and `BAND_LEVELS`, or None if the stream was not fitted.
    """
    pp = getattr(idata, "posterior_predictive", None)
    if pp is None or stream not in pp:
        return None
    sim = pp[stream].stack(sample=("chain", "draw")).transpose("sample", "date")
    sim = sim.sel(date=slice(None if start is None else pd.Timestamp(start),
                             None if end is None else pd.Timestamp(end)))  # fmt: skip
    q = np.quantile(sim.values, list(BAND_LEVELS.values()), axis=0)
    out = pd.DataFrame(dict(zip(BAND_LEVELS, q, strict=True)))
    out.insert(0, "date", pd.to_datetime(sim["date"].values))
    return out
