"""Weekly hub targets from daily trajectories, draw by draw.

Week h (horizon h = 1..N) is days ``origin + 7(h-1) .. origin + 7h - 1``, where the
origin is the projection start (the day after the fit ends).

- Incidence targets (``inc ...``) are the week's sum of the daily counts.
- Occupancy targets (``... occupancy``) are the census on the **last day of the week**:
  beds are a stock, so the value is a point in time, the week's target end date, and can
  be set directly against a reported census on that date (a weekly mean would smooth the
  observation noise but describe no single day).

Both are computed per draw, before any quantile is taken.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import xarray as xr

from seirflow.errors import DataError

__all__ = [
    "INCIDENCE_TARGETS",
    "OCCUPANCY_TARGETS",
    "TARGETS",
    "DAYS_PER_WEEK",
    "week_end",
    "weekly_targets",
]

DAYS_PER_WEEK = 7

INCIDENCE_TARGETS: dict[str, str] = {
    "inc infection": "infections",
    "inc case": "reported_cases",
    "inc hosp": "hospital_admissions",
    "inc death": "deaths",
}
"""Hub target -> daily trajectory variable, summed over the week."""

OCCUPANCY_TARGETS: dict[str, str] = {
    "hosp occupancy": "hospital_census",
    "icu occupancy": "icu_census",
}
"""Hub target -> daily census variable, taken on the week's last day."""

TARGETS: tuple[str, ...] = (*INCIDENCE_TARGETS, *OCCUPANCY_TARGETS)
"""Every hub target, in output order."""


def week_end(origin: dt.date, horizon: int) -> dt.date:
    """Last day of week `horizon` (1-based) after `origin`.

    >>> week_end(dt.date(2020, 7, 16), 1)
    datetime.date(2020, 7, 22)
    """
    return origin + dt.timedelta(days=DAYS_PER_WEEK * horizon - 1)


def weekly_targets(
    ds: xr.Dataset, *, origin: dt.date, weeks: int, source: str | None = None
) -> xr.DataArray:
    """Weekly values of every hub target, per draw.

    Args:
        ds: Trajectories, variables of dims ``(draw, date)`` with daily ``date``
            covering at least ``origin .. origin + 7 * weeks - 1``.
        origin: First day of week 1 (the projection start).
        weeks: Number of weeks N.
        source: Where `ds` came from, for error messages (default: its ``source`` attr).

    Returns:
        DataArray of dims ``(target, draw, horizon)``: coords ``target`` = `TARGETS`,
        ``draw`` from `ds`, ``horizon`` = 1..N; units people per week (incidence) or beds.

    Raises:
        DataError: if a day of the window is missing or a needed variable is absent.
    """
    source = source or str(ds.attrs.get("source", ds.attrs.get("region", "trajectories")))
    if weeks < 1:
        raise ValueError(f"weeks must be >= 1, got {weeks}")
    window = np.arange(
        np.datetime64(origin, "D"), np.datetime64(origin, "D") + DAYS_PER_WEEK * weeks
    )
    have = ds["date"].values.astype("datetime64[D]")
    missing = np.setdiff1d(window, have)
    if missing.size:
        raise DataError(
            f"{source}: coordinate 'date' lacks {missing.size} day(s) of the {weeks}-week "
            f"projection window {window[0]} .. {window[-1]}, first {missing[0]} (has "
            f"{have[0]} .. {have[-1]})",
            file=source,
            field="date",
            value=str(missing[0]),
        )
    index = np.searchsorted(have, window)
    draws = ds["draw"].values
    out = np.empty((len(TARGETS), draws.size, weeks))
    for i, target in enumerate(TARGETS):
        variable = INCIDENCE_TARGETS.get(target) or OCCUPANCY_TARGETS[target]
        if variable not in ds.data_vars:
            raise DataError(
                f"{source}: variable {variable!r} (for target {target!r}) is missing",
                file=source,
                field=variable,
            )
        daily = ds[variable].transpose("draw", "date").values[:, index]
        by_week = daily.reshape(draws.size, weeks, DAYS_PER_WEEK)
        out[i] = by_week.sum(axis=2) if target in INCIDENCE_TARGETS else by_week[:, :, -1]
    return xr.DataArray(
        out,
        dims=("target", "draw", "horizon"),
        coords={"target": list(TARGETS), "draw": draws, "horizon": np.arange(1, weeks + 1)},
        name="value",
    )
