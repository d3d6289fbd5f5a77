"""Record of every change made to an input series (reporting artefacts, gaps, fills)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = [
    "Adjustment",
    "ADJUSTMENT_COLUMNS",
    "adjustments_to_json",
    "adjustments_from_json",
    "adjustments_table",
]

#: Columns of the all-regions table (`adjustments_table`): the region, then `Adjustment`'s.
ADJUSTMENT_COLUMNS = ("region", "stream", "date", "until", "action", "original", "detail")


@dataclass(frozen=True)
class Adjustment:
    """One change to one series, kept in the output metadata.

    Attributes:
        stream: Series changed, e.g. ``"deaths"``, ``"hospital_census"``,
            ``"mobility.gps_transit_stations"``, ``"multipliers.school"``.
        date: First date affected (ISO ``YYYY-MM-DD``).
        action: What was done, e.g. ``"offset_negative"``, ``"missing"``, ``"interpolated"``.
        until: Last date affected, for a run of days (ISO; "" for a single day).
        original: Value in the source before the change (None if there was none).
        detail: Human-readable explanation.
    """

    stream: str
    date: str
    action: str
    until: str = ""
    original: float | None = None
    detail: str = ""

    @classmethod
    def span(cls, stream: str, first, last, action: str, **kw) -> Adjustment:
        """An adjustment over the days `first`..`last` (dates or timestamps)."""
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        until = "" if first == last else f"{last.date()}"
        return cls(stream, f"{first.date()}", action, until=until, **kw)


def adjustments_to_json(adjustments: Iterable[Adjustment]) -> str:
    """Serialise adjustments as a JSON list of objects (for a netCDF attribute)."""
    return json.dumps([asdict(a) for a in adjustments])


def adjustments_from_json(text: str) -> list[Adjustment]:
    """Inverse of `adjustments_to_json`."""
    return [Adjustment(**item) for item in json.loads(text)]


def adjustments_table(per_region: dict[str, list[Adjustment]]) -> pd.DataFrame:
    """One row per adjustment of every region (`ADJUSTMENT_COLUMNS`), regions in order."""
    rows = [{"region": region, **asdict(a)} for region, items in per_region.items() for a in items]
    return pd.DataFrame(rows, columns=list(ADJUSTMENT_COLUMNS))
