"""What the users came for: intervention scenarios, projections, summaries and figures."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from seirflow.config.base import PositiveFloat, Section, Setting

__all__ = [
    "HUB_QUANTILES",
    "Intervention",
    "Scenario",
    "Projection",
    "NationalRegions",
    "Postprocessing",
    "FigureKind",
    "Figure",
]

# Quantile levels of the US Scenario Modeling Hub (hubverse "quantile" output type).
HUB_QUANTILES: tuple[float, ...] = (
    0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
    0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99,
)  # fmt: skip


class Intervention(Section):
    """Override the contact multiplier of some settings over a date window.

    Exactly one of `multiplier` (relative to pre-pandemic contacts) or `rule`:
    `hold_last_observed` (the last multiplier of the fit window), `pre_pandemic` (1),
    or `lockdown_level` (the lowest multiplier observed in the fit window).
    """

    settings: list[Setting] = Field(min_length=1, description="Settings this applies to.")
    multiplier: float | None = Field(
        None, ge=0, le=5, allow_inf_nan=False, description="Contact multiplier (1 = pre-pandemic)."
    )
    rule: Literal["hold_last_observed", "pre_pandemic", "lockdown_level"] | None = None
    start: dt.date = Field(description="First day (inclusive).")
    end: dt.date | None = Field(None, description="Last day (inclusive); default: horizon end.")

    @model_validator(mode="after")
    def _one_of(self) -> Intervention:
        if (self.multiplier is None) == (self.rule is None):
            raise ValueError("give exactly one of multiplier or rule")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if len(set(self.settings)) != len(self.settings):
            raise ValueError(f"settings repeat: {list(self.settings)}")
        return self


class Scenario(Section):
    """A named set of interventions on top of the baseline (last observed mobility held)."""

    description: str = Field(min_length=1, description="One line for tables and captions.")
    interventions: list[Intervention] = Field(default_factory=list)


class Projection(Section):
    """Posterior-predictive projections."""

    draws: int = Field(200, ge=1, le=100_000, description="Posterior draws K per region.")
    observation_noise: bool = Field(
        True, description="Draw negative-binomial observation noise on observed streams."
    )
    residual_carryover: bool = Field(
        False,
        description=(
            "Start each fitted stream's projection from its observed level: the fit-end "
            "weekly residual carried on as AR(1) (seirflow.carryover)."
        ),
    )
    residual_spread: bool = Field(
        False,
        description=(
            "With residual_carryover: also draw the residual's future AR(1) innovations, "
            "with the scale of the fit's weekly innovations (seirflow.carryover)."
        ),
    )

    @model_validator(mode="after")
    def _spread_needs_carryover(self) -> Projection:
        if self.residual_spread and not self.residual_carryover:
            raise ValueError("residual_spread: true needs residual_carryover: true")
        return self


class NationalRegions(StrEnum):
    """Which regions the national total sums."""

    CONVERGED = "converged"
    ALL = "all"


class Postprocessing(Section):
    """Quantile summaries and run-to-run checks."""

    quantiles: list[float] = Field(
        default_factory=lambda: list(HUB_QUANTILES),
        min_length=1,
        description="Quantile levels reported (default: the Scenario Modeling Hub's).",
    )
    change_warning_factor: PositiveFloat = Field(
        2.0,
        description="Warn when a region's 4-week-ahead median moved by more than this "
        "factor (either way) since the previous run.",
    )
    national_regions: NationalRegions = Field(
        NationalRegions.CONVERGED,
        description="Regions summed into the national (US) total: `converged` leaves out "
        "regions whose calibration did not converge (their posterior is not trusted, "
        "see calibration/diagnostics.json), `all` sums every configured region.",
    )

    @field_validator("quantiles")
    @classmethod
    def _levels(cls, q: list[float]) -> list[float]:
        if any(not 0 < x < 1 for x in q) or sorted(set(q)) != q:
            raise ValueError(f"must be strictly increasing levels in (0, 1), got {q}")
        return q


FigureKind = Literal[
    "inputs_overview",
    "calibration_fits",
    "posterior_forest",
    "hospital_beds",
    "national_scenarios",
    "convergence_summary",
    "reproduction_number",
]


class Figure(Section):
    """A paper figure: its kind, what it is about, and its caption."""

    kind: FigureKind
    caption: str = Field(min_length=1)
    region: str | None = Field(None, description="Region shown, for per-region figures.")
    outcome: str = Field("hospital_census", description="Outcome shown, where relevant.")
