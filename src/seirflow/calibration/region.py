"""Calibrate one region end to end: the function the workflow calls.

:func:`calibrate_region` builds the forward model and the likelihood from the region's
inputs, initialises the walkers, runs the checkpointed emcee chain until the
convergence gate (or the step cap), and writes the posterior (ArviZ netCDF), the
diagnostics (JSON) and three figures, each atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from seirflow.calibration.checkpoint import Checkpoint, code_fingerprint
from seirflow.calibration.convergence import ESS_MIN, RHAT_MAX, burn_and_thin, rhat_ess
from seirflow.calibration.diagnostics import (
    check_convergence,
    convergence_report,
    write_diagnostics,
)
from seirflow.calibration.initial import initial_from_optimum, initial_from_prior
from seirflow.calibration.posterior import (
    inference_data,
    pointwise_log_likelihood,
    posterior_predictive,
    select_draws,
    write_inference_data,
)
from seirflow.calibration.problem import build_problem
from seirflow.calibration.sampler import SamplerSettings, run_chain
from seirflow.calibration.seeds import region_streams

__all__ = ["CalibrationOutputs", "CalibrationResult", "calibrate_region"]

log = logging.getLogger(__name__)

PRIOR_DRAWS = 1000
PREDICTIVE_DRAWS = 200


@dataclass(frozen=True)
class CalibrationOutputs:
    """Where one region's results go (any may be None to skip it)."""

    posterior: str | Path | None = None
    diagnostics: str | Path | None = None
    trace: str | Path | None = None
    pairs: str | Path | None = None
    fit: str | Path | None = None


@dataclass(frozen=True)
class CalibrationResult:
    """What :func:`calibrate_region` produced.

    Attributes:
        idata: The posterior as ``arviz.InferenceData``.
        diagnostics: The diagnostics dictionary (as written to JSON).
        chain: The raw :class:`~seirflow.calibration.sampler.ChainResult`.
    """

    idata: object
    diagnostics: dict
    chain: object


def _fingerprint_data(inputs: xr.Dataset, names) -> str:
    digest = hashlib.sha256()
    for name in names:
        if name in inputs:
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(inputs[name].to_numpy(), dtype=float).tobytes())
    return digest.hexdigest()


