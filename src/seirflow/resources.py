"""Compute-resource estimates that schedulers need before a job starts.

A batch scheduler (Slurm, AWS Batch) kills a job that outlives its requested wall time, and
queues long requests behind short ones, so the request should follow the work instead of a
hard-coded number. For calibration the work is known from the config: emcee evaluates the
log-posterior once per walker per step, and one evaluation integrates the model over the
simulated days. This module turns that count into minutes; it does not measure anything at
run time and never imports snakemake.

The default cost per evaluation comes from ``benchmarks/bench_runtime_estimate.py`` (see
:data:`SECONDS_PER_EVALUATION_DAY`), measured on one core of the 2-core reference machine;
the ``safety`` factor absorbs slower nodes, convergence checks and plotting.
"""

from __future__ import annotations

import math
import numbers

from seirflow.errors import ConfigError

__all__ = [
    "SECONDS_PER_EVALUATION_DAY",
    "STARTUP_MINUTES",
    "MIN_RUNTIME_MINUTES",
    "calibration_runtime_minutes",
]

#: Wall seconds of one log-posterior evaluation per simulated day (model integration,
#: likelihood of every enabled stream), on one core: ``benchmarks/bench_runtime_estimate.py``
#: measured 3.6e-6 for NY over a 166-day horizon on the shared 2-core reference machine,
#: rounded up here; it prints the ratio of a new measurement to this value.
SECONDS_PER_EVALUATION_DAY = 4.0e-6

#: Fixed minutes per job: interpreter and numba start-up (JIT compilation), reading inputs,
#: writing the posterior and its figures.
STARTUP_MINUTES = 5

#: Smallest request: schedulers round tiny requests up anyway, and a floor keeps a
#: mis-measured cost from producing a limit that kills healthy jobs.
MIN_RUNTIME_MINUTES = 10


def calibration_runtime_minutes(
    walkers: int,
    max_steps: int,
    n_days: int,
    seconds_per_evaluation: float | None = None,
    safety: float = 3.0,
    threads: int = 1,
) -> int:
    """Wall time (minutes) to request for one region's calibration.

    The sampler stops at ``max_steps`` at the latest, so ``walkers * (max_steps + 1)``
    evaluations (the extra step is the initial ensemble) bound the work. Walkers are
    evaluated in parallel over ``threads`` workers; imperfect scaling is left to ``safety``.

    Args:
        walkers: Number of emcee walkers (``calibration.walkers``), >= 1.
        max_steps: Step cap of the chain (``calibration.max_steps``), >= 1.
        n_days: Simulated days per evaluation (``dates.n_days``), >= 1.
        seconds_per_evaluation: Wall seconds of one log-posterior evaluation over
            ``n_days``; None uses ``SECONDS_PER_EVALUATION_DAY * n_days``. > 0.
        safety: Multiplier on the compute estimate, >= 1 (default 3).
        threads: Parallel evaluation workers of the job, >= 1 (default 1).

    Returns:
        Minutes, an integer of at least ``MIN_RUNTIME_MINUTES``: ``STARTUP_MINUTES`` plus
        ``safety`` times the evaluation time, rounded up.

    Raises:
        ConfigError: A count is not a positive integer, or a cost/safety value is out of
            range; the message names the argument and the value.

    >>> calibration_runtime_minutes(32, 4000, 300, seconds_per_evaluation=0.01)
    70
    >>> calibration_runtime_minutes(24, 200, 300)
    10
    """
    for name, value in (
        ("walkers", walkers),
        ("max_steps", max_steps),
        ("n_days", n_days),
        ("threads", threads),
    ):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ConfigError(
                f"calibration runtime: {name} must be a positive integer, got {value!r}",
                field=name,
                value=value,
            )
    if seconds_per_evaluation is None:
        seconds_per_evaluation = SECONDS_PER_EVALUATION_DAY * n_days
    if not (
        isinstance(seconds_per_evaluation, numbers.Real)
        and math.isfinite(seconds_per_evaluation)
        and seconds_per_evaluation > 0
    ):
        raise ConfigError(
            "calibration runtime: seconds_per_evaluation must be a finite number > 0, "
            f"got {seconds_per_evaluation!r}",
            field="seconds_per_evaluation",
            value=seconds_per_evaluation,
        )
    if not (isinstance(safety, numbers.Real) and math.isfinite(safety) and safety >= 1):
        raise ConfigError(
            f"calibration runtime: safety must be a finite number >= 1, got {safety!r}",
            field="safety",
            value=safety,
        )
    evaluations = walkers * (max_steps + 1)
    compute_minutes = evaluations * seconds_per_evaluation / threads / 60.0
    minutes = math.ceil(STARTUP_MINUTES + safety * compute_minutes)
    return max(MIN_RUNTIME_MINUTES, minutes)
