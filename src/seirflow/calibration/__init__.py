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

import importlib

# Public names and the module each lives in. They load on first use (PEP 562), so a
# job that needs only the forward model (a projection) does not import emcee, SciPy's
# statistics and matplotlib: most of its start-up time.
_EXPORTS = {
    "CalibrationOutputs": "region",
    "CalibrationResult": "region",
    "JointPrior": "priors",
    "NotConvergedError": "diagnostics",
    "ParameterSpace": "parameters",
    "SamplerSettings": "sampler",
    "UnivariatePrior": "priors",
    "build_prior": "priors",
    "calibrate_region": "region",
    "nbinom_logpmf": "likelihood",
    "region_seed_sequence": "seeds",
    "region_streams": "seeds",
    "run_chain": "sampler",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
