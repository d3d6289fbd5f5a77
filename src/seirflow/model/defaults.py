"""Published default ratios and delays of the outcome model, as plain frozen data.

Each entry carries a ``source`` string: the publication and table, how the number was derived,
and whether it was checked against the publication text when this file was written ("checked")
or could not be ("not checked here"). Ratios are probabilities (not percent) on 10-year bands
with an open top band; map them to model age groups with ``outcomes.ratios_for_age_groups``.
Delays are ``(mean, sd)`` in days of a continuous distribution, discretised by
``delays.discretise_delay``; infection-to-event delays add the incubation period as an
independent component (means add, variances add).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "BandedRatio",
    "DelaySpec",
    "AGE_GROUP_LOWER_EDGES",
    "RATIO_BAND_LOWER_EDGES",
    "IFR",
    "IHR",
    "P_ICU_GIVEN_HOSPITAL",
    "INCUBATION",
    "REPORTING_DELAY",
    "ADMISSION_DELAY",
    "ICU_DELAY",
    "HOSPITAL_LOS",
    "ICU_LOS",
    "DEATH_DELAY",
    "DELAYS",
]


class BandedRatio(NamedTuple):
    """A ratio by age band: ``values[i]`` applies from ``band_lower_edges[i]`` (last open)."""

    band_lower_edges: tuple[int, ...]
    values: tuple[float, ...]
    source: str


class DelaySpec(NamedTuple):
    """A delay distribution: mean and sd in days, family, pmf length, source."""

    mean: float
    sd: float
    family: str
    max_days: int
    source: str


AGE_GROUP_LOWER_EDGES: tuple[int, ...] = tuple(range(0, 80, 5))  # 0-4, ..., 70-74, 75+
RATIO_BAND_LOWER_EDGES: tuple[int, ...] = tuple(range(0, 90, 10))  # 0-9, ..., 70-79, 80+

IFR = BandedRatio(
    RATIO_BAND_LOWER_EDGES,
    # percent: 0.00161, 0.00695, 0.0309, 0.0844, 0.161, 0.595, 1.93, 4.28, 7.80
    (0.0000161, 0.0000695, 0.000309, 0.000844, 0.00161, 0.00595, 0.0193, 0.0428, 0.0780),
    "Verity et al. 2020, Lancet Infect Dis 20:669-677, Table 1, infection fatality ratio "
    "(China, adjusted), bands 0-9 ... 80+. Not checked here against the table text; a "
    "secondary compilation (Bevand, covid19-age-stratified-ifr) confirms the source and table.",
)

IHR = BandedRatio(
    RATIO_BAND_LOWER_EDGES,
    # percent: 0.00, 0.0408, 1.04, 3.43, 4.25, 8.16, 11.8, 16.6, 18.4
    (0.0, 0.000408, 0.0104, 0.0343, 0.0425, 0.0816, 0.118, 0.166, 0.184),
    "Verity et al. 2020, Lancet Infect Dis, Table 3, proportion of infected individuals "
    "hospitalised (0-9: 0.00%, no hospitalised children in the data). Not checked here against "
    "the table text; a secondary tabulation (Cuadrado et al. 2020, PMC7229979, Table 2) lists "
    "rounded values 0.01, 0.04, 1.1, 3.4, 4.3, 8.2, 11.8, 16.6, 18.4 %.",
)

P_ICU_GIVEN_HOSPITAL = BandedRatio(
    RATIO_BAND_LOWER_EDGES,
    (0.050, 0.050, 0.050, 0.050, 0.063, 0.122, 0.274, 0.432, 0.709),
    "Ferguson et al. 2020, Imperial College COVID-19 Response Team Report 9, Table 1, % of "
    "hospitalised cases requiring critical care; checked against its reproduction in "
    "PMC7229979 Table 2. Salje et al. 2020 (Science 369:208) age-specific P(ICU | hospitalised) "
    "(Fig. 2B) could not be checked here; its all-ages mean is about 19%, lower than these "
    "values imply for the oldest groups.",
)

INCUBATION = DelaySpec(
    5.6,
    2.8,
    "lognormal",
    60,
    "Linton et al. 2020, J Clin Med 9:538, lognormal incubation period; mean 5.6 d (Table 2, "
    "excluding Wuhan residents); the abstract ('mean of around 5 days') is checked, the "
    "table mean and the sd 2.8 d are not checked here.",
)

_ONSET_TO_ADMISSION = (5.0, 4.0)  # Linton et al. 2020: mean 3-4 d (5-9 d right-truncated), checked
_ADMISSION_TO_ICU = (1.5, 1.5)  # assumption: most ICU admissions follow admission within days
_ONSET_TO_DEATH = (17.8, 0.45 * 17.8)  # Verity et al. 2020: mean 17.8 d, CV 0.45 (not checked)
_ONSET_TO_REPORT = (5.0, 3.0)  # assumption, not from a publication


def _after_incubation(mean: float, sd: float) -> tuple[float, float]:
    """Mean and sd of incubation plus an independent delay (rounded to 0.01 d)."""
    return (round(INCUBATION.mean + mean, 2), round(math.hypot(INCUBATION.sd, sd), 2))


REPORTING_DELAY = DelaySpec(
    *_after_incubation(*_ONSET_TO_REPORT),
    "lognormal",
    60,
    "Incubation (Linton et al. 2020) plus an assumed onset-to-report delay of mean 5 d, sd 3 d "
    "(no published source used; meant to be overridden from surveillance data).",
)

ADMISSION_DELAY = DelaySpec(
    *_after_incubation(*_ONSET_TO_ADMISSION),
    "lognormal",
    60,
    "Incubation plus onset-to-admission (Linton et al. 2020, J Clin Med: mean 3-4 d, 5-9 d when "
    "right-truncated; checked in the abstract); mean 5 d taken, sd 4 d assumed.",
)

ICU_DELAY = DelaySpec(
    *_after_incubation(
        _ONSET_TO_ADMISSION[0] + _ADMISSION_TO_ICU[0],
        math.hypot(_ONSET_TO_ADMISSION[1], _ADMISSION_TO_ICU[1]),
    ),
    "lognormal",
    60,
    "Infection-to-admission as ADMISSION_DELAY plus an assumed admission-to-ICU delay of mean "
    "1.5 d, sd 1.5 d (not checked against a publication).",
)

HOSPITAL_LOS = DelaySpec(
    11.45,
    8.22,
    "lognormal",
    60,
    "Lewnard et al. 2020, BMJ 369:m1923: censoring-adjusted hospital stay of survivors, median "
    "9.3 d, 95% of stays 0.8-32.9 d (checked). Lognormal through the median and the 97.5th "
    "percentile: sigma 0.645, mean 11.45 d, sd 8.22 d.",
)

ICU_LOS = DelaySpec(
    12.29,
    7.22,
    "lognormal",
    60,
    "Lewnard et al. 2020, BMJ 369:m1923: ICU stay median 10.6 d, 95% 1.3-30.8 d (checked). "
    "Lognormal through the median and the 97.5th percentile: sigma 0.544, mean 12.29 d, sd "
    "7.22 d.",
)

DEATH_DELAY = DelaySpec(
    *_after_incubation(*_ONSET_TO_DEATH),
    "gamma",
    60,
    "Incubation plus onset-to-death from Verity et al. 2020, Lancet Infect Dis (gamma, mean "
    "17.8 d, coefficient of variation 0.45; not checked here). Linton et al. 2020 (checked): "
    "median onset-to-death 13 d, 17 d with right truncation.",
)

DELAYS: MappingProxyType = MappingProxyType(
    {
        "reporting_delay": REPORTING_DELAY,
        "admission_delay": ADMISSION_DELAY,
        "hospital_los": HOSPITAL_LOS,
        "icu_delay": ICU_DELAY,
        "icu_los": ICU_LOS,
        "death_delay": DEATH_DELAY,
    }
)
"""Delay specs keyed by ``OutcomeParameters`` field name."""
