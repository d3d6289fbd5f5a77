"""The calibrated posterior as ArviZ InferenceData.

Groups written per region:

* ``posterior``: free parameters on the natural scale, burn-in discarded and thinned,
  one ArviZ chain per emcee walker;
* ``sample_stats``: ``lp`` (log posterior of the sampled, unconstrained parameters) and
  ``log_likelihood_<stream>`` (each stream's weighted total, from emcee's blobs);
* ``log_likelihood``: per stream, the weighted NB log-likelihood of every observed day
  in the window (recomputed for each posterior draw; sums to the blob totals);
* ``prior``: draws from the prior; ``observed_data``: the fitted observations;
* ``posterior_predictive``: a seeded subset of draws simulated over every simulated day
  with negative-binomial noise (dims ``chain=1, draw, date``);
* ``constant_data``: the fixed parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.atomic import atomic_output

__all__ = [
    "PosteriorDraws",
    "select_draws",
    "pointwise_log_likelihood",
    "posterior_predictive",
    "inference_data",
    "write_inference_data",
    "PosteriorGroups",
    "read_posterior",
]


@dataclass(frozen=True)
class PosteriorDraws:
    """Post burn-in, thinned draws, walkers as chains.

    Attributes:
        names: Free parameter names.
        x: Natural-scale values, [chains, draws, P].
        lp: Log target, [chains, draws].
        blobs: Per-stream log-likelihood totals, [chains, draws, S].
        discard: Steps discarded as burn-in.
        thin: Thinning interval.
    """

    names: tuple[str, ...]
    x: np.ndarray
    lp: np.ndarray
    blobs: np.ndarray
    discard: int
    thin: int

    def flat(self) -> np.ndarray:
        """Draws as rows, [chains * draws, P] (chain-major)."""
        return self.x.reshape(-1, self.x.shape[-1])


def select_draws(result, space, discard: int, thin: int) -> PosteriorDraws:
    """Discard burn-in, thin, map to the natural scale and put walkers first.

    Args:
        result: :class:`~seirflow.calibration.sampler.ChainResult`.
        space: The :class:`~seirflow.calibration.parameters.ParameterSpace` sampled.
        discard: Burn-in steps.
        thin: Thinning interval.

    Returns:
        PosteriorDraws: Draws with shape [walkers, draws, ...].
    """
    z = result.chain[discard::thin]
    steps, walkers, ndim = z.shape
    x = space.to_natural(z.reshape(-1, ndim)).reshape(steps, walkers, ndim)
    return PosteriorDraws(
        names=space.names,
        x=np.ascontiguousarray(np.swapaxes(x, 0, 1)),
        lp=np.ascontiguousarray(result.log_prob[discard::thin].T),
        blobs=np.ascontiguousarray(np.swapaxes(result.blobs[discard::thin], 0, 1)),
        discard=discard,
        thin=thin,
    )


def pointwise_log_likelihood(draws: PosteriorDraws, space, forward, likelihood, batch=512):
    """Per-day weighted log-likelihood of each stream for every draw.

    Args:
        draws: Posterior draws.
        space: Parameter space (fixed values, names).
        forward: Forward model.
        likelihood: :class:`~seirflow.calibration.likelihood.StreamLikelihood`.
        batch: Draws per model call.

    Returns:
        dict: stream -> [chains, draws, n_observed].
    """
    flat = draws.flat()
    parts: dict[str, list[np.ndarray]] = {name: [] for name in likelihood.names}
    for i in range(0, len(flat), batch):
        values = space.values(flat[i : i + batch])
        for name, arr in likelihood.pointwise(forward(values), values).items():
            parts[name].append(arr)
    chains, n = draws.x.shape[:2]
    return {k: np.concatenate(v).reshape(chains, n, -1) for k, v in parts.items()}


def posterior_predictive(
    draws: PosteriorDraws, space, forward, likelihood, rng: np.random.Generator, n_draws: int = 200
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Simulate a random subset of draws with negative-binomial observation noise.

    Args:
        draws: Posterior draws.
        space: Parameter space.
        forward: Forward model.
        likelihood: The fitted streams (their dispersion parameters).
        rng: Picks the draws and makes the noise.
        n_draws: Subset size (at most all draws).

    Returns:
        tuple: ``(index [n] into the flat draws, expected stream -> [n, T],
        predicted stream -> [n, T])``.
    """
    flat = draws.flat()
    idx = np.sort(rng.choice(len(flat), size=min(n_draws, len(flat)), replace=False))
    values = space.values(flat[idx])
    mu = forward(values)
    expected, predicted = {}, {}
    for o in likelihood.observations:
        m = np.maximum(np.asarray(mu[o.name], dtype=float), 0.0)
        k = values[o.dispersion][:, None]
        expected[o.name] = m
        predicted[o.name] = rng.poisson(rng.gamma(k, np.where(m > 0, m / k, 0.0))).astype(float)
    return idx, expected, predicted


