"""Validate a hub directory, or model-output files against any hubverse hub's configuration.

`validate_hub` checks, recording every problem with the file, column (or JSON path /
field) and value:

Hub configuration
  1. ``hub-config/tasks.json`` exists, is JSON and passes the hubverse ``tasks-schema``
     (the shipped v5.0.0; another declared version is a warning);
  2. ``hub-config/admin.json`` likewise against ``admin-schema``;
  3. ``hub-config/validation.json`` (optional, Scenario Modeling Hub) is JSON.
Model-output file name and layout
  4. the name is ``<round_id>-<team>-<model>.<ext>``, team and model without hyphens;
  5. it lies in ``<model_output_dir>/<team>-<model>/`` of admin.json;
  6. its format is one of admin.json's ``file_format``;
  7. its round id is a round of tasks.json.
Columns and types
  8. exactly the round's task-id columns, ``output_type``, ``output_type_id``, ``value``
     and the sample id columns of validation.json (``merge_sample_col``), none missing,
     none extra;
  9. parquet types: integer task ids as integers, date task ids as dates or text (not
     datetimes), text task ids and ``output_type`` as text, ``value`` numeric, sample id
     columns integers.
Rows (`seirflow.hub.output_checks`)
 10. no missing task-id or output_type value;
 11. the round-id column holds the file name's round id;
 12. every output_type is one of the round's;
 13. every task-id value is valid for its output type (in some model task's required or
     optional values), and each row's combination belongs to one model task;
 14. output_type_id: one of the required/optional ids (quantile levels ...), NA where the
     type takes none (mean, median);
 15. sample ids present and integers when the round says so;
 16. value: present, finite, within the output type's minimum/maximum, integer if the
     type says so, rounded to validation.json's ``n_decimal``;
 17. samples per compound task set between ``min_samples_per_task`` and
     ``max_samples_per_task``; each sample id in one compound task set; each sample
     covering every task of its set (paired across the other task ids);
 18. every required task (the required values of each task id, for every combination
     of optional values submitted) has every required output type, and every task of an
     output type with required ids has all of them;
 19. no duplicate rows (same task, output type, id and sample id).
Model metadata
 20. each model of the files has ``model-metadata/<team>-<model>.yaml`` (or ``.yml``),
     valid YAML, valid against ``hub-config/model-metadata-schema.json``, with
     ``team_abbr`` and ``model_abbr`` matching the file name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from seirflow.hub import layout
from seirflow.hub.output_checks import FIXED_COLUMNS, check_table
from seirflow.hub.problems import HubReport, show
from seirflow.hub.schemas import SHIPPED_VERSION, load_schema, schema_problems, schema_version
from seirflow.hub.tasks import Round, read_rounds

__all__ = ["validate_hub", "model_output_files", "check_metadata"]


def validate_hub(
    hub: str | os.PathLike, files: Sequence[str | os.PathLike] | None = None
) -> HubReport:
    """Check a hub's configuration, model-output files and their models' metadata.

    Args:
        hub: The hub directory (holding ``hub-config/``).
        files: Model-output files to check (paths as given, or relative to `hub`);
            default: every file under the hub's model-output directory.

    Returns:
        The report (``.ok``, ``.problems``, ``.warnings``, ``.checked``); nothing raised
        for a broken rule: call ``report.raise_for_problems()`` to stop on one.
    """
    hub = Path(hub)
    report = HubReport(hub)
    tasks = _config(hub, layout.TASKS_JSON, "tasks-schema.json", report)
    admin = _config(hub, layout.ADMIN_JSON, "admin-schema.json", report) or {}
    settings = _read_json(hub / layout.VALIDATION_JSON, report, optional=True) or {}
    if tasks is None:
        return report
    try:
        rounds = read_rounds(tasks)
    except (AttributeError, TypeError, ValueError) as exc:
        report.add(hub / layout.TASKS_JSON, "rounds", None, f"cannot read the rounds: {exc}")
        return report
    output_dir = str(admin.get("model_output_dir", layout.MODEL_OUTPUT_DIR))
    formats = list(admin.get("file_format", layout.SUFFIXES))
    paths = [_locate(hub, f) for f in files] if files else model_output_files(hub, output_dir)
    if not paths:
        report.add(hub / output_dir, None, None, "no model-output files to check")
    models = {}
    for path in paths:
        name = _check_name(path, hub, output_dir, formats, rounds, report)
        if name is None:
            continue
        models[layout.model_id(name.team, name.model)] = (name.team, name.model)
        round_ = next(r for r in rounds if name.round_id in r.round_ids)
        rules = settings.get(name.round_id, {}) if isinstance(settings, dict) else {}
        _check_file(path, name, round_, rules, report)
        report.checked.append(str(path))
    for team, model in models.values():
        check_metadata(hub, team, model, report)
    return report


def model_output_files(hub: Path, output_dir: str = layout.MODEL_OUTPUT_DIR) -> list[Path]:
    """Every file in the hub's model-output directories (``<output_dir>/<model>/*``)."""
    root = hub / output_dir
    return sorted(
        p
        for p in root.glob("*/*")
        if p.is_file() and not p.name.startswith(".") and p.name != "README.md"
    )


