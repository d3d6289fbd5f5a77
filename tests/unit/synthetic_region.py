"""A small synthetic region for calibration tests: real SEIR core, known parameters.

Three age groups, a lockdown-shaped drop of the work and community multipliers, and
observations drawn from the negative-binomial observation model around the core's
expected cases, deaths and hospital census, from a seeded Generator.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.calibration.forward import build_forward
from seirflow.config import Calibration, Model, Outcomes

__all__ = [
    "SIM_START",
    "WINDOW",
    "TRUTH",
    "FREE",
    "synthetic_inputs",
    "synthetic_config",
    "MODEL",
]

SIM_START = dt.date(2020, 2, 1)
WINDOW = (dt.date(2020, 3, 1), dt.date(2020, 5, 10))
N_DAYS = (WINDOW[1] - SIM_START).days + 1
MODEL = Model(latent_stages=1, infectious_stages=1, steps_per_day=1)

TRUTH = {
    "r0": 2.6,
    "seed_day": 10.0,
    "seed_size": 30.0,
    "ascertainment": 0.25,
    "ifr_multiplier": 1.2,
    "ihr_multiplier": 1.0,
    "mobility_effect": 0.8,
    "dispersion_cases": 20.0,
    "dispersion_deaths": 30.0,
    "dispersion_hospital_census": 50.0,
    "dispersion_icu_census": 20.0,
}
FREE = ("r0", "seed_size", "ascertainment", "ifr_multiplier", "dispersion_cases")

_PRIORS = {
    "r0": {"distribution": "lognormal", "mu": 1.0, "sigma": 0.3},
    "seed_size": {"distribution": "lognormal", "mu": 3.0, "sigma": 1.5},
    "ascertainment": {"distribution": "beta", "alpha": 2.0, "beta": 5.0},
    "ifr_multiplier": {"distribution": "lognormal", "mu": 0.0, "sigma": 0.5},
    "mobility_effect": {"distribution": "uniform", "lower": 0.0, "upper": 1.5},
    "seed_day": {"distribution": "uniform", "lower": 0.0, "upper": 25.0},
    "dispersion_cases": {"distribution": "lognormal", "mu": 2.5, "sigma": 1.0},
    "dispersion_deaths": {"distribution": "lognormal", "mu": 2.5, "sigma": 1.0},
    "dispersion_hospital_census": {"distribution": "lognormal", "mu": 2.5, "sigma": 1.0},
}


def _base_inputs() -> xr.Dataset:
    ages = ["0-19", "20-59", "60+"]
    lower = np.array([0, 20, 60])
    single = np.full(86, 40_000.0)
    population = np.array([20 * 40_000.0, 40 * 40_000.0, 26 * 40_000.0])
    settings = ["household", "school", "work", "community"]
    base = np.array([[1.5, 1.0, 0.4], [1.0, 1.2, 0.5], [0.4, 0.5, 0.9]])
    contacts = np.stack([1.0 * base, np.diag([3.0, 0.2, 0.0]), 1.5 * base, 1.2 * base])
    dates = pd.date_range("2020-01-25", "2020-06-30", freq="D")
    t = np.arange(len(dates))
    drop = 1.0 / (1.0 + np.exp(-(t - 50) / 3.0))  # lockdown from mid-March
    mult = np.ones((len(dates), 4))
    mult[:, 1] = 1.0 - drop
    mult[:, 2] = 1.0 - 0.5 * drop
    mult[:, 3] = 1.0 - 0.6 * drop
    nan = np.full(len(dates), np.nan)
    return xr.Dataset(
        {
            "population": ("age_group", population),
            "population_single_year": ("single_age", single),
            "contacts": (("setting", "age_group", "age_contact"), contacts),
            "multipliers": (("date", "setting"), mult),
            "cases": ("date", nan.copy()),
            "deaths": ("date", nan.copy()),
            "hospital_census": ("date", nan.copy()),
            "icu_census": ("date", nan.copy()),
        },
        coords={
            "age_group": ages,
            "age_lower": ("age_group", lower),
            "age_contact": ages,
            "single_age": np.arange(86),
            "setting": settings,
            "date": dates,
        },
        attrs={"region": "XX"},
    )


def synthetic_inputs(seed: int, truth: dict | None = None) -> xr.Dataset:
    """Inputs whose observations are NB draws around the core's expected streams.

    Args:
        seed: Seed of the observation noise.
        truth: Parameter values (default ``TRUTH``).

    Returns:
        xarray.Dataset shaped like ``results/inputs/{region}/inputs.nc``.
    """
    truth = TRUTH if truth is None else truth
    ds = _base_inputs()
    fw = build_forward(ds, MODEL, Outcomes(), simulation_start=SIM_START, n_days=N_DAYS)
    params = {k: np.array([v]) for k, v in truth.items()}
    mu = fw(params)
    rng = np.random.default_rng(seed)
    sim_dates = pd.date_range(SIM_START, periods=N_DAYS, freq="D")
    for stream in ("cases", "deaths", "hospital_census"):
        m = mu[stream][0]
        k = truth[f"dispersion_{stream}"]
        y = rng.poisson(rng.gamma(k, np.maximum(m, 1e-12) / k)).astype(float)
        ds[stream].loc[{"date": sim_dates}] = y
    return ds


def synthetic_config(free=FREE, **overrides) -> Calibration:
    """Calibration settings for the synthetic region (``free`` parameters sampled).

    Args:
        free: Names of the free parameters; the others are fixed at ``TRUTH``.
        **overrides: Calibration fields to override (walkers, max_steps, ...).
    """
    params = {}
    for name, value in TRUTH.items():
        if name in free:
            params[name] = {"free": True, "prior": _PRIORS[name]}
        else:
            params[name] = {"free": False, "value": value}
    settings = {
        "walkers": 16,
        "max_steps": 3000,
        "check_every": 100,
        "tau_multiple": 30,
        "tau_rtol": 0.1,
        "init": "optimize",
        "streams": {
            "cases": {"enabled": True},
            "deaths": {"enabled": True},
            "hospital_census": {"enabled": False},
            "icu_census": {"enabled": False},
        },
        "parameters": params,
    }
    settings.update(overrides)
    return Calibration.model_validate(settings)
