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
    # test.yaml touches only size knobs: regions, chain lengths, draws, backtest origins;
    # and, since chains that short never converge, which regions the national total sums;
    # and, since 20 draws are 20 samples, how many samples its own hub round takes.
    sections = {"regions", "calibration", "projection", "postprocessing", "backtest", "hub"}
    assert set(override) <= sections
    assert set(override.get("postprocessing", {})) <= {"national_regions"}
    assert set(override.get("hub", {})) <= {"samples"}
    assert cfg.hub.samples.min == cfg.projection.draws
    assert len(cfg.backtest.origins) == 2


def test_default_samples_the_steps_and_the_mobility_only_variant_does_not(default_dict):
    default = load_config(copy.deepcopy(default_dict), [DEFAULT])
    sampled = default.calibration.sampled_parameters
    assert "mobility_effect" not in sampled and "testing_elasticity" in sampled
    assert sampled[-4:] == tuple(f"transmission_step_{k}" for k in range(1, 5))
    path = ROOT / "config" / "mobility_only.yaml"
    merged = copy.deepcopy(default_dict)
    _merge(merged, yaml.safe_load(path.read_text()))
    old = load_config(merged, [DEFAULT, path])
    assert "mobility_effect" in old.calibration.sampled_parameters
    assert not any(n.startswith("transmission_step") for n in old.calibration.sampled_parameters)
    for cfg in (default, old):
        assert cfg.calibration.walkers >= cfg.calibration.min_walkers


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
    ("calibration.walkers", 3, "calibration.walkers = 3", "need at least 26 (2 × 13 free"),
    ("calibration.walkers", -4, "calibration.walkers = -4", "need at least 26 (2 × 13 free"),
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
        'calibration.parameters.r0.prior = {"distribution": "uniform"',
        "lower must be < upper",
    ),
    (
        "calibration.parameters.r0.prior",
        {"distribution": "normal", "mean": 2.0, "sd": -1.0},
        "calibration.parameters.r0.prior.sd = -1.0",
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
        "calibration.parameters.seed_day",
        {"free": True, "prior": {"distribution": "normal", "mean": 10.0, "sd": 5.0}},
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
        "projection",
        {"draws": 10, "residual_carryover": False, "residual_spread": True},
        "projection",
        "residual_spread: true needs residual_carryover: true",
    ),
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


def _override_error(default_dict: dict, tmp_path: Path, text: str) -> ConfigError:
    """The error of config/config.yaml overridden by `text` (as ``mine.yaml``)."""
    override = tmp_path / "mine.yaml"
    override.write_text(text)
    doc = copy.deepcopy(default_dict)
    _merge(doc, yaml.safe_load(text))
    with pytest.raises(ConfigError) as info:
        load_config(doc, [DEFAULT, override])
    return info.value


def _lines(error: ConfigError) -> list[str]:
    return str(error).splitlines()[1:]


def test_reversed_fit_window_is_one_problem_in_the_users_file(default_dict, tmp_path):
    # The prior of seed_day and three interventions lie outside the window a wrong
    # fit_end implies; they follow from it and are not listed.
    error = _override_error(default_dict, tmp_path, "dates:\n  fit_end: 2020-03-01\n")
    assert _lines(error) == [
        f'  {tmp_path / "mine.yaml"}: dates.fit_end = "2020-03-01": '
        "must be after dates.fit_start (2020-03-15)"
    ]
    assert error.file == str(tmp_path / "mine.yaml") and error.field == "dates.fit_end"


def test_cross_field_problem_names_the_file_that_set_its_input(default_dict, tmp_path):
    # A valid but shorter fit moves the projection window off the default interventions.
    error = _override_error(default_dict, tmp_path, "dates:\n  fit_end: 2020-05-01\n")
    lines = _lines(error)
    assert len(lines) == 2
    for line in lines:
        assert line.startswith(f"  {DEFAULT}: scenarios.")
        assert line.endswith(f"(dates.fit_end set in {tmp_path / 'mine.yaml'})")


def test_walkers_below_the_bound_state_the_real_bound(default_dict, tmp_path):
    error = _override_error(default_dict, tmp_path, "calibration:\n  walkers: -4\n")
    assert _lines(error) == [
        f"  {tmp_path / 'mine.yaml'}: calibration.walkers = -4: "
        "need at least 26 (2 × 13 free parameters)"
    ]


