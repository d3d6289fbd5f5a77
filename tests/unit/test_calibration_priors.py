"""Priors: log-densities against scipy, sampling, support, and bad priors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import special as sp
from scipy import stats

from seirflow.calibration import special
from seirflow.calibration.priors import JointPrior, build_prior
from seirflow.config import DOMAINS, Calibration, ParameterSpec
from seirflow.errors import ConfigError

INF = math.inf


def spec(**kw):
    """A validated prior (through the config model, as the workflow builds them)."""
    return ParameterSpec(free=True, prior=kw).prior


# (prior fields, domain, frozen scipy distribution truncated to the expected support)
CASES = [
    ({"distribution": "uniform", "lower": 0.0, "upper": 40.0}, (-INF, INF),
     stats.uniform(0.0, 40.0), (0.0, 40.0)),
    ({"distribution": "normal", "mean": 1.0, "sd": 2.0}, (-INF, INF),
     stats.norm(1.0, 2.0), (-INF, INF)),
    ({"distribution": "lognormal", "mu": 1.0, "sigma": 0.3}, (0.0, INF),
     stats.lognorm(0.3, scale=math.exp(1.0)), (0.0, INF)),
    ({"distribution": "beta", "alpha": 2.0, "beta": 8.0}, (0.0, 1.0),
     stats.beta(2.0, 8.0), (0.0, 1.0)),
    ({"distribution": "truncated_normal", "mean": 0.5, "sd": 0.3, "lower": 0.1, "upper": 2.0},
     (0.0, INF), stats.truncnorm((0.1 - 0.5) / 0.3, (2.0 - 0.5) / 0.3, 0.5, 0.3), (0.1, 2.0)),
]  # fmt: skip


def truncated(dist, lo, hi):
    """scipy reference density of ``dist`` restricted to [lo, hi] (renormalised)."""
    mass = dist.cdf(hi) - dist.cdf(lo)
    return lambda x: np.where((x >= lo) & (x <= hi), dist.logpdf(x) - np.log(mass), -np.inf)


@pytest.mark.parametrize(("fields", "domain", "dist", "support"), CASES)
def test_logpdf_matches_scipy(fields, domain, dist, support):
    prior = build_prior("p", spec(**fields), domain)
    assert (prior.lower, prior.upper) == support
    lo = max(support[0], dist.ppf(1e-6))
    hi = min(support[1], dist.ppf(1 - 1e-6))
    x = np.linspace(lo, hi, 201)[1:-1]
    np.testing.assert_allclose(prior.logpdf(x), truncated(dist, *support)(x), rtol=1e-10)


@pytest.mark.parametrize(
    ("fields", "domain", "dist", "support"),
    [
        # normal prior on a positive parameter: truncated at 0
        ({"distribution": "normal", "mean": 0.5, "sd": 1.0}, (0.0, INF), stats.norm(0.5, 1.0),
         (0.0, INF)),
        # bounds truncate further, on every family
        ({"distribution": "lognormal", "mu": 0.0, "sigma": 1.0, "bounds": [0.5, 3.0]},
         (0.0, INF), stats.lognorm(1.0), (0.5, 3.0)),
        ({"distribution": "beta", "alpha": 2.0, "beta": 8.0, "bounds": [0.05, 0.5]},
         (0.0, 1.0), stats.beta(2.0, 8.0), (0.05, 0.5)),
        ({"distribution": "uniform", "lower": 0.0, "upper": 40.0, "bounds": [5.0, 100.0]},
         (-INF, INF), stats.uniform(0.0, 40.0), (5.0, 40.0)),
        # both limits deep in the upper tail: the normalisation must keep its precision
        ({"distribution": "truncated_normal", "mean": 0.0, "sd": 1.0, "lower": 6.0,
          "upper": 7.0}, (-INF, INF), stats.norm(), (6.0, 7.0)),
    ],
)  # fmt: skip
def test_truncation_to_domain_and_bounds(fields, domain, dist, support):
    prior = build_prior("p", spec(**fields), domain)
    assert (prior.lower, prior.upper) == support
    lo, hi = support
    x = np.linspace(lo if lo > -INF else -5, hi if hi < INF else 10, 101)[1:-1]
    if fields["distribution"] == "truncated_normal":
        ref = stats.truncnorm(lo, hi).logpdf(x)
    else:
        ref = truncated(dist, lo, hi)(x)
    np.testing.assert_allclose(prior.logpdf(x), ref, rtol=1e-9)


@pytest.mark.parametrize(("fields", "domain", "dist", "support"), CASES)
def test_logpdf_is_minus_inf_outside_support(fields, domain, dist, support):
    prior = build_prior("p", spec(**fields), domain)
    outside = [v for v in (support[0] - 1.0, support[1] + 1.0) if math.isfinite(v)]
    if outside:
        assert np.all(prior.logpdf(np.array(outside)) == -np.inf)


@pytest.mark.parametrize(("fields", "domain", "dist", "support"), CASES)
def test_samples_inside_support_and_distributed_as_scipy(fields, domain, dist, support):
    prior = build_prior("p", spec(**fields), domain)
    x = prior.sample(np.random.default_rng(3), 4000)
    assert x.shape == (4000,)
    assert np.all((x >= support[0]) & (x <= support[1]))
    # Kolmogorov-Smirnov against the reference CDF; fixed seed, so this is deterministic.
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3


def test_truncated_samples_follow_truncated_cdf():
    fields = {"distribution": "beta", "alpha": 2.0, "beta": 8.0, "bounds": [0.05, 0.5]}
    prior = build_prior("p", spec(**fields), (0.0, 1.0))
    x = prior.sample(np.random.default_rng(4), 3000)
    assert x.min() >= 0.05 and x.max() <= 0.5
    base = stats.beta(2.0, 8.0)
    mass = base.cdf(0.5) - base.cdf(0.05)
    assert stats.kstest(x, lambda v: (base.cdf(v) - base.cdf(0.05)) / mass).pvalue > 1e-3
    tail = build_prior(
        "q", spec(distribution="truncated_normal", mean=0.0, sd=1.0, lower=6.0, upper=7.0),
        (-INF, INF),
    )  # fmt: skip
    y = tail.sample(np.random.default_rng(5), 2000)
    assert y.min() >= 6.0 and y.max() <= 7.0
    assert stats.kstest(y, stats.truncnorm(6.0, 7.0).cdf).pvalue > 1e-3


def test_joint_prior_vectorised_over_rows():
    priors = [
        build_prior("r0", spec(distribution="lognormal", mu=1.0, sigma=0.3), DOMAINS["r0"]),
        build_prior("asc", spec(distribution="beta", alpha=2, beta=8), DOMAINS["ascertainment"]),
    ]
    joint = JointPrior(priors)
    theta = joint.sample(np.random.default_rng(0), 50)
    assert theta.shape == (50, 2)
    expected = stats.lognorm(0.3, scale=math.e).logpdf(theta[:, 0]) + stats.beta(2, 8).logpdf(
        theta[:, 1]
    )
    np.testing.assert_allclose(joint.logpdf(theta), expected, rtol=1e-10)
    assert joint.in_support(theta).all()
    theta[3, 1] = 1.5  # ascertainment above 1
    lp = joint.logpdf(theta)
    assert lp[3] == -np.inf and np.all(np.isfinite(np.delete(lp, 3)))
    assert not joint.in_support(theta)[3]


def test_special_functions_match_scipy():
    p = np.concatenate([np.logspace(-300, -2, 50), np.linspace(0.01, 0.99, 50)])
    np.testing.assert_allclose(special.ndtri(p), sp.ndtri(p), rtol=1e-12)
    np.testing.assert_allclose(special.ndtri(1 - p[50:]), sp.ndtri(1 - p[50:]), rtol=1e-12)
    for a, b, x in [(2, 8, 0.1), (0.5, 0.5, 0.01), (30, 2, 0.97), (0.3, 5, 0.5)]:
        assert special.betainc(a, b, x) == pytest.approx(sp.betainc(a, b, x), rel=1e-12)
    assert special.norm_log_mass(8.0, 9.0) == pytest.approx(
        np.log(stats.norm.sf(8) - stats.norm.sf(9)), rel=1e-12
    )


# ---------------------------------------------------------------------------- bad priors
@pytest.mark.parametrize(
    ("prior", "needle"),
    [
        ({"distribution": "uniform", "lower": 3.0, "upper": 1.0}, "lower must be < upper"),
        ({"distribution": "uniform", "lower": 1.0, "upper": 1.0}, "lower must be < upper"),
        ({"distribution": "normal", "mean": 0.0, "sd": -1.0}, "greater than 0"),
        ({"distribution": "lognormal", "mu": 0.0, "sigma": 0.0}, "greater than 0"),
        ({"distribution": "beta", "alpha": -2.0, "beta": 1.0}, "greater than 0"),
        ({"distribution": "gamma", "shape": 2.0}, "gamma"),
        ({"distribution": "normal", "mean": 0.0, "sd": 1.0, "bounds": [2.0, 1.0]}, "bounds"),
    ],
)
def test_bad_priors_rejected_by_config(prior, needle):
    params = {"r0": {"free": True, "prior": prior}}
    with pytest.raises(ValidationError) as err:
        Calibration.model_validate({"parameters": params})
    assert needle in str(err.value)
    assert "r0" in str(err.value)


def test_unknown_distribution_and_empty_support_name_the_field():
    class Odd:
        distribution = "cauchy"

    with pytest.raises(ConfigError) as err:
        build_prior("r0", Odd(), DOMAINS["r0"], file="config/config.yaml")
    assert err.value.field == "calibration.parameters.r0.prior"
    assert err.value.value == "cauchy"
    assert "config/config.yaml" in str(err.value)
    negative = spec(distribution="uniform", lower=-2.0, upper=-1.0)
    with pytest.raises(ConfigError, match="support is empty"):
        build_prior("r0", negative, DOMAINS["r0"])
    tiny = spec(distribution="beta", alpha=50.0, beta=2.0, bounds=[0.0, 0.2])
    with pytest.raises(ConfigError, match="widen the bounds"):
        build_prior("ascertainment", tiny, DOMAINS["ascertainment"])
