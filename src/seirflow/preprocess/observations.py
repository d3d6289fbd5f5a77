"""Observed daily series: new cases and deaths, hospital and ICU census.

Reporting artefacts are handled explicitly and every change is returned as an `Adjustment`:

* New counts are the first differences of the NYT cumulative counts. The first reported
  day's count is its cumulative value (NYT lists a state from its first case on), and days
  before it are 0 (recorded once as ``before_first_report``).
* A negative daily count (a downward revision of the cumulative figure) is set to 0 and the
  excess is taken off all preceding days in proportion to their counts, rounded to whole
  numbers by largest remainder (``offset_negative``). Counts stay non-negative whole numbers
  and the running total still ends at the reported cumulative figure; the revision is
  spread over the history it corrects instead of emptying the days just before it.
* A one-day jump far above its neighbours (a backlog or a reclassification published on
  one day, e.g. New Jersey's 1,854 probable deaths added on 25 June 2020) is set to the
  mean of the days around it and its excess added to all preceding days in proportion to
  their counts, like a negative revision in reverse (``spread_spike``, `spread_spikes`).
* A day missing from the file is NaN; the next reported day then covers the gap
  (``gap``). Days after the last reported day are NaN (``no_data``).
* Census values (patients currently in hospital / ICU) are NaN where not reported (empty in
  the source, or no row); they are never read as zero (``missing``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seirflow.errors import DataError
from seirflow.preprocess.adjustments import Adjustment

__all__ = [
    "SPIKE_FACTOR",
    "SPIKE_FLOOR",
    "SPIKE_WINDOW_DAYS",
    "offset_negative_counts",
    "spread_spikes",
    "daily_counts",
    "census_series",
    "testing_series",
]

#: A day is a spike if its count exceeds SPIKE_FACTOR x the mean of the SPIKE_WINDOW_DAYS
#: reported days on either side (only those before it at the end of a series) plus the
#: stream's SPIKE_FLOOR. Over 2020 in the NYT snapshot this flags 7 death days (NJ 25 Jun,
#: NY 30 Jun, TX 27 Jul, MI 5 Jun, DE 23 Jun, AR 15 Sep, GA 4 Nov) and 3 case days (MI
#: 5 Jun, TX 21 Sep, GA 5 Oct): each a published backlog or reclassification of probable
#: cases or deaths; no day of an epidemic wave comes close.
SPIKE_FACTOR = 5.0
SPIKE_FLOOR = {"cases": 1000.0, "deaths": 50.0}
SPIKE_WINDOW_DAYS = 14


def _shrink(counts: np.ndarray, target: float) -> np.ndarray:
    """Scale non-negative whole `counts` to sum to `target`, keeping whole numbers."""
    total = counts.sum()
    scaled = counts * (target / total)
    out = np.floor(scaled)
    remainder = int(round(target - out.sum()))
    if remainder > 0:
        order = np.argsort(-(scaled - out), kind="stable")
        out[order[:remainder]] += 1.0
    return out


def offset_negative_counts(daily: np.ndarray) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """Remove negative daily counts by offsetting them against the preceding days.

    Negative days are handled in time order: the day is set to 0 and the preceding
    non-missing days are reduced in proportion to their counts (whole numbers, largest
    remainder) so that their total drops by the negative amount. Missing days (NaN) are
    left alone.

    Args:
        daily: Daily whole counts, shape (T,), NaN = missing; negative values allowed.

    Returns:
        The adjusted counts (float64, non-negative where not NaN) and a list of
        ``(index, original value)`` for each negative day.

    Raises:
        DataError: a negative count larger than everything reported before it (the
            cumulative series would have gone below zero).

    Example:
        >>> out, neg = offset_negative_counts(np.array([4.0, 6.0, -5.0, 3.0]))
        >>> out.tolist(), neg
        ([2.0, 3.0, 0.0, 3.0], [(2, -5.0)])
    """
    out = np.asarray(daily, dtype=float).copy()
    changed = []
    for t in np.flatnonzero(out < 0):
        deficit = -out[t]
        before = np.flatnonzero(np.isfinite(out[:t]))
        available = out[before].sum()
        if deficit > available:
            raise DataError(
                f"daily counts: revision of {-deficit:g} at position {t} exceeds the "
                f"{available:g} reported before it",
                field="daily",
                value=-deficit,
            )
        changed.append((int(t), float(out[t])))
        out[before] = _shrink(out[before], available - deficit)
        out[t] = 0.0
    return out, changed


def spread_spikes(daily: np.ndarray, floor: float) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """Move the excess of one-day spikes (see `SPIKE_FACTOR`) onto the preceding days.

    Spikes are found on the input; each, in time order, is set to the rounded mean of its
    neighbours and the excess is added to the preceding non-missing days in proportion
    to their counts (whole numbers, largest remainder), so the total is unchanged. A
    spike with nothing reported before it is left alone.

    Args:
        daily: Non-negative daily whole counts, (T,), NaN = missing.
        floor: The stream's `SPIKE_FLOOR`.

    Returns:
        The adjusted counts and ``(index, original value)`` of each spike moved.

    Example:
        >>> out, moved = spread_spikes(np.array([10.0, 30.0, 20.0, 800.0, 20.0]), 50.0)
        >>> out.tolist(), moved
        ([140.0, 420.0, 280.0, 20.0, 20.0], [(3, 800.0)])
    """
    out = np.asarray(daily, dtype=float).copy()
    values = out.copy()
    w = SPIKE_WINDOW_DAYS
    moved = []
    for t in np.flatnonzero(np.isfinite(values)):
        around = np.concatenate([values[max(t - w, 0) : t], values[t + 1 : t + 1 + w]])
        around = around[np.isfinite(around)]
        if around.size == 0:
            continue
        level = around.mean()
        before = np.flatnonzero(np.isfinite(out[:t]))
        if values[t] <= SPIKE_FACTOR * level + floor or out[before].sum() <= 0:
            continue
        kept = float(np.round(level))
        out[before] = _shrink(out[before], out[before].sum() + out[t] - kept)
        moved.append((int(t), float(values[t])))
        out[t] = kept
    return out, moved


def daily_counts(
    cumulative: pd.Series, dates: pd.DatetimeIndex, stream: str
) -> tuple[np.ndarray, list[Adjustment]]:
    """Daily new counts on `dates` from a cumulative series.

    Only reports up to the last output date are used, so revisions published after the
    window never change the counts inside it; the counts then sum to the cumulative figure
    reported on the last output date (or the last report before it).

    Args:
        cumulative: Cumulative whole counts indexed by the reported dates (unique).
        dates: Output dates (daily, sorted).
        stream: Name in the adjustments (``"cases"``, ``"deaths"``).

    Returns:
        float64 array, shape (len(dates),), NaN = no data, and the adjustments made.
    """
    reported = cumulative.sort_index().loc[: dates[-1]]
    if reported.empty:
        first = cumulative.index.min()
        return np.zeros(len(dates)), [
            Adjustment.span(
                stream,
                dates[0],
                dates[-1],
                "before_first_report",
                detail=f"0: the source lists the region from its first report on {first.date()}",
            )
        ]
    first, last = reported.index[0], reported.index[-1]
    values = reported.to_numpy(dtype=float)
    increments = np.diff(values, prepend=0.0)
    full = pd.date_range(first, last, freq="D")
    daily = pd.Series(np.nan, index=full)
    daily[reported.index] = increments
    adjustments: list[Adjustment] = []
    steps = np.diff(reported.index.to_numpy()) / np.timedelta64(1, "D")
    for k in np.flatnonzero(steps > 1):
        gap_from = reported.index[k] + pd.Timedelta(days=1)
        gap_to = reported.index[k + 1] - pd.Timedelta(days=1)
        adjustments.append(
            Adjustment.span(
                stream,
                gap_from,
                gap_to,
                "gap",
                detail=f"no row in the source; the count on "
                f"{reported.index[k + 1].date()} covers these days",
            )
        )
    fixed, negatives = offset_negative_counts(daily.to_numpy())
    for t, original in negatives:
        adjustments.append(
            Adjustment(
                stream,
                f"{full[t].date()}",
                "offset_negative",
                original=original,
                detail=f"downward revision; set to 0 and taken off the days "
                f"{first.date()}..{full[t - 1].date()} in proportion to their counts",
            )
        )
    fixed, spikes = spread_spikes(fixed, SPIKE_FLOOR[stream])
    for t, original in spikes:
        adjustments.append(
            Adjustment(
                stream,
                f"{full[t].date()}",
                "spread_spike",
                original=original,
                detail=f"one-day jump; set to {fixed[t]:g} (the mean of the days around it) "
                f"and the excess added to {first.date()}..{full[t - 1].date()} in proportion "
                "to their counts",
            )
        )
    daily = pd.Series(fixed, index=full).reindex(dates)
    before = np.asarray(dates < first)
    daily[before] = 0.0
    if before.any():
        adjustments.append(
            Adjustment.span(
                stream,
                dates[before][0],
                dates[before][-1],
                "before_first_report",
                detail=f"0: the source lists the region from its first report on {first.date()}",
            )
        )
    after = np.asarray(dates > last)
    if after.any():
        adjustments.append(
            Adjustment.span(
                stream,
                dates[after][0],
                dates[after][-1],
                "no_data",
                detail=f"NaN: after the source's last date {last.date()}",
            )
        )
    return daily.to_numpy(dtype=float), adjustments


def census_series(
    values: pd.Series, dates: pd.DatetimeIndex, stream: str
) -> tuple[np.ndarray, list[Adjustment]]:
    """A census series (patients present each day) on `dates`, NaN where not reported.

    Args:
        values: Values indexed by the source's dates for the region, NaN = empty field.
        dates: Output dates (daily, sorted).
        stream: Name in the adjustments (``"hospital_census"``, ``"icu_census"``).

    Returns:
        float64 array, shape (len(dates),), NaN = missing, and one ``missing`` adjustment
        per run of missing days.
    """
    series = values.reindex(dates)
    out = series.to_numpy(dtype=float, copy=True)
    missing = np.isnan(out)
    adjustments = []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], missing.astype(int), [0]])))
    source_first, source_last = values.index.min(), values.index.max()
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        a, b = dates[start], dates[stop - 1]
        if a > source_last:
            why = f"after the source's last date {source_last.date()}"
        elif b < source_first:
            why = f"before the source's first date {source_first.date()}"
        else:
            why = "not reported (empty field or no row in the source)"
        adjustments.append(Adjustment.span(stream, a, b, "missing", detail=f"NaN: {why}"))
    return out, adjustments


def testing_series(
    daily_tests: pd.Series, dates: pd.DatetimeIndex
) -> tuple[np.ndarray, list[Adjustment]]:
    """Test results per day on `dates`: the 7-day trailing mean of the reported counts.

    The mean is over the days reported in the window (a downward revision, reported as a
    negative day, lowers it); a mean that is not positive counts as not reported. Days
    before the first positive mean take that first value and days after the last take the
    last (testing is assumed to hold), each run recorded as an adjustment. The series only
    scales ascertainment (`seirflow.calibration.forward.testing_ratio`), so its level,
    not its daily noise, is what matters.

    Args:
        daily_tests: CTP ``totalTestResultsIncrease`` indexed by date, NaN = not reported.
        dates: Output dates (daily, sorted).

    Returns:
        float64 array (NaN only if the source has no positive week at all), adjustments.
    """
    reported = daily_tests.dropna()
    full = pd.date_range(min(daily_tests.index.min(), dates[0]), dates[-1], freq="D")
    series = daily_tests.reindex(full).rolling(7, min_periods=1).mean()
    if not reported.empty:  # no mean over the shrinking windows past the last report
        series[series.index > reported.index[-1]] = np.nan
    series = series.where(series > 0).reindex(dates)
    valid = series.dropna()
    adjustments = []
    if valid.empty:
        return series.to_numpy(dtype=float), adjustments
    first, last = valid.index[0], valid.index[-1]
    day = pd.Timedelta(days=1)
    if first > dates[0]:
        detail = f"before the first report: the value of {first.date()}"
        adjustments.append(Adjustment.span("tests", dates[0], first - day, "filled", detail=detail))
    if last < dates[-1]:
        detail = f"after the last report: the value of {last.date()}"
        adjustments.append(Adjustment.span("tests", last + day, dates[-1], "filled", detail=detail))
    gaps = series.loc[first:last].isna()
    if gaps.any():
        detail = "not reported inside the series: the last value before"
        start = gaps.index[gaps][0]
        adjustments.append(Adjustment.span("tests", start, last, "filled", detail=detail))
    return series.ffill().bfill().to_numpy(dtype=float), adjustments
