"""The forward model of the calibration: parameters -> expected observed streams.

:class:`SeirForward` wraps the compiled batched SEIR core (``seirflow.model``): for a
batch of parameter sets it forms the effective contact multipliers from the mobility
effect kappa (``m_eff = max(0, 1 - kappa (1 - m))`` on the work and community layers;
household and school as given), converts R0 to beta (linear: ``beta = R0 * beta(1)``,
computed once), simulates daily infections by age for the whole batch in one call, and
applies the outcome model (ascertainment and reporting delay, hospital and ICU census,
deaths). With the transmission modifier on (``calibration.transmission``), every
setting's multiplier is also scaled by ``exp(w(t))`` (`seirflow.model.modifier`).
Per-call buffers are cached by batch size.

:func:`build_forward` assembles it from a region's inputs and the ``model``/``outcomes``
config sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.config.calibration import step_names
from seirflow.errors import DataError
from seirflow.model import (
    BatchSimulator,
    DiseaseStructure,
    OutcomeParameters,
    beta_from_r0,
    compute_outcomes,
    discretise_delay,
    ratios_for_age_groups,
)
from seirflow.model.modifier import knot_days, log_modifier

__all__ = [
    "SeirForward",
    "build_forward",
    "outcome_parameters",
    "seed_distribution",
    "transmission_knots",
    "testing_ratio",
    "scale_cases",
]

MOBILITY_SETTINGS = ("work", "community")
"""Layers whose multipliers the mobility effect kappa scales."""

_DELAY_FIELDS = {
    "reporting_delay": "infection_to_report",
    "admission_delay": "infection_to_admission",
    "hospital_los": "hospital_stay",
    "icu_delay": "infection_to_icu",
    "icu_los": "icu_stay",
    "death_delay": "infection_to_death",
}


class SeirForward:
    """Batched SEIR core plus outcome model, as a calibration forward model.

    Args:
        simulator: Prepared :class:`seirflow.model.BatchSimulator` (its ``n_days`` is the
            simulated horizon).
        outcomes: Outcome-model ratios and delays.
        multipliers: Observed daily setting multipliers, [T >= n_days, S].
        settings: Setting name of each multiplier column.
        beta_per_r0: Transmission rate that gives R0 = 1 with all multipliers 1.
        knots: Days of the transmission modifier's knots (`transmission_knots`), or
            None for no modifier.
        testing: Tests per day relative to the fit end's (`testing_ratio`), [n_days], or
            None if the inputs have no tests series.
    """

    def __init__(
        self,
        simulator: BatchSimulator,
        outcomes: OutcomeParameters,
        multipliers: np.ndarray,
        settings: tuple[str, ...],
        beta_per_r0: float,
        knots: np.ndarray | None = None,
        testing: np.ndarray | None = None,
    ):
        self.simulator = simulator
        self.testing = testing
        self.knots = None if knots is None else np.asarray(knots, dtype=float)
        self.step_names = () if knots is None else step_names(len(knots) - 1)
        self.outcomes = outcomes
        n_days = simulator.n_days
        self.base = np.ascontiguousarray(np.asarray(multipliers, dtype=float)[:n_days])
        self.settings = tuple(settings)
        self.mobility_columns = [self.settings.index(s) for s in MOBILITY_SETTINGS if s in settings]
        self.beta_per_r0 = float(beta_per_r0)
        self._reduction = 1.0 - self.base[:, self.mobility_columns]  # [T, M]
        self._buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def n_days(self) -> int:
        """Days simulated from the simulation start."""
        return self.simulator.n_days

    def domains(self) -> dict[str, tuple[float, float]]:
        """Parameter ranges the model accepts (intersected with the natural domains).

        Returns:
            dict: name -> (lower, upper) for seed_day, seed_size, ifr/ihr multipliers.
        """
        pop, dist = self.simulator.population, self.simulator.seed_distribution
        positive = dist > 0
        return {
            "seed_day": (0.0, float(self.n_days - 1)),
            "seed_size": (0.0, float(np.min(pop[positive] / dist[positive]))),
            "ifr_multiplier": (0.0, 1.0 / float(self.outcomes.ifr.max())),
            "ihr_multiplier": (0.0, 1.0 / float(self.outcomes.ihr.max())),
        }

    def multipliers(self, kappa: np.ndarray) -> np.ndarray:
        """Effective multipliers [B, T, S] for mobility effects ``kappa`` [B] (reused buffer)."""
        b = kappa.shape[0]
        mult, _ = self._buffer(b)
        mult[:] = self.base
        for j, col in enumerate(self.mobility_columns):
            m = mult[:, :, col]
            np.multiply(kappa[:, None], self._reduction[None, :, j], out=m)
            np.subtract(1.0, m, out=m)
            np.maximum(m, 0.0, out=m)
        return mult

    def _buffer(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        buf = self._buffers.get(b)
        if buf is None:
            sim = self.simulator
            buf = (
                np.empty((b, sim.n_days, self.base.shape[1])),
                np.empty((b, sim.n_days, sim.n_age)),
            )
            self._buffers[b] = buf
        return buf

    def infections(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """Daily new infections by age, [B, T, A] (a reused buffer)."""
        kappa = np.asarray(params["mobility_effect"], dtype=float)
        mult = self.multipliers(kappa)
        if self.knots is not None:
            mult *= modifier_factor(params, self.knots, self.n_days)[:, :, None]
        _, out = self._buffer(kappa.shape[0])
        beta = self.beta_per_r0 * np.asarray(params["r0"], dtype=float)
        return self.simulator.new_infections(
            mult, beta, params["seed_day"], params["seed_size"], out=out
        )

    def __call__(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Expected daily streams for a batch.

        Args:
            params: name -> [B] values of r0, seed_day, seed_size, ascertainment,
                ifr_multiplier, ihr_multiplier, mobility_effect.

        Returns:
            dict: ``cases``, ``deaths``, ``hospital_census``, ``icu_census``,
            ``hospital_admissions``, each [B, T] (people per day or people in beds);
            rows whose solve failed (negative or non-finite infections) are NaN.
        """
        inf = self.infections(params)
        # A fixed-step solve can go unstable at extreme parameters (e.g. very large R0):
        # such rows are zeroed for the outcome model and returned as NaN.
        invalid = ~np.all(inf >= 0.0, axis=(1, 2))
        if invalid.any():
            inf[invalid] = 0.0
        res = compute_outcomes(
            inf,
            self.outcomes,
            params["ascertainment"],
            params["ifr_multiplier"],
            params["ihr_multiplier"],
        )
        out = {
            "cases": scale_cases(res.cases, params, self.testing),
            "deaths": res.deaths,
            "hospital_census": res.hospital_census,
            "icu_census": res.icu_census,
            "hospital_admissions": res.hospital_admissions,
        }
        if invalid.any():
            for arr in out.values():
                arr[invalid] = np.nan
        return out


