"""The hub validator against a real Scenario Modeling Hub round (tests/fixtures/hub):
it accepts synthetic output of the right shape and names what is wrong in broken ones."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from seirflow.cli import main
from seirflow.hub import HubValidationError, validate_hub
from seirflow.hub.schemas import load_schema, schema_problems
from tests.unit.hub_fixtures import (
    MODEL,
    ROUND,
    SCHEMA,
    SMH,
    TEAM,
    smh_hub,
    smh_table,
    write_output,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return smh_table()


def problems_of(report) -> str:
    return "\n".join(f"{p.column} | {p.value} | {p}" for p in report.problems)


def test_accepts_output_built_for_the_round(tmp_path, table):
    hub = smh_hub(tmp_path)
    path = write_output(hub, table)
    report = validate_hub(hub)
    assert report.ok, problems_of(report)
    assert report.checked == [str(path)]
    assert report.warnings == []


def test_real_round_config_passes_the_hubverse_schema():
    tasks = json.loads((SMH / "hub-config" / "tasks.json").read_text())
    assert schema_problems(tasks, load_schema("tasks-schema.json")) == []
    broken = json.loads(json.dumps(tasks))
    del broken["rounds"][0]["model_tasks"][0]["output_type"]
    (where, _, reason), *_ = schema_problems(broken, load_schema("tasks-schema.json"))
    assert where == "$.rounds[0].model_tasks[0]" and "output_type" in reason


def _drop_task(t):
    gone = (t["location"] == "36") & (t["target"] == "inc hosp") & (t["horizon"] == 52)
    return t[~gone]


def _rename(column, old, new):
    def change(t):
        t = t.copy()
        t[column] = t[column].replace(old, new)
        return t

    return change


def _set_first(column, value, output_type="sample"):
    def change(t):
        t = t.copy()
        if pd.api.types.is_integer_dtype(t[column]) and not isinstance(value, int):
            t[column] = t[column].astype("float64")
        t.loc[t.index[t["output_type"] == output_type][0], column] = value
        return t

    return change


def _extra_target(t):
    extra = t[(t["target"] == "inc death") & (t["location"] == "US")].assign(target="inc case")
    return pd.concat([t, extra], ignore_index=True)


def _drop_level(t):
    gone = (t["output_type"] == "quantile") & (t["output_type_id"] == 0.5) & (t["horizon"] == 3)
    return t[~gone]


def _share_ids(t):
    t = t.copy()
    t.loc[t["location"] == "36", "run_grouping"] -= 1000
    return t


def _drop_one_sample_row(t):
    return t.drop(t.index[t["output_type"] == "sample"][5])


def _drop_sample(number):
    def change(t):
        return t[~((t["location"] == "US") & (t["run_grouping"] == number))]

    return change


# name: (change of the table, expected column of a problem, text in its message)
BROKEN_TABLES = {
    "missing required task": (_drop_task, None, "required task(s)"),
    "wrong scenario id": (_rename("scenario_id", "E-2025-04-01", "F-2025-04-01"), "scenario_id",
                          "'F-2025-04-01'"),
    "99 samples": (_drop_sample(100), "output_type_id", "99 samples for compound task set"),
    "non-integer sample id": (_set_first("stochastic_run", 1.5), "stochastic_run",
                              "not integers"),
    "negative value": (_set_first("value", -1.0), "value", "below the minimum 0"),
    "extra target": (_extra_target, "target", "'inc case'"),
    "duplicated row": (lambda t: pd.concat([t, t.iloc[[7]]], ignore_index=True), None,
                       "1 duplicate row(s)"),
    "unknown location": (_rename("location", "36", "99"), "location", "'99'"),
    "value not rounded": (_set_first("value", 12.34), "value", "not rounded to 1 decimal"),
    "quantile level missing": (_drop_level, "output_type_id", "lack some of the 23 required"),
    "mean with an id": (_set_first("output_type_id", 0.5, "mean"), "output_type_id",
                        "takes NA"),
    "unknown output type": (_rename("output_type", "mean", "median"), "output_type",
                            "'median'"),
    "sample id in two locations": (_share_ids, "output_type_id", "span several compound"),
    "sample not paired across tasks": (_drop_one_sample_row, "output_type_id",
                                       "cover fewer tasks"),
    "missing value": (_set_first("value", np.nan), "value", "missing or not a number"),
    "extra column": (lambda t: t.assign(model="x"), "model", "not hub columns"),
    "missing column": (lambda t: t.drop(columns="age_group"), "age_group", "missing column"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BROKEN_TABLES))
def test_rejects_broken_output(tmp_path, table, name):
    change, column, text = BROKEN_TABLES[name]
    hub = smh_hub(tmp_path)
    write_output(hub, change(table))
    report = validate_hub(hub)
    hits = [p for p in report.problems if text in p.message]
    assert hits, f"{name}: expected {text!r} among\n{problems_of(report)}"
    assert hits[0].column == column, problems_of(report)
    assert hits[0].file.endswith(f"{ROUND}-{TEAM}-{MODEL}.parquet")


def test_rejects_an_origin_that_is_not_a_sunday(tmp_path, table):
    hub = smh_hub(tmp_path)
    monday = "2025-04-28"
    write_output(
        hub,
        table.assign(origin_date=pd.Timestamp(monday).date()),
        name=f"{monday}-{TEAM}-{MODEL}.parquet",
    )
    report = validate_hub(hub)
    assert [(p.column, p.value) for p in report.problems] == [("round_id", monday)]
    assert "'2025-04-27'" in report.problems[0].message


@pytest.mark.parametrize(
    ("name", "folder", "column"),
    [
        (f"{TEAM}-{MODEL}.parquet", None, "file name"),
        (f"{ROUND}-{TEAM}-{MODEL}.parquet", "JHU-flepiMoP", "directory"),
        (f"{ROUND}-{TEAM}-{MODEL}.csv", None, "file format"),
    ],
)
def test_rejects_bad_file_names(tmp_path, table, name, folder, column):
    hub = smh_hub(tmp_path)
    write_output(hub, table.head(10), name=name, folder=folder)
    report = validate_hub(hub)
    assert report.problems[0].column == column, problems_of(report)


def test_rejects_wrong_column_types(tmp_path, table):
    hub = smh_hub(tmp_path)
    schema = SCHEMA.set(SCHEMA.get_field_index("horizon"), pa.field("horizon", pa.string()))
    schema = schema.set(
        schema.get_field_index("origin_date"), pa.field("origin_date", pa.timestamp("s"))
    )
    t = table.assign(horizon=table["horizon"].astype(str), origin_date=pd.Timestamp(ROUND))
    path = hub / "model-output" / f"{TEAM}-{MODEL}" / f"{ROUND}-{TEAM}-{MODEL}.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(t[schema.names], schema=schema, preserve_index=False), path)
    report = validate_hub(hub)
    types = {p.column: p.value for p in report.problems if "has type" in p.message}
    assert types.pop("horizon") == "string", problems_of(report)
    assert types.pop("origin_date").startswith("timestamp"), problems_of(report)
    assert len(report.problems) == 2, problems_of(report)


def test_rejects_metadata_missing_a_required_field(tmp_path, table):
    hub = smh_hub(tmp_path)
    write_output(hub, table.head(10))
    path = hub / "model-metadata" / f"{TEAM}-{MODEL}.yaml"
    document = yaml.safe_load(path.read_text())
    del document["license"]
    document["team_abbr"] = "JHU"
    path.write_text(yaml.safe_dump(document))
    report = validate_hub(hub)
    meta = [p for p in report.problems if p.file == str(path)]
    assert [p.column for p in meta] == ["$", "team_abbr"], problems_of(report)
    assert "'license' is a required property" in meta[0].message


def test_rejects_the_real_metadata_the_hub_schema_rejects(tmp_path, table):
    hub = smh_hub(tmp_path)
    (hub / "model-metadata").joinpath("CFA-Scenarios.yaml").write_bytes(
        (SMH / "model-metadata" / "CFA-Scenarios.yaml").read_bytes()
    )
    write_output(hub, table.head(10), name=f"{ROUND}-CFA-Scenarios.parquet", folder="CFA-Scenarios")
    report = validate_hub(hub)
    licence = [p for p in report.problems if p.column == "$.license"]
    assert licence and licence[0].value == "Apache-2.0 or later", problems_of(report)


def test_rejects_a_hub_without_tasks(tmp_path):
    hub = smh_hub(tmp_path)
    (hub / "hub-config" / "tasks.json").unlink()
    report = validate_hub(hub)
    assert [p.message for p in report.problems] == ["missing"]
    with pytest.raises(HubValidationError, match="tasks.json: missing"):
        report.raise_for_problems()


def test_cli_validates_a_hub_directory_or_one_file(tmp_path, table, capsys):
    hub = smh_hub(tmp_path)
    path = write_output(hub, table)
    assert main(["hub", "validate", str(hub)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["hub", "validate", str(hub), str(path.relative_to(hub))]) == 0
    write_output(hub, table.assign(scenario_id="Z-2025-04-01"))
    assert main(["hub", "validate", str(hub), str(path)]) == 1
    err = capsys.readouterr().err
    assert "column 'scenario_id'" in err and "'Z-2025-04-01'" in err and str(path) in err


def test_plain_hubverse_samples_carry_their_id_in_output_type_id(tmp_path, table):
    # Without the SMH's validation.json, a sample's id is its output_type_id.
    hub = smh_hub(tmp_path)
    (hub / "hub-config" / "validation.json").unlink()
    samples = table["output_type"] == "sample"
    plain = table.assign(output_type_id=table["output_type_id"].astype(object))
    plain.loc[samples, "output_type_id"] = table.loc[samples, "run_grouping"].astype(str)
    plain.loc[~samples, "output_type_id"] = table.loc[~samples, "output_type_id"].map(
        lambda x: None if pd.isna(x) else f"{x:g}"
    )
    plain = plain.drop(columns=["run_grouping", "stochastic_run"])
    path = hub / "model-output" / f"{TEAM}-{MODEL}" / f"{ROUND}-{TEAM}-{MODEL}.parquet"
    path.parent.mkdir(parents=True)
    plain.to_parquet(path, index=False)
    report = validate_hub(hub)
    assert report.ok, problems_of(report)
    plain.loc[plain.index[samples][0], "output_type_id"] = "1.5"
    plain.to_parquet(path, index=False)
    report = validate_hub(hub)
    assert [(p.column, p.value) for p in report.problems][:1] == [("output_type_id", "1.5")]


def test_the_runs_file_checked_against_the_smh_round_names_the_round(tmp_path, table):
    hub = smh_hub(tmp_path)
    ours = write_output(hub, table.head(10), name="2020-07-19-seirflow-SEIR.parquet",
                        folder="seirflow-SEIR")  # fmt: skip
    report = validate_hub(hub, [ours])
    assert [(p.column, p.value) for p in report.problems] == [("round_id", "2020-07-19")]
