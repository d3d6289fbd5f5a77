"""MMWR epiweeks of a hub round: the origin date and the weeks after it.

Hubs count weeks as the US CDC does (MMWR weeks, Sunday to Saturday; `epiweeks`). A round's
origin date is the Sunday its first week starts; horizon h is the h-th epiweek from it. The
projections start the day after the fit ends, on any weekday, so by default the origin is
the first Sunday on or after the projection start, and the hub weeks are the epiweeks that
lie wholly inside the projection window (the days before the origin and a last partial
week are projected but not submitted).
"""

from __future__ import annotations

import datetime as dt

from epiweeks import Week

__all__ = ["is_sunday", "first_sunday", "hub_weeks", "week_end"]


def is_sunday(day: dt.date) -> bool:
    """Whether `day` starts an MMWR week.

    >>> is_sunday(dt.date(2025, 4, 27)), is_sunday(dt.date(2025, 4, 28))
    (True, False)
    """
    return Week.fromdate(day).startdate() == day


def first_sunday(day: dt.date) -> dt.date:
    """The first Sunday on or after `day`.

    >>> first_sunday(dt.date(2020, 7, 16))
    datetime.date(2020, 7, 19)
    """
    week = Week.fromdate(day)
    return day if week.startdate() == day else (week + 1).startdate()


def hub_weeks(origin: dt.date, last_day: dt.date) -> int:
    """Number of whole epiweeks from `origin` (a Sunday) through `last_day`.

    >>> hub_weeks(dt.date(2020, 7, 19), dt.date(2020, 10, 7))
    11
    """
    if not is_sunday(origin):
        raise ValueError(f"origin {origin} is not a Sunday (MMWR weeks start on Sundays)")
    return max(0, ((last_day - origin).days + 1) // 7)


def week_end(origin: dt.date, horizon: int) -> dt.date:
    """The Saturday that ends epiweek `horizon` (1-based) from `origin`.

    >>> week_end(dt.date(2020, 7, 19), 1)
    datetime.date(2020, 7, 25)
    """
    return (Week.fromdate(origin) + (horizon - 1)).enddate()
