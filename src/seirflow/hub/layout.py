"""Where a hubverse hub keeps its files, and what a model-output file is called.

A hub directory (a hub's repository, or ``results/hub/`` of a run)::

    hub-config/tasks.json                    rounds, task ids, output types, targets
    hub-config/admin.json                    file formats, model-output directory
    hub-config/model-metadata-schema.json    JSON schema of a model's metadata
    hub-config/validation.json               optional (Scenario Modeling Hub): rounding,
                                             sample id columns, per round id
    model-output/<team>-<model>/<round_id>-<team>-<model>.parquet
    model-metadata/<team>-<model>.yaml

These templates are the one place the layout is written down.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "TASKS_JSON",
    "ADMIN_JSON",
    "METADATA_SCHEMA_JSON",
    "VALIDATION_JSON",
    "MODEL_OUTPUT_DIR",
    "MODEL_OUTPUT_FILE",
    "MODEL_METADATA_FILE",
    "ABBR_PATTERN",
    "SUFFIXES",
    "OutputName",
    "model_id",
    "model_output_path",
    "model_metadata_path",
    "parse_output_name",
]

TASKS_JSON = "hub-config/tasks.json"
ADMIN_JSON = "hub-config/admin.json"
METADATA_SCHEMA_JSON = "hub-config/model-metadata-schema.json"
VALIDATION_JSON = "hub-config/validation.json"
MODEL_OUTPUT_DIR = "model-output"
"""Default model-output directory (admin.json ``model_output_dir`` may name another)."""
MODEL_OUTPUT_FILE = "{output_dir}/{team}-{model}/{round_id}-{team}-{model}.parquet"
MODEL_METADATA_FILE = "model-metadata/{team}-{model}.yaml"

ABBR_PATTERN = r"[A-Za-z0-9_+]+"
"""Team and model abbreviations: no hyphen (it separates them), no space."""

# File format (admin.json ``file_format``) -> accepted suffixes.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "parquet": (".gz.parquet", ".parquet"),
    "csv": (".csv",),
    "arrow": (".arrow",),
}

_NAME = re.compile(
    rf"^(?P<round_id>.+)-(?P<team>{ABBR_PATTERN})-(?P<model>{ABBR_PATTERN})"
    rf"(?P<suffix>{'|'.join(re.escape(s) for v in SUFFIXES.values() for s in v)})$"
)


class OutputName(NamedTuple):
    """The parts of a model-output file name."""

    round_id: str
    team: str
    model: str
    file_format: str


def model_id(team: str, model: str) -> str:
    """``<team>-<model>``, the name of a model's directory and metadata file."""
    return f"{team}-{model}"


def model_output_path(
    team: str, model: str, round_id: str, output_dir: str = MODEL_OUTPUT_DIR
) -> str:
    """Path of a round's model-output file inside a hub directory.

    >>> model_output_path("seirflow", "SEIR", "2020-07-19")
    'model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet'
    """
    return MODEL_OUTPUT_FILE.format(
        output_dir=output_dir, team=team, model=model, round_id=round_id
    )


def model_metadata_path(team: str, model: str) -> str:
    """Path of a model's metadata file inside a hub directory."""
    return MODEL_METADATA_FILE.format(team=team, model=model)


def parse_output_name(path: str | Path) -> OutputName | None:
    """The round id, team, model and format in a model-output file name, or None.

    The round id may itself contain hyphens (a date); team and model may not.

    >>> parse_output_name("model-output/JHU_UNC-flepiMoP/2025-04-27-JHU_UNC-flepiMoP.parquet")
    OutputName(round_id='2025-04-27', team='JHU_UNC', model='flepiMoP', file_format='parquet')
    >>> parse_output_name("model-output.parquet") is None
    True
    """
    match = _NAME.match(Path(path).name)
    if match is None:
        return None
    suffix = match["suffix"]
    file_format = next(f for f, suffixes in SUFFIXES.items() if suffix in suffixes)
    return OutputName(match["round_id"], match["team"], match["model"], file_format)
