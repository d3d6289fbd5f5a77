"""Calibration: priors, parameters (free or fixed), streams and sampler settings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from seirflow.config.base import PositiveFloat, Section, field_problem

__all__ = [
    "Uniform",
    "Normal",
    "LogNormal",
    "Beta",
    "TruncatedNormal",
    "Prior",
    "ParameterSpec",
    "Parameters",
    "PARAMETER_NAMES",
    "DOMAINS",
    "STREAM_DISPERSION",
    "StreamSpec",
    "Streams",
    "Calibration",
]


# ---------------------------------------------------------------------------- priors
class _PriorBase(Section):
    bounds: tuple[float, float] | None = Field(
        None, description="Optional [lower, upper] truncation on top of the distribution."
    )

    @model_validator(mode="after")
    def _bounds_ordered(self):
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds lower must be < upper, got {list(self.bounds)}")
        return self


class Uniform(_PriorBase):
    distribution: Literal["uniform"]
    lower: float = Field(allow_inf_nan=False)
    upper: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.lower < self.upper:
            raise ValueError(f"lower must be < upper, got lower={self.lower}, upper={self.upper}")
        return self


class Normal(_PriorBase):
    distribution: Literal["normal"]
    mean: float = Field(allow_inf_nan=False)
    sd: PositiveFloat


class LogNormal(_PriorBase):
    """Lognormal: log(x) ~ Normal(mu, sigma)."""

    distribution: Literal["lognormal"]
    mu: float = Field(allow_inf_nan=False)
    sigma: PositiveFloat


class Beta(_PriorBase):
    distribution: Literal["beta"]
    alpha: PositiveFloat
    beta: PositiveFloat


class TruncatedNormal(_PriorBase):
    distribution: Literal["truncated_normal"]
    mean: float = Field(allow_inf_nan=False)
    sd: PositiveFloat
    lower: float = Field(allow_inf_nan=False)
    upper: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> TruncatedNormal:
        if not self.lower < self.upper:
            raise ValueError(f"lower must be < upper, got lower={self.lower}, upper={self.upper}")
        return self


Prior = Annotated[
    Uniform | Normal | LogNormal | Beta | TruncatedNormal, Field(discriminator="distribution")
]


class ParameterSpec(Section):
    """One model parameter: free (with a prior) or fixed at `value`."""

    free: bool = Field(True, description="Calibrate this parameter (else fixed at value).")
    value: float | None = Field(None, allow_inf_nan=False, description="Value when not free.")
    prior: Prior | None = Field(None, description="Prior when free.")

    @model_validator(mode="after")
    def _free_has_prior(self) -> ParameterSpec:
        if self.free and self.prior is None:
            raise ValueError("a free parameter needs a prior")
        if not self.free and self.value is None:
            raise ValueError("a fixed parameter (free: false) needs a value")
        return self


def _free(prior: dict) -> ParameterSpec:
    return ParameterSpec(free=True, prior=prior)


def _fixed(value: float) -> ParameterSpec:
    return ParameterSpec(free=False, value=value)


class Parameters(Section):
    """Every calibratable parameter, with its natural domain in `DOMAINS`."""

    r0: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 1.0, "sigma": 0.25}),
        description="Basic reproduction number of the baseline (pre-pandemic) mixture.",
    )
    seed_day: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "uniform", "lower": 0.0, "upper": 75.0}),
        description="Seed time in days after dates.simulation_start (fractional).",
    )
    seed_size: ParameterSpec = Field(
        default_factory=lambda: _fixed(10.0),
        description="Number of people seeded (fixed by default: it trades off with seed_day).",
    )
    ascertainment: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "beta", "alpha": 2.0, "beta": 8.0}),
        description="Fraction of infections reported as cases (on the fit end's day).",
    )
    testing_elasticity: ParameterSpec = Field(
        default_factory=lambda: _fixed(0.0),
        description=(
            "gamma in ascertainment(t) = min(1, ascertainment x (tests(t) / tests(fit end))"
            "^gamma): 0 = constant ascertainment, 1 = proportional to tests per day."
        ),
    )
    ifr_multiplier: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 0.0, "sigma": 0.4}),
        description="Scales the infection-fatality ratio by age.",
    )
    ihr_multiplier: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 0.0, "sigma": 0.4}),
        description="Scales the infection-hospitalisation ratio (and ICU) by age.",
    )
    mobility_effect: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "uniform", "lower": 0.0, "upper": 4.0}),
        description="kappa in m_eff = 1 - kappa (1 - m) for the work and community layers.",
    )
    dispersion_cases: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 2.0, "sigma": 1.0}),
        description="Negative-binomial size k of reported cases (var = mu + mu^2/k).",
    )
    dispersion_deaths: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 2.0, "sigma": 1.0}),
        description="Negative-binomial size k of deaths.",
    )
    dispersion_hospital_census: ParameterSpec = Field(
        default_factory=lambda: _free({"distribution": "lognormal", "mu": 2.0, "sigma": 1.0}),
        description="Negative-binomial size k of hospital census.",
    )
    dispersion_icu_census: ParameterSpec = Field(
        default_factory=lambda: _fixed(20.0),
        description="Negative-binomial size k of ICU census.",
    )


PARAMETER_NAMES: tuple[str, ...] = tuple(Parameters.model_fields)

#: Parameter name prefix of the transmission modifier's steps (`TransmissionModifier`).
STEP_PREFIX = "transmission_step_"


def step_names(knots: int) -> tuple[str, ...]:
    """Names of the modifier's K steps, in order: ``transmission_step_1`` .. ``_K``."""
    return tuple(f"{STEP_PREFIX}{k}" for k in range(1, knots + 1))


