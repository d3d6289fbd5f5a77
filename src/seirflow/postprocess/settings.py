"""The config sections post-processing uses, validated from the plain dicts a rule passes."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import ValidationError

from seirflow.config.inputs import Dates
from seirflow.config.scenarios import Postprocessing
from seirflow.errors import ConfigError

__all__ = ["Settings", "read_settings"]


class Settings(NamedTuple):
    """Validated ``dates`` and ``postprocessing`` sections."""

    dates: Dates
    postprocessing: Postprocessing


def read_settings(dates: dict[str, Any], postprocessing: dict[str, Any]) -> Settings:
    """Validate the ``dates`` and ``postprocessing`` sections (defaults applied).

    Raises:
        ConfigError: naming the section, the field and the value of the first problem.
    """
    sections = {}
    for name, model, data in (
        ("dates", Dates, dates),
        ("postprocessing", Postprocessing, postprocessing),
    ):
        try:
            sections[name] = model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join([name, *(str(x) for x in err["loc"])])
            raise ConfigError(
                f"params: {field} = {err.get('input')!r}: {err['msg']}",
                field=field,
                value=err.get("input"),
            ) from None
    return Settings(sections["dates"], sections["postprocessing"])
