"""Daily multipliers of each contact setting, from mobility and school closure dates.

The contact rate of setting s on day t is ``multipliers[t, s] * contacts[s]``:

* household: 1 + weighted mean of mobility columns if `MobilityMapping.household` names
  any; by default none, so 1 (household contacts unchanged).
* school: 1 before the state's school closure date, then `school_closed_multiplier`
  (default 0) from the closure date on through the end of the date range. In spring 2020
  every US state ended the school term with buildings closed; reopening in autumn 2020
  varied by district and is not modelled here (scenarios override the school multiplier).
* work: 1 + weighted mean of the mapped mobility columns (default: ``gps_workplaces``).
* community: 1 + weighted mean (default: equal weights of ``gps_retail_and_recreation``,
  ``gps_transit_stations``, ``gps_grocery_and_pharmacy``).

Mobility values are fractions of the pre-pandemic baseline (a 7-day average). Before the
first mobility date the multipliers are 1 (baseline); after the last, the last value is held.
Missing values inside a series are interpolated linearly; each fill is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from seirflow.errors import ConfigError
from seirflow.preprocess.adjustments import Adjustment
from seirflow.sources.layout import SETTINGS
from seirflow.sources.mobility import GPS_COLUMNS

__all__ = ["MobilityMapping", "fill_mobility", "setting_multipliers"]


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class MobilityMapping:
    """Which mobility columns drive which setting.

    Attributes:
        household: Column -> weight for the household layer (default empty: constant 1).
        work: Column -> weight for the work layer (default ``{"gps_workplaces": 1}``).
        community: Column -> weight for the community layer (default equal weights of
            retail and recreation, transit stations, grocery and pharmacy).
        school_closed_multiplier: School multiplier from the closure date on, in [0, 1] (default 0).

    Weights are positive and normalised to sum to one within a layer. Each layer keeps its
    columns in `GPS_COLUMNS` order, so the order in which they were given does not matter.
    """

    household: Mapping[str, float] = field(default_factory=lambda: _frozen({}))
    work: Mapping[str, float] = field(default_factory=lambda: _frozen({"gps_workplaces": 1.0}))
    community: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "gps_retail_and_recreation": 1.0,
                "gps_transit_stations": 1.0,
                "gps_grocery_and_pharmacy": 1.0,
            }
        )
    )
    school_closed_multiplier: float = 0.0

    def __post_init__(self):
        for layer in ("household", "work", "community"):
            mapping = getattr(self, layer)
            for column, weight in mapping.items():
                if column not in GPS_COLUMNS:
                    raise ConfigError(
                        f"mobility_mapping.{layer}: unknown column {column!r}; expected one "
                        f"of {', '.join(GPS_COLUMNS)}",
                        field=f"mobility_mapping.{layer}",
                        value=column,
                    )
                if not np.isfinite(weight) or weight <= 0:
                    raise ConfigError(
                        f"mobility_mapping.{layer}.{column}: weight {weight!r} must be > 0",
                        field=f"mobility_mapping.{layer}.{column}",
                        value=weight,
                    )
            # Columns in `GPS_COLUMNS` order, whatever the order given: the weighted sum
            # is then computed in one order, so equal mappings give bit-identical numbers.
            ordered = {column: mapping[column] for column in GPS_COLUMNS if column in mapping}
            object.__setattr__(self, layer, _frozen(ordered))
        if not 0.0 <= self.school_closed_multiplier <= 1.0:
            raise ConfigError(
                "mobility_mapping.school_closed_multiplier: "
                f"{self.school_closed_multiplier!r} not in [0, 1]",
                field="mobility_mapping.school_closed_multiplier",
                value=self.school_closed_multiplier,
            )

    @property
    def columns(self) -> tuple[str, ...]:
        """Every mobility column used, in `GPS_COLUMNS` order."""
        used = {*self.household, *self.work, *self.community}
        return tuple(c for c in GPS_COLUMNS if c in used)

    def to_dict(self) -> dict:
        """Plain-dict form (for metadata)."""
        return {
            "household": dict(self.household),
            "work": dict(self.work),
            "community": dict(self.community),
            "school_closed_multiplier": self.school_closed_multiplier,
        }


def fill_mobility(series: pd.Series, stream: str) -> tuple[pd.Series, list[Adjustment]]:
    """Fill missing values of one daily mobility series.

    Interior gaps are interpolated linearly in time; gaps at the start or end (no value on
    one side) take the nearest observed value. Each run of filled days is recorded.

    Args:
        series: Daily series (complete DatetimeIndex), NaN = missing.
        stream: Name used in the adjustments (e.g. ``"mobility.gps_transit_stations"``).

    Returns:
        The filled series and the list of adjustments.

    Raises:
        ValueError: the series has no observed value at all.
    """
    missing = series.isna().to_numpy()
    if not missing.any():
        return series, []
    if missing.all():
        raise ValueError(f"{stream}: no observed value to fill from")
    observed = np.flatnonzero(~missing)
    filled = series.interpolate(method="time", limit_area="inside").ffill().bfill()
    adjustments = []
    # Runs of consecutive missing days.
    edges = np.flatnonzero(np.diff(np.concatenate([[0], missing.astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        inside = start > observed[0] and stop - 1 < observed[-1]
        adjustments.append(
            Adjustment.span(
                stream,
                series.index[start],
                series.index[stop - 1],
                "interpolated" if inside else "held_nearest",
                detail=(
                    "missing ('.') in the source; linear interpolation between the neighbouring "
                    "observed days"
                    if inside
                    else "missing ('.') at the end of the series; nearest observed value held"
                ),
            )
        )
    return filled, adjustments


def _layer(
    mobility: pd.DataFrame, weights: Mapping[str, float], dates: pd.DatetimeIndex, stream: str
) -> tuple[np.ndarray, list[Adjustment]]:
    if not weights:
        return np.ones(len(dates)), []
    total = sum(weights.values())
    mean = sum(w / total * mobility[c] for c, w in weights.items())
    level = 1.0 + mean
    first, last = mobility.index[0], mobility.index[-1]
    out = level.reindex(dates).to_numpy(dtype=float, copy=True)
    adjustments = []
    before = dates < first
    out[before] = 1.0
    if before.any():
        adjustments.append(
            Adjustment.span(
                stream,
                dates[before][0],
                dates[before][-1],
                "baseline",
                detail=f"before the first mobility date {first.date()}: 1",
            )
        )
    after = dates > last
    out[after] = level.iloc[-1]
    if after.any():
        adjustments.append(
            Adjustment.span(
                stream,
                dates[after][0],
                dates[after][-1],
                "held_last",
                detail=f"after the last mobility date {last.date()}: last value held",
            )
        )
    return out, adjustments


def setting_multipliers(
    mobility: pd.DataFrame,
    dates: pd.DatetimeIndex,
    school_closure: pd.Timestamp | None,
    mapping: MobilityMapping | None = None,
) -> tuple[np.ndarray, list[Adjustment]]:
    """Daily multipliers of the four settings.

    Args:
        mobility: One state's mobility on a complete daily index (from
            `seirflow.sources.mobility.mobility_region`), fractions of baseline, NaN =
            missing; must hold the columns named in `mapping`.
        dates: Output dates (daily).
        school_closure: First day of school closure, or None (school multiplier stays 1).
        mapping: Column mapping and school residual (default `MobilityMapping()`).

    Returns:
        float64 array, shape (len(dates), 4), settings in `SETTINGS` order, and the
        adjustments made (fills, baseline and held values).

    Raises:
        ConfigError: a mapped column is absent from `mobility`.
    """
    mapping = mapping or MobilityMapping()
    for column in mapping.columns:
        if column not in mobility.columns:
            raise ConfigError(
                f"mobility_mapping: column {column!r} not in the mobility table",
                field="mobility_mapping",
                value=column,
            )
    adjustments: list[Adjustment] = []
    filled = {}
    for column in mapping.columns:
        filled[column], adj = fill_mobility(mobility[column], f"mobility.{column}")
        adjustments.extend(adj)
    filled = pd.DataFrame(filled, index=mobility.index)
    out = np.ones((len(dates), len(SETTINGS)))
    for k, setting in enumerate(SETTINGS):
        if setting == "school":
            if school_closure is not None:
                out[np.asarray(dates >= school_closure), k] = mapping.school_closed_multiplier
            continue
        weights = getattr(mapping, setting)
        out[:, k], adj = _layer(filled, weights, dates, f"multipliers.{setting}")
        adjustments.extend(adj)
    return out, adjustments
