"""The run's hub directory from synthetic trajectories: it passes its own round, and its
numbers are the weekly (MMWR) sums of the draws by age group."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from seirflow.config import HUB_AGE_GROUPS, HUB_TARGETS
from seirflow.hub import HubValidationError, validate_hub
from seirflow.hub.schemas import load_schema, schema_problems
from seirflow.hub.submission import hub_files
from seirflow.steps.hub import write_hub_submission
from seirflow.steps.summarise_national import summarise_national
from seirflow.steps.summarise_region import summarise_region
from tests.unit.test_postprocess_steps import (
    DATES,
    FIPS,
    POST,
    REGIONS,
    SCENARIOS,
    make_projections,
    national_draws,
    summaries,
    trajectory_path,
)

ORIGIN = dt.date(2020, 7, 19)  # first Sunday on or after the projection start, 16 July
IDS = {"baseline": "A-2020-07-19", "schools_closed": "B-2020-07-19"}
HUB = {"samples": {"min": 30}, "scenarios": IDS}  # the synthetic files have 30 draws
LOCATIONS = [FIPS[r] for r in REGIONS] + ["US"]


def run(root: Path, hub: dict) -> dict[str, str]:
    for code in REGIONS:
        summarise_region(
            trajectories=[str(trajectory_path(root, s, code)) for s in SCENARIOS],
            region=code,
            scenarios=list(SCENARIOS),
            dates=DATES,
            postprocessing=POST,
            hub=hub,
            **summaries(root, code),
        )
    for scenario in SCENARIOS:
        summarise_national(
            trajectories=[str(trajectory_path(root, scenario, c)) for c in REGIONS],
            scenario=scenario,
            dates=DATES,
            postprocessing=POST,
            hub=hub,
            **summaries(root, scenario),
        )
    team, model = hub.get("team_abbr", "seirflow"), hub.get("model_abbr", "SEIR")
    outputs = {
        k: str(root / "results/hub" / v) for k, v in hub_files(team, model, "2020-07-19").items()
    }
    write_hub_submission(
        rows=[summaries(root, n)["hub_rows"] for n in (*REGIONS, *SCENARIOS)],
        hub=hub,
        dates=DATES,
        postprocessing=POST,
        scenarios=list(SCENARIOS),
        locations=LOCATIONS,
        **outputs,
    )
    return outputs


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    make_projections(root)
    return root, run(root, HUB)


def test_the_hub_directory_passes_its_own_round(written):
    root, outputs = written
    assert outputs["model_output"].endswith(
        "results/hub/model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet"
    )
    report = validate_hub(root / "results/hub")
    assert report.ok and report.warnings == [], report.problems
    tasks = json.loads(Path(outputs["tasks"]).read_text())
    assert schema_problems(tasks, load_schema("tasks-schema.json")) == []
    ids = tasks["rounds"][0]["model_tasks"][0]["task_ids"]
    assert ids["origin_date"]["required"] == ["2020-07-19"]
    assert ids["horizon"]["required"] == [1, 2, 3]  # whole epiweeks 19 Jul - 8 Aug
    assert ids["scenario_id"]["required"] == list(IDS.values())
    assert ids["location"]["required"] == LOCATIONS
    admin = json.loads(Path(outputs["admin"]).read_text())
    assert schema_problems(admin, load_schema("admin-schema.json")) == []
    meta = yaml.safe_load(Path(outputs["model_metadata"]).read_text())
    assert (meta["team_abbr"], meta["model_abbr"]) == ("seirflow", "SEIR")
    schema = load_schema("model-metadata-schema.json")
    assert schema_problems(meta, schema) == []


def test_rows_are_weekly_sums_of_the_draws_by_age(written):
    root, outputs = written
    hub = pd.read_parquet(outputs["model_output"])
    assert set(hub["target"]) == set(HUB_TARGETS) and set(hub["age_group"]) == set(HUB_AGE_GROUPS)
    assert (hub["origin_date"] == ORIGIN).all()
    samples = hub[hub["output_type"] == "sample"]
    per_location = samples.groupby("location")["run_grouping"].nunique()
    assert (per_location == 30).all()
    assert samples.loc[samples["location"] == "36", "run_grouping"].between(36001, 36030).all()
    us = samples[(samples["location"] == "US") & (samples["scenario_id"] == "A-2020-07-19")]

    def series(target, age):
        rows = us[(us["target"] == target) & (us["age_group"] == age)]
        return rows.pivot(index="run_grouping", columns="horizon", values="value").to_numpy()

    admissions = national_draws(root, "baseline", "hospital_admissions")  # from 16 July
    weeks = admissions[:, 3:24].reshape(30, 3, 7).sum(axis=2)  # Sunday 19 July on
    np.testing.assert_allclose(series("inc hosp", "0-130"), np.round(weeks, 1))
    np.testing.assert_allclose(series("cum hosp", "0-130"), np.round(weeks.cumsum(1), 1))
    parts = series("inc hosp", "65-130") + series("inc hosp", "0-64")
    np.testing.assert_allclose(parts, series("inc hosp", "0-130"), atol=0.1 + 1e-9)
    quantiles = hub[(hub["output_type"] == "quantile") & (hub["location"] == "US")]
    median = quantiles[
        (quantiles["scenario_id"] == "A-2020-07-19")
        & (quantiles["target"] == "inc hosp")
        & (quantiles["age_group"] == "0-130")
        & (quantiles["horizon"] == 2)
        & (quantiles["output_type_id"] == 0.5)
    ]
    assert median["value"].item() == pytest.approx(np.median(weeks[:, 1]), abs=0.05)


def test_too_few_samples_for_the_round_write_nothing(tmp_path):
    make_projections(tmp_path)
    with pytest.raises(HubValidationError, match="30 samples for compound task set") as err:
        run(tmp_path, {"scenarios": IDS})  # default round: 100 to 300 samples
    assert str(tmp_path / "results/hub/model-output") in str(err.value)
    assert not (tmp_path / "results/hub").exists()


def test_only_mapped_scenarios_are_submitted_and_extra_draws_thinned(tmp_path):
    make_projections(tmp_path)
    hub = {"samples": {"min": 10, "max": 10}, "scenarios": {"schools_closed": "B-2020-07-19"}}
    outputs = run(tmp_path, hub)
    table = pd.read_parquet(outputs["model_output"])
    assert set(table["scenario_id"]) == {"B-2020-07-19"}
    samples = table[table["output_type"] == "sample"]
    assert (samples.groupby("location")["run_grouping"].nunique() == 10).all()
    assert validate_hub(tmp_path / "results/hub").ok
