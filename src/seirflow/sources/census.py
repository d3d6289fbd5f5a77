"""Census Bureau ``sc-est2019-agesex-civ.csv``: civilian population by single year of age.

Only state rows (SUMLEV 040), both sexes (SEX 0) and the July 1, 2019 estimate
(``POPEST2019_CIV``) are used. Ages are 0..84 single years and 85 = "85 and over".
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from seirflow.errors import DataError
from seirflow.sources.tables import check_unique, parse_numbers, read_csv_columns

__all__ = ["CENSUS_AGES", "POPULATION_COLUMN", "read_census", "census_population"]

#: Single ages in the file; the last (85) is the open group 85+.
CENSUS_AGES = np.arange(86)
POPULATION_COLUMN = "POPEST2019_CIV"
_TOTAL_AGE = 999


def read_census(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate the 2019 state population by single year of age (both sexes).

    Args:
        path: ``sc-est2019-agesex-civ.csv``.

    Returns:
        DataFrame indexed by 2-digit state FIPS code (string), one int64 column per age
        0..85 (85 = 85+), persons.

    Raises:
        DataError: missing column, truncated or empty file, non-numeric or negative
            population, a duplicated (state, sex, age), a state missing an age, or an
            all-ages total (AGE 999) that differs from the sum over ages.
    """
    raw = read_csv_columns(path, ("SUMLEV", "STATE", "NAME", "SEX", "AGE", POPULATION_COLUMN))
    # Parse on all rows so that messages give the line number in the file.
    state = parse_numbers(raw, "STATE", path, integer=True, minimum=0)
    age = parse_numbers(raw, "AGE", path, integer=True, minimum=0)
    pop = parse_numbers(raw, POPULATION_COLUMN, path, integer=True, minimum=0)
    keep = ((raw["SUMLEV"] == "040") & (raw["SEX"] == "0")).to_numpy()
    if not keep.any():
        raise DataError(
            f"{path}: column 'SUMLEV': no state rows (SUMLEV 040, SEX 0)",
            file=path,
            field="SUMLEV",
            value=None,
        )
    table = pd.DataFrame(
        {
            "fips": [f"{int(s):02d}" for s in state[keep]],
            "age": age[keep].astype(int),
            "pop": pop[keep],
        },
        index=np.flatnonzero(keep),
    )
    check_unique(table, ["fips", "age"], path)
    totals = table[table["age"] == _TOTAL_AGE].set_index("fips")["pop"]
    by_age = table[table["age"] != _TOTAL_AGE].pivot(index="fips", columns="age", values="pop")
    unknown = sorted(set(by_age.columns) - set(CENSUS_AGES))
    if unknown:
        raise DataError(
            f"{path}: column 'AGE': unexpected age {unknown[0]}",
            file=path,
            field="AGE",
            value=unknown[0],
        )
    by_age = by_age.reindex(columns=CENSUS_AGES)
    missing = by_age.isna()
    if missing.any().any():
        fips, age = missing.stack().loc[lambda s: s].index[0]
        raise DataError(
            f"{path}: column 'AGE': state {fips} has no row for age {age}",
            file=path,
            field="AGE",
            value=int(age),
        )
    by_age = by_age.astype("int64")
    for fips, total in totals.items():
        if by_age.loc[fips].sum() != total:
            raise DataError(
                f"{path}: column {POPULATION_COLUMN!r}: state {fips} all-ages total {int(total)}"
                f" differs from the sum over ages {int(by_age.loc[fips].sum())}",
                file=path,
                field=POPULATION_COLUMN,
                value=int(total),
            )
    by_age.columns.name = "age"
    return by_age


def census_population(table: pd.DataFrame, fips: str, path: str | os.PathLike) -> np.ndarray:
    """Population of one state by single year of age.

    Args:
        table: Output of `read_census`.
        fips: 2-digit state FIPS code.
        path: File the table came from (for messages).

    Returns:
        float64 array, shape (86,): persons aged 0, 1, ..., 84 and 85+.

    Raises:
        DataError: the state is not in the file.
    """
    if fips not in table.index:
        raise DataError(
            f"{path}: column 'STATE': region {fips!r} not found",
            file=path,
            field="STATE",
            value=fips,
        )
    return table.loc[fips].to_numpy(dtype=float)
