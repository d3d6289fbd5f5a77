"""The config models: the shipped configs are valid, and bad ones fail with file, field, value."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from seirflow.cli import _merge, main
from seirflow.config import PARAMETER_NAMES, config_schema, load_config
from seirflow.errors import ConfigError
from seirflow.regions import REGION_CODES

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "config" / "config.yaml"
TEST = ROOT / "config" / "test.yaml"


@pytest.fixture(scope="module")
def default_dict() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def test_default_config_is_valid_and_covers_every_state(default_dict):
    cfg = load_config(default_dict, [DEFAULT])
    assert sorted(cfg.regions) == sorted(REGION_CODES)
    assert len(cfg.regions) == 51
    assert cfg.dates.projection_weeks == 12
    assert {"baseline", "schools_reopen", "shelter_in_place_6wk", "full_reopening"} <= set(
        cfg.scenarios
    )
    assert len(cfg.age_groups.labels) == 16 and cfg.age_groups.labels[-1] == "75+"


def test_test_config_only_shrinks_the_run(default_dict):
    override = yaml.safe_load(TEST.read_text())
    merged = copy.deepcopy(default_dict)
    _merge(merged, override)
    cfg = load_config(merged, [DEFAULT, TEST])
    assert len(cfg.regions) == 2
    assert cfg.calibration.max_steps < 1000
    # test.yaml touches only size knobs: regions, chain lengths, draws
    assert set(override) <= {"regions", "calibration", "projection", "backtest"}
    assert len(cfg.backtest.origins) == 2


def test_defaults_fill_omitted_sections():
    cfg = load_config(
        {"regions": ["NY"], "scenarios": {"baseline": {"description": "x"}}}, ["inline.yaml"]
    )
    assert cfg.calibration.walkers >= 2 * sum(
        getattr(cfg.calibration.parameters, n).free for n in PARAMETER_NAMES
    )
    assert cfg.outcomes.ifr_by_age.source


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "config" / "schema.json").read_text())
    assert committed == json.loads(json.dumps(config_schema())), (
        "config/schema.json is stale: run `seirflow schema -o config/schema.json`"
    )


def _set(doc: dict, path: str, value) -> None:
    keys = path.split(".")
    node = doc
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value


# (field path to set, bad value, expected field path in the message, expected text)
BAD_CASES = [
    ("calibration.walkers", 3, "calibration.walkers = 3", ">= 2 x number of free parameters"),
    ("calibration.walkers", "many", 'calibration.walkers = "many"', "valid integer"),
    ("calibration.walkrs", 40, "calibration.walkrs = 40", "unknown key"),
    ("regions", ["NY", "XX"], 'regions.1 = "XX"', "unknown region"),
    ("regions", [], "regions = []", "at least 1 item"),
    ("regions", ["NY", "NY"], 'regions.1 = "NY"', "listed twice"),
    ("dates.fit_end", "2020-03-01", 'dates.fit_end = "2020-03-01"', "must be after"),
    ("dates.fit_start", "2020-13-45", 'dates.fit_start = "2020-13-45"', "valid date"),
    ("dates.fit_start", "2019-12-01", 'dates.fit_start = "2019-12-01"', "first data day"),
    ("dates.projection_weeks", 0, "dates.projection_weeks = 0", "greater than 0"),
    ("dates.projection_weeks", -3, "dates.projection_weeks = -3", "greater than 0"),
    ("age_groups.lower_edges", [5, 10, 20], "age_groups.lower_edges = [5, 10, 20]", "start at 0"),
    ("age_groups.lower_edges", [0, 20, 10], "age_groups.lower_edges = [0, 20, 10]", "increasing"),
    ("age_groups.lower_edges", [0, 50, 90], "age_groups.lower_edges = [0, 50, 90]", "<= 84"),
    ("model.infectious_stages", 0, "model.infectious_stages = 0", "greater than or equal to 1"),
    ("model.latent_period_days", -1.0, "model.latent_period_days = -1.0", "greater than 0"),
    ("model.susceptibility", [1.0, 1.0], "model.susceptibility = [1.0, 1.0]", "one value per age"),
    ("mobility.work", {"gps_offices": 1.0}, "mobility.work", "unknown mobility column"),
    (
        "calibration.parameters.r0.prior",
        {"distribution": "uniform", "lower": 3.0, "upper": 1.0},
        "calibration.parameters.r0.prior.uniform",
        "lower must be < upper",
    ),
    (
        "calibration.parameters.r0.prior",
        {"distribution": "normal", "mean": 2.0, "sd": -1.0},
        "calibration.parameters.r0.prior.normal.sd = -1.0",
        "greater than 0",
    ),
    (
        "calibration.parameters.r0.prior",
        {"distribution": "gamma", "shape": 2.0},
        "calibration.parameters.r0.prior",
        "does not match any of the expected tags",
    ),
    (
        "calibration.parameters.ascertainment.prior",
        {"distribution": "uniform", "lower": 1.5, "upper": 2.0},
        "calibration.parameters.ascertainment.prior",
        "no mass inside the parameter's domain",
    ),
    (
        "calibration.parameters.seed_day.prior",
        {"distribution": "normal", "mean": 10.0, "sd": 5.0},
        "calibration.parameters.seed_day.prior",
        "seed day must lie in",
    ),
    ("calibration.parameters.r0.free", False, "calibration.parameters.r0", "needs a value"),
    (
        "calibration.streams",
        {k: {"enabled": False} for k in ("cases", "deaths", "hospital_census", "icu_census")},
        "calibration.streams",
        "enable at least one stream",
    ),
    (
        "scenarios.schools_reopen.interventions.0.settings",
        ["playground"],
        'scenarios.schools_reopen.interventions.0.settings.0 = "playground"',
        "'household', 'school', 'work' or 'community'",
    ),
    (
        "scenarios.shelter_in_place_6wk.interventions.0.end",
        "2020-07-01",
        "scenarios.shelter_in_place_6wk.interventions.0",
        "is before start",
    ),
    (
        "scenarios.schools_reopen.interventions",
        [
            {"settings": ["school"], "multiplier": 0.5, "start": "2020-08-01", "end": "2020-09-01"},
            {"settings": ["school"], "multiplier": 1.0, "start": "2020-08-15"},
        ],
        'scenarios.schools_reopen.interventions.1.start = "2020-08-15"',
        "overlaps intervention 0",
    ),
    (
        "scenarios.schools_reopen.interventions.0.start",
        "2020-05-01",
        'scenarios.schools_reopen.interventions.0.start = "2020-05-01"',
        "projection window",
    ),
    ("figures.fig3_hospital_beds.region", "ZZ", "figures.fig3_hospital_beds.region", "not one of"),
    ("postprocessing.quantiles", [0.5, 0.1], "postprocessing.quantiles = [0.5, 0.1]", "increasing"),
    ("seed", -1, "seed = -1", "greater than or equal to 0"),
    (
        "backtest.origins",
        ["2020-07-01", "2020-06-01"],
        'backtest.origins = ["2020-07-01", "2020-06-01"]',
        "sorted and unique",
    ),
    (
        "backtest.origins",
        ["2020-04-01"],
        'backtest.origins.0 = "2020-04-01"',
        "days of fit, i.e. after 2020-04-26",
    ),
    (
        "backtest.origins",
        ["2021-03-01"],
        'backtest.origins.0 = "2021-03-01"',
        "after the last data day 2021-03-07",
    ),
    ("backtest.targets", ["inc deaths"], 'backtest.targets.0 = "inc deaths"', "'inc death'"),
    ("backtest.horizon_weeks", 0, "backtest.horizon_weeks = 0", "greater than or equal to 1"),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "why"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_bad_config_names_file_field_and_value(default_dict, path, value, where, why):
    doc = copy.deepcopy(default_dict)
    _set(doc, path, value)
    with pytest.raises(ConfigError) as info:
        load_config(doc, ["config/config.yaml"])
    message = str(info.value)
    assert f"config/config.yaml: {where}" in message
    assert why in message


def test_error_names_the_override_file_that_set_the_value(default_dict, tmp_path):
    override = tmp_path / "mine.yaml"
    override.write_text("calibration:\n  walkers: 4\n")
    doc = copy.deepcopy(default_dict)
    _merge(doc, yaml.safe_load(override.read_text()))
    with pytest.raises(ConfigError) as info:
        load_config(doc, [DEFAULT, override])
    assert f"{override}: calibration.walkers = 4" in str(info.value)
    assert info.value.field == "calibration.walkers" and info.value.value == 4


def test_cli_validate_and_schema(tmp_path, capsys):
    assert main(["validate", str(DEFAULT), str(TEST)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("regions: [NY]\nscenarios: {baseline: {description: x}}\nseed: oops\n")
    assert main(["validate", str(bad)]) == 1
    assert f'{bad}: seed = "oops"' in capsys.readouterr().err
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert schema["additionalProperties"] is False
    assert "calibration" in schema["properties"]
