"""Posterior-predictive projections of one region under one scenario.

For each of K posterior draws the model is simulated from `dates.simulation_start` (the
deterministic model reproduces the fitted past from the parameters) through the end of
the projection horizon under the scenario's contact multipliers, and observation noise
(negative binomial, with each stream's calibrated dispersion) is drawn on the observed
streams. Every scenario of a region uses the same K draws and the same noise stream
(common random numbers), so differences between scenarios are the scenarios' own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.calibration.forward import (
    build_forward,
    modifier_factor,
    scale_cases,
    transmission_knots,
)
from seirflow.calibration.seeds import region_key
from seirflow.carryover import Carryover, carryover_factor
from seirflow.config import Calibration, Dates, Model, Outcomes, Scenario
from seirflow.config.calibration import step_names
from seirflow.errors import DataError
from seirflow.model import compute_outcomes
from seirflow.model.modifier import continued_walk
from seirflow.model.reproduction import attack_rate, effective_reproduction
from seirflow.postprocess.load import (
    AGE_OUTCOMES,
    INDICATORS,
    OBSERVED_STREAM,
    OUTCOMES,
    by_age,
)
from seirflow.scenarios import contact_multipliers, scenario_multipliers

__all__ = ["PROJECTED", "posterior_table", "select_draws", "project_region"]

log = logging.getLogger(__name__)

# Variables of a trajectories file; the observed ones carry observation noise.
PROJECTED = OUTCOMES
_NOISE = {
    "reported_cases": "dispersion_cases",
    "hospital_census": "dispersion_hospital_census",
    "icu_census": "dispersion_icu_census",
    "deaths": "dispersion_deaths",
}
_PROJECTION_STREAM = 0x50524F4A  # "PROJ": keeps projection noise apart from other streams


def posterior_table(idata, calibration: Calibration) -> pd.DataFrame:
    """Every parameter's value per posterior sample (free from the posterior, fixed broadcast).

    A dispersion that was not calibrated (its stream not fitted) takes the config's fixed
    value, or is left out (that stream is then projected without noise).

    Returns:
        DataFrame with one row per (chain, draw), chain-major, one column per parameter.
    """
    post = idata.posterior
    table = pd.DataFrame({name: post[name].values.reshape(-1) for name in post.data_vars})
    fixed = getattr(idata, "constant_data", None)
    for name in fixed.data_vars if fixed is not None else ():
        table[name] = float(fixed[name])
    for name, spec in calibration.parameters:
        if name not in table and not spec.free:
            table[name] = float(spec.value)
    return table


def select_draws(n_samples: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of K draws: evenly spaced (no randomness) if K <= N, else with replacement."""
    if n_samples < 1:
        raise DataError("the posterior has no samples", field="posterior", value=n_samples)
    if k <= n_samples:
        return np.linspace(0, n_samples - 1, k).round().astype(np.int64)
    return np.sort(rng.integers(0, n_samples, size=k))


def _carryover(series, inputs, dates, calibration, first, spread) -> dict[str, Carryover]:
    """Projected variable -> `Carryover` of each fitted stream (and admissions: census's).

    Admissions are not fitted; the census is admissions convolved with the stay, so a
    census that runs below the model says admissions do too: they take its factor.
    """
    fit = slice((dates.fit_start - dates.simulation_start).days, first)
    window = slice(str(dates.fit_start), str(dates.fit_end))
    out = {}
    for name, stream in OBSERVED_STREAM.items():
        if not getattr(calibration.streams, stream).enabled or stream not in inputs:
            continue
        observed = inputs[stream].sel(date=window).to_numpy()
        expected = series[name][:, fit]
        ahead = series[name].shape[1] - first
        out[name] = carryover_factor(observed, expected, ahead, spread)
    if "hospital_census" in out:
        out["hospital_admissions"] = out["hospital_census"]
    return out


@dataclass(frozen=True)
class _Settings:
    dates: Dates
    model: Model
    outcomes: Outcomes
    calibration: Calibration


