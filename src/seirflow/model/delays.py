"""Discretised delay distributions (pmfs over whole days) from a mean and a standard deviation.

Discretisation: an event on day ``d`` happens at a uniform time ``d + U`` within it and the delay
``X`` is continuous, so the follow-up falls on day ``d + floor(U + X)``. The pmf is therefore
``pmf[k] = P(floor(U + X) = k) = integral_0^1 [F(k + 1 - u) - F(k - u)] du``
``= G(k + 1) - 2 G(k) + G(k - 1)`` with ``G(x) = integral_0^x F = x F(x) - integral_0^x t f(t) dt``
(the single-interval-censored form used for daily data; ``G = 0`` for ``x <= 0``). It keeps the
mean exactly, ``E[floor(U + X)] = E[X]``, unlike ``F(k + 1) - F(k)`` whose mean is about half a day
short. The pmf is truncated to ``k < max_days`` and renormalised.

Families: lognormal (CDF from ``math.erf``) and gamma (regularised incomplete gamma by series and
continued fraction, Numerical Recipes 6.2). No scipy at run time.
"""

from __future__ import annotations

import logging
import math
from enum import StrEnum

import numpy as np

from seirflow.exactlinalg import dot
from seirflow.model._checks import check_positive_float, check_positive_int, require

__all__ = ["DelayFamily", "discretise_delay", "survival", "pmf_mean", "regularized_gamma_p"]

logger = logging.getLogger(__name__)


class DelayFamily(StrEnum):
    """Continuous family of a delay distribution."""

    LOGNORMAL = "lognormal"
    GAMMA = "gamma"


def regularized_gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma ``P(a, x)`` for ``a > 0``, ``x >= 0``.

    >>> round(regularized_gamma_p(1.0, 1.0), 12) == round(1 - math.exp(-1.0), 12)
    True
    """
    if x <= 0.0:
        return 0.0
    log_pre = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_pre))
    # Continued fraction for Q(a, x) (modified Lentz).
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return max(0.0, 1.0 - math.exp(log_pre) * h)


def _integrated_cdf(family: DelayFamily, mean: float, sd: float):
    """Return ``G(x) = integral_0^x F(t) dt`` for the family with this mean and sd."""
    if family is DelayFamily.LOGNORMAL:
        s2 = math.log1p((sd / mean) ** 2)
        s = math.sqrt(s2)
        mu = math.log(mean) - 0.5 * s2

        def phi(z):
            return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

        def g(x):
            if x <= 0.0:
                return 0.0
            lx = math.log(x)
            return x * phi((lx - mu) / s) - mean * phi((lx - mu - s2) / s)
    else:
        shape = (mean / sd) ** 2
        scale = sd * sd / mean

        def g(x):
            if x <= 0.0:
                return 0.0
            z = x / scale
            return x * regularized_gamma_p(shape, z) - mean * regularized_gamma_p(shape + 1.0, z)

    return g


def discretise_delay(mean, sd, max_days, family=DelayFamily.LOGNORMAL) -> np.ndarray:
    """Daily pmf of a delay with the given mean and sd (see module docstring).

    Args:
        mean: Mean delay, days (> 0).
        sd: Standard deviation, days (> 0).
        max_days: Length of the pmf (delays 0 .. max_days - 1), >= 1.
        family: :class:`DelayFamily` or its value.

    Returns:
        ``[max_days]`` float64 pmf summing to 1.

    Raises:
        SeirflowInputError: Bad mean, sd, max_days or family.

    >>> p = discretise_delay(5.0, 2.0, 40)
    >>> round(float(p.sum()), 12), round(pmf_mean(p), 3)
    (1.0, 5.0)
    """
    mean = check_positive_float(mean, "mean")
    sd = check_positive_float(sd, "sd")
    max_days = check_positive_int(max_days, "max_days")
    try:
        family = DelayFamily(family)
    except ValueError:
        require(False, "family", family, f"must be one of {[f.value for f in DelayFamily]}")
    g = _integrated_cdf(family, mean, sd)
    gs = np.array([g(float(k)) for k in range(-1, max_days + 1)])
    pmf = np.maximum(gs[2:] - 2.0 * gs[1:-1] + gs[:-2], 0.0)
    kept = float(pmf.sum())
    require(
        kept > 0,
        "max_days",
        max_days,
        f"keeps no probability of a {family.value} delay with mean {mean} and sd {sd}",
    )
    if kept < 0.99:
        logger.warning(
            "%s delay (mean %g, sd %g) truncated at %d days keeps %.3f of its mass",
            family.value,
            mean,
            sd,
            max_days,
            kept,
        )
    return pmf / kept


def survival(pmf) -> np.ndarray:
    """``s[k] = P(J > k)`` for a pmf over whole days (``s[0] = 1 - pmf[0]``).

    >>> survival([0.25, 0.5, 0.25]).tolist()
    [0.75, 0.25, 0.0]
    """
    p = np.asarray(pmf, dtype=np.float64)
    return np.clip(1.0 - np.cumsum(p), 0.0, 1.0)


def pmf_mean(pmf) -> float:
    """Mean of a pmf over days 0, 1, ..."""
    p = np.asarray(pmf, dtype=np.float64)
    return dot(np.arange(p.size, dtype=np.float64), p) / math.fsum(p.tolist())
