"""Special functions the priors need, without scipy at run time.

Normal CDF and quantile (Acklam's rational approximation refined by one Halley step to
full double precision), the regularised incomplete beta function (Lentz continued
fraction), and vectorised ``erfc``/``lgamma``. Checked against scipy in the tests.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["erfc", "lgamma", "norm_cdf", "norm_sf", "norm_log_mass", "ndtri", "betainc"]

_SQRT2 = math.sqrt(2.0)


@numba.vectorize(["float64(float64)"], cache=True)
def erfc(x):  # pragma: no cover - compiled
    """Complementary error function, elementwise."""
    return math.erfc(x)


@numba.vectorize(["float64(float64)"], cache=True)
def lgamma(x):  # pragma: no cover - compiled
    """log|Gamma(x)|, elementwise."""
    return math.lgamma(x)


def norm_cdf(z):
    """Standard normal CDF, accurate in the lower tail."""
    return 0.5 * erfc(-np.asarray(z, dtype=float) / _SQRT2)


def norm_sf(z):
    """Standard normal survival function 1 - CDF, accurate in the upper tail."""
    return 0.5 * erfc(np.asarray(z, dtype=float) / _SQRT2)


def norm_log_mass(a: float, b: float) -> float:
    """log(Phi(b) - Phi(a)) for a < b, computed on the side that keeps precision.

    Args:
        a: Lower standardised limit (may be -inf).
        b: Upper standardised limit (may be +inf).

    Returns:
        float: Log probability of a standard normal falling in [a, b] (-inf if none).
    """
    if a > 0:  # both in the upper tail: use survival functions
        mass = float(norm_sf(a) - norm_sf(b))
    else:
        mass = float(norm_cdf(b) - norm_cdf(a))
    return math.log(mass) if mass > 0 else -math.inf


# Acklam's coefficients for the inverse normal CDF.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)  # fmt: skip
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)  # fmt: skip
_P_LOW = 0.02425


def _poly(coef, x):
    out = np.zeros_like(x)
    for c in coef:
        out = out * x + c
    return out


def ndtri(p):
    """Standard normal quantile (inverse CDF), elementwise.

    Args:
        p: Probabilities in [0, 1] (array-like).

    Returns:
        numpy.ndarray: z with Phi(z) = p; -inf at 0 and +inf at 1.
    """
    p = np.asarray(p, dtype=float)
    z = np.empty_like(p)
    lo = p < _P_LOW
    hi = p > 1.0 - _P_LOW
    mid = ~(lo | hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.sqrt(-2.0 * np.log(p[lo]))
        z[lo] = _poly(_C, q) / (_poly(_D, q) * q + 1.0)
        q = np.sqrt(-2.0 * np.log1p(-p[hi]))
        z[hi] = -_poly(_C, q) / (_poly(_D, q) * q + 1.0)
        q = p[mid] - 0.5
        r = q * q
        z[mid] = _poly(_A, r) * q / (_poly(_B, r) * r + 1.0)
        # One Halley step on the side of the distribution that holds precision.
        finite = np.isfinite(z)
        zf = z[finite]
        pf = p[finite]
        upper = zf > 0
        err = np.where(upper, -(norm_sf(zf) - (1.0 - pf)), norm_cdf(zf) - pf)
        u = err * math.sqrt(2.0 * math.pi) * np.exp(0.5 * zf * zf)
        z[finite] = zf - u / (1.0 + 0.5 * zf * u)
    return z


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b).

    Args:
        a: Shape a > 0.
        b: Shape b > 0.
        x: Point in [0, 1].

    Returns:
        float: P(X <= x) for X ~ Beta(a, b).
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")