def check_metadata(hub: Path, team: str, model: str, report: HubReport) -> None:
    """Check one model's metadata file against the hub's model-metadata schema."""
    base = hub / layout.model_metadata_path(team, model)
    path = next((p for p in (base, base.with_suffix(".yml")) if p.is_file()), base)
    if not path.is_file():
        report.add(path, None, None, f"metadata of model {layout.model_id(team, model)} is missing")
        return
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        report.add(path, None, None, f"not valid YAML: {' '.join(str(exc).split())}")
        return
    schema = _read_json(hub / layout.METADATA_SCHEMA_JSON, report, optional=True)
    if schema is None:
        report.warnings.append(f"{hub / layout.METADATA_SCHEMA_JSON} is missing: {path} unchecked")
    else:
        for where, value, reason in schema_problems(document, schema):
            report.add(path, where, value, f"{where}: {reason}")
    if isinstance(document, dict):
        for key, expected in (("team_abbr", team), ("model_abbr", model)):
            if key in document and document[key] != expected:
                report.add(
                    path,
                    key,
                    document[key],
                    f"{key} = {document[key]!r} but the file name says {expected!r}",
                )


def _config(hub: Path, relative: str, schema_name: str, report: HubReport) -> Any:
    path = hub / relative
    document = _read_json(path, report)
    if document is None:
        return None
    version = schema_version(document)
    if version != SHIPPED_VERSION:
        report.warnings.append(
            f"{path}: schema_version {document.get('schema_version')!r}: checked against the "
            f"hubverse {SHIPPED_VERSION} schema seirflow ships"
        )
    for where, value, reason in schema_problems(document, load_schema(schema_name)):
        report.add(path, where, value, f"{where}: {reason} (hubverse {schema_name})")
    return document


def _read_json(path: Path, report: HubReport, *, optional: bool = False) -> Any:
    if not path.is_file():
        if not optional:
            report.add(path, None, None, "missing")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.add(path, None, None, f"not valid JSON: {exc}")
        return None


def _locate(hub: Path, file: str | os.PathLike) -> Path:
    path = Path(file)
    return path if path.exists() or path.is_absolute() else hub / path


def _check_name(path, hub, output_dir, formats, rounds: list[Round], report):
    name = layout.parse_output_name(path)
    if name is None:
        report.add(
            path,
            "file name",
            path.name,
            f"file name {path.name!r} is not <round_id>-<team>-<model>.<format> (team and "
            f"model: letters, digits, _ or +; formats: {', '.join(formats)})",
        )
        return None
    folder = layout.model_id(name.team, name.model)
    if path.parent.name != folder:
        report.add(
            path,
            "directory",
            path.parent.name,
            f"lies in {path.parent.name!r}, but its name says model {folder!r}: move it to "
            f"{output_dir}/{folder}/",
        )
    try:
        inside = path.resolve().parent.parent == (hub / output_dir).resolve()
    except OSError:
        inside = False
    if not inside:
        report.add(path, "directory", str(path.parent), f"is not in {hub / output_dir}/<model>/")
    if name.file_format not in formats:
        report.add(
            path,
            "file format",
            name.file_format,
            f"format {name.file_format!r} is not accepted by the hub (admin.json file_format: "
            f"{show(formats)})",
        )
    if not any(name.round_id in r.round_ids for r in rounds):
        known = [i for r in rounds for i in r.round_ids]
        report.add(
            path,
            "round_id",
            name.round_id,
            f"round id {name.round_id!r} of the file name is not a round of tasks.json "
            f"(rounds: {show(known)})",
        )
        return None
    return name


def _check_file(path: Path, name, round_: Round, rules: dict, report: HubReport) -> None:
    sample_columns = [str(c) for c in rules.get("merge_sample_col") or []]
    expected = [*round_.task_ids, *FIXED_COLUMNS, *sample_columns]
    try:
        if name.file_format == "parquet":
            schema = pq.read_schema(path)
            text = [f.name for f in schema if _is_text(f.type)]
            df = pq.read_table(path, read_dictionary=text).to_pandas()
        elif name.file_format == "csv":
            schema = None
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["NA", ""])
        else:
            schema = None
            df = pa.ipc.open_file(path).read_all().to_pandas()
    except (OSError, ValueError, pa.ArrowException) as exc:
        report.add(path, None, None, f"cannot read as {name.file_format}: {exc}")
        return
    missing = [c for c in expected if c not in df.columns]
    extra = [c for c in df.columns if c not in expected]
    if missing:
        report.add(path, missing[0], None, f"missing column(s) {show(missing)}")
    if extra:
        report.add(path, extra[0], None, f"column(s) {show(extra)} are not hub columns "
                   f"(expected exactly {show(expected, limit=20)})")  # fmt: skip
    if missing:
        return
    if schema is not None:
        _check_types(path, schema, round_, sample_columns, report)
    if df.empty:
        report.add(path, None, None, "the file has no rows")
        return
    n_decimal = rules.get("n_decimal")
    check_table(
        df,
        file=str(path),
        round_=round_,
        round_id=name.round_id,
        report=report,
        sample_columns=sample_columns,
        n_decimal=None if n_decimal is None else int(n_decimal),
    )


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _check_types(path, schema: pa.Schema, round_: Round, sample_columns, report) -> None:
    def text(t):
        return _is_text(t) or (pa.types.is_dictionary(t) and _is_text(t.value_type))

    def integer(t):
        return pa.types.is_integer(t)

    def numeric(t):
        return pa.types.is_integer(t) or pa.types.is_floating(t)

    rules = {"output_type": (text, "text"), "value": (numeric, "numeric")}
    for column, kind in round_.kinds.items():
        if kind == "integer":
            rules[column] = (integer, "integer")
        elif kind == "date":
            rules[column] = (lambda t: pa.types.is_date(t) or text(t), "date or text")
        else:
            rules[column] = (text, "text")
    for column in sample_columns:
        rules[column] = (integer, "integer")
    rules["output_type_id"] = (lambda t: text(t) or numeric(t) or pa.types.is_null(t), "any")
    for column, (ok, wanted) in rules.items():
        if column in schema.names and not ok(schema.field(column).type):
            found = str(schema.field(column).type)
            report.add(
                path, column, found, f"column {column!r} has type {found}, expected {wanted}"
            )