def test_walker_bound_names_the_file_that_freed_the_parameters(default_dict, tmp_path):
    team, mine = tmp_path / "team.yaml", tmp_path / "mine.yaml"
    team.write_text("calibration:\n  walkers: 20\n")
    mine.write_text(
        "calibration:\n"
        "  streams: {icu_census: {enabled: true}}\n"
        "  parameters:\n"
        "    seed_size: {free: true, prior: {distribution: lognormal, mu: 2.0, sigma: 1.0}}\n"
        "    dispersion_icu_census:\n"
        "      {free: true, prior: {distribution: lognormal, mu: 2.0, sigma: 1.0}}\n"
    )
    doc = copy.deepcopy(default_dict)
    for path in (team, mine):
        _merge(doc, yaml.safe_load(path.read_text()))
    with pytest.raises(ConfigError) as info:
        load_config(doc, [DEFAULT, team, mine])
    assert _lines(info.value) == [
        f"  {team}: calibration.walkers = 20: need at least 28 (2 × 14 free parameters) "
        f"(calibration.parameters, calibration.streams set in {mine})"
    ]


def test_walker_bound_is_what_emcee_needs(default_dict):
    """The config's bound is the sampler's: one walker fewer and emcee refuses to run."""
    import emcee
    import numpy as np

    from seirflow.calibration.parameters import ParameterSpace
    from seirflow.calibration.sampler import default_moves
    from seirflow.config import DOMAINS

    for disabled in ((), ("hospital_census", "deaths")):
        doc = copy.deepcopy(default_dict)
        for stream in disabled:
            doc["calibration"]["streams"][stream] = {"enabled": False}
        cal = load_config(doc, [DEFAULT]).calibration
        enabled = [name for name, spec in cal.streams if spec.enabled]
        space = ParameterSpace.from_config(cal.parameters, DOMAINS, enabled_streams=enabled)
        ndim = space.ndim + cal.transmission.steps  # the modifier's steps join in the problem
        assert cal.min_walkers == 2 * ndim == 26 - 2 * len(disabled)
        for walkers, runs in ((cal.min_walkers - 1, False), (cal.min_walkers, True)):
            sampler = emcee.EnsembleSampler(
                walkers,
                ndim,
                lambda x: -0.5 * (x**2).sum(axis=1),
                vectorize=True,
                moves=default_moves(),
            )
            start = np.random.default_rng(0).normal(size=(walkers, ndim))
            if runs:
                sampler.run_mcmc(start, 5)
            else:
                with pytest.raises(RuntimeError, match="fewer walkers than twice"):
                    sampler.run_mcmc(start, 5)


def test_reversed_prior_is_named_by_the_users_path(default_dict, tmp_path):
    error = _override_error(
        default_dict,
        tmp_path,
        "calibration:\n  parameters:\n    seed_day:\n"
        "      prior: {distribution: uniform, lower: 50, upper: 10}\n",
    )
    (line,) = _lines(error)
    assert line.startswith(
        f"  {tmp_path / 'mine.yaml'}: calibration.parameters.seed_day.prior = "
        '{"distribution": "uniform", "lower": 50, "upper": 10}: lower must be < upper'
    )
    assert error.field == "calibration.parameters.seed_day.prior"


def test_config_files_that_look_like_targets_are_refused(tmp_path, monkeypatch):
    from seirflow.wiring import check_config_files

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("seed: 1\n")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "manifest.json").write_text("{}")
    check_config_files([str(tmp_path / "mine.yaml")])  # a YAML file that exists is fine
    for files, targets in [
        (["mine.yaml", "figures/fig3_hospital_beds.pdf"], ["figures/fig3_hospital_beds.pdf"]),
        (["mine.yaml", str(tmp_path / "results" / "manifest.json")], ["results/manifest.json"]),
        (["mine.yaml", "absent.yaml", "paper"], ["absent.yaml", "paper"]),
    ]:
        with pytest.raises(ConfigError) as info:
            check_config_files(files)
        message = str(info.value)
        assert "put targets before it" in message
        assert message.endswith(f"snakemake {' '.join(targets)} --configfile mine.yaml")
        assert info.value.value == targets[0]


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