# Natural domain of each parameter (open or closed as the model needs).
DOMAINS: dict[str, tuple[float, float]] = {
    "r0": (0.0, float("inf")),
    "seed_day": (float("-inf"), float("inf")),
    "seed_size": (0.0, float("inf")),
    "ascertainment": (0.0, 1.0),
    "testing_elasticity": (0.0, float("inf")),
    "ifr_multiplier": (0.0, float("inf")),
    "ihr_multiplier": (0.0, float("inf")),
    "mobility_effect": (0.0, float("inf")),
    "dispersion_cases": (0.0, float("inf")),
    "dispersion_deaths": (0.0, float("inf")),
    "dispersion_hospital_census": (0.0, float("inf")),
    "dispersion_icu_census": (0.0, float("inf")),
}


STREAM_DISPERSION: dict[str, str] = {
    "cases": "dispersion_cases",
    "deaths": "dispersion_deaths",
    "hospital_census": "dispersion_hospital_census",
    "icu_census": "dispersion_icu_census",
}
"""Negative-binomial size parameter of each observed stream (sampled only if it is fitted)."""


# ---------------------------------------------------------------------------- calibration
class StreamSpec(Section):
    enabled: bool = Field(True, description="Fit this stream.")
    weight: PositiveFloat = Field(1.0, description="Multiplies this stream's log-likelihood.")
    every_days: int = Field(
        1,
        ge=1,
        le=28,
        description=(
            "Fit the observation of every k-th day only, counted back from the fit end "
            "(7 for a census: a patient is counted on every day of a stay, so daily census "
            "values are not independent evidence)."
        ),
    )


class Streams(Section):
    """Observed streams fitted, each switchable and weighted."""

    cases: StreamSpec = Field(default_factory=StreamSpec)
    deaths: StreamSpec = Field(default_factory=StreamSpec)
    hospital_census: StreamSpec = Field(default_factory=StreamSpec)
    icu_census: StreamSpec = Field(default_factory=lambda: StreamSpec(enabled=False))


class TransmissionModifier(Section):
    """A random walk on log transmission through the fit window (`seirflow.model.modifier`)."""

    enabled: bool = Field(False, description="Fit a time-varying transmission modifier.")
    knots: int = Field(
        6,
        ge=1,
        le=20,
        description="Steps K of the walk: K + 1 knots evenly spaced from fit start to fit end.",
    )
    sd_week: PositiveFloat = Field(
        0.2,
        description=(
            "Prior sd of the log modifier's change per week (each step: sd_week x "
            "sqrt(gap / 7 days)); the scale of the weekly random walk on log Rt of Unwin "
            "et al. 2020, Nat Commun 11:6189."
        ),
    )

    projection: Literal["hold", "random_walk"] = Field(
        "hold",
        description=(
            "How the modifier continues after the fit end: hold its fit-end value, or "
            "continue the walk with the same weekly sd (one path per draw, median held)."
        ),
    )

    @property
    def steps(self) -> int:
        """Parameters the modifier adds (0 when disabled)."""
        return self.knots if self.enabled else 0


class Calibration(Section):
    """emcee sampler settings, convergence gate and the fitted streams."""

    walkers: int = Field(
        24,
        description="emcee walkers: at least 2 x the sampled free parameters, and at least 4.",
    )
    max_steps: int = Field(4000, ge=1, description="Step cap of each region's chain.")
    thin: int = Field(0, ge=0, description="Thinning of the stored posterior (0 = auto, tau/2).")
    check_every: int = Field(100, ge=1, description="Steps between convergence checks.")
    tau_multiple: PositiveFloat = Field(
        30.0, description="Converged once the chain is longer than tau_multiple x tau."
    )
    tau_rtol: PositiveFloat | None = Field(
        None,
        description=(
            "...and tau changed by less than this fraction between checks (null: no such "
            "test; R-hat and bulk ESS on the kept draws decide)."
        ),
    )
    rhat_max: PositiveFloat = Field(1.05, description="Converged only if R-hat is below this.")
    ess_min: PositiveFloat = Field(400.0, description="...and bulk ESS is at least this.")
    fail_on_nonconvergence: bool = Field(
        False, description="Make a region that did not converge a hard failure."
    )
    init: Literal["prior", "optimize"] = Field(
        "optimize", description="Walker initialisation: prior draws or a short optimisation."
    )
    streams: Streams = Field(default_factory=Streams)
    parameters: Parameters = Field(default_factory=Parameters)
    transmission: TransmissionModifier = Field(default_factory=TransmissionModifier)

    @property
    def sampled_parameters(self) -> tuple[str, ...]:
        """Free parameters the sampler moves: the dispersion of an unfitted stream is not."""
        unused = {d for s, d in STREAM_DISPERSION.items() if not getattr(self.streams, s).enabled}
        named = tuple(
            n for n in PARAMETER_NAMES if getattr(self.parameters, n).free and n not in unused
        )
        return named + step_names(self.transmission.steps)

    @property
    def min_walkers(self) -> int:
        """Smallest ensemble the sampler runs with (see `_enough_walkers`)."""
        return max(2 * len(self.sampled_parameters), 4)

    @model_validator(mode="after")
    def _enough_walkers(self) -> Calibration:
        # emcee's differential-evolution moves (calibration.sampler.default_moves) refuse
        # fewer than 2 walkers per dimension; the snooker move splits the ensemble in
        # four and draws 3 walkers from the other quarters, so it needs at least 4.
        n = len(self.sampled_parameters)
        if self.walkers < self.min_walkers:
            why = f"2 × {n} free parameters" if 2 * n >= 4 else "emcee's snooker move"
            need = f"need at least {self.min_walkers} ({why})"
            inputs = ("parameters", "streams") + (("transmission",) * self.transmission.enabled)
            raise field_problem("walkers", self.walkers, need, inputs)
        return self
