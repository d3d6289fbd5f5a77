"""The ``hub`` config section: defaults that make a valid SMH-shaped round, and errors that
name the file, the field and the value."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from seirflow.config import load_config
from seirflow.errors import ConfigError
from seirflow.hub.round import hub_round, tasks_json
from seirflow.hub.schemas import load_schema, schema_problems
from seirflow.wiring import hub_outputs, output_targets

DEFAULT = Path(__file__).parents[2] / "config" / "config.yaml"


@pytest.fixture(scope="module")
def default_dict() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def test_default_round_is_the_smh_shape_in_mmwr_weeks(default_dict):
    cfg = load_config(default_dict, [DEFAULT])
    r = hub_round(
        cfg.hub, cfg.dates, list(cfg.scenarios), ["36", "US"], cfg.postprocessing.quantiles
    )
    assert r.origin == dt.date(2020, 7, 19) and r.origin.weekday() == 6  # a Sunday
    assert r.weeks == 11
    assert list(r.scenario_ids.values()) == [f"{x}-2020-07-19" for x in "ABCD"]
    assert cfg.projection.draws >= cfg.hub.samples.min  # 200 draws: 200 samples
    tasks = tasks_json(r)
    assert schema_problems(tasks, load_schema("tasks-schema.json")) == []
    sample = tasks["rounds"][0]["model_tasks"][0]["output_type"]["sample"]
    assert sample["output_type_id_params"]["min_samples_per_task"] == 100
    assert (
        len(
            tasks["rounds"][0]["model_tasks"][0]["output_type"]["quantile"]["output_type_id"][
                "required"
            ]
        )
        == 23
    )
    files = hub_outputs(cfg)
    assert files["model_output"] == (
        "results/hub/model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet"
    )
    assert set(files.values()) <= set(output_targets(cfg))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("hub.origin_date", "2020-07-20", 'hub.origin_date = "2020-07-20": must be a Sunday'),
        ("hub.origin_date", "2020-07-12", "is before the projection start 2020-07-16"),
        ("hub.scenarios", {"lockdown": "A"}, 'hub.scenarios.lockdown = "lockdown": is not a'),
        ("hub.age_groups", ["0-130", "0-66"], 'hub.age_groups.1 = "0-66": is not a union'),
        ("hub.age_groups", ["65+"], "hub.age_groups"),
        ("hub.team_abbr", "my-team", 'hub.team_abbr = "my-team"'),
        ("hub.targets", ["inc case"], "hub.targets.0"),
        ("hub.output_types", ["median"], "hub.output_types.0"),
        ("projection.draws", 50, "projection.draws = 50: gives fewer sample trajectories"),
        ("hub.samples.max", 50, "hub.samples.max = 50: must be >= samples.min (100)"),
    ],
)
def test_bad_hub_settings_name_file_field_and_value(default_dict, path, value, message):
    doc = copy.deepcopy(default_dict)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    with pytest.raises(ConfigError) as err:
        load_config(doc, [DEFAULT])
    assert message in str(err.value), str(err.value)
    assert "config/config.yaml" in str(err.value)
