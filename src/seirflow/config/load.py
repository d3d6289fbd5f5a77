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

from seirflow.config.checks import Problem, consistency_errors
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
        problems = [_problem(err, config) for err in exc.errors()]
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


def _problem(err: dict[str, Any], config: Any) -> Problem:
    """A pydantic error as a `Problem` at the path the user wrote."""
    path = _user_path(err["loc"], config)
    if err["type"] == "field_problem":  # a model check that belongs to one field
        ctx = err["ctx"]
        inputs = tuple((*path, name) for name in ctx.get("inputs", ()))
        return Problem((*path, ctx["field"]), ctx["value"], ctx["reason"], inputs)
    return Problem(path, err.get("input"), _reason(err))


def _user_path(loc: Sequence[Any], config: Any) -> tuple[str, ...]:
    """`loc` without the union-member tags pydantic inserts (``prior.uniform`` -> ``prior``).

    A tag is a location element that is not a key of the user's mapping but one of its
    values (the discriminator, ``distribution: uniform``), or a string under a list or a
    scalar (``list[...]``, ``literal[...]`` of a plain union).
    """
    path, node = [], config
    for key in loc:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        elif isinstance(node, dict) and key in [v for v in node.values() if isinstance(v, str)]:
            continue
        elif node is not None and not isinstance(node, dict) and isinstance(key, str):
            continue
        else:
            node = None  # past what the user wrote (e.g. a missing key): keep the rest
        path.append(str(key))
    return tuple(path)


def _config_error(problems: Sequence[Problem], documents) -> ConfigError:
    lines = []
    for path, value, reason, inputs in problems:
        file = _source_of(path, documents)
        # A cross-field problem in an earlier file may come from a later one that changed
        # what the check compared it with (e.g. an override's fit_end moves the window
        # of config/config.yaml's interventions): name that file too.
        names = [name for name, _ in documents]
        rank = names.index(file) if file in names else len(names)
        elsewhere: dict[str, list[str]] = {}
        for field in inputs:
            where = _source_of(field, documents)
            if where in names and names.index(where) > rank:
                elsewhere.setdefault(where, []).append(".".join(field))
        if elsewhere:
            said = "; ".join(f"{', '.join(f)} set in {w}" for w, f in elsewhere.items())
            reason = f"{reason} ({said})"
        lines.append(format_error(path, value, reason, file))
    first_path, first_value, *_ = problems[0]
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
