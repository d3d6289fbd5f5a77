"""Rolling-origin backtest: forecast origins, horizon, scored targets, projection rule."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, field_validator

from seirflow.config.base import Section
from seirflow.evaluation.truth import Target

__all__ = ["Backtest", "ProjectionRule", "MIN_FIT_DAYS"]

#: Shortest fit window (dates.fit_start to origin - 1) a backtest origin may have: six
#: weeks, enough for the spring wave's rise and first decline in most states.
MIN_FIT_DAYS = 42


class ProjectionRule(StrEnum):
    """How a projection continues past the origin."""

    #: The baseline scenario: mobility held at its last level before the origin, no
    #: interventions: "continue as observed at the origin".
    hold_last_observed = "hold_last_observed"


def _first_of_month_2020() -> list[dt.date]:
    return [dt.date(2020, m, 1) for m in range(5, 11)]


class Backtest(Section):
    """Forecast origins scored against the data that followed them (``snakemake backtest``).

    At each origin ``o`` the fit sees only source rows dated before ``o`` and ends on
    ``o - 1``; week 1 of the projection is ``o .. o + 6``.
    """

    origins: list[dt.date] = Field(
        default_factory=_first_of_month_2020,
        min_length=1,
        description="Forecast origins, sorted, unique. Default: the 1st of each month "
        "May-October 2020, spanning the spring decline, the summer wave and the autumn rise.",
    )
    horizon_weeks: int = Field(
        4,
        ge=1,
        le=12,
        description="Weeks scored after each origin. Default 4: the COVID-19 Forecast Hub's "
        "1-4 week ahead targets (Cramer et al. 2022, PNAS).",
    )
    targets: list[Target] = Field(
        default_factory=lambda: list(Target),
        min_length=1,
        description="Scored targets (seirflow.evaluation.truth). Default: all four, as in the "
        "Forecast Hub (deaths, cases, hospital occupancy, admissions where reported).",
    )
    projection_rule: ProjectionRule = Field(
        ProjectionRule.hold_last_observed,
        description="Projection at each origin. Default: the baseline scenario, mobility held "
        "at its last observed level, no interventions.",
    )

    @field_validator("origins")
    @classmethod
    def _sorted_unique(cls, origins: list[dt.date]) -> list[dt.date]:
        if sorted(set(origins)) != origins:
            raise ValueError(f"must be sorted and unique, got {[str(o) for o in origins]}")
        return origins

    @field_validator("targets")
    @classmethod
    def _unique_targets(cls, targets: list[Target]) -> list[Target]:
        if len(set(targets)) != len(targets):
            raise ValueError(f"targets repeat: {[str(t) for t in targets]}")
        return targets
