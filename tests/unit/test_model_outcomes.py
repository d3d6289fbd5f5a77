"""Outcome model: delay pmfs against scipy, convolutions by hand, age-band mapping, defaults."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from seirflow.errors import SeirflowInputError
from seirflow.model import (
    OUTCOMES,
    OutcomeParameters,
    compute_outcomes,
    default_outcome_parameters,
    defaults,
    discretise_delay,
    outcomes_dataset,
    pmf_mean,
    ratios_for_age_groups,
    survival,
)
from seirflow.model.delays import regularized_gamma_p


def scipy_distribution(family, mean, sd):
    if family == "lognormal":
        s2 = np.log1p((sd / mean) ** 2)
        return stats.lognorm(s=np.sqrt(s2), scale=mean * np.exp(-s2 / 2))
    return stats.gamma(a=(mean / sd) ** 2, scale=sd * sd / mean)


@pytest.mark.parametrize("family", ["lognormal", "gamma"])
@pytest.mark.parametrize(("mean", "sd"), [(5.6, 2.8), (11.45, 8.22), (1.5, 1.5)])
def test_pmf_is_uniformly_censored_distribution(family, mean, sd):
    pmf = discretise_delay(mean, sd, 80, family)
    dist = scipy_distribution(family, mean, sd)
    want = np.array(
        [
            integrate.quad(
                lambda u, k=k: dist.cdf(k + 1 - u) - dist.cdf(k - u), 0, 1, epsabs=1e-13
            )[0]
            for k in range(80)
        ]
    )
    np.testing.assert_allclose(pmf, want / want.sum(), atol=1e-9)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    long = discretise_delay(mean, sd, 1000, family)
    assert pmf_mean(long) == pytest.approx(mean, abs=2e-3)  # mean kept by the censoring


def test_truncation_renormalises():
    pmf = discretise_delay(20.0, 10.0, 15, "gamma")
    assert pmf.size == 15 and pmf.sum() == pytest.approx(1.0, abs=1e-12)


def test_regularized_gamma_matches_scipy():
    for a in (0.3, 1.0, 2.5, 4.0, 16.0, 60.0):
        for x in (0.0, 0.01, 0.5, 1.0, 3.0, 10.0, 50.0, 120.0):
            assert regularized_gamma_p(a, x) == pytest.approx(special.gammainc(a, x), abs=1e-13)


def test_survival_by_hand():
    np.testing.assert_allclose(survival([0.1, 0.2, 0.3, 0.4]), [0.9, 0.7, 0.4, 0.0], atol=1e-15)


def tiny_params(n_age=2):
    return OutcomeParameters(
        ifr=np.array([0.01, 0.1])[:n_age],
        ihr=np.array([0.05, 0.4])[:n_age],
        p_icu=np.array([0.2, 0.5])[:n_age],
        reporting_delay=np.array([0.0, 0.5, 0.5]),
        admission_delay=np.array([0.0, 0.25, 0.75]),
        hospital_los=np.array([0.1, 0.2, 0.3, 0.4]),
        icu_delay=np.array([0.0, 0.0, 1.0]),
        icu_los=np.array([0.5, 0.5]),
        death_delay=np.array([0.0, 0.0, 0.0, 1.0]),
    )


def test_one_day_of_infections_spreads_by_the_pmfs():
    params = tiny_params()
    inf = np.zeros((1, 10, 2))
    inf[0, 2] = [1000.0, 100.0]
    out = compute_outcomes(inf, params, [0.3], [2.0], [1.5])
    hosp = 1.5 * (0.05 * 1000 + 0.4 * 100)  # 135 admissions, spread over days 3 and 4
    np.testing.assert_allclose(
        out.hospital_admissions[0], [0, 0, 0, 0.25 * hosp, 0.75 * hosp, 0, 0, 0, 0, 0], atol=1e-12
    )
    np.testing.assert_allclose(out.cases[0, 3:5], [0.3 * 1100 * 0.5] * 2)
    assert out.cases[0].sum() == pytest.approx(0.3 * 1100)
    icu = 1.5 * (0.05 * 0.2 * 1000 + 0.4 * 0.5 * 100)
    assert out.icu_admissions[0, 4] == pytest.approx(icu) and out.icu_admissions[0].sum() == (
        pytest.approx(icu)
    )
    assert out.deaths[0, 5] == pytest.approx(2.0 * (0.01 * 1000 + 0.1 * 100))
    assert out.deaths[0].sum() == pytest.approx(out.deaths[0, 5])


def test_census_is_admissions_minus_discharges():
    params = tiny_params()
    rng = np.random.default_rng(3)
    inf = rng.uniform(0, 1000, (2, 30, 2))
    out = compute_outcomes(inf, params, 1.0, 1.0, [1.0, 0.5])
    for i in range(2):
        adm = out.hospital_admissions[i]
        # Admitted on day d with length of stay j: in a bed at the end of days d .. d+j-1,
        # discharged during day d+j.
        discharges = np.zeros(40)
        for d in range(30):
            for j, p in enumerate(params.hospital_los):
                discharges[d + j] += adm[d] * p
        census = np.cumsum(adm) - np.cumsum(discharges[:30])
        np.testing.assert_allclose(out.hospital_census[i], census, rtol=1e-12, atol=1e-9)
        icu_adm = out.icu_admissions[i]
        # ICU stay 0 or 1 midnight with probability 1/2 each: only today's admissions staying
        # one night are in a bed at the end of the day.
        icu_census = (
            np.cumsum(icu_adm)
            - 0.5 * np.cumsum(icu_adm)
            - 0.5 * np.concatenate([[0.0], np.cumsum(icu_adm)[:-1]])
        )
        np.testing.assert_allclose(out.icu_census[i], icu_census, rtol=1e-12, atol=1e-9)


def test_ratios_for_age_groups_by_hand():
    pop = np.arange(1.0, 91.0)  # ages 0..89, 89 is "89+"
    got = ratios_for_age_groups(
        defaults.RATIO_BAND_LOWER_EDGES, np.arange(9.0), defaults.AGE_GROUP_LOWER_EDGES, pop
    )
    # 70-74 lies in band 70-79 (value 7); 75+ mixes 75-79 (value 7) and 80-89 (value 8).
    assert got[14] == pytest.approx(7.0)
    w79, w80 = pop[75:80].sum(), pop[80:].sum()
    assert got[15] == pytest.approx((7 * w79 + 8 * w80) / (w79 + w80))
    assert got[3] == pytest.approx(1.0) and got[0] == pytest.approx(0.0)
    with pytest.raises(SeirflowInputError, match="band_edges"):
        ratios_for_age_groups([5, 10], [1.0, 2.0], [0], pop)
    with pytest.raises(SeirflowInputError, match="band_values"):
        ratios_for_age_groups([0, 10], [1.0], [0], pop)
    with pytest.raises(SeirflowInputError, match="group_edges"):
        ratios_for_age_groups([0, 10], [1.0, 2.0], [0, 95], pop)


def test_defaults_build_parameters_and_labelled_outcomes():
    single = np.linspace(4e6, 1e6, 85)
    params = default_outcome_parameters(single)
    assert params.n_age == 16
    assert np.all(np.diff(params.ifr) >= -1e-15)  # IFR never falls with age
    assert params.ifr[14] == pytest.approx(0.0428)  # 70-74 lies in Verity's 70-79 band
    assert params.ifr[-1] > 0.0428  # 75+ mixes in the 80+ value
    for name, spec in defaults.DELAYS.items():
        assert pmf_mean(getattr(params, name)) == pytest.approx(spec.mean, rel=0.05)
        assert spec.source
    inf = np.ones((3, 20, 16)) * 100.0
    ds = outcomes_dataset(compute_outcomes(inf, params, [0.1, 0.2, 0.3]), "2020-03-01")
    assert ds["outcomes"].dims == ("draw", "date", "outcome")
    assert list(ds["outcome"].values) == list(OUTCOMES)
    cases = ds["outcomes"].sel(outcome="cases").values
    np.testing.assert_allclose(cases[1], 2 * cases[0])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ascertainment": [1.5]}, "ascertainment"),
        ({"ifr_multiplier": [20.0]}, "ifr_multiplier"),
        ({"ihr_multiplier": [-1.0]}, "ihr_multiplier"),
        ({"ascertainment": [0.1, 0.2]}, "ascertainment"),
    ],
)
def test_bad_outcome_inputs(kwargs, field):
    args = {"ascertainment": [0.5], "ifr_multiplier": [1.0], "ihr_multiplier": [1.0]} | kwargs
    with pytest.raises(SeirflowInputError) as err:
        compute_outcomes(np.ones((1, 5, 2)), tiny_params(), **args)
    assert err.value.field == field


def test_bad_parameters():
    with pytest.raises(SeirflowInputError, match="ihr"):
        OutcomeParameters(**{**tiny_params().__dict__, "ihr": np.array([0.5, 1.5])})
    with pytest.raises(SeirflowInputError, match="death_delay"):
        OutcomeParameters(**{**tiny_params().__dict__, "death_delay": np.array([0.5, 0.4])})
    with pytest.raises(SeirflowInputError, match="p_icu"):
        OutcomeParameters(**{**tiny_params().__dict__, "p_icu": np.array([0.5])})
    with pytest.raises(SeirflowInputError, match="new_infections"):
        compute_outcomes(np.ones((1, 5, 3)), tiny_params(), 0.5)
