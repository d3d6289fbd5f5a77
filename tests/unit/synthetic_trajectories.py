"""Synthetic ``trajectories.nc`` files, shaped like the projections, from a seeded Generator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xarray as xr

from seirflow.config import HUB_AGE_GROUPS
from seirflow.postprocess.load import AGE_OUTCOMES, OUTCOMES, by_age
from seirflow.regions import region

__all__ = ["trajectories_dataset", "write_trajectories"]


def trajectories_dataset(
    code: str,
    scenario: str,
    rng: np.random.Generator,
    *,
    start: dt.date = dt.date(2020, 7, 16),
    days: int = 28,
    draws: int = 40,
    scale: float = 100.0,
) -> xr.Dataset:
    """Random but plausible trajectories: a growth curve per draw plus Poisson noise.

    Args:
        code: Region postal code.
        scenario: Scenario name (attribute).
        rng: Seeded generator.
        start: First date.
        days: Number of daily dates.
        draws: Number of draws K.
        scale: Level of daily infections on day 0, per draw (people per day).
    """
    t = np.arange(days)
    growth = rng.normal(0.02, 0.03, size=(draws, 1))
    level = scale * rng.lognormal(0.0, 0.3, size=(draws, 1))
    infections = level * np.exp(growth * t)
    expected = {
        "infections": infections,
        "reported_cases": 0.2 * infections,
        "hospital_admissions": 0.01 * infections,
        "hospital_census": 0.08 * infections,
        "icu_census": 0.02 * infections,
        "deaths": 0.003 * infections,
    }
    data = {
        name: (("draw", "date"), rng.poisson(expected[name]).astype(np.float64))
        for name in OUTCOMES
    }
    # By hub age group, as the projections write them: 0-130 is the whole, 65+ a share.
    older = {"hospital_admissions": 0.4, "deaths": 0.7}
    for name in AGE_OUTCOMES:
        whole = data[name][1]
        parts = {"0-130": whole, "65-130": older[name] * whole, "0-64": (1 - older[name]) * whole}
        split = np.stack([parts[a] for a in HUB_AGE_GROUPS], axis=-1)
        data[by_age(name)] = (("draw", "date", "age_group"), split)
    # Rt and the attack rate from two weeks before the start, as from a fit start.
    before = 14
    history = np.exp(growth * np.arange(-before, days))
    data["rt"] = (("draw", "rt_date"), np.exp(growth * 5.0) * np.ones_like(history))
    data["attack_rate"] = (("draw", "rt_date"), 1e-4 * np.cumsum(history, axis=1) * level / scale)
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(start, "D") + days)
    rt_dates = np.arange(dates[0] - before, dates[-1] + 1)
    return xr.Dataset(
        data,
        coords={
            "draw": np.arange(draws),
            "date": dates.astype("datetime64[ns]"),
            "rt_date": rt_dates.astype("datetime64[ns]"),
            "age_group": list(HUB_AGE_GROUPS),
        },
        attrs={"region": code, "fips": region(code).fips, "scenario": scenario},
    )


def write_trajectories(path: Path, ds: xr.Dataset) -> Path:
    """Write `ds` as netCDF (h5netcdf) at `path`, creating directories."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(path, engine="h5netcdf")
    return path
