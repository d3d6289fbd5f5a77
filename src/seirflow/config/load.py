"""Validate a merged config dict; on failure, name the file, the field path and the value.

Snakemake merges the workflow's `configfile` with any `--configfile` and `--config`
overrides. A message is only useful if it points at the file that set the bad value,
so `load_config` gets the list of sources in merge order and looks up, for each error,
the last source that defines that field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from seirflow.config.checks import consistency_errors
from seirflow.errors import ConfigError

__all__ = ["load_config", "config_schema", "format_error"]

_COMMAND_LINE = "--config (command line)"


def load_config(config: dict[str, Any], sources: Sequence[str | Path] = ()):
    """Validate `config` against the models and the cross-field checks.

    Args:
        config: The merged config mapping (Snakemake's `config`).
        sources: Config files in merge order (later ones override earlier ones),
            used only to name the file in error messages.

    Returns:
        seirflow.config.Config: The validated, immutable config with defaults applied.

    Raises:
        ConfigError: listing every problem as ``<file>: <field.path> = <value>: <why>``.
    """
    from seirflow.config import Config

    documents = [(str(p), _read_yaml(p)) for p in sources]
    try:
        cfg = Config.model_validate(config)
    except ValidationError as exc:
        problems = [
            (tuple(str(x) for x in err["loc"]), err.get("input"), _reason(err))
            for err in exc.errors()
        ]
        raise _config_error(problems, documents) from None
    problems = consistency_errors(cfg)
    if problems:
        raise _config_error(problems, documents)
    return cfg


def format_error(path: Sequence[str], value: Any, reason: str, file: str) -> str:
    """One line: ``config/config.yaml: calibration.walkers = 3: must be >= ...``."""
    return f"{file}: {'.'.join(path)} = {_show(value)}: {reason}"


def config_schema() -> dict[str, Any]:
    """JSON schema of the config, for editor autocompletion of the YAML."""
    from seirflow.config import Config

    schema = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "seirflow workflow configuration"
    return schema


# ---------------------------------------------------------------------------- helpers
def _reason(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key (typo?)"
    if err["type"] == "missing":
        return "required field is missing"
    return err["msg"].removeprefix("Value error, ")


def _config_error(problems, documents) -> ConfigError:
    lines = []
    for path, value, reason in problems:
        file = _source_of(path, documents)
        lines.append(format_error(path, value, reason, file))
    first_path, first_value, _ = problems[0]
    return ConfigError(
        "invalid configuration:\n  " + "\n  ".join(lines),
        file=_source_of(first_path, documents),
        field=".".join(first_path),
        value=first_value,
    )


def _source_of(path: Sequence[str], documents: list[tuple[str, Any]]) -> str:
    """The last document that sets `path` (or its nearest parent that exists)."""
    for depth in range(len(path), 0, -1):
        for name, doc in reversed(documents):
            if _has_path(doc, path[:depth]):
                return name
    return documents[-1][0] if documents else _COMMAND_LINE


def _has_path(doc: Any, path: Iterable[str]) -> bool:
    node = doc
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False
    return True


def _read_yaml(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}", file=path) from None


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
