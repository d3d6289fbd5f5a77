"""One region's calibration problem: observations, forward model, parameters, target.

:func:`build_problem` checks everything that can be checked before sampling (streams and
window against the data, the inputs against the simulated days, priors against the
parameters' domains) and assembles the pieces the sampler needs.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.calibration.forward import build_forward, transmission_knots
from seirflow.calibration.likelihood import StreamLikelihood, build_observations
from seirflow.calibration.parameters import STREAM_DISPERSION, ParameterSpace
from seirflow.calibration.target import LogPosterior
from seirflow.config.calibration import ParameterSpec
from seirflow.errors import DataError
from seirflow.model.modifier import step_sd

log = logging.getLogger(__name__)

__all__ = ["Problem", "build_problem", "every_kth_day", "parameter_domains"]


def parameter_domains(natural: dict, model: dict) -> dict[str, tuple[float, float]]:
    """Intersect the natural domains with the ranges the model accepts."""
    out = dict(natural)
    for name, (lo, hi) in model.items():
        nlo, nhi = out.get(name, (-np.inf, np.inf))
        out[name] = (max(lo, nlo), min(hi, nhi))
    return out


@dataclass(frozen=True)
class Problem:
    """Everything the sampler needs for one region, built from inputs and config.

    Attributes:
        simulation_start: Date of simulation day 0.
        window: Fitting window (first, last date).
        streams: Enabled stream -> weight.
        observed: Enabled stream -> observed daily series (NaN = missing).
        observations: The fitted days of each stream.
        forward: The batched forward model.
        space: Free/fixed parameters, priors and transforms.
        likelihood: Per-stream NB likelihood.
        target: The emcee target (log posterior with per-stream blobs).
    """

    simulation_start: dt.date
    window: tuple[dt.date, dt.date]
    streams: dict[str, float]
    observed: dict[str, pd.Series]
    observations: tuple
    forward: object
    space: ParameterSpace
    likelihood: StreamLikelihood
    target: LogPosterior


def _streams_with_data(streams, observed, window, inputs, file) -> dict[str, float]:
    """Drop enabled streams a region never reported in the window (e.g. KS hospital census).

    One region's missing stream should not stop its fit on the others: the stream is left
    out for that region, with a warning naming both. If no enabled stream has data, the
    error names the region and the window.
    """
    start, end = (pd.Timestamp(d) for d in window)
    kept = {}
    for name, weight in streams.items():
        series = observed.get(name)
        if (
            series is not None
            and series[(series.index >= start) & (series.index <= end)].isna().all()
        ):
            log.warning(
                "%s: no %s observations between %s and %s; this stream is not fitted for it",
                inputs.attrs.get("region", file), name, start.date(), end.date(),
            )  # fmt: skip
            continue
        kept[name] = weight
    if streams and not kept:
        raise DataError(
            f"{file + ': ' if file else ''}no observations of any enabled stream "
            f"({', '.join(streams)}) between {start.date()} and {end.date()}",
            file=file,
            field="calibration.streams",
            value=list(streams),
        )
    return kept


def every_kth_day(series: pd.Series, k: int, last: dt.date) -> pd.Series:
    """The values of every k-th day counted back from `last` (others NaN: not fitted)."""
    if k == 1:
        return series
    lag = (pd.Timestamp(last) - pd.DatetimeIndex(series.index)).days
    return series.where(lag % k == 0)


def build_problem(
    inputs: xr.Dataset,
    calibration,
    *,
    simulation_start: dt.date,
    window: tuple[dt.date, dt.date],
    model,
    outcomes,
    inputs_file: str | None = None,
) -> Problem:
    """Assemble observations, forward model, parameter space and target of a region.

    Args: as :func:`calibrate_region`.

    Returns:
        Problem: The pieces, ready to sample.

    Raises:
        ConfigError, DataError: As :func:`calibrate_region`, before any sampling.
    """
    from seirflow.config import DOMAINS

    window = (pd.Timestamp(window[0]).date(), pd.Timestamp(window[1]).date())
    n_days = (window[1] - simulation_start).days + 1
    streams = {n: s.weight for n, s in calibration.streams if s.enabled}
    observed = {n: inputs[n].to_series() for n in streams if n in inputs}
    streams = _streams_with_data(streams, observed, window, inputs, inputs_file)
    every = {n: s.every_days for n, s in calibration.streams}
    observations = build_observations(
        {n: every_kth_day(series, every[n], window[1]) for n, series in observed.items()},
        streams,
        window=window,
        simulation_start=simulation_start,
        n_days=n_days,
        dispersion=STREAM_DISPERSION,
        file=inputs_file,
    )
    knots = transmission_knots(calibration.transmission, simulation_start, window)
    forward = build_forward(
        inputs,
        model,
        outcomes,
        simulation_start=simulation_start,
        n_days=n_days,
        file=inputs_file,
        knots=knots,
        fit_end=window[1],
    )
    parameters = dict(calibration.parameters)
    domains = parameter_domains(DOMAINS, forward.domains())
    if knots is not None:
        sd = step_sd(int(knots[0]), int(knots[-1]), len(knots) - 1,
                     calibration.transmission.sd_week)  # fmt: skip
        prior = {"distribution": "normal", "mean": 0.0, "sd": sd}
        for name in forward.step_names:
            parameters[name] = ParameterSpec(free=True, prior=prior)
            domains[name] = (-math.inf, math.inf)
    space = ParameterSpace.from_config(parameters, domains, enabled_streams=tuple(streams))
    likelihood = StreamLikelihood(observations)
    target = LogPosterior(space, forward, likelihood)
    return Problem(
        simulation_start,
        window,
        streams,
        observed,
        observations,
        forward,
        space,
        likelihood,
        target,
    )
