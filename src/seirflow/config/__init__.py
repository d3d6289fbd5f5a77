"""The workflow configuration (`config/config.yaml`), validated by pydantic.

The models here are the single source of types, bounds, defaults and descriptions.
`load_config` validates a merged config dict and raises `ConfigError` naming the file,
the field path and the bad value.
"""

from __future__ import annotations

from pydantic import Field

from seirflow.config.backtest import Backtest, ProjectionRule
from seirflow.config.base import SETTINGS, STREAMS, Section, Setting, Stream
from seirflow.config.calibration import (
    DOMAINS,
    PARAMETER_NAMES,
    Calibration,
    Parameters,
    ParameterSpec,
    Prior,
    Streams,
    StreamSpec,
)
from seirflow.config.hub import HUB_AGE_GROUPS, HUB_TARGETS, Hub, HubOutputType, HubTarget
from seirflow.config.inputs import AgeGroups, Dates, Mobility
from seirflow.config.model import AgeBands, Delay, Model, Outcomes
from seirflow.config.scenarios import (
    HUB_QUANTILES,
    Figure,
    Intervention,
    NationalRegions,
    Postprocessing,
    Projection,
    Scenario,
)

__all__ = [
    "Config",
    "SETTINGS",
    "STREAMS",
    "PARAMETER_NAMES",
    "DOMAINS",
    "HUB_QUANTILES",
    "Setting",
    "Stream",
    "Dates",
    "AgeGroups",
    "Mobility",
    "Model",
    "AgeBands",
    "Delay",
    "Outcomes",
    "Prior",
    "ParameterSpec",
    "Parameters",
    "StreamSpec",
    "Streams",
    "Calibration",
    "Intervention",
    "Scenario",
    "Projection",
    "NationalRegions",
    "Postprocessing",
    "Figure",
    "Backtest",
    "ProjectionRule",
    "Hub",
    "HubTarget",
    "HubOutputType",
    "HUB_TARGETS",
    "HUB_AGE_GROUPS",
    "load_config",
    "config_schema",
]


class Config(Section):
    """The whole workflow configuration."""

    regions: list[str] = Field(
        min_length=1, description="Regions to run, by postal code (50 states and DC)."
    )
    seed: int = Field(
        20200315, ge=0, description="Master seed; per-region seeds are spawned from it."
    )
    dates: Dates = Field(default_factory=Dates)
    age_groups: AgeGroups = Field(default_factory=AgeGroups)
    mobility: Mobility = Field(default_factory=Mobility)
    model: Model = Field(default_factory=Model)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    calibration: Calibration = Field(default_factory=Calibration)
    scenarios: dict[str, Scenario] = Field(
        min_length=1, description="Named scenarios; 'baseline' holds the last observed mobility."
    )
    projection: Projection = Field(default_factory=Projection)
    postprocessing: Postprocessing = Field(default_factory=Postprocessing)
    figures: dict[str, Figure] = Field(
        default_factory=dict, description="Paper figures by file stem (figures/<name>.pdf)."
    )
    backtest: Backtest = Field(default_factory=Backtest)
    hub: Hub = Field(default_factory=Hub)


from seirflow.config.load import config_schema, load_config  # noqa: E402
