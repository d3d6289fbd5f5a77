"""Negative-binomial observation model of the fitted data streams.

Each stream (reported cases, deaths, hospital census, ICU census) is compared with its
expected daily value mu from the model through a negative binomial with its own size
k (NB2: mean mu, variance mu + mu^2 / k). Only days inside the fitting window with an
observation count; missing days (NaN) are skipped, never read as zero. Each stream's
log-likelihood is multiplied by its weight.

Everything that does not depend on the parameters (day indices, observed values,
log(y!)) is computed once in :func:`build_observations`; the per-call kernels are
compiled with numba and write into caller-owned buffers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from seirflow.errors import ConfigError, DataError

__all__ = [
    "MU_FLOOR",
    "ObservedStream",
    "build_observations",
    "nbinom_logpmf",
    "nb_loglik_sum",
    "nb_loglik_pointwise",
    "StreamLikelihood",
]

MU_FLOOR = 1e-9
"""Expected values are floored here so an observed count under a zero mean stays finite."""


@numba.njit(cache=True, nogil=True)
def _nb_term(y, lgy1, m, k, lgk):  # pragma: no cover - compiled
    m = max(m, MU_FLOOR)
    log_km = math.log(k + m)
    return math.lgamma(y + k) - lgk - lgy1 + k * (math.log(k) - log_km) + y * (math.log(m) - log_km)


@numba.njit(cache=True, nogil=True)
def nb_loglik_sum(mu, t_idx, y, lgy1, k, weight, out):  # pragma: no cover - compiled
    """Weighted NB log-likelihood of one stream for each batch row.

    Args:
        mu: Expected values, float64 [B, T] (T days from the simulation start).
        t_idx: Day index of each observation, int64 [n].
        y: Observed values, float64 [n].
        lgy1: lgamma(y + 1), float64 [n].
        k: NB size per batch row, float64 [B].
        weight: Multiplier of the log-likelihood.
        out: Output, float64 [B]; overwritten.
    """
    for b in range(mu.shape[0]):
        kb = k[b]
        lgk = math.lgamma(kb)
        acc = 0.0
        for i in range(t_idx.shape[0]):
            acc += _nb_term(y[i], lgy1[i], mu[b, t_idx[i]], kb, lgk)
        out[b] = weight * acc


@numba.njit(cache=True, nogil=True)
def nb_loglik_pointwise(mu, t_idx, y, lgy1, k, weight, out):  # pragma: no cover - compiled
    """Like :func:`nb_loglik_sum` but per observation: ``out`` is float64 [B, n]."""
    for b in range(mu.shape[0]):
        kb = k[b]
        lgk = math.lgamma(kb)
        for i in range(t_idx.shape[0]):
            out[b, i] = weight * _nb_term(y[i], lgy1[i], mu[b, t_idx[i]], kb, lgk)


@numba.vectorize(["float64(float64, float64, float64)"], cache=True)
def nbinom_logpmf(y, mu, k):  # pragma: no cover - compiled
    """NB2 log-pmf with mean ``mu`` and size ``k``, elementwise (numpy ufunc).

    Args:
        y: Counts (>= 0; non-integers use the gamma-function extension).
        mu: Means (> 0; floored at ``MU_FLOOR``).
        k: Sizes (> 0).

    Returns:
        numpy.ndarray: log P(Y = y), broadcast shape.

    >>> round(float(nbinom_logpmf(0.0, 2.0, 1.0)), 6)  # (k / (k + mu))^k = 1/3
    -1.098612
    """
    return _nb_term(y, math.lgamma(y + 1.0), mu, k, math.lgamma(k))


@dataclass(frozen=True)
class ObservedStream:
    """One fitted stream's observations inside the window (missing days removed).

    Attributes:
        name: Stream name (a variable of the inputs).
        dates: Observed dates, datetime64[D] [n].
        t_idx: Day index of each date counted from the simulation start, int64 [n].
        y: Observed values, float64 [n].
        lgy1: lgamma(y + 1), float64 [n].
        weight: Log-likelihood multiplier.
        dispersion: Name of the parameter holding this stream's NB size.
    """

    name: str
    dates: np.ndarray
    t_idx: np.ndarray
    y: np.ndarray
    lgy1: np.ndarray
    weight: float
    dispersion: str


def build_observations(
    observed: dict[str, pd.Series],
    streams: dict[str, float],
    *,
    window: tuple[dt.date, dt.date],
    simulation_start: dt.date,
    n_days: int,
    dispersion: dict[str, str],
    file: str | None = None,
) -> tuple[ObservedStream, ...]:
    """Select window days with data for each enabled stream; precompute constants.

    Args:
        observed: Stream name -> daily series indexed by date (NaN = missing).
        streams: Enabled stream name -> weight, in fitting order.
        window: First and last date (inclusive) of the fit.
        simulation_start: Date of simulation day 0.
        n_days: Days simulated (day indices must be below this).
        dispersion: Stream name -> name of its NB size parameter.
        file: Inputs file path for error messages.

    Returns:
        tuple[ObservedStream, ...]: One per enabled stream.

    Raises:
        ConfigError: No stream enabled, or a window that is empty or not simulated.
        DataError: A stream missing from the inputs, with no data in the window, or with
            negative or infinite values.
    """
    where = f"{file}: " if file else ""
    start, end = (pd.Timestamp(d) for d in window)
    sim0 = pd.Timestamp(simulation_start)
    if not streams:
        raise ConfigError(
            "calibration.streams: no stream is enabled; enable at least one of "
            "cases, deaths, hospital_census, icu_census",
            field="calibration.streams",
            value=[],
        )
    last_sim = sim0 + pd.Timedelta(days=n_days - 1)
    if not (start <= end and start >= sim0 and end <= last_sim):
        raise ConfigError(
            f"fitting window {start.date()}..{end.date()} must be non-empty and inside the "
            f"simulated days {sim0.date()}..{last_sim.date()}",
            field="window",
            value=[str(start.date()), str(end.date())],
        )
    out = []
    for name, weight in streams.items():
        if name not in observed:
            raise DataError(
                f"{where}stream {name!r} is enabled but the inputs have no variable {name!r}",
                file=file,
                field=name,
                value=None,
            )
        s = pd.Series(observed[name], dtype=float)
        s.index = pd.DatetimeIndex(s.index).normalize()
        s = s[(s.index >= start) & (s.index <= end)].dropna()
        if s.empty:
            raise DataError(
                f"{where}{name}: no observations between {start.date()} and {end.date()}; "
                f"disable the stream (calibration.streams.{name}.enabled: false) or move the "
                "window",
                file=file,
                field=name,
                value=None,
            )
        bad = s[(s < 0) | ~np.isfinite(s)]
        if not bad.empty:
            raise DataError(
                f"{where}{name}: value {bad.iloc[0]} on {bad.index[0].date()} is not a "
                "non-negative count",
                file=file,
                field=name,
                value=float(bad.iloc[0]),
            )
        y = s.to_numpy(dtype=float)
        t_idx = ((s.index - sim0) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
        lgy1 = np.array([math.lgamma(v + 1.0) for v in y])
        dates = s.index.to_numpy().astype("datetime64[D]")
        out.append(ObservedStream(name, dates, t_idx, y, lgy1, float(weight), dispersion[name]))
    return tuple(out)


class StreamLikelihood:
    """Weighted NB log-likelihood of each observed stream, vectorised over rows.

    Args:
        observations: The fitted streams.
    """

    def __init__(self, observations: tuple[ObservedStream, ...]):
        self.observations = observations
        self.names = tuple(o.name for o in observations)
        self.n_days_needed = 1 + max(int(o.t_idx.max()) for o in observations)
        self._buffers: dict[int, np.ndarray] = {}

    def __call__(self, mu: dict[str, np.ndarray], k: dict[str, np.ndarray]) -> np.ndarray:
        """Per-stream log-likelihoods.

        Args:
            mu: Stream -> expected daily values, float64 [B, T] with T >= n_days_needed.
            k: Dispersion parameter name -> NB size per row, [B].

        Returns:
            numpy.ndarray: [B, S] weighted log-likelihood per stream, in ``names`` order.
            The array is a reused buffer: copy it to keep it past the next call.
        """
        b = next(iter(mu.values())).shape[0]
        out = self._buffers.get(b)
        if out is None:
            out = self._buffers[b] = np.empty((len(self.names), b))
        for s, o in enumerate(self.observations):
            nb_loglik_sum(
                np.ascontiguousarray(mu[o.name], dtype=np.float64),
                o.t_idx,
                o.y,
                o.lgy1,
                np.ascontiguousarray(k[o.dispersion], dtype=np.float64),
                o.weight,
                out[s],
            )
        return out.T

    def pointwise(self, mu: dict[str, np.ndarray], k: dict[str, np.ndarray]) -> dict:
        """Per-observation weighted log-likelihoods: stream -> [B, n_stream]."""
        res = {}
        for o in self.observations:
            m = np.ascontiguousarray(mu[o.name], dtype=np.float64)
            out = np.empty((m.shape[0], o.y.size))
            nb_loglik_pointwise(
                m,
                o.t_idx,
                o.y,
                o.lgy1,
                np.ascontiguousarray(k[o.dispersion], dtype=np.float64),
                o.weight,
                out,
            )
            res[o.name] = out
        return res