def calibrate_region(
    inputs: xr.Dataset,
    calibration,
    *,
    region: str,
    seed: int | np.random.SeedSequence,
    checkpoint: str | Path,
    simulation_start: dt.date,
    window: tuple[dt.date, dt.date],
    model,
    outcomes,
    outputs: CalibrationOutputs | None = None,
    threads: int | None = None,
    inputs_file: str | None = None,
    provenance: str | None = None,
) -> CalibrationResult:
    """Calibrate one region with emcee and write its posterior, diagnostics and figures.

    Args:
        inputs: Region inputs (population, contacts, multipliers, observed streams).
        calibration: ``seirflow.config.Calibration`` section.
        region: Region code (keys the random streams; names the region in logs).
        seed: Master seed (per-region streams are derived from it), or a region
            ``SeedSequence``.
        checkpoint: HDF5 chain checkpoint; resumed if it matches these settings.
        simulation_start: Date of simulation day 0 (the seed day counts from here).
        window: First and last date of the fit.
        model: ``seirflow.config.Model`` section.
        outcomes: ``seirflow.config.Outcomes`` section.
        outputs: Output paths (default: write nothing).
        threads: Numba threads for the model (None: leave as set by the caller).
        inputs_file: Inputs path, for error messages.
        provenance: JSON facts (config slice, input hashes, code, versions, seeds) stored
            in the posterior's attributes.

    Returns:
        CalibrationResult: InferenceData, diagnostics, chain.

    Raises:
        ConfigError: Bad settings (empty window, no stream enabled).
        DataError: A fitted stream without data in the window, or inputs not covering
            the simulated days.
        NotConvergedError: Not converged and ``calibration.fail_on_nonconvergence``.
    """
    started = time.perf_counter()
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    outputs = outputs or CalibrationOutputs()
    problem = build_problem(
        inputs,
        calibration,
        simulation_start=simulation_start,
        window=window,
        model=model,
        outcomes=outcomes,
        inputs_file=inputs_file,
    )
    window, space, forward = problem.window, problem.space, problem.forward
    likelihood, target, observations = problem.likelihood, problem.target, problem.observations
    streams = problem.streams
    settings = SamplerSettings.from_config(calibration)
    rs = region_streams(seed, region)
    fingerprint = {
        "region": region,
        "seed": [int(e) for e in np.atleast_1d(rs.init.entropy)] + list(rs.init.spawn_key),
        "parameters": list(space.names),
        "fixed": space.fixed,
        "walkers": settings.walkers,
        "calibration": calibration.model_dump(mode="json"),
        "model": model.model_dump(mode="json"),
        "outcomes": outcomes.model_dump(mode="json"),
        "dates": [str(simulation_start), str(window[0]), str(window[1])],
        "data": _fingerprint_data(
            inputs, [*streams, "multipliers", "population", "contacts", "population_single_year"]
        ),
        "code": code_fingerprint(),
    }
    log.info(
        "%s: %d free parameters %s, %d walkers, streams %s, window %s..%s",
        region,
        space.ndim,
        list(space.names),
        settings.walkers,
        {o.name: o.y.size for o in observations},
        *window,
    )

    def initial():
        rng = rs.generator("init")
        logp = lambda z: target(z)[:, 0]  # noqa: E731
        if calibration.init == "optimize":
            return initial_from_optimum(target, space, rng, settings.walkers)
        return initial_from_prior(logp, space, rng, settings.walkers)

    rhat_max = getattr(calibration, "rhat_max", RHAT_MAX)
    ess_min = getattr(calibration, "ess_min", ESS_MIN)

    def accept(chain, check):
        """Stop only once R-hat and bulk ESS also pass on the draws that would be kept."""
        discard, thin = burn_and_thin(
            chain.shape[0], check.tau, calibration.thin, start=check.start
        )
        z = chain[discard::thin]
        x = space.to_natural(z.reshape(-1, space.ndim)).reshape(z.shape)
        stats = rhat_ess(np.swapaxes(x, 0, 1))
        ok = bool(np.all(stats["rhat"] < rhat_max) and np.all(stats["ess_bulk"] >= ess_min))
        log.info(
            "%s: gate met at step %d; max R-hat %.3f, min bulk ESS %.0f: %s",
            region,
            chain.shape[0],
            np.max(stats["rhat"]),
            np.min(stats["ess_bulk"]),
            "stopping" if ok else "continuing",
        )
        return ok

    result = run_chain(
        target,
        initial,
        settings,
        ndim=space.ndim,
        checkpoint=Checkpoint(checkpoint, fingerprint),
        random_state=rs.legacy_state(),
        label=region,
        accept=accept,
        reset_seed=int(rs.resets.generate_state(1)[0]),
    )
    discard, thin = burn_and_thin(
        result.steps, result.last_check.tau, calibration.thin, start=result.last_reset
    )
    draws = select_draws(result, space, discard, thin)
    pointwise = pointwise_log_likelihood(draws, space, forward, likelihood)
    prior_draws = space.prior.sample(rs.generator("prior"), PRIOR_DRAWS)
    _, _, predicted = posterior_predictive(
        draws, space, forward, likelihood, rs.generator("predictive"), PREDICTIVE_DRAWS
    )
    idata = inference_data(
        draws,
        space=space,
        likelihood=likelihood,
        pointwise=pointwise,
        prior_draws=prior_draws,
        predictive=predicted,
        simulation_start=simulation_start,
        attrs={
            "region": region,
            "simulation_start": str(simulation_start),
            "fit_start": str(window[0]),
            "fit_end": str(window[1]),
            "stream_weights": streams,
            **({"provenance": provenance} if provenance is not None else {}),
        },
    )
    report = convergence_report(
        draws,
        result,
        region=region,
        settings=settings,
        rhat_max=rhat_max,
        ess_min=ess_min,
        extra={
            "init": calibration.init,
            "streams": {
                o.name: {"weight": o.weight, "observed_days": int(o.y.size)} for o in observations
            },
            "wall_seconds": time.perf_counter() - started,
        },
    )
    _write_outputs(outputs, idata, report, result, space, draws, predicted, problem, region)
    check_convergence(report, fail=calibration.fail_on_nonconvergence)
    return CalibrationResult(idata, report, result)


def _write_outputs(outputs, idata, report, result, space, draws, predicted, problem, region):
    """Write the netCDF, the JSON and the three figures that were asked for."""
    if outputs.posterior:
        write_inference_data(idata, outputs.posterior)
    if outputs.diagnostics:
        write_diagnostics(report, outputs.diagnostics)
    verdict = "converged" if report["converged"] else "NOT converged"
    if not (outputs.trace or outputs.pairs or outputs.fit):
        return
    from seirflow.calibration import plots  # matplotlib only when drawing

    if outputs.trace:
        steps, walkers, ndim = result.chain.shape
        chain_x = space.to_natural(result.chain.reshape(-1, ndim)).reshape(steps, walkers, ndim)
        fig = plots.plot_trace(
            chain_x,
            space.names,
            discard=draws.discard,
            priors=space.prior.priors,
            title=f"{region}: {steps} steps, {walkers} walkers ({verdict})",
        )
        plots.save_figure(fig, outputs.trace)
    if outputs.pairs:
        fig = plots.plot_pairs(draws.flat(), space.names, title=f"{region}: posterior")
        plots.save_figure(fig, outputs.pairs)
    if outputs.fit:
        fig = plots.plot_fit(
            problem.observed,
            predicted,
            simulation_start=problem.simulation_start,
            window=problem.window,
            title=f"{region}: fit ({verdict})",
        )
        plots.save_figure(fig, outputs.fit)
