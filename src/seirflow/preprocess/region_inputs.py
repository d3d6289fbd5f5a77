"""Assemble one region's model inputs into a tidy xarray Dataset, and write it.

Layout (names are part of the interface used by the model and the calibration):

coords
    ``age_group`` (labels "0-4", ..., "75+"), ``age_lower`` (int, along age_group),
    ``age_contact`` (same labels, matrix columns), ``single_age`` (0..85, 85 = 85+),
    ``setting`` (household, school, work, community), ``date`` (daily).
variables
    ``population(age_group)``, ``population_single_year(single_age)`` [persons, Census
    2019 civilian]; ``contacts(setting, age_group, age_contact)`` [contacts per person per
    day, reciprocal]; ``multipliers(date, setting)`` [1 = baseline]; ``cases(date)``,
    ``deaths(date)`` [new per day]; ``hospital_census(date)``, ``icu_census(date)``
    [patients present]; ``tests(date)`` [test results per day, 7-day trailing mean, held
    before the first and after the last report]; observations are float, NaN = missing.
attrs
    ``region``, ``fips``, ``name``; ``school_closure_date`` and ``stay_at_home_date`` (ISO
    date, "" if none) with ``*_source``, ``*_description`` and ``*_rejected_flag`` saying how
    each was found (see `seirflow.sources.policy`); ``adjustments`` (JSON list of the
    changes that touch the output dates, see `seirflow.preprocess.adjustments.Adjustment`);
    ``source_sha256`` (JSON object: raw file path relative to the raw directory -> sha256);
    ``mobility_mapping`` and ``setting_weights`` (JSON); ``as_of`` (ISO date, "" if the
    whole snapshot was used).

As-of data (forecast backtests): with ``as_of`` set, every dated source table (NYT, CTP,
mobility, policy) is cut to rows dated before ``as_of`` *before* any adjustment, so a
revision published on or after it (e.g. MA -7,757 cases dated 2 Sept 2020) is not spread
back over the days before it; observations from ``as_of`` on are NaN and mobility holds
its last value before ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.atomic import atomic_output
from seirflow.errors import ConfigError
from seirflow.preprocess.adjustments import adjustments_to_json
from seirflow.preprocess.contacts import setting_contacts
from seirflow.preprocess.multipliers import MobilityMapping, setting_multipliers
from seirflow.preprocess.observations import census_series, daily_counts, testing_series
from seirflow.preprocess.population import DEFAULT_AGE_EDGES, age_groups, group_population
from seirflow.regions import region as lookup_region
from seirflow.sources.census import CENSUS_AGES, census_population, read_census
from seirflow.sources.ctp import CTP_TESTS_COLUMN, ctp_region, read_ctp
from seirflow.sources.layout import SETTINGS, RawPaths
from seirflow.sources.mistry import SETTING_WEIGHTS, read_mistry_settings
from seirflow.sources.mobility import GPS_COLUMNS, mobility_region, read_mobility
from seirflow.sources.nyt import nyt_region, read_nyt
from seirflow.sources.policy import policy_dates, read_policy

__all__ = [
    "SourceTables",
    "read_source_tables",
    "as_of_tables",
    "build_region_inputs",
    "write_region_inputs",
    "read_region_inputs",
]

logger = logging.getLogger(__name__)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceTables:
    """The national source tables, read and validated once to build several regions.

    Attributes:
        raw: Raw data layout the tables were read from.
        nyt, ctp, census, mobility, policy: Outputs of the `seirflow.sources` readers.
        sha256: Raw file path (relative to the raw directory) -> sha256 of these files.
    """

    raw: RawPaths
    nyt: pd.DataFrame
    ctp: pd.DataFrame
    census: pd.DataFrame
    mobility: pd.DataFrame
    policy: pd.DataFrame
    sha256: Mapping[str, str]


def read_source_tables(
    raw_dir: str | os.PathLike, mobility_columns: Sequence[str] = GPS_COLUMNS
) -> SourceTables:
    """Read and validate the national source files under `raw_dir` once.

    Args:
        raw_dir: Raw data directory (layout in `seirflow.sources.layout`).
        mobility_columns: Mobility columns to read (default: all).

    Returns:
        The tables, for `build_region_inputs(..., tables=...)`.

    Raises:
        DataError: a file is missing or malformed.
    """
    raw = RawPaths(raw_dir)
    files = [raw.census, raw.nyt, raw.ctp, raw.mobility, raw.policy]
    return SourceTables(
        raw=raw,
        nyt=read_nyt(raw.nyt),
        ctp=read_ctp(raw.ctp),
        census=read_census(raw.census),
        mobility=read_mobility(raw.mobility, tuple(mobility_columns)),
        policy=read_policy(raw.policy),
        sha256={p.relative_to(raw.root).as_posix(): _sha256(p) for p in files},
    )


def _date_range(start, end) -> pd.DatetimeIndex:
    try:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"dates: cannot parse start {start!r} / end {end!r}: {exc}",
            field="start,end",
            value=(start, end),
        ) from exc
    if first.normalize() != first or last.normalize() != last:
        raise ConfigError(
            f"dates: start {start!r} and end {end!r} must be whole days",
            field="start,end",
            value=(start, end),
        )
    if last < first:
        raise ConfigError(
            f"dates: end {last.date()} is before start {first.date()}",
            field="end",
            value=str(last.date()),
        )
    return pd.date_range(first, last, freq="D", name="date").as_unit("ns")


def as_of_tables(tables: SourceTables, as_of: str | dt.date) -> SourceTables:
    """The tables as they stood before `as_of`: every dated row on or after it dropped.

    Args:
        tables: Output of `read_source_tables`.
        as_of: First day not seen (a forecast origin).

    Returns:
        A copy with the NYT, CTP, mobility and policy rows dated before `as_of`; the census
        (undated) and the file hashes are unchanged.
    """
    cut = pd.Timestamp(as_of)
    return replace(
        tables,
        **{
            name: getattr(tables, name).loc[lambda t: t["date"] < cut].reset_index(drop=True)
            for name in ("nyt", "ctp", "mobility", "policy")
        },
    )


def _iso(date) -> str:
    return "" if date is None else f"{pd.Timestamp(date).date()}"


def build_region_inputs(
    region_code: str,
    *,
    raw_dir: str | os.PathLike,
    start: str | dt.date,
    end: str | dt.date,
    age_edges: Sequence[int] = DEFAULT_AGE_EDGES,
    mobility_mapping: MobilityMapping | None = None,
    setting_weights: Mapping[str, float] = SETTING_WEIGHTS,
    tables: SourceTables | None = None,
    as_of: str | dt.date | None = None,
) -> xr.Dataset:
    """Build one region's model inputs from the raw snapshot.

    Args:
        region_code: Postal code of a state or ``"DC"``.
        raw_dir: Raw data directory (layout in `seirflow.sources.layout`).
        start: First date (inclusive), e.g. ``"2020-02-15"``.
        end: Last date (inclusive); should cover the calibration window and the projection
            horizon. Observations after the sources' last dates are NaN.
        age_edges: Lower edges of the model age groups (default 0, 5, ..., 75; last open).
        mobility_mapping: Mobility columns per setting and school residual (default
            `MobilityMapping()`).
        setting_weights: Daily contact weight per setting (default: Mistry et al.).
        tables: National tables from `read_source_tables(raw_dir)`, to build many regions
            without re-reading the files (default: read them here).
        as_of: If given, use only source rows dated before this day (module docstring);
            must lie in (start, end]. Default: the whole snapshot.

    Returns:
        The Dataset described in the module docstring.

    Raises:
        KeyError: unknown region code.
        ConfigError: bad age edges, dates or mapping.
        DataError: a raw file is missing, malformed, or lacks the region.
        ValueError: `tables` were read from another raw directory.
    """
    reg = lookup_region(region_code)
    groups = age_groups(age_edges)
    mapping = mobility_mapping or MobilityMapping()
    dates = _date_range(start, end)
    if tables is None:
        tables = read_source_tables(raw_dir, mapping.columns)
    elif Path(raw_dir).resolve() != tables.raw.root.resolve():
        raise ValueError(f"tables were read from {tables.raw.root}, not from {raw_dir}")
    if as_of is not None:
        cut = pd.Timestamp(as_of)
        if not dates[0] < cut <= dates[-1] + pd.Timedelta(days=1):
            raise ConfigError(
                f"as_of {cut.date()} must lie after start {dates[0].date()} and at most "
                f"one day after end {dates[-1].date()}",
                field="as_of",
                value=str(cut.date()),
            )
        tables = as_of_tables(tables, cut)
    raw = tables.raw

    single = census_population(tables.census, reg.fips, raw.census)
    population = group_population(single, groups)
    matrices = read_mistry_settings(raw, reg)
    contacts = setting_contacts(matrices, single, groups, setting_weights)

    policy = policy_dates(tables.policy, reg.fips, raw.policy)
    school = policy.school_closure
    stay = policy.stay_at_home
    mobility = mobility_region(tables.mobility, reg.fips, raw.mobility)
    multipliers, adjustments = setting_multipliers(mobility, dates, school.date, mapping)

    nyt = nyt_region(tables.nyt, reg.fips, raw.nyt)
    cases, adj = daily_counts(nyt["cases"], dates, "cases")
    adjustments += adj
    deaths, adj = daily_counts(nyt["deaths"], dates, "deaths")
    adjustments += adj
    ctp = ctp_region(tables.ctp, reg.code, raw.ctp)
    hospital, adj = census_series(ctp["hospitalizedCurrently"], dates, "hospital_census")
    adjustments += adj
    icu, adj = census_series(ctp["inIcuCurrently"], dates, "icu_census")
    adjustments += adj
    tests, adj = testing_series(ctp[CTP_TESTS_COLUMN], dates)
    adjustments += adj

    # Keep the changes that touch the output dates (mobility fills and revisions elsewhere
    # in the sources' history do not).
    first, last = f"{dates[0].date()}", f"{dates[-1].date()}"
    adjustments = [a for a in adjustments if (a.until or a.date) >= first and a.date <= last]
    hashes = dict(tables.sha256)
    for path in (raw.mistry(reg, s) for s in SETTINGS):
        hashes[path.relative_to(raw.root).as_posix()] = _sha256(path)

    labels = list(groups.labels)
    ds = xr.Dataset(
        data_vars={
            "population": (
                "age_group",
                population,
                {"units": "persons", "long_name": "Census 2019 civilian population"},
            ),
            "population_single_year": (
                "single_age",
                single,
                {"units": "persons", "long_name": "population by single year (85 = 85+)"},
            ),
            "contacts": (
                ("setting", "age_group", "age_contact"),
                contacts,
                {
                    "units": "contacts per person per day",
                    "long_name": "daily contacts of one person in age_group with age_contact",
                },
            ),
            "multipliers": (
                ("date", "setting"),
                multipliers,
                {"units": "1", "long_name": "setting contact multiplier"},
            ),
            "cases": ("date", cases, {"units": "persons per day", "long_name": "new cases"}),
            "deaths": ("date", deaths, {"units": "persons per day", "long_name": "new deaths"}),
            "hospital_census": (
                "date",
                hospital,
                {"units": "persons", "long_name": "patients in hospital"},
            ),
            "icu_census": ("date", icu, {"units": "persons", "long_name": "patients in ICU"}),
            "tests": (
                "date",
                tests,
                {"units": "tests per day", "long_name": "test results, 7-day trailing mean"},
            ),
        },
        coords={
            "age_group": labels,
            "age_lower": ("age_group", np.asarray(groups.lower, dtype=np.int64)),
            "age_contact": labels,
            "single_age": CENSUS_AGES.astype(np.int64),
            "setting": list(SETTINGS),
            "date": dates,
        },
        attrs={
            "region": reg.code,
            "fips": reg.fips,
            "name": reg.name,
            "school_closure_date": _iso(school.date),
            "school_closure_source": school.source,
            "school_closure_description": school.description,
            "school_closure_rejected_flag": school.rejected_flag,
            "stay_at_home_date": _iso(stay.date),
            "stay_at_home_source": stay.source,
            "stay_at_home_description": stay.description,
            "stay_at_home_rejected_flag": stay.rejected_flag,
            "adjustments": adjustments_to_json(adjustments),
            "source_sha256": json.dumps(hashes, sort_keys=True),
            "mobility_mapping": json.dumps(mapping.to_dict()),
            "setting_weights": json.dumps(dict(setting_weights)),
            "as_of": _iso(as_of),
        },
    )
    logger.info(
        "%s: %d age groups, %d days, %d adjustments, school closure %s, stay at home %s",
        reg.code,
        len(groups),
        len(dates),
        len(adjustments),
        _iso(school.date) or "none",
        _iso(stay.date) or "none",
    )
    return ds


def write_region_inputs(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write a region's inputs to netCDF (h5netcdf engine) atomically.

    Args:
        ds: Output of `build_region_inputs`.
        path: Target file (``.nc``); replaced only once the new file is complete.
    """
    with atomic_output(path, suffix=".nc") as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")


def read_region_inputs(path: str | os.PathLike) -> xr.Dataset:
    """Load a file written by `write_region_inputs` fully into memory (file closed)."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()
