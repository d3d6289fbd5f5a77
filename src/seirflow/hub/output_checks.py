"""Checks of one model-output table against a round of a hub's ``tasks.json``.

`check_table` records every broken rule in a `HubReport`; see
`seirflow.hub.validate` for the list of checks and the file-level ones (name, types).
Task-id columns are compared as canonical text (`seirflow.hub.tasks.canonical`), held as
pandas categoricals so a file of millions of sample rows stays cheap to check.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from seirflow.hub.problems import HubReport, show
from seirflow.hub.tasks import ModelTask, Round, canonical

__all__ = ["FIXED_COLUMNS", "canonical_column", "check_table"]

FIXED_COLUMNS: tuple[str, ...] = ("output_type", "output_type_id", "value")
"""Columns of every model-output file besides the task ids (and sample id columns)."""


def canonical_column(series: pd.Series) -> pd.Categorical:
    """`series` as a categorical of canonical text (missing stays missing)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = np.array([canonical(u) for u in uniques], dtype=object)
    keep = np.array([t is not None for t in text], dtype=bool)
    categories, inverse = np.unique(text[keep].astype(str), return_inverse=True)
    remap = np.full(len(text), -1, dtype=np.int64)
    remap[np.flatnonzero(keep)] = inverse
    if not len(remap):
        return pd.Categorical.from_codes(np.full(len(codes), -1), categories=categories)
    new_codes = np.where(codes < 0, -1, remap[np.maximum(codes, 0)])
    return pd.Categorical.from_codes(new_codes, categories=categories)


def check_table(
    df: pd.DataFrame,
    *,
    file: str,
    round_: Round,
    round_id: str,
    report: HubReport,
    sample_columns: Sequence[str] = (),
    n_decimal: int | None = None,
) -> None:
    """Check a model-output table's rows against `round_` (columns already checked).

    Args:
        df: The table; every task-id, fixed and sample-id column present.
        file: Its path, named in every problem.
        round_: The round its file name names.
        round_id: That round id (the round-id variable must hold it in every row).
        report: Where problems go.
        sample_columns: Columns whose values together are a sample's id (the Scenario
            Modeling Hub's ``run_grouping``, ``stochastic_run``); empty: the id is
            ``output_type_id``.
        n_decimal: Values must be rounded to this many decimals (None: any).
    """
    tasks = list(round_.task_ids)
    keyed = pd.DataFrame({c: canonical_column(df[c]) for c in [*tasks, "output_type"]})
    for column in ("output_type_id", *sample_columns):
        keyed[column] = canonical_column(df[column])
    value = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=np.float64)

    for column in [*tasks, "output_type"]:
        null = keyed[column].isna().to_numpy()
        if null.any():
            report.add(file, column, None, f"column {column!r}: {int(null.sum())} missing value(s)")
    if round_.variable is not None:
        other = sorted(set(keyed[round_.variable].dropna().unique()) - {round_id})
        if other:
            report.add(
                file,
                round_.variable,
                other[0],
                f"column {round_.variable!r}: value(s) {show(other)} differ from the round "
                f"id {round_id!r} of the file name",
            )
    bad_types = sorted(set(keyed["output_type"].dropna().unique()) - set(round_.output_types))
    for t in bad_types:
        n = int((keyed["output_type"] == t).sum())
        report.add(
            file,
            "output_type",
            t,
            f"column 'output_type': value {t!r} ({n} rows) is not an output type of the round "
            f"(valid: {show(round_.output_types)})",
        )

    mt_of_row = _assign_model_tasks(keyed, tasks, round_, file, report)
    sample_id = _sample_ids(keyed, sample_columns, file, report, round_)
    for mt in round_.model_tasks:
        in_mt = mt_of_row == mt.index
        for name, spec in mt.output_types.items():
            rows = in_mt & (keyed["output_type"] == name).to_numpy()
            if not rows.any():
                continue
            _check_ids(keyed, rows, name, spec, file, report, sample_columns)
            _check_values(value, rows, name, spec, file, report, n_decimal, df)
            if spec.sample is not None and sample_id is not None:
                _check_samples(keyed, rows, sample_id, spec, mt, tasks, file, report)
        _check_required(keyed, in_mt, mt, tasks, file, report)
    _check_duplicates(keyed, tasks, sample_columns, file, report)