def transmission_knots(transmission, simulation_start: dt.date, window) -> np.ndarray | None:
    """Knot days of the transmission modifier for a fit window, or None if it is off.

    Args:
        transmission: ``seirflow.config.calibration.TransmissionModifier``.
        simulation_start: Date of simulation day 0.
        window: First and last date of the fit.
    """
    if not transmission.enabled:
        return None
    first, last = ((pd.Timestamp(d) - pd.Timestamp(simulation_start)).days for d in window)
    return knot_days(first, last, transmission.knots)


def modifier_factor(params: Mapping[str, np.ndarray], knots: np.ndarray, n_days: int):
    """``exp(w(d))`` per row of ``params`` (which hold the steps by name), [B, n_days]."""
    names = step_names(len(knots) - 1)
    steps = np.column_stack([np.asarray(params[n], dtype=float) for n in names])
    return np.exp(log_modifier(steps, knots, n_days))


def testing_ratio(inputs: xr.Dataset, simulation_start: dt.date, n_days: int, fit_end: dt.date):
    """tests(t) / tests(fit end) for simulated days 0 .. n_days - 1, held at 1 after the fit end.

    Returns:
        numpy.ndarray [n_days], or None if the inputs have no ``tests`` series or it does
        not cover the days (then a testing elasticity cannot be used).
    """
    if "tests" not in inputs:
        return None
    wanted = pd.date_range(pd.Timestamp(simulation_start), periods=n_days, freq="D")
    tests = inputs["tests"].to_series().reindex(wanted)
    end = pd.Timestamp(fit_end)
    reference = inputs["tests"].to_series().get(end, np.nan)
    if not (np.isfinite(reference) and reference > 0) or tests[:end].isna().any():
        return None
    ratio = (tests / reference).to_numpy(dtype=float, copy=True)
    ratio[wanted > end] = 1.0
    return ratio


def scale_cases(cases: np.ndarray, params: Mapping[str, np.ndarray], testing) -> np.ndarray:
    """Expected cases with ascertainment following testing: x min(ratio^gamma, 1/asc).

    ``cases`` [B, T] were computed with the constant ``ascertainment``; with
    ``testing_elasticity`` gamma > 0 the day's ascertainment is ``min(1, ascertainment x
    ratio(t)^gamma)``. Scaled in place and returned.

    Raises:
        DataError: gamma > 0 but the inputs carry no usable tests series.
    """
    gamma = params.get("testing_elasticity")
    if gamma is None or not np.any(np.asarray(gamma) != 0.0):
        return cases
    if testing is None:
        raise DataError(
            "calibration.parameters.testing_elasticity is not 0, but the inputs have no "
            "tests series covering the simulated days through the fit end",
            field="tests",
            value=None,
        )
    gamma = np.asarray(gamma, dtype=float)[:, None]
    asc = np.asarray(params["ascertainment"], dtype=float)[:, None]
    with np.errstate(divide="ignore"):
        factor = np.minimum(np.exp(gamma * np.log(testing)[None, :]), 1.0 / asc)
    cases *= factor
    return cases


