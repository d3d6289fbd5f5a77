"""Opportunity Insights state policy milestones: school closure and stay-at-home dates.

The file flags one row per state as the first school closure (``schools_first_closed``) and
one as the first stay-at-home order (``stayathome_first_start``). The flags are not always
right, so each flagged row is audited against its ``policy_description``:

* School closure: the flagged row is accepted if its text describes closing schools (or
  ending in-person instruction). Otherwise, or if no row is flagged, the earliest row whose
  text describes a school closure is used. In the 2022-07 snapshot this corrects two states:
  Washington (the flagged 2020-03-16 row is about dining and entertainment venues; the
  school closure row is 2020-03-12, K-12 schools in King, Snohomish and Pierce counties)
  and Nebraska (no flagged row; 2020-04-05, in-person instruction ceased statewide).
* Stay-at-home: the flagged row is accepted if its text mentions a stay-at-home/shelter
  order or advisory and not its end. Otherwise the earliest row of the form
  "<State> issued ... stay at home ..." without a county or city qualifier is used, so
  local orders (Atlanta, Denver, ...) are never taken for statewide ones. States without a
  statewide order (AR, IA, NE, ND, OK, SD, UT, WY in this snapshot) get no date.

How each date was chosen is returned with it (`PolicyDate.source`, `.description`,
`.rejected_flag`) so that it can be recorded in the model inputs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pandas as pd

from seirflow.errors import DataError
from seirflow.sources.tables import parse_dates, parse_numbers, read_csv_columns

__all__ = ["PolicyDate", "PolicyDates", "read_policy", "policy_dates"]

_COLUMNS = (
    "statefips",
    "statename",
    "date",
    "policy_description",
    "schools_first_closed",
    "stayathome_first_start",
)

_SCHOOL = re.compile(r"\bschools?\b|in-person instruction", re.IGNORECASE)
_CLOSE = re.compile(r"\bclos|\bceas|\bcancel|\bsuspend|\bdismiss", re.IGNORECASE)
_REOPEN = re.compile(r"re-?open|resum|return", re.IGNORECASE)
_STAY_HOME = re.compile(
    r"stay[- ]at[- ]home|shelter[- ](?:in|at)[- ]place|shelter[- ]at[- ]home", re.I
)
_ENDS = re.compile(r"\bend|\bstop|\blift|\brescind|\bdowngrad|\bexpir", re.IGNORECASE)
_LOCAL = re.compile(r"\bcount(?:y|ies)\b|\bcity\b|\bselect\b", re.IGNORECASE)


@dataclass(frozen=True)
class PolicyDate:
    """One audited policy date.

    Attributes:
        date: The date (None if the state has no such policy in the file).
        source: ``"flag"`` (flagged row accepted), ``"description"`` (found by the text
            audit) or ``"none"``.
        description: ``policy_description`` of the row used ("" if none).
        rejected_flag: Description of a flagged row that was rejected by the audit ("" if
            the flag was accepted or absent).
    """

    date: pd.Timestamp | None
    source: str
    description: str
    rejected_flag: str = ""


@dataclass(frozen=True)
class PolicyDates:
    """Audited school closure and stay-at-home start of one state."""

    school_closure: PolicyDate
    stay_at_home: PolicyDate


def read_policy(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate the policy milestones file.

    Args:
        path: ``Policy Milestones - State.csv``.

    Returns:
        DataFrame with ``fips`` (2-digit string), ``statename``, ``date`` (datetime64),
        ``policy_description`` and the two int flags, in file order.

    Raises:
        DataError: missing column, truncated or empty file, bad or out-of-range date, or a
            flag that is not 0 or 1.
    """
    raw = read_csv_columns(path, _COLUMNS)
    fips = parse_numbers(raw, "statefips", path, integer=True, minimum=1)
    table = pd.DataFrame(
        {
            "fips": [f"{int(f):02d}" for f in fips],
            "statename": raw["statename"].to_numpy(dtype=object),
            "date": parse_dates(raw["date"], "date", path),
            "policy_description": raw["policy_description"].to_numpy(dtype=object),
        }
    )
    for flag in ("schools_first_closed", "stayathome_first_start"):
        values = parse_numbers(raw, flag, path, integer=True, minimum=0)
        if (values > 1).any():
            i = int((values > 1).nonzero()[0][0])
            raise DataError(
                f"{path}: column {flag!r}, line {i + 2}: flag {raw[flag].iloc[i]!r} is not 0 or 1",
                file=path,
                field=flag,
                value=raw[flag].iloc[i],
            )
        table[flag] = values.astype(int)
    return table


def _is_school_closure(text: str) -> bool:
    return bool(_SCHOOL.search(text) and _CLOSE.search(text) and not _REOPEN.search(text))


def _is_stay_home_start(text: str) -> bool:
    return bool(_STAY_HOME.search(text) and not _ENDS.search(text))


def _is_statewide_stay_home_issue(text: str, state: str) -> bool:
    return (
        text.startswith(f"{state} issued") and _is_stay_home_start(text) and not _LOCAL.search(text)
    )


def _audit(rows: pd.DataFrame, flag: str, accept, find, path) -> PolicyDate:
    flagged = rows[rows[flag] == 1]
    if len(flagged) > 1:
        raise DataError(
            f"{path}: column {flag!r}: {len(flagged)} rows flagged for state "
            f"{rows['fips'].iloc[0]} (expected at most one)",
            file=path,
            field=flag,
            value=len(flagged),
        )
    rejected = ""
    if len(flagged) == 1:
        text = flagged["policy_description"].iloc[0]
        if accept(text):
            return PolicyDate(flagged["date"].iloc[0], "flag", text)
        rejected = text
    found = rows[[find(t) for t in rows["policy_description"]]]
    if found.empty:
        return PolicyDate(None, "none", "", rejected)
    first = found.iloc[0]
    return PolicyDate(first["date"], "description", first["policy_description"], rejected)


def policy_dates(table: pd.DataFrame, fips: str, path: str | os.PathLike) -> PolicyDates:
    """Audited school closure and stay-at-home dates of one state (see module docstring).

    Args:
        table: Output of `read_policy`.
        fips: 2-digit state FIPS code.
        path: File the table came from (for messages).

    Returns:
        `PolicyDates` with how each date was found.

    Raises:
        DataError: the state has no rows, or more than one row carries the same flag.
    """
    rows = table[table["fips"] == fips]
    if rows.empty:
        raise DataError(
            f"{path}: column 'statefips': region {fips!r} not found",
            file=path,
            field="statefips",
            value=fips,
        )
    rows = rows.sort_values("date", kind="stable")
    state = rows["statename"].iloc[0]
    school = _audit(rows, "schools_first_closed", _is_school_closure, _is_school_closure, path)
    stay = _audit(
        rows,
        "stayathome_first_start",
        _is_stay_home_start,
        lambda text: _is_statewide_stay_home_issue(text, state),
        path,
    )
    return PolicyDates(school_closure=school, stay_at_home=stay)