def _assign_model_tasks(keyed, tasks, round_, file, report) -> np.ndarray:
    """Index of the model task each row belongs to (-1: none; its invalid values reported)."""
    cols = [*tasks, "output_type"]
    group = keyed.groupby(cols, observed=True, sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(keyed))).groupby(group).first().to_numpy()
    combos = keyed.iloc[first].reset_index(drop=True)
    assigned = np.full(len(combos), -1, dtype=np.int64)
    for mt in reversed(round_.model_tasks):  # the first matching model task wins
        match = combos["output_type"].isin(list(mt.output_types)).to_numpy().copy()
        for column in tasks:
            match &= combos[column].isin(list(mt.allowed(column))).to_numpy()
        assigned[match] = mt.index
    lost = combos[assigned < 0].dropna(subset=cols)
    for output_type, part in lost.groupby("output_type", observed=True):
        mts = [mt for mt in round_.model_tasks if output_type in mt.output_types]
        explained = False
        for column in tasks:
            valid = set().union(*(mt.allowed(column) for mt in mts))
            bad = sorted(set(part[column].unique()) - valid)
            if bad:
                explained = True
                n = int(np.isin(keyed[column].to_numpy(dtype=object), bad).sum())
                report.add(
                    file,
                    column,
                    bad[0],
                    f"column {column!r}: value(s) {show(bad)} ({n} rows) not valid for output "
                    f"type {output_type!r} (valid: {show(sorted(valid))})",
                )
        if not explained:
            example = ", ".join(f"{c}={part.iloc[0][c]}" for c in tasks)
            report.add(
                file,
                None,
                example,
                f"{len(part)} task(s) of output type {output_type!r} combine values no model "
                f"task has together, first: {example}",
            )
    return assigned[group]


def _sample_ids(keyed, sample_columns, file, report, round_) -> np.ndarray | None:
    """One integer code per sample id (-1 elsewhere), or None if ids are unusable."""
    sample_types = {
        name
        for mt in round_.model_tasks
        for name, spec in mt.output_types.items()
        if spec.sample is not None
    }
    rows = keyed["output_type"].isin(list(sample_types)).to_numpy()
    if not rows.any():
        return None
    columns = list(sample_columns) or ["output_type_id"]
    parts = []
    for column in columns:
        values = keyed[column].to_numpy(dtype=object)[rows]
        missing = pd.isna(values)
        if missing.any():
            report.add(
                file,
                column,
                None,
                f"column {column!r}: {int(missing.sum())} sample row(s) lack a sample id",
            )
            return None
        parts.append(pd.Series(values))
    codes = np.full(len(keyed), -1, dtype=np.int64)
    codes[rows] = pd.DataFrame(dict(enumerate(parts))).groupby(list(range(len(parts)))).ngroup()
    return codes


def _check_ids(keyed, rows, name, spec, file, report, sample_columns) -> None:
    ids = keyed["output_type_id"][rows]
    if spec.sample is not None:
        checked = list(sample_columns) or ["output_type_id"]
        if spec.sample.id_type == "integer":
            for column in checked:
                text = keyed[column][rows]
                bad = sorted({v for v in pd.unique(text.dropna()) if not _is_int_text(v)})
                if bad:
                    report.add(
                        file,
                        column,
                        bad[0],
                        f"column {column!r}: sample id(s) {show(bad)} are not integers",
                    )
        return
    if spec.has_ids:
        valid = set(spec.required_ids) | set(spec.optional_ids)
        bad = sorted(set(ids.dropna().unique()) - valid) + (["NA"] if ids.isna().any() else [])
        if bad:
            report.add(
                file,
                "output_type_id",
                bad[0],
                f"column 'output_type_id': value(s) {show(bad)} not valid for output type "
                f"{name!r} (valid: {show(sorted(valid, key=_as_number))})",
            )
    elif ids.notna().any():
        bad = sorted(ids.dropna().unique())
        report.add(
            file,
            "output_type_id",
            bad[0],
            f"column 'output_type_id': output type {name!r} takes NA, found {show(bad)}",
        )


def _check_values(value, rows, name, spec, file, report, n_decimal, df) -> None:
    v = value[rows]
    bad = ~np.isfinite(v)
    if bad.any():
        report.add(
            file,
            "value",
            df["value"].to_numpy()[rows][bad][0],
            f"column 'value': {int(bad.sum())} {name} value(s) missing or not a number",
        )
    v = v[~bad]
    for limit, broken, word in (
        (spec.minimum, lambda x, m: x < m, "below the minimum"),
        (spec.maximum, lambda x, m: x > m, "above the maximum"),
    ):
        if limit is not None and broken(v, limit).any():
            out = v[broken(v, limit)]
            report.add(
                file,
                "value",
                float(out[0]),
                f"column 'value': {out.size} {name} value(s) {word} {limit}, first {out[0]:g}",
            )
    if spec.value_type == "integer" and (v != np.round(v)).any():
        first = float(v[v != np.round(v)][0])
        report.add(file, "value", first, f"column 'value': {name} values must be integers: {first}")
    if n_decimal is not None:
        scaled = v * 10.0**n_decimal
        off = np.abs(scaled - np.round(scaled)) > 1e-6 * np.maximum(1.0, np.abs(scaled))
        if off.any():
            report.add(
                file,
                "value",
                float(v[off][0]),
                f"column 'value': {int(off.sum())} {name} value(s) not rounded to {n_decimal} "
                f"decimal(s), first {v[off][0]!r}",
            )


