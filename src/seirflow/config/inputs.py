"""Where and when: dates, age groups and the mobility-to-contacts mapping."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from seirflow.config.base import Fraction, PositiveFloat, Section
from seirflow.sources.mobility import GPS_COLUMNS

__all__ = ["Dates", "AgeGroups", "Mobility"]


# ---------------------------------------------------------------------------- dates, ages
class Dates(Section):
    """Simulation, fitting and projection dates."""

    simulation_start: dt.date = Field(
        dt.date(2020, 2, 1),
        description="Day 0 of every simulation; the seed day is counted from here.",
    )
    fit_start: dt.date = Field(
        dt.date(2020, 3, 15), description="First day of observed data used in the fit."
    )
    fit_end: dt.date = Field(
        dt.date(2020, 7, 15),
        description="Last day of the fit; projections start the day after.",
    )
    projection_weeks: int = Field(
        12, gt=0, le=104, description="Projection horizon in weeks after fit_end."
    )

    @property
    def projection_start(self) -> dt.date:
        return self.fit_end + dt.timedelta(days=1)

    @property
    def projection_end(self) -> dt.date:
        return self.fit_end + dt.timedelta(weeks=self.projection_weeks)

    @property
    def n_days(self) -> int:
        """Days simulated from simulation_start through projection_end."""
        return (self.projection_end - self.simulation_start).days + 1


class AgeGroups(Section):
    """Model age groups by lower edge; the last group is open-ended."""

    lower_edges: list[int] = Field(
        default_factory=lambda: list(range(0, 80, 5)),
        min_length=1,
        description="Lower age of each group, from 0, strictly increasing; last group open "
        "(default 16 five-year groups, 75+ last). The last edge must be <= 84, the oldest "
        "single year in the contact data.",
    )

    @field_validator("lower_edges")
    @classmethod
    def _covers_all_ages(cls, edges: list[int]) -> list[int]:
        if edges[0] != 0:
            raise ValueError(f"must start at 0 so the groups cover every age, got {edges[0]}")
        for a, b in zip(edges, edges[1:], strict=False):
            if b <= a:
                raise ValueError(f"must be strictly increasing, got {a} then {b}")
        if edges[-1] > 84:
            raise ValueError(f"last edge must be <= 84 (contact data ends at 84+), got {edges[-1]}")
        return edges

    @property
    def labels(self) -> list[str]:
        e = self.lower_edges
        return [f"{a}-{b - 1}" for a, b in zip(e, e[1:], strict=False)] + [f"{e[-1]}+"]


# ---------------------------------------------------------------------------- mobility
class Mobility(Section):
    """How Google mobility (Opportunity Insights 7-day averages) maps to setting multipliers.

    A layer's multiplier is 1 + the weighted mean of its columns' fractional change
    from the Jan-Feb 2020 baseline; household stays 1; school is 1 before the state's
    school closure date and `school_closed_multiplier` from it on.
    """

    work: dict[str, PositiveFloat] = Field(
        default_factory=lambda: {"gps_workplaces": 1.0},
        min_length=1,
        description="Mobility columns and weights for the work layer.",
    )
    community: dict[str, PositiveFloat] = Field(
        default_factory=lambda: {
            "gps_retail_and_recreation": 1.0,
            "gps_transit_stations": 1.0,
            "gps_grocery_and_pharmacy": 1.0,
        },
        min_length=1,
        description="Mobility columns and weights for the community layer.",
    )
    school_closed_multiplier: Fraction = Field(
        0.0, description="School-layer multiplier from the school closure date on."
    )

    @field_validator("work", "community")
    @classmethod
    def _known_columns(cls, cols: dict[str, float]) -> dict[str, float]:
        for col in cols:
            if col not in GPS_COLUMNS:
                raise ValueError(f"unknown mobility column {col!r}; known: {list(GPS_COLUMNS)}")
        return cols
