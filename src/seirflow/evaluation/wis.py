"""Weighted interval score of quantile forecasts, with its decomposition.

For a forecast given as the median ``m`` and ``K`` central prediction intervals
``[l_k, u_k]`` at levels ``1 - alpha_k`` (quantiles ``alpha_k/2`` and ``1 - alpha_k/2``),
and an observation ``y``, Bracher, Ray, Gneiting & Reich (2021), "Evaluating epidemic
forecasts in an interval format", PLoS Comput Biol 17(2):e1008618, eq. (3)-(4) define::

    IS_a(l, u; y) = (u - l) + (2/a)(l - y)·1{y < l} + (2/a)(y - u)·1{y > u}
    WIS(y) = 1/(K + 1/2) · ( 1/2·|y - m| + sum_k a_k/2 · IS_{a_k}(l_k, u_k; y) )

Each term splits into dispersion ``a/2·(u - l)``, overprediction ``(l - y)+`` and
underprediction ``(y - u)+``; the median term goes to over- or underprediction (as in the
R package scoringutils). Equivalently WIS is twice the mean pinball loss over the
``2K + 1`` quantiles (Bracher et al. 2021, section 2.2), which the tests check.

Scope: forecasts whose levels are symmetric around 0.5 and include 0.5 (the Scenario
Modeling Hub's 23 levels give K = 11). Missing values are not scored here: drop them first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["IntervalScores", "central_intervals", "weighted_interval_score"]

_TOL = 1e-9


def central_intervals(levels: Sequence[float]) -> tuple[np.ndarray, int]:
    """Check that quantile levels pair up into central intervals around a median.

    Args:
        levels: Quantile levels, strictly increasing in (0, 1), an odd number of them,
            ``levels[j] + levels[-1 - j] == 1`` and the middle one 0.5.

    Returns:
        ``alphas`` (shape (K,), ``alpha_k = 2 * levels[k]``, widest interval first) and the
        index of the median level.

    Raises:
        ValueError: the levels are not of that form (the message names the bad pair).

    Example:
        >>> alphas, mid = central_intervals([0.05, 0.25, 0.5, 0.75, 0.95])
        >>> alphas.round(2).tolist(), mid
        ([0.1, 0.5], 2)
    """
    lv = np.asarray(levels, dtype=float)
    if lv.ndim != 1 or lv.size % 2 != 1:
        raise ValueError(f"quantile levels: need an odd number of levels, got {lv.tolist()}")
    if np.any(np.diff(lv) <= 0) or lv[0] <= 0 or lv[-1] >= 1:
        raise ValueError(f"quantile levels: must increase strictly in (0, 1), got {lv.tolist()}")
    mid = lv.size // 2
    if abs(lv[mid] - 0.5) > _TOL:
        raise ValueError(f"quantile levels: the middle level must be 0.5, got {lv[mid]}")
    for j in range(mid):
        if abs(lv[j] + lv[-1 - j] - 1) > _TOL:
            raise ValueError(
                f"quantile levels: {lv[j]} and {lv[-1 - j]} do not form a central interval "
                "(they must sum to 1)"
            )
    return 2 * lv[:mid], mid


@dataclass(frozen=True)
class IntervalScores:
    """Scores of n forecasts, each an array of shape (n,).

    Attributes:
        wis: Weighted interval score (units of the data).
        dispersion: Part of `wis` from the interval widths.
        overprediction: Part of `wis` from observations below the intervals or the median.
        underprediction: Part of `wis` from observations above them.
        abs_error: ``|y - median|``.
        covered_50: y inside the central 50 % interval (bounds included).
        covered_90: y inside the central 90 % interval (bounds included).
    """

    wis: np.ndarray
    dispersion: np.ndarray
    overprediction: np.ndarray
    underprediction: np.ndarray
    abs_error: np.ndarray
    covered_50: np.ndarray
    covered_90: np.ndarray


def _covered(y, q, levels, width) -> np.ndarray:
    lo, hi = (1 - width) / 2, (1 + width) / 2
    i = np.flatnonzero(np.abs(levels - lo) < _TOL)
    j = np.flatnonzero(np.abs(levels - hi) < _TOL)
    if not (i.size and j.size):
        raise ValueError(
            f"quantile levels: the {width:.0%} central interval needs levels {lo:g} and "
            f"{hi:g}, got {levels.tolist()}"
        )
    return (q[:, i[0]] <= y) & (y <= q[:, j[0]])


def weighted_interval_score(
    y: Sequence[float] | np.ndarray,
    quantiles: np.ndarray,
    levels: Sequence[float],
) -> IntervalScores:
    """Weighted interval score and its parts, one per row.

    Args:
        y: Observations, shape (n,).
        quantiles: Forecast quantiles, shape (n, Q), non-decreasing along each row, columns
            in the order of `levels`.
        levels: Quantile levels, shape (Q,), as accepted by `central_intervals`; they must
            include 0.25, 0.75, 0.05 and 0.95 for the coverage flags.

    Returns:
        `IntervalScores`; ``wis == dispersion + overprediction + underprediction``.

    Raises:
        ValueError: bad levels, shapes that do not match, a non-finite value, or quantiles
            that decrease along a row (the message names the first such row).

    Example (median 10, 50 % interval [8, 12], 90 % interval [5, 15], observed 13):

        >>> s = weighted_interval_score([13.0], np.array([[5, 8, 10, 12, 15.0]]),
        ...                             [0.05, 0.25, 0.5, 0.75, 0.95])
        >>> round(float(s.wis[0]), 4), bool(s.covered_50[0]), bool(s.covered_90[0])
        (1.6, False, True)
    """
    lv = np.asarray(levels, dtype=float)
    alphas, mid = central_intervals(lv)
    yv = np.asarray(y, dtype=float)
    q = np.asarray(quantiles, dtype=float)
    if yv.ndim != 1 or q.shape != (yv.size, lv.size):
        raise ValueError(
            f"weighted_interval_score: need y of shape (n,) and quantiles of shape "
            f"(n, {lv.size}), got {yv.shape} and {q.shape}"
        )
    bad = ~(np.isfinite(yv) & np.isfinite(q).all(axis=1))
    if bad.any():
        raise ValueError(f"weighted_interval_score: non-finite value in row {np.argmax(bad)}")
    crossing = (np.diff(q, axis=1) < 0).any(axis=1)
    if crossing.any():
        r = int(np.argmax(crossing))
        raise ValueError(
            f"weighted_interval_score: quantiles decrease along row {r}: {q[r].tolist()}"
        )
    k = alphas.size
    lower = q[:, :mid]
    upper = q[:, ::-1][:, :mid]  # widest interval first, like `lower`
    median = q[:, mid]
    col = yv[:, None]
    dispersion = (alphas / 2 * (upper - lower)).sum(axis=1)
    over = np.clip(lower - col, 0, None).sum(axis=1) + 0.5 * np.clip(median - yv, 0, None)
    under = np.clip(col - upper, 0, None).sum(axis=1) + 0.5 * np.clip(yv - median, 0, None)
    norm = 1.0 / (k + 0.5)
    dispersion, over, under = norm * dispersion, norm * over, norm * under
    return IntervalScores(
        wis=dispersion + over + under,
        dispersion=dispersion,
        overprediction=over,
        underprediction=under,
        abs_error=np.abs(yv - median),
        covered_50=_covered(yv, q, lv, 0.5),
        covered_90=_covered(yv, q, lv, 0.9),
    )
