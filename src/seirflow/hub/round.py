"""The project's own hub round, from the config: what `results/hub/hub-config/` describes.

One round, its id the origin date (``round_id_from_variable``, as the Scenario Modeling
Hub does), one model task: every configured scenario, location, target, horizon and age
group is required, with every configured output type. Samples are paired across
scenarios, targets, horizons and age groups (compound task set: origin date and
location), their ids in ``run_grouping`` x ``stochastic_run`` (`validation.json`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from seirflow.config import Dates, Hub
from seirflow.config.hub import HubOutputType
from seirflow.hub.schemas import SHIPPED_VERSION
from seirflow.hub.weeks import first_sunday, hub_weeks

__all__ = [
    "TASK_IDS",
    "SAMPLE_ID_COLUMNS",
    "COMPOUND_TASK_IDS",
    "HubRound",
    "hub_round",
    "tasks_json",
    "admin_json",
    "validation_json",
]

TASK_IDS: tuple[str, ...] = (
    "origin_date",
    "scenario_id",
    "location",
    "target",
    "horizon",
    "age_group",
)
"""Task-id columns of the round, in file order."""
SAMPLE_ID_COLUMNS: tuple[str, ...] = ("run_grouping", "stochastic_run")
COMPOUND_TASK_IDS: tuple[str, ...] = ("origin_date", "location")

_SCHEMA_URL = "https://raw.githubusercontent.com/hubverse-org/schemas/main/{v}/{name}-schema.json"

_TARGET_TEXT = {
    "inc death": ("Incident deaths", "Weekly new deaths (MMWR week, Sunday-Saturday)."),
    "inc hosp": ("Incident hospitalizations", "Weekly new hospital admissions."),
    "cum death": ("Cumulative deaths", "Deaths from the origin date through the week's end."),
    "cum hosp": (
        "Cumulative hospitalizations",
        "Hospital admissions from the origin date through the week's end.",
    ),
}


@dataclass(frozen=True)
class HubRound:
    """The round a run submits to."""

    hub: Hub
    origin: dt.date
    weeks: int
    scenario_ids: Mapping[str, str]
    locations: tuple[str, ...]
    levels: tuple[float, ...]

    @property
    def round_id(self) -> str:
        """The origin date as text, the round id."""
        return self.origin.isoformat()


def hub_round(
    hub: Hub, dates: Dates, scenarios: Sequence[str], locations: Sequence[str], levels
) -> HubRound:
    """The run's round: origin (configured, or the first Sunday on or after the projection
    start), whole epiweeks up to the projection end, submitted scenarios and locations."""
    origin = hub.origin_date or first_sunday(dates.projection_start)
    return HubRound(
        hub=hub,
        origin=origin,
        weeks=hub_weeks(origin, dates.projection_end),
        scenario_ids=hub.scenario_ids(scenarios),
        locations=tuple(locations),
        levels=tuple(float(x) for x in levels),
    )


def tasks_json(r: HubRound) -> dict[str, Any]:
    """``hub-config/tasks.json`` of the round (hubverse v5.0.0)."""
    value = {"type": "double", "minimum": 0}
    output_type: dict[str, Any] = {}
    for name in r.hub.output_types:
        if name == HubOutputType.sample:
            output_type["sample"] = {
                "output_type_id_params": {
                    "type": "integer",
                    "min_samples_per_task": r.hub.samples.min,
                    "max_samples_per_task": r.hub.samples.max,
                    "compound_taskid_set": list(COMPOUND_TASK_IDS),
                },
                "value": value,
                "is_required": True,
            }
        elif name == HubOutputType.quantile:
            output_type["quantile"] = {
                "output_type_id": {"required": list(r.levels)},
                "value": value,
                "is_required": True,
            }
        else:
            output_type[str(name)] = {
                "output_type_id": {"required": None},
                "value": value,
                "is_required": True,
            }
    task_ids = {
        "origin_date": [r.round_id],
        "scenario_id": list(r.scenario_ids.values()),
        "location": list(r.locations),
        "target": [str(t) for t in r.hub.targets],
        "horizon": list(range(1, r.weeks + 1)),
        "age_group": list(r.hub.age_groups),
    }
    return {
        "schema_version": _SCHEMA_URL.format(v=SHIPPED_VERSION, name="tasks"),
        "rounds": [
            {
                "round_id_from_variable": True,
                "round_id": "origin_date",
                "model_tasks": [
                    {
                        "task_ids": {
                            k: {"required": v, "optional": None} for k, v in task_ids.items()
                        },
                        "output_type": output_type,
                        "target_metadata": [_target_metadata(str(t)) for t in r.hub.targets],
                    }
                ],
                "submissions_due": {
                    "relative_to": "origin_date",
                    "start": 0,
                    "end": 90,
                },
            }
        ],
    }


def _target_metadata(target: str) -> dict[str, Any]:
    name, description = _TARGET_TEXT[target]
    return {
        "target_id": target,
        "target_name": name,
        "target_units": "count",
        "target_keys": {"target": target},
        "description": description,
        "target_type": "discrete",
        "is_step_ahead": True,
        "time_unit": "week",
    }


def admin_json(r: HubRound) -> dict[str, Any]:
    """``hub-config/admin.json`` of the project's hub (hubverse v5.0.0)."""
    a = r.hub.admin
    return {
        "schema_version": _SCHEMA_URL.format(v=SHIPPED_VERSION, name="admin"),
        "name": a.name,
        "maintainer": a.maintainer,
        "contact": {"name": a.contact_name, "email": a.contact_email},
        "repository": {"host": "github", "owner": a.repository_owner, "name": a.repository_name},
        "file_format": ["parquet"],
        "timezone": a.timezone,
        "model_output_dir": "model-output",
    }


def validation_json(r: HubRound) -> dict[str, Any]:
    """``hub-config/validation.json`` (Scenario Modeling Hub): rounding and sample ids."""
    return {
        r.round_id: {
            "n_decimal": r.hub.n_decimal,
            "merge_sample_col": list(SAMPLE_ID_COLUMNS),
        }
    }
