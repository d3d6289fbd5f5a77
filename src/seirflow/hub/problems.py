"""What the hub checks report: one `HubProblem` per broken rule, and the error they raise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from seirflow.errors import DataError

__all__ = ["HubProblem", "HubReport", "HubValidationError", "show"]

_SHOWN = 10  # problems listed in an error message; the report keeps them all


class HubProblem(NamedTuple):
    """A broken rule: the file, the column (or JSON path / field), the value, and why."""

    file: str
    column: str | None
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


class HubValidationError(DataError):
    """A hub directory or model-output file breaks its hub's rules; ``problems`` lists all."""

    def __init__(self, problems: Sequence[HubProblem]):
        problems = list(problems)
        first = problems[0]
        lines = [str(p) for p in problems[:_SHOWN]]
        if len(problems) > _SHOWN:
            lines.append(f"... and {len(problems) - _SHOWN} more")
        super().__init__(
            f"{len(problems)} hub problem(s):\n  " + "\n  ".join(lines),
            file=first.file,
            field=first.column,
            value=first.value,
        )
        self.problems = problems


@dataclass
class HubReport:
    """The outcome of checking a hub directory."""

    hub: Path
    problems: list[HubProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found (warnings do not count)."""
        return not self.problems

    def add(self, file: str, column: str | None, value: Any, message: str) -> None:
        """Record a problem."""
        self.problems.append(HubProblem(str(file), column, value, message))

    def raise_for_problems(self) -> None:
        """Raise `HubValidationError` if a problem was found."""
        if self.problems:
            raise HubValidationError(self.problems)


def show(values: Sequence[Any], limit: int = 6) -> str:
    """A short list for messages: the first `limit` values, then how many more.

    >>> show(["a", "b", "c"], limit=2)
    "'a', 'b' (+1 more)"
    """
    values = list(values)
    text = ", ".join(repr(v) for v in values[:limit])
    return text + (f" (+{len(values) - limit} more)" if len(values) > limit else "")
