"""Per-region calibration of the SEIR model with emcee.

One call does everything for a region::

    from seirflow.calibration import CalibrationOutputs, calibrate_region
    result = calibrate_region(inputs, cfg.calibration, region="NY", seed=cfg.seed,
                              checkpoint="results/checkpoints/NY/chain.h5",
                              simulation_start=cfg.dates.simulation_start,
                              window=(cfg.dates.fit_start, cfg.dates.fit_end),
                              model=cfg.model, outcomes=cfg.outcomes,
                              outputs=CalibrationOutputs(posterior=..., diagnostics=...))

Pieces, one module each: priors (:mod:`.priors`, :mod:`.special`), the sampled
parameter vector and its transforms (:mod:`.parameters`), the negative-binomial
likelihood (:mod:`.likelihood`), the forward model (:mod:`.forward`), the emcee target
(:mod:`.target`), one region's assembled problem (:mod:`.problem`), starting positions
(:mod:`.initial`: prior draws, or an annealed ensemble refined to the mode),
checkpointed sampling (:mod:`.sampler`, :mod:`.checkpoint`), convergence
(:mod:`.convergence`, :mod:`.diagnostics`), outputs (:mod:`.posterior`, :mod:`.plots`)
and per-region random streams (:mod:`.seeds`).

Scope: one region at a time, independent priors, negative-binomial observation noise
per stream. Not done here: hierarchical pooling across regions, time-varying
ascertainment, reporting-delay or day-of-week effects estimated from data.
"""

from seirflow.calibration.diagnostics import NotConvergedError
from seirflow.calibration.likelihood import nbinom_logpmf
from seirflow.calibration.parameters import ParameterSpace
from seirflow.calibration.priors import JointPrior, UnivariatePrior, build_prior
from seirflow.calibration.region import (
    CalibrationOutputs,
    CalibrationResult,
    calibrate_region,
)
from seirflow.calibration.sampler import SamplerSettings, run_chain
from seirflow.calibration.seeds import region_seed_sequence, region_streams

__all__ = [
    "CalibrationOutputs",
    "CalibrationResult",
    "JointPrior",
    "NotConvergedError",
    "ParameterSpace",
    "SamplerSettings",
    "UnivariatePrior",
    "build_prior",
    "calibrate_region",
    "nbinom_logpmf",
    "region_seed_sequence",
    "region_streams",
    "run_chain",
]
