"""Base class and shared field types of the configuration models."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Section", "Setting", "Stream", "SETTINGS", "STREAMS", "PositiveFloat", "Fraction"]


class Section(BaseModel):
    """Base for every section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_enum_values=True, validate_default=True
    )


class Setting(StrEnum):
    """Contact settings, the layers of the contact mixture."""

    household = "household"
    school = "school"
    work = "work"
    community = "community"


SETTINGS: tuple[str, ...] = tuple(s.value for s in Setting)


class Stream(StrEnum):
    """Observed data streams a calibration can fit."""

    cases = "cases"
    deaths = "deaths"
    hospital_census = "hospital_census"
    icu_census = "icu_census"


STREAMS: tuple[str, ...] = tuple(s.value for s in Stream)

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
