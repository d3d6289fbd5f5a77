"""Age groups and population aggregation, against direct sums from the Census CSV."""

from __future__ import annotations

import numpy as np
import pytest

from seirflow.errors import ConfigError, DataError
from seirflow.preprocess.population import DEFAULT_AGE_EDGES, age_groups, group_population
from seirflow.sources.census import census_population, read_census
from tests.unit.raw_files import CENSUS, csv_rows


def _ny_csv() -> dict[int, int]:
    return {
        int(r["AGE"]): int(r["POPEST2019_CIV"])
        for r in csv_rows(CENSUS)
        if r["SUMLEV"] == "040" and r["STATE"] == "36" and r["SEX"] == "0"
    }


def test_default_labels():
    groups = age_groups(DEFAULT_AGE_EDGES)
    assert groups.labels[0] == "0-4" and groups.labels[-2] == "70-74"
    assert groups.labels[-1] == "75+"
    assert len(groups) == 16


def test_new_york_total_and_75_plus_from_csv_module():
    ny = _ny_csv()
    pop = group_population(census_population(read_census(CENSUS), "36", CENSUS), age_groups())
    assert pop.sum() == ny[999]
    assert pop[-1] == sum(ny[a] for a in range(75, 86))  # 75..84 and 85+
    assert pop[0] == sum(ny[a] for a in range(5))


def test_custom_edges_and_last_edge_84():
    single = np.arange(86, dtype=float)
    pop = group_population(single, age_groups([0, 18, 65]))
    assert pop.tolist() == [sum(range(18)), sum(range(18, 65)), sum(range(65, 86))]
    pop = group_population(single, age_groups([0, 84]))
    assert pop.tolist() == [sum(range(84)), 84 + 85]


@pytest.mark.parametrize(
    "edges,fragment",
    [
        ([], "empty"),
        ([5, 10], "must be 0"),
        ([0, 10, 10], "strictly increasing"),
        ([0, 20, 10], "strictly increasing"),
        ([0, 85], "> 84"),
        ([0, 2.5], "whole number"),
    ],
)
def test_bad_edges(edges, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        age_groups(edges)
    assert info.value.field == "age_edges"


def test_negative_population():
    single = np.ones(86)
    single[3] = -1
    with pytest.raises(DataError, match="non-negative"):
        group_population(single, age_groups())
