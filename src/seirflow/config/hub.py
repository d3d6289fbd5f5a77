"""The hub submission: who submits, which round, what the model-output file holds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from seirflow.config.base import Section, field_problem
from seirflow.errors import ConfigError

__all__ = [
    "HubTarget",
    "HubOutputType",
    "HUB_TARGETS",
    "HUB_AGE_GROUPS",
    "Contributor",
    "ModelMetadata",
    "HubAdmin",
    "Samples",
    "Hub",
    "age_bounds",
    "age_group_masks",
    "hub_problems",
]

ABBR = r"^[A-Za-z0-9_]+$"  # no hyphen: it joins team and model in file names


class HubTarget(StrEnum):
    """Targets of the Scenario Modeling Hub that seirflow computes (weekly, MMWR)."""

    inc_death = "inc death"
    inc_hosp = "inc hosp"
    cum_death = "cum death"
    cum_hosp = "cum hosp"


HUB_TARGETS: tuple[str, ...] = tuple(t.value for t in HubTarget)


class HubOutputType(StrEnum):
    """hubverse output types seirflow writes."""

    sample = "sample"
    quantile = "quantile"
    mean = "mean"


HUB_AGE_GROUPS: tuple[str, ...] = ("0-130", "65-130", "0-64")
"""The Scenario Modeling Hub's age groups: everyone, 65 and over, under 65."""

_AGE_GROUP = re.compile(r"^(\d+)-(\d+)$")
OLDEST = 130  # the hubs' upper bound of the last, open age group
AGE_EDGES = ("age_groups", "lower_edges")


def age_bounds(label: str) -> tuple[int, int]:
    """First and last year of age of a hub age group ``"<lo>-<hi>"`` (inclusive).

    >>> age_bounds("65-130")
    (65, 130)
    """
    match = _AGE_GROUP.match(label)
    if match is None or int(match[1]) > int(match[2]):
        raise ValueError(f"age group {label!r} is not '<lowest>-<highest>' years, e.g. '0-64'")
    return int(match[1]), int(match[2])


def age_group_masks(labels, lower_edges) -> dict[str, list[bool]]:
    """Which model age groups (by lower edge) each hub age group spans.

    >>> age_group_masks(["0-130", "65-130"], [0, 20, 65])
    {'0-130': [True, True, True], '65-130': [False, False, True]}

    Raises:
        ConfigError: if a hub age group is not a union of whole model age groups.
    """
    edges = [int(e) for e in lower_edges]
    masks = {}
    for label in labels:
        lo, hi = age_bounds(label)
        if lo not in edges or not (hi >= OLDEST or hi + 1 in edges[1:]):
            raise ConfigError(
                f"hub age group {label!r} is not a union of the model's age groups (lower "
                f"edges {edges}; the last group runs to {OLDEST})",
                field="hub.age_groups",
                value=label,
            )
        masks[label] = [lo <= edge <= hi for edge in edges]
    return masks


class Contributor(Section):
    """A person of the team (model-metadata ``model_contributors``)."""

    name: str = Field(min_length=1)
    affiliation: str = Field(min_length=1)
    email: str | None = None
    orcid: str | None = Field(None, pattern=r"^\d{4}-\d{4}-\d{4}-[\dX]{4}$")


class ModelMetadata(Section):
    """The model's metadata file (``model-metadata/<team>-<model>.yaml``), SMH fields."""

    team_name: str = Field("seirflow", min_length=1, max_length=50)
    model_name: str = Field("seirflow age-structured SEIR", min_length=1, max_length=50)
    model_version: str = Field("0.1.0", min_length=1)
    model_contributors: list[Contributor] = Field(
        default_factory=lambda: [Contributor(name="seirflow team", affiliation="seirflow")],
        min_length=1,
    )
    website_url: str = Field("https://github.com/seirflow/seirflow", min_length=1)
    repo_url: str | None = None
    license: str = Field(
        "CC-BY-NC-4.0",
        description="Licence of the model output (NC: the NYT and CTP data are non-commercial).",
    )
    methods: str = Field(
        "Age-structured SEIR model calibrated per state by MCMC to cases, deaths and "
        "hospital census; scenarios change contacts by setting.",
        min_length=1,
        max_length=300,
    )
    methods_long: str | None = None
    data_inputs: str | None = None
    citation: str | None = None
    team_funding: str | None = None


class HubAdmin(Section):
    """The project's own hub (``hub-config/admin.json``)."""

    name: str = Field("seirflow scenario projections", min_length=1)
    maintainer: str = Field("seirflow team", min_length=1)
    contact_name: str = Field("seirflow team", min_length=1)
    contact_email: str = Field("seirflow@example.org", min_length=3)
    repository_owner: str = Field("seirflow", min_length=1)
    repository_name: str = Field("seirflow-hub", min_length=1)
    timezone: str = Field("US/Eastern", min_length=1)


