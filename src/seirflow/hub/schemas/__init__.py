"""JSON schemas shipped with seirflow (see SOURCES.md), and checking a document against one.

Hub configuration files name their schema in ``schema_version`` (a URL ending in
``<version>/tasks-schema.json``); seirflow ships the hubverse v5.0.0 schemas, so a file
written for another version is checked against v5.0.0 with a warning.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

__all__ = ["SHIPPED_VERSION", "load_schema", "schema_problems", "schema_version"]

SHIPPED_VERSION = "v5.0.0"
"""hubverse schema version of ``tasks-schema.json`` and ``admin-schema.json`` here."""

_VERSION = re.compile(r"/(v\d+\.\d+\.\d+)/[a-z-]+\.json$")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema by file name (``tasks-schema.json``, ``admin-schema.json``,
    ``model-metadata-schema.json``)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def schema_version(document: Any) -> str | None:
    """The hubverse version a config file declares in ``schema_version``, or None.

    >>> schema_version({"schema_version": "https://raw.githubusercontent.com/hubverse-org/"
    ...                 "schemas/main/v5.0.0/tasks-schema.json"})
    'v5.0.0'
    """
    url = document.get("schema_version") if isinstance(document, dict) else None
    match = _VERSION.search(url) if isinstance(url, str) else None
    return match.group(1) if match else None


def schema_problems(document: Any, schema: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Where `document` breaks `schema`: (JSON path, offending value, reason), in path order.

    Formats (``email``, ``uri``, ...) are checked where jsonschema can check them.
    """
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [(e.json_path, e.instance, _reason(e)) for e in errors]


def _reason(error: jsonschema.ValidationError) -> str:
    """jsonschema's message, without repeating a long offending value."""
    message = " ".join(error.message.split())
    return message if len(message) <= 200 else message[:197] + "..."
