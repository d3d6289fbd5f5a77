"""Contact aggregation and reciprocity: invariants and independent hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from seirflow.errors import DataError
from seirflow.preprocess.contacts import (
    aggregate_contacts,
    contact_row_weights,
    reciprocal_contacts,
    setting_contacts,
)
from seirflow.preprocess.population import age_groups, group_population
from seirflow.regions import region
from seirflow.sources.census import census_population, read_census
from seirflow.sources.layout import SETTINGS, RawPaths
from seirflow.sources.mistry import SETTING_WEIGHTS, read_mistry_settings
from tests.unit.raw_files import CENSUS, RAW


@pytest.fixture(scope="module")
def ny():
    single = census_population(read_census(CENSUS), "36", CENSUS)
    matrices = read_mistry_settings(RawPaths(RAW), region("NY"))
    return single, matrices


def test_reciprocal_under_census_group_populations(ny):
    single, matrices = ny
    groups = age_groups()
    contacts = setting_contacts(matrices, single, groups)
    n = group_population(single, groups)
    assert contacts.shape == (4, 16, 16)
    for k in range(len(SETTINGS)):
        flow = contacts[k] * n[:, None]
        np.testing.assert_allclose(flow, flow.T, rtol=1e-12)


def test_contacts_per_person_equal_weighted_mean_of_single_year_row_sums(ny):
    single, matrices = ny
    groups = age_groups()
    contacts = setting_contacts(matrices, single, groups)
    n = group_population(single, groups)
    # Independent: Mistry age 84+ row carries Census 84 and 85+ people.
    weights = list(single[:84]) + [single[84] + single[85]]
    for k, setting in enumerate(SETTINGS):
        row_sums = [SETTING_WEIGHTS[setting] * sum(matrices[setting][i]) for i in range(85)]
        expected = sum(w * r for w, r in zip(weights, row_sums, strict=True)) / sum(weights)
        got = (contacts[k] * n[:, None]).sum() / n.sum()
        assert got == pytest.approx(expected, rel=1e-12)
    # Total daily contacts per person over all settings: about 12-15 in the US.
    total = (contacts.sum(axis=0) * n[:, None]).sum() / n.sum()
    assert 8 < total < 20


def test_aggregation_entry_by_hand(ny):
    single, matrices = ny
    groups = age_groups([0, 18, 65])
    w = contact_row_weights(single)
    per_person = SETTING_WEIGHTS["work"] * matrices["work"]
    got = aggregate_contacts(per_person, w, groups)
    # Row group 18-64 with column group 65+: population-weighted mean of row sums over j>=65.
    num = sum(w[i] * per_person[i, 65:].sum() for i in range(18, 65))
    assert got[1, 2] == pytest.approx(num / w[18:65].sum(), rel=1e-12)
    # Last group includes Mistry's 84+ row weighted by Census 84 + 85+.
    num = sum(w[i] * per_person[i, :18].sum() for i in range(65, 85))
    assert got[2, 0] == pytest.approx(num / w[65:].sum(), rel=1e-12)


def test_single_year_groups_reproduce_the_matrix(ny):
    single, matrices = ny
    per_person = 2.0 * matrices["household"]
    got = aggregate_contacts(per_person, contact_row_weights(single), age_groups(range(85)))
    np.testing.assert_allclose(got, per_person, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    contacts=arrays(np.float64, (5, 5), elements=st.floats(0, 10)),
    population=arrays(np.float64, 5, elements=st.floats(1, 1e7)),
)
def test_reciprocity_preserves_total_contacts(contacts, population):
    out = reciprocal_contacts(contacts, population)
    flow = out * population[:, None]
    np.testing.assert_allclose(flow, flow.T, rtol=1e-10, atol=1e-9)
    assert flow.sum() == pytest.approx((contacts * population[:, None]).sum(), rel=1e-10, abs=1e-9)
    assert (out >= 0).all()
    # Already reciprocal matrices are unchanged.
    np.testing.assert_allclose(reciprocal_contacts(out, population), out, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "matrix,weights,fragment",
    [
        (np.ones((3, 4)), np.ones(3), "not square"),
        (np.full((3, 3), np.nan), np.ones(3), "finite"),
        (-np.ones((3, 3)), np.ones(3), "non-negative"),
        (np.ones((3, 3)), np.ones(4), "row weights"),
        (np.ones((3, 3)), np.array([0.0, 0.0, 1.0]), "no population"),
    ],
)
def test_bad_matrices(matrix, weights, fragment):
    with pytest.raises(DataError, match=fragment):
        aggregate_contacts(matrix, weights, age_groups([0, 2]))


def test_bad_population_for_reciprocity():
    with pytest.raises(DataError, match="positive"):
        reciprocal_contacts(np.ones((2, 2)), np.array([1.0, 0.0]))
    with pytest.raises(DataError, match="shape"):
        reciprocal_contacts(np.ones((2, 2)), np.ones(3))
    with pytest.raises(DataError, match=r"\(86,\)"):
        contact_row_weights(np.ones(85))