class Samples(Section):
    """Sample trajectories per location a round accepts (hubverse ``min/max_samples_per_task``)."""

    min: int = Field(100, ge=1)
    max: int = Field(300, ge=1, le=999, description="At most 999: sample ids embed the location.")

    @model_validator(mode="after")
    def _ordered(self) -> Samples:
        if self.max < self.min:
            raise field_problem("max", self.max, f"must be >= samples.min ({self.min})", ("min",))
        return self


class Hub(Section):
    """Submission to a Scenario Modeling Hub round (``results/hub/``)."""

    team_abbr: str = Field("seirflow", pattern=ABBR, max_length=15)
    model_abbr: str = Field("SEIR", pattern=ABBR, max_length=15)
    origin_date: dt.date | None = Field(
        None,
        description="Round id: the Sunday the first hub week starts. Default: the first "
        "Sunday on or after the projection start.",
    )
    scenarios: dict[str, str] = Field(
        default_factory=dict,
        description="Config scenario -> hub scenario id (e.g. A-2020-07-19). Scenarios not "
        "listed are not submitted; empty: every scenario under its config name.",
    )
    targets: list[HubTarget] = Field(default_factory=lambda: list(HubTarget), min_length=1)
    output_types: list[HubOutputType] = Field(
        default_factory=lambda: list(HubOutputType), min_length=1
    )
    age_groups: list[str] = Field(default_factory=lambda: list(HUB_AGE_GROUPS), min_length=1)
    samples: Samples = Field(default_factory=Samples)
    n_decimal: int = Field(1, ge=0, le=6, description="Decimals values are rounded to.")
    metadata: ModelMetadata = Field(default_factory=ModelMetadata)
    admin: HubAdmin = Field(default_factory=HubAdmin)

    @field_validator("age_groups")
    @classmethod
    def _age_groups(cls, groups: list[str]) -> list[str]:
        for g in groups:
            age_bounds(g)
        if len(set(groups)) != len(groups):
            raise ValueError(f"age groups repeat: {groups}")
        return groups

    @field_validator("targets", "output_types")
    @classmethod
    def _unique(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError(f"values repeat: {[str(v) for v in values]}")
        return values

    @field_validator("scenarios")
    @classmethod
    def _scenario_ids(cls, ids: dict[str, str]) -> dict[str, str]:
        repeated = sorted({v for v in ids.values() if list(ids.values()).count(v) > 1})
        if repeated:
            raise ValueError(f"hub scenario ids repeat: {repeated}")
        if any(not v.strip() for v in ids.values()):
            raise ValueError("hub scenario ids must not be empty")
        return ids

    def scenario_ids(self, scenarios) -> dict[str, str]:
        """Config scenario -> hub scenario id of the scenarios submitted, in config order."""
        if not self.scenarios:
            return {s: s for s in scenarios}
        return {s: self.scenarios[s] for s in scenarios if s in self.scenarios}


def hub_problems(cfg, problem) -> Iterator:
    """Cross-field problems of the ``hub`` section (`problem` builds a checks `Problem`)."""
    from seirflow.hub.weeks import first_sunday, hub_weeks, is_sunday

    hub, d = cfg.hub, cfg.dates
    for name in hub.scenarios:
        if name not in cfg.scenarios:
            yield problem(
                ("hub", "scenarios", name),
                name,
                f"is not a scenario of the config ({', '.join(cfg.scenarios)})",
                (("scenarios",),),
            )
    for i, label in enumerate(hub.age_groups):
        try:
            age_group_masks([label], cfg.age_groups.lower_edges)
        except ConfigError as exc:
            reason = str(exc).split(" is ", 1)[1]
            yield problem(("hub", "age_groups", str(i)), label, f"is {reason}", (AGE_EDGES,))
    origin = hub.origin_date
    weeks_from = ("dates", "fit_end"), ("dates", "projection_weeks")
    if origin is not None and not is_sunday(origin):
        yield problem(("hub", "origin_date"), origin, "must be a Sunday (MMWR weeks)")
    elif origin is not None and origin < d.projection_start:
        yield problem(
            ("hub", "origin_date"),
            origin,
            f"is before the projection start {d.projection_start}",
            weeks_from,
        )
    elif hub_weeks(origin or first_sunday(d.projection_start), d.projection_end) < 1:
        yield problem(
            ("hub", "origin_date"),
            origin,
            f"leaves no whole epiweek before the projection end {d.projection_end}",
            weeks_from,
        )
    if HubOutputType.sample in hub.output_types and cfg.projection.draws < hub.samples.min:
        yield problem(
            ("projection", "draws"),
            cfg.projection.draws,
            f"gives fewer sample trajectories than the hub round accepts (hub.samples.min = "
            f"{hub.samples.min}); raise the draws, or lower hub.samples.min for a round of "
            "your own",
            (("hub", "samples"),),
        )
