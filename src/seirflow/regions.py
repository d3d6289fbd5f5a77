"""The regions seirflow knows: US states and DC, by postal code, FIPS code and name."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Region", "REGIONS", "REGION_CODES", "region"]


class Region(NamedTuple):
    """One region: postal code (wildcard value), 2-digit FIPS code (hub location) and name."""

    code: str
    fips: str
    name: str


REGIONS: tuple[Region, ...] = (
    Region("AL", "01", "Alabama"),
    Region("AK", "02", "Alaska"),
    Region("AZ", "04", "Arizona"),
    Region("AR", "05", "Arkansas"),
    Region("CA", "06", "California"),
    Region("CO", "08", "Colorado"),
    Region("CT", "09", "Connecticut"),
    Region("DE", "10", "Delaware"),
    Region("DC", "11", "District of Columbia"),
    Region("FL", "12", "Florida"),
    Region("GA", "13", "Georgia"),
    Region("HI", "15", "Hawaii"),
    Region("ID", "16", "Idaho"),
    Region("IL", "17", "Illinois"),
    Region("IN", "18", "Indiana"),
    Region("IA", "19", "Iowa"),
    Region("KS", "20", "Kansas"),
    Region("KY", "21", "Kentucky"),
    Region("LA", "22", "Louisiana"),
    Region("ME", "23", "Maine"),
    Region("MD", "24", "Maryland"),
    Region("MA", "25", "Massachusetts"),
    Region("MI", "26", "Michigan"),
    Region("MN", "27", "Minnesota"),
    Region("MS", "28", "Mississippi"),
    Region("MO", "29", "Missouri"),
    Region("MT", "30", "Montana"),
    Region("NE", "31", "Nebraska"),
    Region("NV", "32", "Nevada"),
    Region("NH", "33", "New Hampshire"),
    Region("NJ", "34", "New Jersey"),
    Region("NM", "35", "New Mexico"),
    Region("NY", "36", "New York"),
    Region("NC", "37", "North Carolina"),
    Region("ND", "38", "North Dakota"),
    Region("OH", "39", "Ohio"),
    Region("OK", "40", "Oklahoma"),
    Region("OR", "41", "Oregon"),
    Region("PA", "42", "Pennsylvania"),
    Region("RI", "44", "Rhode Island"),
    Region("SC", "45", "South Carolina"),
    Region("SD", "46", "South Dakota"),
    Region("TN", "47", "Tennessee"),
    Region("TX", "48", "Texas"),
    Region("UT", "49", "Utah"),
    Region("VT", "50", "Vermont"),
    Region("VA", "51", "Virginia"),
    Region("WA", "53", "Washington"),
    Region("WV", "54", "West Virginia"),
    Region("WI", "55", "Wisconsin"),
    Region("WY", "56", "Wyoming"),
)

REGION_CODES: tuple[str, ...] = tuple(r.code for r in REGIONS)
_BY_CODE = {r.code: r for r in REGIONS}


def region(code: str) -> Region:
    """Look up a region by postal code.

    >>> region("NY").fips
    '36'

    Raises:
        KeyError: if the code is not one of `REGION_CODES`.
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown region {code!r}; known: {', '.join(REGION_CODES)}") from None
