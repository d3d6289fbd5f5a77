"""Readers of the raw input sources, each validating its file (see `seirflow.sources.layout`)."""

from seirflow.sources.census import census_population, read_census
from seirflow.sources.ctp import ctp_region, read_ctp
from seirflow.sources.layout import SETTINGS, RawPaths
from seirflow.sources.mistry import SETTING_WEIGHTS, read_mistry_matrix, read_mistry_settings
from seirflow.sources.mobility import GPS_COLUMNS, mobility_region, read_mobility
from seirflow.sources.nyt import nyt_region, read_nyt
from seirflow.sources.policy import PolicyDate, PolicyDates, policy_dates, read_policy

__all__ = [
    "GPS_COLUMNS",
    "SETTINGS",
    "SETTING_WEIGHTS",
    "PolicyDate",
    "PolicyDates",
    "RawPaths",
    "census_population",
    "ctp_region",
    "mobility_region",
    "nyt_region",
    "policy_dates",
    "read_census",
    "read_ctp",
    "read_mistry_matrix",
    "read_mistry_settings",
    "read_mobility",
    "read_nyt",
    "read_policy",
]
