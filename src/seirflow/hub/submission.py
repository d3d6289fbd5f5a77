"""Write the run's hub directory: model output, model metadata and the round's hub-config.

The directory is written to a staging directory beside it, validated there as a whole
(`seirflow.hub.validate_hub`: the model output against the round's own ``tasks.json``,
the metadata against the model-metadata schema, the configs against the hubverse
schemas), and only then moved into place file by file; an invalid directory is never
written.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from pydantic import ValidationError

from seirflow.atomic import atomic_output
from seirflow.config import Hub
from seirflow.errors import ConfigError
from seirflow.hub import layout
from seirflow.hub.problems import HubProblem, HubValidationError
from seirflow.hub.round import HubRound, admin_json, hub_round, tasks_json, validation_json
from seirflow.hub.rows import OUTPUT_SCHEMA, to_arrow
from seirflow.hub.schemas import load_schema
from seirflow.hub.validate import validate_hub
from seirflow.postprocess.settings import read_settings

__all__ = ["round_of", "hub_files", "write_rows", "metadata_document", "write_hub_submission"]

log = logging.getLogger(__name__)


def round_of(
    hub: Mapping[str, Any],
    dates: Mapping[str, Any],
    postprocessing: Mapping[str, Any],
    scenarios: Sequence[str],
    locations: Sequence[str] = (),
) -> HubRound:
    """The round from the plain config sections a rule passes.

    Raises:
        ConfigError: naming the field of the first problem.
    """
    settings = read_settings(dict(dates), dict(postprocessing))
    try:
        section = Hub.model_validate(hub)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(["hub", *(str(x) for x in err["loc"])])
        raise ConfigError(
            f"params: {field} = {err.get('input')!r}: {err['msg']}",
            field=field,
            value=err.get("input"),
        ) from None
    return hub_round(
        section, settings.dates, scenarios, locations, settings.postprocessing.quantiles
    )


def hub_files(team: str, model: str, round_id: str) -> dict[str, str]:
    """Paths inside the hub directory of each file the run writes, by output name."""
    return {
        "model_output": layout.model_output_path(team, model, round_id),
        "model_metadata": layout.model_metadata_path(team, model),
        "tasks": layout.TASKS_JSON,
        "admin": layout.ADMIN_JSON,
        "validation": layout.VALIDATION_JSON,
        "metadata_schema": layout.METADATA_SCHEMA_JSON,
    }


def write_rows(frames: Sequence[pd.DataFrame], path: str | os.PathLike) -> int:
    """Write model-output rows (`seirflow.hub.rows`) as parquet, atomically; rows written."""
    table = (
        to_arrow(pd.concat(frames, ignore_index=True)) if frames else OUTPUT_SCHEMA.empty_table()
    )
    with atomic_output(path) as tmp:
        pq.write_table(table, tmp)
    return table.num_rows


def metadata_document(r: HubRound) -> dict[str, Any]:
    """The model-metadata YAML content: the configured fields, abbreviations first."""
    meta = r.hub.metadata.model_dump(mode="json", exclude_none=True)
    meta["model_contributors"] = [
        {k: v for k, v in c.items() if v is not None} for c in meta["model_contributors"]
    ]
    head = {
        "team_name": meta.pop("team_name"),
        "team_abbr": r.hub.team_abbr,
        "model_name": meta.pop("model_name"),
        "model_abbr": r.hub.model_abbr,
    }
    return {**head, **meta}


def write_hub_submission(
    *,
    rows: Sequence[str] | str,
    model_output: str,
    model_metadata: str,
    tasks: str,
    admin: str,
    validation: str,
    metadata_schema: str,
    hub: dict[str, Any],
    dates: dict[str, Any],
    postprocessing: dict[str, Any],
    scenarios: list[str],
    locations: list[str],
) -> None:
    """Combine the model-output rows and write the hub directory, validated.

    Args:
        rows: Model-output row parquets (per region, then national per scenario).
        model_output, model_metadata, tasks, admin, validation, metadata_schema: The
            files to write; their places in the hub directory must be `hub_files`'.
        hub, dates, postprocessing: Config sections.
        scenarios: Config scenario names, in order; locations: FIPS codes and ``US``.

    Raises:
        HubValidationError: if the directory breaks its own round (nothing is written).
        ConfigError: if a section is invalid or the output paths are not the hub layout.
    """
    r = round_of(hub, dates, postprocessing, scenarios, locations)
    outputs = {
        "model_output": model_output,
        "model_metadata": model_metadata,
        "tasks": tasks,
        "admin": admin,
        "validation": validation,
        "metadata_schema": metadata_schema,
    }
    root = _hub_root(outputs, hub_files(r.hub.team_abbr, r.hub.model_abbr, r.round_id))
    paths = [rows] if isinstance(rows, str) else list(rows)
    table = pa.concat_tables([pq.read_table(p, schema=OUTPUT_SCHEMA) for p in paths])
    stage = Path(tempfile.mkdtemp(prefix=".hub-staging-", dir=root.parent))
    try:
        staged = {k: stage / Path(v).relative_to(root) for k, v in outputs.items()}
        for path in staged.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, staged["model_output"])
        _write_json(staged["tasks"], tasks_json(r))
        _write_json(staged["admin"], admin_json(r))
        _write_json(staged["validation"], validation_json(r))
        _write_json(staged["metadata_schema"], load_schema("model-metadata-schema.json"))
        staged["model_metadata"].write_text(
            yaml.safe_dump(metadata_document(r), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        report = validate_hub(stage)
        if not report.ok:
            raise HubValidationError([_rerooted(p, stage, root) for p in report.problems])
        for key, path in staged.items():
            final = Path(outputs[key])
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log.info(
        "hub directory %s: %d rows (%d scenarios, %d locations, round %s) in %s, valid",
        root,
        table.num_rows,
        len(r.scenario_ids),
        len(r.locations),
        r.round_id,
        model_output,
    )


def _hub_root(outputs: Mapping[str, str], relative: Mapping[str, str]) -> Path:
    """The hub directory the outputs share, checked against the layout."""
    root = Path(outputs["tasks"]).parent.parent
    for key, path in outputs.items():
        if Path(path) != root / relative[key]:
            raise ConfigError(
                f"output {key} = {path}: the hub layout puts it at {root / relative[key]}",
                field=key,
                value=path,
            )
    return root


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _rerooted(problem: HubProblem, stage: Path, root: Path) -> HubProblem:
    """A problem found in the staging directory, named at its final place."""
    return problem._replace(
        file=problem.file.replace(str(stage), str(root)),
        message=problem.message.replace(str(stage), str(root)),
    )
