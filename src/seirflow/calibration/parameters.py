"""The calibrated parameter vector: free versus fixed, priors and the sampling space.

emcee samples an unconstrained vector z; each free parameter x maps to it through a
bijection chosen from its prior's support [lo, hi]: scaled logit when both ends are
finite, log(x - lo) (or log(hi - x)) when one is, identity otherwise. The sampler's
target is the posterior density of z (prior times likelihood times the Jacobian), so
walkers can never leave the support, and skewed positive parameters (seed size,
dispersions) become near-Gaussian, which the affine-invariant stretch move handles well.
Everything stored and reported is on the natural scale x.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from seirflow.calibration.priors import JointPrior, build_prior
from seirflow.config.calibration import STREAM_DISPERSION
from seirflow.errors import ConfigError

__all__ = ["ParameterSpace", "STREAM_DISPERSION"]


@dataclass(frozen=True)
class ParameterSpace:
    """Free parameters (with priors and transforms) and fixed values.

    Attributes:
        prior: Joint prior of the free parameters; ``prior.names`` is the column order.
        fixed: Values of the parameters held fixed.
    """

    prior: JointPrior
    fixed: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        lo, hi = self.prior.lower, self.prior.upper
        fl, fh = np.isfinite(lo), np.isfinite(hi)
        object.__setattr__(self, "_both", np.flatnonzero(fl & fh))
        object.__setattr__(self, "_lower_only", np.flatnonzero(fl & ~fh))
        object.__setattr__(self, "_upper_only", np.flatnonzero(~fl & fh))
        object.__setattr__(self, "_log_width", np.log(hi[self._both] - lo[self._both]))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_config(
        cls,
        parameters,
        domains: dict[str, tuple[float, float]],
        *,
        enabled_streams: tuple[str, ...] | list[str],
        file: str | None = None,
        field_prefix: str = "calibration.parameters",
    ) -> ParameterSpace:
        """Build from the ``calibration.parameters`` section.

        Dispersions of streams that are not fitted are dropped: they do not enter the
        likelihood, so sampling them would only slow convergence.

        Args:
            parameters: Mapping-like or pydantic model of name -> spec with ``free``,
                ``value`` and ``prior``.
            domains: Natural domain (lower, upper) of each parameter.
            enabled_streams: Streams in the likelihood.
            file: Config file path for error messages.
            field_prefix: Dotted path of ``parameters`` for error messages.

        Returns:
            ParameterSpace: Free parameters in config order, then the fixed values.

        Raises:
            ConfigError: Bad prior, or a fixed value outside its natural domain.
        """
        items = parameters.items() if hasattr(parameters, "items") else iter(parameters)
        unused = {d for s, d in STREAM_DISPERSION.items() if s not in enabled_streams}
        priors, fixed = [], {}
        for name, spec in items:
            if name in unused:
                continue
            where = f"{field_prefix}.{name}"
            lo, hi = domains[name]
            if spec.free:
                priors.append(
                    build_prior(name, spec.prior, (lo, hi), field=f"{where}.prior", file=file)
                )
            else:
                value = float(spec.value)
                if not (lo <= value <= hi) or not math.isfinite(value):
                    raise ConfigError(
                        f"{file + ': ' if file else ''}{where}.value: {value} is outside the "
                        f"natural domain [{lo}, {hi}] of {name}",
                        file=file,
                        field=f"{where}.value",
                        value=value,
                    )
                fixed[name] = value
        return cls(JointPrior(priors), fixed)

    # ------------------------------------------------------------------ properties
    @property
    def names(self) -> tuple[str, ...]:
        """Free parameter names, in column order."""
        return self.prior.names

    @property
    def ndim(self) -> int:
        """Number of free parameters P."""
        return self.prior.ndim

    # ------------------------------------------------------------------ transforms
    def to_natural(self, z: np.ndarray) -> np.ndarray:
        """Map unconstrained z [B, P] to natural-scale x [B, P]."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        x = z.copy()
        lo, hi = self.prior.lower, self.prior.upper
        i = self._both
        if i.size:
            with np.errstate(over="ignore"):
                s = 1.0 / (1.0 + np.exp(-z[:, i]))
            x[:, i] = np.clip(lo[i] + (hi[i] - lo[i]) * s, lo[i], hi[i])
        i = self._lower_only
        if i.size:
            x[:, i] = lo[i] + np.exp(z[:, i])
        i = self._upper_only
        if i.size:
            x[:, i] = hi[i] - np.exp(z[:, i])
        return x

    def to_unconstrained(self, x: np.ndarray) -> np.ndarray:
        """Map natural-scale x [B, P] to z [B, P] (inverse of :meth:`to_natural`)."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        z = x.copy()
        lo, hi = self.prior.lower, self.prior.upper
        with np.errstate(divide="ignore", invalid="ignore"):
            i = self._both
            z[:, i] = np.log(x[:, i] - lo[i]) - np.log(hi[i] - x[:, i])
            i = self._lower_only
            z[:, i] = np.log(x[:, i] - lo[i])
            i = self._upper_only
            z[:, i] = np.log(hi[i] - x[:, i])
        return z

    def log_jacobian(self, z: np.ndarray) -> np.ndarray:
        """log |dx/dz| summed over parameters, shape [B]."""
        z = np.atleast_2d(z)
        out = np.zeros(z.shape[0])
        zi = z[:, self._both]
        if zi.size:
            out += (self._log_width - np.logaddexp(0.0, zi) - np.logaddexp(0.0, -zi)).sum(axis=1)
        if self._lower_only.size:
            out += z[:, self._lower_only].sum(axis=1)
        if self._upper_only.size:
            out += z[:, self._upper_only].sum(axis=1)
        return out

    def log_prior_unconstrained(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Natural values and log prior density of z (with the Jacobian).

        Args:
            z: Unconstrained positions, shape [B, P].

        Returns:
            tuple: ``(x [B, P], log_prior [B])``; ``-inf`` where x hits a support edge
            with zero density.
        """
        x = self.to_natural(z)
        return x, self.prior.logpdf(x) + self.log_jacobian(z)

    # ------------------------------------------------------------------ model values
    def values(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every parameter's per-row value: free from ``x`` columns, fixed broadcast.

        Args:
            x: Natural-scale free parameters, shape [B, P].

        Returns:
            dict: name -> array of shape [B] (free: views into ``x``).
        """
        x = np.atleast_2d(x)
        out = {name: x[:, j] for j, name in enumerate(self.names)}
        for name, value in self.fixed.items():
            out[name] = np.full(x.shape[0], value)
        return out