def seed_distribution(spec, population: np.ndarray, age_lower: np.ndarray) -> np.ndarray:
    """Fractions of seeded people by age group.

    Args:
        spec: ``"population"`` (proportional to population), ``"adults"`` (20-64 only,
            proportional to population) or a list of fractions per group (sum 1).
        population: People per age group, [A].
        age_lower: Lower age of each group, [A].

    Returns:
        numpy.ndarray: [A] fractions summing to 1.
    """
    pop = np.asarray(population, dtype=float)
    if isinstance(spec, str):
        lower = np.asarray(age_lower)
        weights = pop if spec == "population" else pop * ((lower >= 20) & (lower < 65))
        return weights / weights.sum()
    return np.asarray(spec, dtype=float)


def outcome_parameters(outcomes_cfg, inputs: xr.Dataset) -> OutcomeParameters:
    """Outcome-model parameters from the ``outcomes`` config section.

    Args:
        outcomes_cfg: ``seirflow.config.Outcomes`` (banded ratios and delays).
        inputs: Region inputs (``population_single_year``, ``age_lower``).

    Returns:
        OutcomeParameters: Ratios on the model age groups (population-weighted within
        groups) and discretised delay pmfs.
    """
    single = inputs["population_single_year"].to_numpy()
    edges = inputs["age_lower"].to_numpy().astype(np.int64)

    def ratios(bands):
        return ratios_for_age_groups(
            np.asarray(bands.lower_edges, dtype=np.int64), bands.values, edges, single
        )

    pmfs = {}
    for name, field in _DELAY_FIELDS.items():
        d = getattr(outcomes_cfg, field)
        pmfs[name] = discretise_delay(
            d.mean_days, d.sd_days, d.max_days, getattr(d, "family", "lognormal")
        )
    return OutcomeParameters(
        ifr=ratios(outcomes_cfg.ifr_by_age),
        ihr=ratios(outcomes_cfg.ihr_by_age),
        p_icu=ratios(outcomes_cfg.icu_given_hospital_by_age),
        **pmfs,
    )


def build_forward(
    inputs: xr.Dataset,
    model_cfg,
    outcomes_cfg,
    *,
    simulation_start: dt.date,
    n_days: int,
    file: str | None = None,
    knots: np.ndarray | None = None,
    fit_end: dt.date | None = None,
) -> SeirForward:
    """Assemble the forward model of one region.

    Args:
        inputs: Region inputs (see ``seirflow.preprocess.region_inputs``).
        model_cfg: ``seirflow.config.Model`` section.
        outcomes_cfg: ``seirflow.config.Outcomes`` section.
        simulation_start: Date of simulation day 0.
        n_days: Days to simulate.
        file: Inputs path for error messages.
        knots: Transmission modifier knots (`transmission_knots`), or None.
        fit_end: Last fitted day, the reference of the testing ratio (`testing_ratio`);
            None: no testing-dependent ascertainment.

    Returns:
        SeirForward: Ready to evaluate batches.

    Raises:
        DataError: The inputs' multipliers do not cover the simulated days.
    """
    dates = pd.DatetimeIndex(inputs["date"].to_numpy())
    start = pd.Timestamp(simulation_start)
    wanted = pd.date_range(start, periods=n_days, freq="D")
    missing = wanted.difference(dates)
    if len(missing):
        raise DataError(
            f"{file + ': ' if file else ''}multipliers: no values for {len(missing)} simulated "
            f"day(s) from {missing[0].date()}; the inputs cover {dates[0].date()}.."
            f"{dates[-1].date()}",
            file=file,
            field="multipliers",
            value=str(missing[0].date()),
        )
    mult = inputs["multipliers"].sel(date=wanted).transpose("date", "setting")
    if not np.all(np.isfinite(mult.to_numpy())):
        raise DataError(
            f"{file + ': ' if file else ''}multipliers: missing values in the simulated days",
            file=file,
            field="multipliers",
            value=None,
        )
    settings = tuple(str(s) for s in mult["setting"].to_numpy())
    contacts = inputs["contacts"].sel(setting=list(settings)).to_numpy()
    population = inputs["population"].to_numpy()
    structure = DiseaseStructure(
        latent_period=model_cfg.latent_period_days,
        infectious_period=model_cfg.infectious_period_days,
        latent_stages=model_cfg.latent_stages,
        infectious_stages=model_cfg.infectious_stages,
        steps_per_day=model_cfg.steps_per_day,
        seed_into=model_cfg.seed_into,
    )
    dist = seed_distribution(
        model_cfg.seed_age_distribution, population, inputs["age_lower"].to_numpy()
    )
    susceptibility = model_cfg.susceptibility
    simulator = BatchSimulator(population, contacts, structure, n_days, dist, susceptibility)
    beta1 = beta_from_r0(1.0, population, contacts, structure.infectious_period, susceptibility)
    return SeirForward(
        simulator,
        outcome_parameters(outcomes_cfg, inputs),
        mult.to_numpy(),
        settings,
        beta1,
        knots=knots,
        testing=(
            None if fit_end is None else testing_ratio(inputs, simulation_start, n_days, fit_end)
        ),
    )
