"""Base class and shared field types of the configuration models."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "Section",
    "Setting",
    "Stream",
    "SETTINGS",
    "STREAMS",
    "PositiveFloat",
    "Fraction",
    "field_problem",
]


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


def field_problem(
    field: str, value: object, reason: str, inputs: tuple[str, ...] = ()
) -> PydanticCustomError:
    """Error of a model-level check that belongs to one of the model's fields.

    Pydantic places a model validator's error at the model itself; `load_config` moves
    this one to ``field`` and shows ``value``, so the message names the field the user
    must change, e.g. ``calibration.walkers = -4``, not the whole section.

    Args:
        field: Name of the field of the model being validated.
        value: The field's value, shown in the message.
        reason: Why it is wrong and what would be right.
        inputs: The other fields of the model the check compared it with, so the
            message can name the file that set them.
    """
    context = {"reason": reason, "field": field, "value": value, "inputs": list(inputs)}
    return PydanticCustomError("field_problem", "{reason}", context)
