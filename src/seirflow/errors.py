"""Exceptions for bad user input: each names the file, the field and the value."""

from __future__ import annotations

__all__ = ["SeirflowInputError", "ConfigError", "DataError"]


class SeirflowInputError(ValueError):
    """Bad user input (config or data).

    The message says where (file), what (field or column) and which value is wrong,
    so a user can fix it without reading code.

    Args:
        message: Full human-readable message.
        file: Path of the offending file, if any.
        field: Dotted field path or column name.
        value: The offending value.
    """

    def __init__(self, message: str, *, file=None, field=None, value=None):
        super().__init__(message)
        self.file = None if file is None else str(file)
        self.field = field
        self.value = value


class ConfigError(SeirflowInputError):
    """The workflow configuration is invalid."""


class DataError(SeirflowInputError):
    """An input data file is missing, malformed or inconsistent."""
