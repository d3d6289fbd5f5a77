"""A hub's ``tasks.json`` read into what a model-output file is checked against.

A *round* has one or more *model tasks*. Each model task lists, per task-id column, its
``required`` and ``optional`` values, and the output types it accepts (``sample``,
``quantile``, ``mean``, ...), each with its ``output_type_id`` values (or, for samples,
the id type, the number of samples per compound task set, and the task ids a sample
spans) and the range of ``value``. Values are kept as canonical strings (`canonical`),
so ``1``, ``"1"`` and ``1.0`` or a date and its ISO text compare equal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SampleSpec", "OutputTypeSpec", "ModelTask", "Round", "canonical", "read_rounds"]


def canonical(value: Any) -> str | None:
    """A task-id or output-type-id value as text: numbers without trailing zeros, dates ISO.

    >>> canonical(1), canonical(1.0), canonical("0.010"), canonical(dt.date(2025, 4, 27))
    ('1', '1', '0.01', '2025-04-27')
    >>> canonical(None) is None, canonical(float("nan")) is None
    (True, True)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):  # midnight: the date (its type is reported apart)
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return str(value)
    if number.is_integer():
        return str(int(number))
    return format(round(number, 10), ".10g")


def _values(spec: Any) -> tuple[str, ...]:
    if spec is None:
        return ()
    items = spec if isinstance(spec, list) else [spec]
    return tuple(canonical(v) for v in items)


@dataclass(frozen=True)
class SampleSpec:
    """How a model task wants samples: id type, samples per compound task set."""

    id_type: str
    min_samples: int
    max_samples: int
    compound: tuple[str, ...]


@dataclass(frozen=True)
class OutputTypeSpec:
    """One output type of a model task."""

    name: str
    is_required: bool
    required_ids: tuple[str, ...]
    optional_ids: tuple[str, ...]
    value_type: str
    minimum: float | None
    maximum: float | None
    sample: SampleSpec | None = None

    @property
    def has_ids(self) -> bool:
        """Whether rows carry an ``output_type_id`` value (quantile levels, ...)."""
        return bool(self.required_ids or self.optional_ids)


@dataclass(frozen=True)
class ModelTask:
    """One group of tasks of a round: allowed task-id values and output types."""

    index: int
    required: Mapping[str, tuple[str, ...]]
    optional: Mapping[str, tuple[str, ...]]
    output_types: Mapping[str, OutputTypeSpec]
    targets: tuple[str, ...] = field(default=())

    def allowed(self, column: str) -> frozenset[str]:
        """Every value `column` may take in this model task."""
        return frozenset(self.required.get(column, ()) + self.optional.get(column, ()))


@dataclass(frozen=True)
class Round:
    """A modeling round: its id(s), task-id columns and model tasks."""

    round_ids: tuple[str, ...]
    variable: str | None
    model_tasks: tuple[ModelTask, ...]
    task_ids: tuple[str, ...]
    kinds: Mapping[str, str]

    @property
    def output_types(self) -> tuple[str, ...]:
        """Every output type of the round, in first-seen order."""
        return tuple(dict.fromkeys(t for mt in self.model_tasks for t in mt.output_types))


def _kind(values: list[Any]) -> str:
    """``integer``, ``date`` or ``string``: how a task-id column's values are written."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, str) for v in present):
        try:
            for v in present:
                dt.date.fromisoformat(v)
        except ValueError:
            return "string"
        return "date"
    return "string"


def _output_type(name: str, spec: Mapping[str, Any]) -> OutputTypeSpec:
    ids = spec.get("output_type_id") or {}
    value = spec.get("value") or {}
    params = spec.get("output_type_id_params")
    sample = None
    if params is not None:
        sample = SampleSpec(
            id_type=str(params.get("type", "integer")),
            min_samples=int(params.get("min_samples_per_task", 1)),
            max_samples=int(
                params.get("max_samples_per_task", params.get("min_samples_per_task", 1))
            ),
            compound=tuple(params.get("compound_taskid_set") or ()),
        )
    return OutputTypeSpec(
        name=name,
        is_required=bool(spec.get("is_required", False)),
        required_ids=_values(ids.get("required")),
        optional_ids=_values(ids.get("optional")),
        value_type=str(value.get("type", "double")),
        minimum=value.get("minimum"),
        maximum=value.get("maximum"),
        sample=sample,
    )


def read_rounds(tasks: Mapping[str, Any]) -> list[Round]:
    """The rounds of a parsed ``tasks.json`` (already checked against the hubverse schema).

    For a round whose id comes from a task-id variable (``round_id_from_variable``), the
    round ids are that variable's values; otherwise the round's ``round_id``.
    """
    rounds = []
    for spec in tasks.get("rounds", []):
        model_tasks, raw = [], {}
        for i, mt in enumerate(spec.get("model_tasks", [])):
            required, optional = {}, {}
            for column, values in (mt.get("task_ids") or {}).items():
                required[column] = _values(values.get("required"))
                optional[column] = _values(values.get("optional"))
                raw.setdefault(column, []).extend(
                    [*(values.get("required") or []), *(values.get("optional") or [])]
                )
            model_tasks.append(
                ModelTask(
                    index=i,
                    required=required,
                    optional=optional,
                    output_types={
                        n: _output_type(n, s) for n, s in (mt.get("output_type") or {}).items()
                    },
                    targets=tuple(t.get("target_id", "") for t in mt.get("target_metadata") or []),
                )
            )
        variable = spec.get("round_id") if spec.get("round_id_from_variable") else None
        if variable is not None:
            ids = tuple(
                dict.fromkeys(
                    v
                    for mt in model_tasks
                    for v in mt.required.get(variable, ()) + mt.optional.get(variable, ())
                )
            )
        else:
            ids = (str(spec.get("round_id")),)
        rounds.append(
            Round(
                round_ids=ids,
                variable=variable,
                model_tasks=tuple(model_tasks),
                task_ids=tuple(raw),
                kinds={c: _kind(v) for c, v in raw.items()},
            )
        )
    return rounds
