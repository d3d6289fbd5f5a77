"""Read one region's projected trajectories (``trajectories.nc``) and check its layout.

A trajectories file is an xarray Dataset with dims ``(draw, date)``: ``draw`` = 0..K-1
indexes the posterior draws (the same index in every region comes from the same position
of that region's posterior sample), ``date`` is daily. Variables are float64 counts per
day (incidence) or beds (census), see `OUTCOMES`. Attributes: ``region`` (postal code),
``fips`` (2-digit FIPS code) and ``scenario``. The `AGE_OUTCOMES` may also come by age
group (hub age groups such as ``65-130``): ``<outcome>_by_age``, dims
``(draw, date, age_group)``, what the hub submission needs.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import xarray as xr

from seirflow.errors import DataError
from seirflow.regions import REGION_CODES, region

__all__ = [
    "OUTCOMES",
    "OBSERVED_STREAM",
    "AGE_OUTCOMES",
    "INDICATORS",
    "by_age",
    "read_trajectories",
    "read_indicators",
]

log = logging.getLogger(__name__)

OUTCOMES: tuple[str, ...] = (
    "infections",
    "reported_cases",
    "hospital_admissions",
    "hospital_census",
    "icu_census",
    "deaths",
)
"""Trajectory variables: new per day (all but the two census), or beds occupied (census)."""

OBSERVED_STREAM: dict[str, str] = {
    "reported_cases": "cases",
    "deaths": "deaths",
    "hospital_census": "hospital_census",
    "icu_census": "icu_census",
}
"""Trajectory variable -> the observed series it is compared with (a variable of inputs.nc)."""

AGE_OUTCOMES: tuple[str, ...] = ("hospital_admissions", "deaths")
"""Outcomes a trajectories file may also hold by age group (`by_age`)."""

INDICATORS: tuple[str, ...] = ("rt", "attack_rate")
"""Per-draw indicators of a trajectories file, dims ``(draw, rt_date)`` from the fit start
through the projection end: the effective reproduction number and the share of the
population infected since the simulation start (`seirflow.model.reproduction`); the
attack rate may also come by age group (``attack_rate_by_age``)."""


def by_age(outcome: str) -> str:
    """Name of the by-age variable of `outcome`.

    >>> by_age("deaths")
    'deaths_by_age'
    """
    return f"{outcome}_by_age"


# Negative values this close to 0 are solver round-off and are set to 0; below, an error.
_ROUND_OFF = 1e-6


def read_trajectories(path: str | os.PathLike, *, scenario: str | None = None) -> xr.Dataset:
    """Load a trajectories file into memory, checked, with variables as ``(draw, date)``.

    Args:
        path: ``results/projections/{scenario}/{region}/trajectories.nc``.
        scenario: Expected ``scenario`` attribute; None accepts any.

    Returns:
        Dataset with exactly the `OUTCOMES` variables (float64, dims ``(draw, date)``),
        ``date`` as datetime64 (daily, increasing), ``draw`` as unique integers, and attrs
        ``region``, ``fips``, ``scenario`` (and ``source`` = the path). Negative round-off
        down to -1e-6 is set to 0.

    Raises:
        DataError: naming the file, the field and the value, if the file is missing or
            unreadable, a variable is missing or has other dims, an attribute is missing
            or inconsistent with the region table, dates are not consecutive days, draws
            repeat, or a value is NaN, infinite or negative.
    """
    path = Path(path)
    ds = _open_checked(path, scenario)
    variables = {name: _variable(ds, name, path) for name in OUTCOMES}
    for name in (by_age(o) for o in AGE_OUTCOMES if by_age(o) in ds.data_vars):
        variables[name] = _variable(ds, name, path, ("draw", "date", "age_group"))
    out = xr.Dataset(
        variables,
        attrs={
            "region": ds.attrs["region"],
            "fips": ds.attrs["fips"],
            "scenario": ds.attrs["scenario"],
            "source": str(path),
        },
    )
    _check_coords(out, path)
    return out


def read_indicators(path: str | os.PathLike, *, scenario: str | None = None) -> xr.Dataset:
    """The `INDICATORS` of a trajectories file, checked as `read_trajectories` checks outcomes.

    Returns:
        Dataset with the `INDICATORS` as ``(draw, date)``, dates from the fit start.
    """
    path = Path(path)
    ds = _open_checked(path, scenario)
    variables = {
        name: _variable(ds, name, path, ("draw", "rt_date")).rename(rt_date="date")
        for name in INDICATORS
    }
    out = xr.Dataset(variables, attrs={k: ds.attrs[k] for k in ("region", "fips", "scenario")})
    out.attrs["source"] = str(path)
    _check_coords(out, path)
    return out


def _open_checked(path: Path, scenario: str | None) -> xr.Dataset:
    """A trajectories file loaded into memory, its attributes checked."""
    if not path.is_file():
        raise DataError(f"{path}: trajectories file is missing", file=path)
    try:
        with xr.open_dataset(path) as opened:
            ds = opened.load()
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read trajectories: {exc}", file=path) from exc
    _check_attrs(ds, path, scenario)
    return ds


def _check_attrs(ds: xr.Dataset, path: Path, scenario: str | None) -> None:
    for name in ("region", "fips", "scenario"):
        if name not in ds.attrs:
            raise DataError(f"{path}: attribute {name!r} is missing", file=path, field=name)
    code = str(ds.attrs["region"])
    if code not in REGION_CODES:
        raise DataError(
            f"{path}: attribute 'region' = {code!r} is not a known postal code",
            file=path,
            field="region",
            value=code,
        )
    fips = str(ds.attrs["fips"])
    if fips != region(code).fips:
        raise DataError(
            f"{path}: attribute 'fips' = {fips!r} but region {code} has FIPS {region(code).fips!r}",
            file=path,
            field="fips",
            value=fips,
        )
    if scenario is not None and str(ds.attrs["scenario"]) != scenario:
        raise DataError(
            f"{path}: attribute 'scenario' = {ds.attrs['scenario']!r}, expected {scenario!r}",
            file=path,
            field="scenario",
            value=ds.attrs["scenario"],
        )


def _variable(
    ds: xr.Dataset, name: str, path: Path, dims: tuple[str, ...] = ("draw", "date")
) -> xr.DataArray:
    if name not in ds.data_vars:
        raise DataError(
            f"{path}: variable {name!r} is missing (has {sorted(map(str, ds.data_vars))})",
            file=path,
            field=name,
        )
    da = ds[name]
    if set(da.dims) != set(dims):
        raise DataError(
            f"{path}: variable {name!r} has dims {da.dims}, expected {dims}",
            file=path,
            field=name,
            value=da.dims,
        )
    da = da.transpose(*dims).astype(np.float64)
    values = da.values
    bad = ~np.isfinite(values)
    if bad.any():
        d, t = np.argwhere(bad)[0][:2]
        first = values[bad][0]
        raise DataError(
            f"{path}: variable {name!r} has {int(bad.sum())} non-finite value(s), first "
            f"{first} at draw {da['draw'].values[d]}, date {da['date'].values[t]}",
            file=path,
            field=name,
            value=float(first),
        )
    low = float(values.min(initial=0.0))
    if low < -_ROUND_OFF:
        raise DataError(
            f"{path}: variable {name!r} has negative value {low} (counts and beds are >= 0)",
            file=path,
            field=name,
            value=low,
        )
    if low < 0:
        log.debug("%s: %s: negative round-off down to %g set to 0", path, name, low)
        da = da.clip(min=0.0)
    return da


def _check_coords(ds: xr.Dataset, path: Path) -> None:
    draws = ds["draw"].values
    if not np.issubdtype(draws.dtype, np.integer):
        raise DataError(
            f"{path}: coordinate 'draw' has dtype {draws.dtype}, expected integers",
            file=path,
            field="draw",
            value=str(draws.dtype),
        )
    if draws.size == 0 or np.unique(draws).size != draws.size:
        raise DataError(
            f"{path}: coordinate 'draw' is empty or repeats values", file=path, field="draw"
        )
    dates = ds["date"].values
    if not np.issubdtype(dates.dtype, np.datetime64):
        raise DataError(
            f"{path}: coordinate 'date' has dtype {dates.dtype}, expected dates",
            file=path,
            field="date",
            value=str(dates.dtype),
        )
    days = dates.astype("datetime64[D]")
    if dates.size == 0 or (days != dates).any():
        raise DataError(
            f"{path}: coordinate 'date' is empty or not at midnight", file=path, field="date"
        )
    steps = np.diff(days).astype(np.int64)
    if (steps != 1).any():
        i = int(np.flatnonzero(steps != 1)[0])
        raise DataError(
            f"{path}: coordinate 'date' is not consecutive days: {days[i]} is followed by "
            f"{days[i + 1]}",
            file=path,
            field="date",
            value=str(days[i + 1]),
        )
