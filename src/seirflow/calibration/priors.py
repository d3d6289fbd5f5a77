"""Prior distributions: vectorised log-densities, sampling and support.

Each free parameter has a univariate prior from one of the families of
``seirflow.config.calibration.Prior`` (uniform, normal, lognormal, beta, truncated
normal), optionally truncated by ``bounds``, and always truncated to the parameter's
natural domain (e.g. positive for R0). The *support* is that intersection; densities
are normalised over it and are ``-inf`` outside. Sampling uses the inverse CDF (uniform
and normal-based families) or rejection (truncated beta), driven only by the
``numpy.random.Generator`` passed in. No scipy at run time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from seirflow.calibration import special
from seirflow.errors import ConfigError

__all__ = ["Family", "UnivariatePrior", "JointPrior", "build_prior"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_MIN_MASS = 1e-4  # smallest prior mass inside the support that rejection sampling accepts


class Family(StrEnum):
    """Prior families (the ``distribution`` field)."""

    uniform = "uniform"
    normal = "normal"
    lognormal = "lognormal"
    beta = "beta"


@dataclass(frozen=True)
class UnivariatePrior:
    """A prior truncated to its support [lower, upper].

    Attributes:
        name: Parameter name.
        family: Base family (a truncated normal is a ``normal`` with limits).
        a: First parameter (uniform: unused; normal: mean; lognormal: mu; beta: alpha).
        b: Second parameter (normal: sd; lognormal: sigma; beta: beta).
        lower: Lower end of the support (may be -inf).
        upper: Upper end of the support (may be +inf).
        log_mass: Log of the base distribution's probability inside the support.
    """

    name: str
    family: Family
    a: float
    b: float
    lower: float
    upper: float
    log_mass: float

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log-density at ``x`` (any shape); ``-inf`` outside the support.

        Args:
            x: Parameter values.

        Returns:
            numpy.ndarray: Same shape as ``x``.
        """
        x = np.asarray(x, dtype=float)
        inside = (x >= self.lower) & (x <= self.upper)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.family is Family.uniform:
                out = np.full(x.shape, -math.log(self.upper - self.lower))
            elif self.family is Family.normal:
                zz = (x - self.a) / self.b
                out = -0.5 * zz * zz - math.log(self.b) - _LOG_SQRT_2PI
            elif self.family is Family.lognormal:
                lx = np.log(x)
                zz = (lx - self.a) / self.b
                out = -0.5 * zz * zz - math.log(self.b) - _LOG_SQRT_2PI - lx
            else:
                out = (
                    (self.a - 1.0) * np.log(x)
                    + (self.b - 1.0) * np.log1p(-x)
                    - (math.lgamma(self.a) + math.lgamma(self.b) - math.lgamma(self.a + self.b))
                )
        out = out - self.log_mass
        return np.where(inside & ~np.isnan(out), out, -np.inf)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values from the truncated prior.

        Args:
            rng: Source of randomness.
            n: Number of draws.

        Returns:
            numpy.ndarray: Shape [n], every value inside the support.
        """
        if self.family is Family.uniform:
            return np.clip(rng.uniform(self.lower, self.upper, n), self.lower, self.upper)
        if self.family in (Family.normal, Family.lognormal):
            lo, hi = self._std_limits()
            reflect = lo > 0  # sample the lower tail for precision, then mirror
            if reflect:
                lo, hi = -hi, -lo
            c_lo, c_hi = special.norm_cdf(lo), special.norm_cdf(hi)
            z = special.ndtri(c_lo + (c_hi - c_lo) * rng.random(n))
            z = np.clip(-z if reflect else z, *self._std_limits())
            y = self.a + self.b * z
            x = np.exp(y) if self.family is Family.lognormal else y
            return np.clip(x, self.lower, self.upper)
        out = np.empty(0)
        batch = int(min(1e7, max(64, 2 * n / math.exp(self.log_mass))))
        while out.size < n:
            draw = rng.beta(self.a, self.b, batch)
            out = np.concatenate([out, draw[(draw >= self.lower) & (draw <= self.upper)]])
        return out[:n]

    def _std_limits(self) -> tuple[float, float]:
        """Support limits on the standard-normal scale (normal and lognormal)."""
        if self.family is Family.lognormal:
            lo = math.log(self.lower) if self.lower > 0 else -math.inf
            hi = math.log(self.upper) if self.upper < math.inf else math.inf
        else:
            lo, hi = self.lower, self.upper
        return (lo - self.a) / self.b, (hi - self.a) / self.b


def build_prior(
    name: str,
    spec,
    domain: tuple[float, float],
    *,
    field: str | None = None,
    file: str | None = None,
) -> UnivariatePrior:
    """Turn a prior specification into a truncated :class:`UnivariatePrior`.

    Args:
        name: Parameter name.
        spec: Object with ``distribution`` and that family's fields (``lower``/``upper``,
            ``mean``/``sd``, ``mu``/``sigma``, ``alpha``/``beta``) and optional ``bounds``;
            normally a ``seirflow.config.calibration.Prior`` model.
        domain: The parameter's natural domain (lower, upper).
        field: Dotted config path of ``spec`` for error messages.
        file: Config file path for error messages.

    Returns:
        UnivariatePrior: The prior restricted to domain and bounds.

    Raises:
        ConfigError: Unknown distribution, non-positive scale, empty support, or a support
            holding too little prior mass to sample.
    """
    field = field or f"calibration.parameters.{name}.prior"
    dist = getattr(spec, "distribution", None)
    lo, hi = float(domain[0]), float(domain[1])

    def fail(msg: str, value) -> ConfigError:
        where = f"{file}: " if file else ""
        return ConfigError(f"{where}{field}: {msg}", file=file, field=field, value=value)

    def positive(attr: str) -> float:
        v = float(getattr(spec, attr))
        if not (v > 0 and math.isfinite(v)):
            raise fail(f"{attr} must be a positive finite number, got {v}", v)
        return v

    if dist == "uniform":
        family, a, b = Family.uniform, 0.0, 0.0
        lo, hi = max(lo, float(spec.lower)), min(hi, float(spec.upper))
    elif dist in ("normal", "truncated_normal"):
        family, a, b = Family.normal, float(spec.mean), positive("sd")
        if dist == "truncated_normal":
            lo, hi = max(lo, float(spec.lower)), min(hi, float(spec.upper))
    elif dist == "lognormal":
        family, a, b = Family.lognormal, float(spec.mu), positive("sigma")
        lo = max(lo, 0.0)
    elif dist == "beta":
        family, a, b = Family.beta, positive("alpha"), positive("beta")
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    else:
        known = ["uniform", "normal", "lognormal", "beta", "truncated_normal"]
        raise fail(f"unknown distribution {dist!r}; known: {known}", dist)
    bounds = getattr(spec, "bounds", None)
    if bounds is not None:
        lo, hi = max(lo, float(bounds[0])), min(hi, float(bounds[1]))
    if not lo < hi:
        raise fail(
            f"support is empty: prior limits, bounds and the natural domain {list(domain)} "
            f"leave [{lo}, {hi}]",
            [lo, hi],
        )
    if family is Family.uniform and not (math.isfinite(lo) and math.isfinite(hi)):
        raise fail(f"uniform prior needs finite limits, got [{lo}, {hi}]", [lo, hi])
    log_mass = _log_mass(family, a, b, lo, hi)
    if not math.isfinite(log_mass):
        raise fail(f"the prior has no mass in its support [{lo}, {hi}]", [lo, hi])
    if family is Family.beta and log_mass < math.log(_MIN_MASS):
        raise fail(
            f"only {math.exp(log_mass):.3g} of the beta prior's mass lies in [{lo}, {hi}]; "
            "widen the bounds",
            [lo, hi],
        )
    return UnivariatePrior(name, family, a, b, lo, hi, log_mass)


def _log_mass(family: Family, a: float, b: float, lo: float, hi: float) -> float:
    """Log probability of the untruncated base distribution inside [lo, hi]."""
    if family is Family.uniform:
        return 0.0
    if family is Family.normal:
        return special.norm_log_mass((lo - a) / b, (hi - a) / b)
    if family is Family.lognormal:
        llo = math.log(lo) if lo > 0 else -math.inf
        lhi = math.log(hi) if hi < math.inf else math.inf
        return special.norm_log_mass((llo - a) / b, (lhi - a) / b)
    mass = special.betainc(a, b, hi) - special.betainc(a, b, lo)
    return math.log(mass) if mass > 0 else -math.inf


class JointPrior:
    """Independent priors of the free parameters, vectorised over rows of theta.

    Args:
        priors: One prior per free parameter, in column order.
    """

    def __init__(self, priors: list[UnivariatePrior] | tuple[UnivariatePrior, ...]):
        self.priors = tuple(priors)
        self.names = tuple(p.name for p in self.priors)
        self.lower = np.array([p.lower for p in self.priors])
        self.upper = np.array([p.upper for p in self.priors])

    @property
    def ndim(self) -> int:
        """Number of free parameters P."""
        return len(self.priors)

    def logpdf(self, theta: np.ndarray) -> np.ndarray:
        """Joint log prior density.

        Args:
            theta: Parameter values, shape [B, P] (natural scale).

        Returns:
            numpy.ndarray: Shape [B]; ``-inf`` where any parameter is outside its support.
        """
        theta = np.atleast_2d(theta)
        out = np.zeros(theta.shape[0])
        for j, p in enumerate(self.priors):
            out += p.logpdf(theta[:, j])
        return out

    def in_support(self, theta: np.ndarray) -> np.ndarray:
        """Whether each row lies inside every parameter's support.

        Args:
            theta: Shape [B, P].

        Returns:
            numpy.ndarray: Boolean, shape [B].
        """
        theta = np.atleast_2d(theta)
        return np.all((theta >= self.lower) & (theta <= self.upper), axis=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` rows from the joint prior.

        Args:
            rng: Source of randomness.
            n: Number of draws.

        Returns:
            numpy.ndarray: Shape [n, P], inside the support.
        """
        return np.column_stack([p.sample(rng, n) for p in self.priors]).reshape(n, self.ndim)
