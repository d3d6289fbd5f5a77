"""Step: draw one paper figure (rule plot_figure), dispatched on the figure's kind."""

from __future__ import annotations

from typing import Any

import arviz as az
import pandas as pd

from seirflow.config import Dates, Figure
from seirflow.plots.bands import OBSERVED_VARIABLE, predictive_bands
from seirflow.plots.calibration_summary import (
    plot_calibration_fits,
    plot_convergence_summary,
    plot_posterior_forest,
)
from seirflow.plots.paper_inputs import plot_inputs_overview
from seirflow.plots.projections import plot_national_scenarios, plot_region_outcome
from seirflow.plots.reproduction import plot_reproduction_number
from seirflow.postprocess.national import observed_total, read_diagnostics
from seirflow.preprocess import read_region_inputs

__all__ = ["plot_figure"]


def plot_figure(
    *,
    pdf: str,
    png: str,
    definition: dict[str, Any],
    dates: dict[str, Any],
    inputs: str | list[str] | None = None,
    posteriors: str | list[str] | None = None,
    summaries: list[str] | None = None,
    diagnostics: list[str] | None = None,
) -> None:
    """Draw the configured figure from the files its kind needs (see `wiring.figure_inputs`)."""
    fig = Figure.model_validate(definition)
    d = Dates.model_validate(dates)
    out = {"pdf": pdf, "png": png}
    records = read_diagnostics(diagnostics or [])
    converged = {str(r["region"]): bool(r["converged"]) for r in records}
    if fig.kind == "inputs_overview":
        plot_inputs_overview(
            read_region_inputs(inputs), fit_window=(str(d.fit_start), str(d.fit_end)), **out
        )
    elif fig.kind == "calibration_fits":
        plot_calibration_fits(_posteriors(posteriors), converged=converged, **out)
    elif fig.kind == "posterior_forest":
        plot_posterior_forest(_posteriors(posteriors), converged=converged, **out)
    elif fig.kind == "hospital_beds":
        (idata,) = _posteriors([posteriors] if isinstance(posteriors, str) else posteriors).values()
        stream = OBSERVED_VARIABLE.get(fig.outcome, fig.outcome)
        plot_region_outcome(
            _daily(summaries),
            read_region_inputs(inputs),
            region=fig.region,
            outcome=fig.outcome,
            fit_start=str(d.fit_start),
            fit_end=str(d.fit_end),
            fit=predictive_bands(idata, stream, d.fit_start, d.fit_end),
            **out,
        )
    elif fig.kind == "national_scenarios":
        attrs = pd.read_parquet(summaries[0]).attrs
        summed = list(attrs.get("national_regions", []))
        observed = observed_total((read_region_inputs(p) for p in inputs), summed)
        plot_national_scenarios(
            _daily(summaries),
            observed=observed,
            summed=summed,
            excluded=attrs.get("national_excluded", {}),
            fit_start=str(d.fit_start),
            fit_end=str(d.fit_end),
            **out,
        )
    elif fig.kind == "convergence_summary":
        plot_convergence_summary(records, **out)
    elif fig.kind == "reproduction_number":
        tables = [pd.read_parquet(p) for p in summaries]
        # Scenarios are in the config's order: the first is the baseline.
        plot_reproduction_number(
            {str(t["region"].iloc[0]): t for t in tables},
            scenario=str(tables[0]["scenario"].iloc[0]),
            fit_end=str(d.fit_end),
            converged=converged,
            **out,
        )
    else:  # pragma: no cover - the config's Literal rules this out
        raise ValueError(f"unknown figure kind {fig.kind!r}")


def _posteriors(paths: list[str]) -> dict[str, Any]:
    out = {}
    for path in paths:
        idata = az.from_netcdf(path, engine="h5netcdf")
        out[str(idata.posterior.attrs.get("region", path.split("/")[-2]))] = idata
    return out


def _daily(paths: list[str]) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
