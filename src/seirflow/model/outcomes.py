"""Observed outcomes from daily new infections by age: cases, hospital and ICU use, deaths.

All outcomes are discrete-time convolutions of daily infections (``[B, T, A]``) over whole-day
delays (``delays.discretise_delay``), computed by a compiled kernel in parallel over the batch:

* cases ``= ascertainment * (sum_a inf_a) * reporting_delay``
* hospital admissions ``= ihr_multiplier * (sum_a IHR_a inf_a) * admission_delay``
* hospital census ``= admissions * P(LOS > k)`` (people in a bed at the end of the day, ICU
  included: admitted ``k`` days ago and staying more than ``k`` midnights)
* ICU admissions ``= ihr_multiplier * (sum_a IHR_a P(ICU|hosp)_a inf_a) * icu_delay``; ICU census
  likewise with the ICU length of stay
* deaths ``= ifr_multiplier * (sum_a IFR_a inf_a) * death_delay``

``*`` is ``y[t] = sum_{k=0}^{min(t, K-1)} p[k] x[t-k]``: infections before day 0 are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr
from numba import njit, prange

from seirflow.model import defaults
from seirflow.model._checks import as_float_array, require
from seirflow.model.delays import discretise_delay, survival

__all__ = [
    "OUTCOMES",
    "OutcomeParameters",
    "Outcomes",
    "compute_outcomes",
    "outcomes_dataset",
    "ratios_for_age_groups",
    "default_outcome_parameters",
]

OUTCOMES = (
    "cases",
    "hospital_admissions",
    "hospital_census",
    "icu_admissions",
    "icu_census",
    "deaths",
)


class Outcomes(NamedTuple):
    """Expected outcomes, each ``[B, T]`` float64 (people per day, or people for censuses)."""

    cases: np.ndarray
    hospital_admissions: np.ndarray
    hospital_census: np.ndarray
    icu_admissions: np.ndarray
    icu_census: np.ndarray
    deaths: np.ndarray


@dataclass(frozen=True)
class OutcomeParameters:
    """Age-specific ratios (``[A]``, probabilities) and daily delay pmfs of the outcome model.

    Args:
        ifr: Infection fatality ratio by age group.
        ihr: Infection hospitalisation ratio by age group.
        p_icu: Probability of ICU admission given hospitalisation, by age group.
        reporting_delay: pmf of infection -> report.
        admission_delay: pmf of infection -> hospital admission.
        hospital_los: pmf of hospital length of stay (all hospitalised).
        icu_delay: pmf of infection -> ICU admission.
        icu_los: pmf of ICU length of stay.
        death_delay: pmf of infection -> death.

    Raises:
        SeirflowInputError: Ratios outside [0, 1], mismatched lengths, pmfs not summing to 1.
    """

    ifr: np.ndarray
    ihr: np.ndarray
    p_icu: np.ndarray
    reporting_delay: np.ndarray
    admission_delay: np.ndarray
    hospital_los: np.ndarray
    icu_delay: np.ndarray
    icu_los: np.ndarray
    death_delay: np.ndarray

    def __post_init__(self):
        n_age = None
        for name in ("ifr", "ihr", "p_icu"):
            arr = as_float_array(
                getattr(self, name), name, ndim=1, shape=None if n_age is None else (n_age,)
            )
            require(arr.max() <= 1.0, name, arr, "ratios must be in [0, 1]")
            n_age = arr.shape[0]
            object.__setattr__(self, name, arr)
        for name in (
            "reporting_delay",
            "admission_delay",
            "hospital_los",
            "icu_delay",
            "icu_los",
            "death_delay",
        ):
            arr = as_float_array(getattr(self, name), name, ndim=1)
            require(
                arr.size >= 1 and abs(arr.sum() - 1.0) <= 1e-9,
                name,
                arr,
                f"a pmf must sum to 1 (sum is {arr.sum():.12g})",
            )
            object.__setattr__(self, name, arr)

    @property
    def n_age(self) -> int:
        """Number of age groups."""
        return self.ifr.shape[0]


@njit(cache=True)
def _convolve(x, p, out):
    # Delay outside, day inside: each out[t] still adds p[k] x[t - k] in increasing k (the
    # rounding of a per-day sum), but the inner loop is an axpy over shifted views that
    # vectorises (non-negative indices, no dependent chain): about 3x faster.
    n = x.shape[0]
    for t in range(n):
        out[t] = 0.0
    for k in range(min(p.shape[0], n)):
        pk = p[k]
        src = x[: n - k]
        dst = out[k:]
        for t in range(n - k):
            dst[t] += pk * src[t]


@njit(cache=True, parallel=True)
def _outcomes_kernel(
    infections,
    weights,
    reporting,
    admission,
    hosp_surv,
    icu_delay,
    icu_surv,
    death,
    ascertainment,
    ifr_mult,
    ihr_mult,
    out,
):
    """``weights[4, A]`` = ones, IHR, IHR*P(ICU|hosp), IFR; ``out[B, 6, T]`` in OUTCOMES order."""
    n_batch, n_days, n_age = infections.shape
    for i in prange(n_batch):
        # w[j, t] = sum_a weights[j, a] inf[t, a], summed in increasing a as axpys over days
        # of the transposed infections (contiguous, so they vectorise).
        by_age = np.empty((n_age, n_days))
        for t in range(n_days):
            for a in range(n_age):
                by_age[a, t] = infections[i, t, a]
        w = np.zeros((4, n_days))
        for j in range(4):
            wj = w[j]
            for a in range(n_age):
                c = weights[j, a]
                src = by_age[a]
                for t in range(n_days):
                    wj[t] += c * src[t]
        o = out[i]
        _convolve(w[0], reporting, o[0])
        _convolve(w[1], admission, o[1])
        _convolve(w[2], icu_delay, o[3])
        _convolve(w[3], death, o[5])
        for t in range(n_days):
            o[0, t] *= ascertainment[i]
            o[1, t] *= ihr_mult[i]
            o[3, t] *= ihr_mult[i]
            o[5, t] *= ifr_mult[i]
        _convolve(o[1], hosp_surv, o[2])
        _convolve(o[3], icu_surv, o[4])


def compute_outcomes(
    new_infections, params: OutcomeParameters, ascertainment, ifr_multiplier=1.0, ihr_multiplier=1.0
) -> Outcomes:
    """Expected outcomes for a batch of runs.

    Args:
        new_infections: ``[B, T, A]`` daily new infections (``solve.BatchSimulator``).
        params: :class:`OutcomeParameters` with ``A`` age groups.
        ascertainment: ``[B]`` (or scalar) fraction of infections reported as cases, in [0, 1].
        ifr_multiplier: ``[B]`` or scalar, scales IFR (>= 0; scaled IFR must stay <= 1).
        ihr_multiplier: ``[B]`` or scalar, scales IHR for admissions and ICU (same bound).

    Returns:
        :class:`Outcomes` of ``[B, T]`` arrays.

    Raises:
        SeirflowInputError: Bad shapes or values, naming the argument.
    """
    require(isinstance(params, OutcomeParameters), "params", params, "must be OutcomeParameters")
    inf = as_float_array(new_infections, "new_infections", ndim=3, shape=(None, None, params.n_age))
    n_batch = inf.shape[0]
    per_run = {}
    for name, value in (
        ("ascertainment", ascertainment),
        ("ifr_multiplier", ifr_multiplier),
        ("ihr_multiplier", ihr_multiplier),
    ):
        arr = np.asarray(value, dtype=np.float64)
        require(
            arr.ndim == 0 or arr.shape == (n_batch,),
            name,
            value,
            f"must be a scalar or have shape ({n_batch},)",
        )
        per_run[name] = as_float_array(np.broadcast_to(arr, (n_batch,)), name, ndim=1)
    require(
        per_run["ascertainment"].max() <= 1.0,
        "ascertainment",
        per_run["ascertainment"],
        "must be in [0, 1]",
    )
    for name, ratio in (("ifr_multiplier", params.ifr), ("ihr_multiplier", params.ihr)):
        worst = per_run[name].max() * ratio.max()
        require(
            worst <= 1.0,
            name,
            per_run[name].max(),
            f"scales the largest ratio {ratio.max():g} above 1",
        )
    weights = np.ascontiguousarray(
        np.stack([np.ones(params.n_age), params.ihr, params.ihr * params.p_icu, params.ifr])
    )
    out = np.empty((n_batch, len(OUTCOMES), inf.shape[1]))
    _outcomes_kernel(
        inf,
        weights,
        params.reporting_delay,
        params.admission_delay,
        survival(params.hospital_los),
        params.icu_delay,
        survival(params.icu_los),
        params.death_delay,
        per_run["ascertainment"],
        per_run["ifr_multiplier"],
        per_run["ihr_multiplier"],
        out,
    )
    return Outcomes(*(out[:, j] for j in range(len(OUTCOMES))))


def outcomes_dataset(outcomes: Outcomes, start_date) -> xr.Dataset:
    """Label outcomes as a Dataset with variable ``outcomes`` (draw, date, outcome).

    Args:
        outcomes: :class:`Outcomes` of ``[B, T]`` arrays.
        start_date: Date of day 0.
    """
    data = np.stack(list(outcomes), axis=-1)
    n_batch, n_days, _ = data.shape
    coords = {
        "draw": np.arange(n_batch),
        "date": pd.date_range(pd.Timestamp(start_date), periods=n_days, freq="D"),
        "outcome": list(OUTCOMES),
    }
    da = xr.DataArray(
        data,
        dims=("draw", "date", "outcome"),
        coords=coords,
        attrs={
            "description": "expected counts; censuses are people in beds at "
            "the end of the date, others people per day"
        },
    )
    return xr.Dataset({"outcomes": da})


def ratios_for_age_groups(band_edges, band_values, group_edges, single_year_population):
    """Population-weighted mean of banded ratios over each model age group.

    Args:
        band_edges: Lower age edges of the published bands (start at 0, increasing; the last
            band is open), e.g. ``(0, 10, ..., 80)``.
        band_values: One value per band.
        group_edges: Lower age edges of the model groups (same rules), e.g. ``(0, 5, ..., 75)``.
        single_year_population: ``[Y]`` people aged 0, 1, ..., ``Y - 1``; the last entry may be
            an open top group, assigned to the band of its lower age.

    Returns:
        ``[G]`` float64: ``sum_y pop_y * value(band(y)) / sum_y pop_y`` over the years ``y`` of
        each group (so 75+ mixes the 70-79 and 80+ values by who is 75-79 and 80+).

    Raises:
        SeirflowInputError: Edges not starting at 0 or not increasing, lengths that do not match,
            population too short or empty in a group.

    >>> ratios_for_age_groups([0, 2], [1.0, 3.0], [0, 1], [1, 1, 1]).tolist()
    [1.0, 2.0]
    """
    pop = as_float_array(single_year_population, "single_year_population", ndim=1)
    values = as_float_array(band_values, "band_values", ndim=1, nonnegative=False)
    edges = {}
    for name, e in (("band_edges", band_edges), ("group_edges", group_edges)):
        arr = np.asarray(e)
        ok = (
            arr.ndim == 1
            and arr.size >= 1
            and np.issubdtype(arr.dtype, np.integer)
            and arr[0] == 0
            and np.all(np.diff(arr) > 0)
        )
        require(bool(ok), name, e, "must be increasing integer ages starting at 0")
        require(
            int(arr[-1]) < pop.size,
            name,
            e,
            f"last edge {int(arr[-1])} needs population beyond age {pop.size - 1}",
        )
        edges[name] = arr.astype(np.int64)
    require(
        values.size == edges["band_edges"].size,
        "band_values",
        band_values,
        f"need one value per band ({edges['band_edges'].size})",
    )
    ages = np.arange(pop.size)
    value_by_year = values[np.searchsorted(edges["band_edges"], ages, side="right") - 1]
    group = np.searchsorted(edges["group_edges"], ages, side="right") - 1
    n_groups = edges["group_edges"].size
    total = np.bincount(group, weights=pop, minlength=n_groups)
    empty = np.flatnonzero(total <= 0)
    require(
        empty.size == 0,
        "single_year_population",
        pop,
        f"no population in group starting at age {edges['group_edges'][empty[:1]]}",
    )
    return np.bincount(group, weights=pop * value_by_year, minlength=n_groups) / total


def default_outcome_parameters(
    single_year_population, group_edges=defaults.AGE_GROUP_LOWER_EDGES
) -> OutcomeParameters:
    """Outcome parameters from ``defaults`` mapped onto model age groups.

    Args:
        single_year_population: ``[Y]`` people by single year of age (last entry open), used to
            weight the published bands within each group.
        group_edges: Lower age edges of the model groups (default 0, 5, ..., 75).

    Returns:
        :class:`OutcomeParameters`.
    """
    ratios = {
        name: ratios_for_age_groups(
            spec.band_lower_edges, spec.values, group_edges, single_year_population
        )
        for name, spec in (
            ("ifr", defaults.IFR),
            ("ihr", defaults.IHR),
            ("p_icu", defaults.P_ICU_GIVEN_HOSPITAL),
        )
    }
    pmfs = {
        name: discretise_delay(spec.mean, spec.sd, spec.max_days, spec.family)
        for name, spec in defaults.DELAYS.items()
    }
    return OutcomeParameters(**ratios, **pmfs)