def project_region(
    inputs: xr.Dataset,
    idata,
    scenario: Scenario,
    *,
    scenario_name: str,
    region: str,
    seed: int,
    dates: Dates,
    model: Model,
    outcomes: Outcomes,
    calibration: Calibration,
    draws: int,
    observation_noise: bool = True,
    carryover: bool = False,
    carryover_spread: bool = False,
    age_groups: dict[str, np.ndarray] | None = None,
) -> xr.Dataset:
    """Trajectories (draw, date) of one region under one scenario over the projection window.

    Args:
        inputs: The region's inputs.
        idata: The region's posterior (InferenceData).
        scenario: The scenario's interventions.
        scenario_name: Its name (stored in the attributes).
        region: Region code.
        seed: Master seed.
        dates, model, outcomes, calibration: Validated config sections.
        draws: K, the number of posterior draws to project.
        observation_noise: Draw negative-binomial noise on the observed streams.
        carryover: Carry each fitted stream's fit-end residual into the projection
            (`seirflow.carryover`); admissions take the census's factor.
        carryover_spread: Also draw the carried residual's future innovations.
        age_groups: Label -> boolean mask over the model's age groups; each adds a slice
            of ``<outcome>_by_age`` (dims draw, date, age_group) for the `AGE_OUTCOMES`.

    Returns:
        Dataset with the `PROJECTED` variables, dims (draw, date), dates from
        `dates.projection_start` through `dates.projection_end`, and the by-age ones;
        the `INDICATORS` (dims draw, rt_date) from `dates.fit_start` on.
    """
    rng = np.random.default_rng(
        np.random.SeedSequence([int(seed), region_key(region), _PROJECTION_STREAM])
    )
    table = posterior_table(idata, calibration)
    index = select_draws(len(table), draws, rng)
    params = {name: table[name].to_numpy()[index] for name in table}

    forward = build_forward(
        inputs,
        model,
        outcomes,
        simulation_start=dates.simulation_start,
        n_days=dates.n_days,
        fit_end=dates.fit_end,
    )
    observed = inputs["multipliers"].transpose("date", "setting").to_numpy()
    start = (pd.Timestamp(dates.simulation_start) - pd.Timestamp(inputs["date"].values[0])).days
    if start < 0:
        raise DataError(
            f"inputs start on {pd.Timestamp(inputs['date'].values[0]).date()}, after the "
            f"simulation start {dates.simulation_start}",
            field="date",
            value=str(pd.Timestamp(inputs["date"].values[0]).date()),
        )
    settings = tuple(str(s) for s in inputs["setting"].values)
    plan = scenario_multipliers(observed[start:], dates, scenario, settings)
    multipliers = contact_multipliers(plan, params["mobility_effect"])
    knots = transmission_knots(
        calibration.transmission, dates.simulation_start, (dates.fit_start, dates.fit_end)
    )
    if knots is not None:
        missing = [n for n in step_names(len(knots) - 1) if n not in params]
        if missing:
            raise DataError(
                f"the posterior has no {missing[0]}: it was calibrated without the "
                "transmission modifier (calibration.transmission) or with fewer knots",
                field="calibration.transmission",
                value=missing[0],
            )
        # Held at its fit-end value (seirflow.model.modifier), or walking on from it.
        factor = modifier_factor(params, knots, dates.n_days)
        rule = calibration.transmission
        if rule.projection == "random_walk":
            last = (dates.fit_end - dates.simulation_start).days
            factor *= np.exp(continued_walk(rng, len(index), dates.n_days, last, rule.sd_week))
        multipliers *= factor[:, :, None]

    beta = forward.beta_per_r0 * params["r0"]
    infections = forward.simulator.new_infections(
        multipliers, beta, params["seed_day"], params["seed_size"]
    )
    expected = compute_outcomes(
        infections,
        forward.outcomes,
        params["ascertainment"],
        params["ifr_multiplier"],
        params["ihr_multiplier"],
    )
    series = {
        "infections": infections.sum(axis=2),
        # Ascertainment follows testing up to the fit end, then holds (tests are not known).
        "reported_cases": scale_cases(expected.cases, params, forward.testing),
        "hospital_admissions": expected.hospital_admissions,
        "hospital_census": expected.hospital_census,
        "icu_census": expected.icu_census,
        "deaths": expected.deaths,
    }
    # Outcomes are linear in infections: an age group's are those of its infections alone.
    shares = {}
    for mask in (age_groups or {}).values():
        part = compute_outcomes(
            infections * mask,
            forward.outcomes,
            params["ascertainment"],
            params["ifr_multiplier"],
            params["ihr_multiplier"],
        )
        for name in AGE_OUTCOMES:  # fields of `Outcomes`
            whole, own = getattr(expected, name), getattr(part, name)
            share = np.divide(own, whole, out=np.zeros_like(own), where=whole > 0)
            shares.setdefault(name, []).append(share)
    fit_first = (dates.fit_start - dates.simulation_start).days
    rt = effective_reproduction(forward.simulator, multipliers, beta, infections, fit_first)
    infected = attack_rate(infections, forward.simulator.population)[:, fit_first:]
    indicators = dict(zip(INDICATORS, (rt, infected), strict=True))
    first = (dates.projection_start - dates.simulation_start).days
    carried = (
        _carryover(series, inputs, dates, calibration, first, rng if carryover_spread else None)
        if carryover
        else {}
    )
    noisy = []
    for name in PROJECTED:
        values = np.maximum(series[name][:, first:], 0.0)
        if name in carried:
            values *= carried[name].factor
        dispersion = _NOISE.get(name)
        if observation_noise and dispersion in params:
            k = params[dispersion][:, None]
            scale = np.where(values > 0, values / k, 0.0)
            values = rng.poisson(rng.gamma(k, scale)).astype(float)
            noisy.append(name)
        series[name] = values
    date_index = pd.date_range(dates.projection_start, dates.projection_end, freq="D")
    variables = {name: (("draw", "date"), series[name]) for name in PROJECTED}
    for name, parts in shares.items():
        # Each group's share of the expected count, applied to the (noisy) projected one.
        split = np.stack([series[name] * share[:, first:] for share in parts], axis=-1)
        variables[by_age(name)] = (("draw", "date", "age_group"), split)
    rt_dates = pd.date_range(dates.fit_start, dates.projection_end, freq="D")
    for name, values in indicators.items():
        variables[name] = (("draw", "rt_date"), values)
    coords = {"draw": np.arange(len(index)), "date": date_index, "rt_date": rt_dates}
    if age_groups:
        pop = forward.simulator.population
        variables["attack_rate_by_age"] = (
            ("draw", "rt_date", "age_group"),
            np.stack([attack_rate(infections, pop, m)[:, fit_first:] for m in age_groups.values()],
                     axis=-1),
        )  # fmt: skip
    if shares or age_groups:
        coords["age_group"] = list(age_groups)
    ds = xr.Dataset(
        variables,
        coords=coords,
        attrs={
            "region": region,
            "fips": str(inputs.attrs.get("fips", "")),
            "scenario": scenario_name,
            "description": scenario.description,
            "posterior_samples": ",".join(map(str, index.tolist())),
            "observation_noise": ",".join(noisy),
            # phi/sigma of each stream whose fit-end residual the projection carries on.
            "carryover": ",".join(f"{n}:{c.phi:.3f}/{c.sigma:.3f}" for n, c in carried.items()),
        },
    )
    log.info(
        "%s/%s: %d draws, peak median hospital census %.0f, median Rt at the end %.2f",
        region,
        scenario_name,
        len(index),
        float(np.median(series["hospital_census"], axis=0).max()),
        float(np.median(indicators["rt"][:, -1])),
    )
    return ds