def _check_samples(keyed, rows, sample_id, spec, mt, tasks, file, report) -> None:
    """Samples per compound task set, each sample in one set, covering all its tasks."""
    compound = [c for c in spec.sample.compound if c in tasks]
    other = [c for c in tasks if c not in compound]
    part = keyed.loc[rows, tasks].copy()
    part["_id"] = sample_id[rows]
    by_set = part.groupby(compound, observed=True) if compound else part.groupby(lambda _: 0)
    counts = by_set["_id"].nunique()
    lo, hi = spec.sample.min_samples, spec.sample.max_samples
    for key, n in counts[(counts < lo) | (counts > hi)].items():
        where = ", ".join(f"{c}={k}" for c, k in zip(compound, _tuple(key), strict=False))
        report.add(
            file,
            "output_type_id",
            int(n),
            f"{int(n)} samples for compound task set ({where}) of model task {mt.index + 1}; "
            f"the round wants {lo} to {hi}",
        )
    set_of = by_set.ngroup().to_numpy()
    spread = pd.Series(set_of).groupby(part["_id"].to_numpy()).nunique()
    if (spread > 1).any():
        report.add(
            file,
            "output_type_id",
            None,
            f"{int((spread > 1).sum())} sample id(s) span several compound task sets "
            f"({', '.join(compound)}): a sample id must belong to one",
        )
    if other:
        task = part.groupby(other, observed=True, dropna=False).ngroup().to_numpy()
        cells = pd.DataFrame({"set": set_of, "id": part["_id"].to_numpy(), "task": task})
        cells = cells.drop_duplicates()
        tasks_per_set = cells.drop_duplicates(["set", "task"]).groupby("set").size()
        rows_per_sample = cells.groupby(["set", "id"]).size()
        expected = tasks_per_set.reindex(rows_per_sample.index.get_level_values("set"))
        short = rows_per_sample.to_numpy() < expected.to_numpy()
        if short.any():
            i = int(np.argmax(short))
            report.add(
                file,
                "output_type_id",
                None,
                f"{int(short.sum())} sample(s) cover fewer tasks than their compound task set; "
                f"first covers {rows_per_sample.iloc[i]} of {expected.iloc[i]} "
                f"({' x '.join(other)})",
            )


def _check_required(keyed, in_mt, mt: ModelTask, tasks, file, report) -> None:
    """Every required task present, with every required output type and id."""
    fixed = [c for c in tasks if mt.required.get(c)]
    free = [c for c in tasks if c not in fixed]
    present = keyed.loc[in_mt]
    groups = present[free].drop_duplicates() if free else pd.DataFrame(index=[0])
    combos = list(itertools.product(*(mt.required[c] for c in fixed)))
    if not len(groups) or not combos:
        return
    grid = groups.astype(object)
    if fixed:
        grid = grid.merge(pd.DataFrame(combos, columns=fixed), how="cross")
    expected = pd.MultiIndex.from_frame(grid[tasks].astype(str))
    for name, spec in mt.output_types.items():
        of_type = present[(present["output_type"] == name).to_numpy()]
        have = pd.MultiIndex.from_frame(of_type[tasks].astype(str).drop_duplicates())
        if spec.is_required:
            missing = expected.difference(have)
            if len(missing):
                report.add(
                    file,
                    None,
                    _describe(tasks, missing[0]),
                    f"{len(missing)} required task(s) of model task {mt.index + 1} lack "
                    f"output type {name!r}, first: {_describe(tasks, missing[0])}",
                )
        if spec.required_ids and len(of_type):
            need = set(spec.required_ids)
            hits = of_type[of_type["output_type_id"].isin(list(need)).to_numpy()]
            n_ids = hits.groupby(tasks, observed=True)["output_type_id"].nunique()
            n_ids.index = pd.MultiIndex.from_frame(n_ids.index.to_frame().astype(str))
            got = n_ids.reindex(have, fill_value=0)
            short = got[got < len(need)]
            if len(short):
                report.add(
                    file,
                    "output_type_id",
                    None,
                    f"{len(short)} task(s) of output type {name!r} lack some of the "
                    f"{len(need)} required output_type_id values, first: "
                    f"{_describe(tasks, short.index[0])} has {int(short.iloc[0])}",
                )


def _check_duplicates(keyed, tasks, sample_columns, file, report) -> None:
    keys = keyed[[*tasks, "output_type", "output_type_id", *sample_columns]]
    dup = keys.duplicated(keep="first").to_numpy()
    if dup.any():
        row = keys[dup].iloc[0]
        example = ", ".join(f"{c}={row[c]}" for c in keys.columns)
        report.add(file, None, example, f"{int(dup.sum())} duplicate row(s), first: {example}")


def _describe(columns: Sequence[str], key) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(columns, _tuple(key), strict=True))


def _tuple(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _is_int_text(text: str) -> bool:
    try:
        return float(text).is_integer()
    except ValueError:
        return False


def _as_number(text: str):
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)