def inference_data(
    draws: PosteriorDraws,
    *,
    space,
    likelihood,
    pointwise: dict[str, np.ndarray],
    prior_draws: np.ndarray,
    predictive: dict[str, np.ndarray],
    simulation_start,
    attrs: dict,
):
    """Assemble the InferenceData of one region.

    Args:
        draws: Posterior draws.
        space: Parameter space.
        likelihood: The fitted streams (observations and dates).
        pointwise: Output of :func:`pointwise_log_likelihood`.
        prior_draws: Prior draws, [n, P] natural scale.
        predictive: Predicted stream -> [n, T] (from :func:`posterior_predictive`).
        simulation_start: Date of simulation day 0.
        attrs: Extra global attributes (region, seed, settings); values JSON-encoded.

    Returns:
        arviz.InferenceData
    """
    import arviz as az

    names = list(draws.names)
    posterior = {n: draws.x[..., j] for j, n in enumerate(names)}
    sample_stats = {"lp": draws.lp}
    for s, o in enumerate(likelihood.observations):
        sample_stats[f"log_likelihood_{o.name}"] = draws.blobs[..., s]
    observed, dims, coords = {}, {}, {}
    for o in likelihood.observations:
        dim = f"{o.name}_date"
        observed[o.name] = o.y
        dims[o.name] = [dim]
        coords[dim] = pd.DatetimeIndex(o.dates)
    encoded = {
        k: v if isinstance(v, str | int | float) else json.dumps(v, default=str)
        for k, v in attrs.items()
    }
    encoded["free_parameters"] = json.dumps(names)
    encoded["fixed_parameters"] = json.dumps(space.fixed)
    encoded["burn_in"] = int(draws.discard)
    encoded["thin"] = int(draws.thin)
    idata = az.from_dict(
        posterior=posterior,
        sample_stats=sample_stats,
        log_likelihood={k: v for k, v in pointwise.items()},
        prior={n: prior_draws[None, :, j] for j, n in enumerate(names)},
        observed_data=observed,
        coords=coords,
        dims=dims,
        attrs=encoded,
    )
    if space.fixed:
        idata.add_groups(
            constant_data=xr.Dataset({n: ((), float(v)) for n, v in space.fixed.items()})
        )
    if predictive:
        # Own group with its own "date" dimension (every simulated day), added after
        # from_dict because its dims are keyed by variable name across all groups.
        n_days = next(iter(predictive.values())).shape[-1]
        dates = pd.date_range(pd.Timestamp(simulation_start), periods=n_days, freq="D")
        n = next(iter(predictive.values())).shape[0]
        pp = xr.Dataset(
            {k: (("chain", "draw", "date"), v[None]) for k, v in predictive.items()},
            coords={"chain": [0], "draw": np.arange(n), "date": dates},
            attrs={
                "description": "negative-binomial draws around a random subset of the "
                "posterior (not aligned with the posterior's chain/draw)"
            },
        )
        idata.add_groups(posterior_predictive=pp)
    return idata


def write_inference_data(idata, path) -> None:
    """Write InferenceData to netCDF (h5netcdf) atomically, the same bytes on every run.

    ArviZ stamps each group with its creation time (``created_at``); it is dropped so
    that the same posterior always gives the same file.
    """
    for group in idata.groups():
        getattr(idata, group).attrs.pop("created_at", None)
    with atomic_output(path, suffix=".nc") as tmp:
        idata.to_netcdf(str(tmp), engine="h5netcdf")


@dataclass(frozen=True)
class PosteriorGroups:
    """The groups of a posterior file a projection needs (duck-types InferenceData)."""

    posterior: xr.Dataset
    constant_data: xr.Dataset | None


def read_posterior(path) -> PosteriorGroups:
    """Read the ``posterior`` and ``constant_data`` groups of a posterior file.

    Plain xarray, not ``arviz.from_netcdf``: importing ArviZ (and the matplotlib and SciPy
    it pulls in) was most of a projection job's start-up time.
    """
    import h5netcdf

    with h5netcdf.File(path, "r") as f:
        groups = set(f.groups)
    with xr.open_dataset(path, group="posterior", engine="h5netcdf") as ds:
        posterior = ds.load()
    constant = None
    if "constant_data" in groups:
        with xr.open_dataset(path, group="constant_data", engine="h5netcdf") as ds:
            constant = ds.load()
    return PosteriorGroups(posterior, constant)
