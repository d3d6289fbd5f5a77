"""Census reader: real snapshot against the csv module, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.regions import REGIONS
from seirflow.sources.census import census_population, read_census
from tests.unit.raw_files import CENSUS, csv_rows, edited_copy, expect_data_error, replace_line


@pytest.fixture(scope="module")
def table():
    return read_census(CENSUS)


def _csv_population(state: str) -> dict[int, int]:
    return {
        int(r["AGE"]): int(r["POPEST2019_CIV"])
        for r in csv_rows(CENSUS)
        if r["SUMLEV"] == "040" and r["STATE"] == state and r["SEX"] == "0"
    }


def test_new_york_by_age_matches_csv_module(table):
    expected = _csv_population("36")
    pop = census_population(table, "36", CENSUS)
    assert pop.shape == (86,)
    assert pop.tolist() == [float(expected[a]) for a in range(86)]
    assert pop.sum() == expected[999] == 19_428_617


def test_all_regions_and_totals(table):
    rows = csv_rows(CENSUS)
    totals = {
        r["STATE"]: int(r["POPEST2019_CIV"])
        for r in rows
        if r["SUMLEV"] == "040" and r["SEX"] == "0" and r["AGE"] == "999"
    }
    for reg in REGIONS:
        pop = census_population(table, reg.fips, CENSUS)
        assert pop.sum() == totals[str(int(reg.fips))]
        assert (pop > 0).all()


def test_unknown_region(table):
    expect_data_error(
        lambda: census_population(table, "72", CENSUS), file=CENSUS, field="STATE", value="72"
    )


def _ny_line(text: str, age: int, sex: str = "0") -> int:
    lines = text.splitlines()
    return next(i for i, s in enumerate(lines) if s.startswith(f"040,1,2,36,New York,{sex},{age},"))


def _drop_line(text: str, index: int) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:index] + lines[index + 1 :])


def _set_pop(line: str, value: str) -> str:
    return line.rsplit(",", 1)[0] + "," + value


BAD = [
    (
        "renamed column",
        lambda t: t.replace("POPEST2019_CIV", "POPEST2019", 1),
        "POPEST2019_CIV",
        None,
        "missing column",
    ),
    (
        "negative population",
        lambda t: replace_line(t, _ny_line(t, 30), lambda s: _set_pop(s, "-12")),
        "POPEST2019_CIV",
        "-12",
        "below the minimum",
    ),
    (
        "non-numeric population",
        lambda t: replace_line(t, _ny_line(t, 30), lambda s: _set_pop(s, "12a")),
        "POPEST2019_CIV",
        "12a",
        "non-numeric",
    ),
    (
        "total mismatch",
        lambda t: replace_line(t, _ny_line(t, 999), lambda s: _set_pop(s, "1")),
        "POPEST2019_CIV",
        1,
        "differs from the sum",
    ),
    ("missing age", lambda t: _drop_line(t, _ny_line(t, 40)), "AGE", 40, "no row for age 40"),
    (
        "duplicated age",
        lambda t: t.rstrip("\r\n") + "\r\n" + t.splitlines()[_ny_line(t, 40)],
        "fips, age",
        "fips=36, age=40",
        "duplicated",
    ),
    ("truncated", lambda t: t.rstrip("\r\n")[:-30], "last line", None, "truncated"),
    ("empty", lambda t: "", None, None, "empty file"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, edit, field, value, fragment):
    path = edited_copy(CENSUS, tmp_path, edit)
    expect_data_error(
        lambda: read_census(path), file=path, field=field, value=value, match=fragment
    )


def test_population_is_float_persons(table):
    assert census_population(table, "11", CENSUS).dtype == np.float64
