"""Where each raw source lives under the raw data directory (``data/raw`` by default).

The layout is shared by the readers, the preprocessing entry point and `seirflow.refresh`,
which keeps these files up to date from their upstream addresses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from seirflow.regions import Region

__all__ = [
    "raw_dir_of",
    "SETTINGS",
    "NYT_FILE",
    "CTP_FILE",
    "CENSUS_FILE",
    "MISTRY_DIR",
    "MOBILITY_FILE",
    "POLICY_FILE",
    "RawPaths",
    "mistry_file_name",
]

#: Contact settings, in the order used by every array with a `setting` axis.
SETTINGS: tuple[str, ...] = ("household", "school", "work", "community")

NYT_FILE = "nyt/us-states.csv"
CTP_FILE = "ctp/all-states-history.csv"
CENSUS_FILE = "census/sc-est2019-agesex-civ.csv"
MISTRY_DIR = "mistry"
MOBILITY_FILE = "oi/Google Mobility - State - Daily.csv"
POLICY_FILE = "oi/Policy Milestones - State.csv"


def mistry_file_name(region: Region, setting: str, *, compressed: bool = True) -> str:
    """File name of a Mistry et al. 85x85 setting matrix for a US state or DC.

    >>> from seirflow.regions import region
    >>> mistry_file_name(region("DC"), "school")
    'United_States_subnational_District_of_Columbia_F_school_setting_85.csv.gz'
    """
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; expected one of {SETTINGS}")
    stem = f"United_States_subnational_{region.name.replace(' ', '_')}_F_{setting}_setting_85"
    return f"{stem}.csv.gz" if compressed else f"{stem}.csv"


@dataclass(frozen=True)
class RawPaths:
    """Absolute paths of the raw files under one raw data directory.

    Args:
        root: The raw data directory (e.g. ``data/raw``).
    """

    root: Path

    def __init__(self, root: str | os.PathLike):
        object.__setattr__(self, "root", Path(root))

    @property
    def nyt(self) -> Path:
        """NYT ``us-states.csv`` (cumulative cases and deaths)."""
        return self.root / NYT_FILE

    @property
    def ctp(self) -> Path:
        """COVID Tracking Project ``all-states-history.csv``."""
        return self.root / CTP_FILE

    @property
    def census(self) -> Path:
        """Census ``sc-est2019-agesex-civ.csv``."""
        return self.root / CENSUS_FILE

    @property
    def mobility(self) -> Path:
        """Opportunity Insights Google mobility, state, daily."""
        return self.root / MOBILITY_FILE

    @property
    def policy(self) -> Path:
        """Opportunity Insights state policy milestones."""
        return self.root / POLICY_FILE

    def mistry(self, region: Region, setting: str) -> Path:
        """Mistry et al. 85x85 matrix of one setting for one region."""
        return self.root / MISTRY_DIR / mistry_file_name(region, setting)


def raw_dir_of(nyt: str | os.PathLike) -> Path:
    """The raw data directory that holds `nyt` (the NYT file at its layout path).

    >>> str(raw_dir_of("data/raw/nyt/us-states.csv"))
    'data/raw'
    """
    return Path(nyt).parents[len(Path(NYT_FILE).parts) - 1]
