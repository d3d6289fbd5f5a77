"""The SEIR model's structure and its outcome model (severity by age, delays)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from seirflow.config.base import Fraction, PositiveFloat, Section

__all__ = ["Model", "AgeBands", "Delay", "Outcomes"]


# ---------------------------------------------------------------------------- model
class Model(Section):
    """Structure and natural history of the age-structured SEIR model."""

    latent_period_days: PositiveFloat = Field(
        3.0, description="Mean latent period (days), Erlang-distributed over latent_stages."
    )
    infectious_period_days: PositiveFloat = Field(
        5.0, description="Mean infectious period (days), Erlang over infectious_stages."
    )
    latent_stages: int = Field(2, ge=1, le=8, description="Erlang stages of the latent period.")
    infectious_stages: int = Field(
        2, ge=1, le=8, description="Erlang stages of the infectious period (2 = I1 -> I2)."
    )
    steps_per_day: int = Field(
        1,
        ge=1,
        le=64,
        description="Fixed Dormand-Prince 5 steps per day; 1 reaches 3e-10 relative error in "
        "cumulative infections against DOP853 at rtol 1e-10 (benchmarks/bench_integrators.py).",
    )
    susceptibility: list[PositiveFloat] | None = Field(
        None, description="Relative susceptibility per age group (default: all 1)."
    )
    seed_into: Literal["exposed", "infectious"] = Field(
        "exposed", description="Compartment that receives the seed."
    )
    seed_age_distribution: Literal["population", "adults"] | list[Fraction] = Field(
        "population",
        description="How seeds are spread by age: proportional to population, to adults "
        "(20-64) only, or an explicit fraction per age group.",
    )


class AgeBands(Section):
    """An age-specific ratio as published: values for bands given by lower edges."""

    lower_edges: list[int] = Field(min_length=1, description="Band lower ages, from 0.")
    values: list[Fraction] = Field(min_length=1, description="Ratio per band (0-1).")
    source: str = Field(min_length=1, description="Citation for these numbers.")

    @model_validator(mode="after")
    def _bands_consistent(self) -> AgeBands:
        if len(self.values) != len(self.lower_edges):
            raise ValueError(
                f"values has {len(self.values)} entries but lower_edges has {len(self.lower_edges)}"
            )
        if self.lower_edges[0] != 0 or any(
            b <= a for a, b in zip(self.lower_edges, self.lower_edges[1:], strict=False)
        ):
            raise ValueError(f"lower_edges must start at 0 and increase, got {self.lower_edges}")
        return self


class Delay(Section):
    """A delay distribution given by its mean and sd in days, discretised to daily pmf."""

    mean_days: PositiveFloat
    sd_days: PositiveFloat
    family: Literal["lognormal", "gamma"] = Field("lognormal", description="Distribution.")
    max_days: int = Field(60, ge=1, le=365, description="Truncation (pmf renormalised).")
    source: str = Field(min_length=1, description="Citation for these numbers.")


class Outcomes(Section):
    """Severity ratios by age and the delays of the outcome model.

    Defaults are published estimates from `seirflow.model.defaults`; each carries its
    citation (`source`).
    """

    ifr_by_age: AgeBands = Field(default_factory=lambda: _published("IFR"))
    ihr_by_age: AgeBands = Field(default_factory=lambda: _published("IHR"))
    icu_given_hospital_by_age: AgeBands = Field(
        default_factory=lambda: _published("P_ICU_GIVEN_HOSPITAL")
    )
    infection_to_report: Delay = Field(default_factory=lambda: _published("REPORTING_DELAY"))
    infection_to_admission: Delay = Field(default_factory=lambda: _published("ADMISSION_DELAY"))
    hospital_stay: Delay = Field(default_factory=lambda: _published("HOSPITAL_LOS"))
    infection_to_icu: Delay = Field(default_factory=lambda: _published("ICU_DELAY"))
    icu_stay: Delay = Field(default_factory=lambda: _published("ICU_LOS"))
    infection_to_death: Delay = Field(default_factory=lambda: _published("DEATH_DELAY"))


def _published(name: str) -> dict:
    """A published default from `seirflow.model.defaults`, shaped as its config section."""
    from seirflow.model import defaults

    value = getattr(defaults, name)
    if isinstance(value, defaults.BandedRatio):
        return {
            "lower_edges": list(value.band_lower_edges),
            "values": list(value.values),
            "source": value.source,
        }
    return {
        "mean_days": value.mean,
        "sd_days": value.sd,
        "family": value.family,
        "max_days": value.max_days,
        "source": value.source,
    }
