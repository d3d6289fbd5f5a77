"""Measured cost of a log-posterior evaluation against the one the Slurm runtime uses.

``seirflow.resources.calibration_runtime_minutes`` turns walkers x steps x simulated days
into the wall time requested for a region's calibration, at
``SECONDS_PER_EVALUATION_DAY`` seconds per evaluation and simulated day. This measures
that cost on this machine (one thread, batches of walkers / 2 as emcee evaluates them,
over the calibration horizon simulation_start..fit_end) and prints

* ``seconds_per_evaluation_day`` measured, and its ratio to the constant (above 1: the
  constant is optimistic here, and the safety factor has to absorb the difference);
* the runtime requested for the configured settings, and the pure sampling time those
  settings take at the measured cost (their ratio is the margin against a Slurm TIMEOUT).

Run: ``python benchmarks/bench_runtime_estimate.py [--region NY] [--config config/config.yaml]``.
Goal: ratio_measured_to_constant <= 1.5, margin >= 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np
import yaml

from seirflow.calibration.problem import build_problem
from seirflow.config import load_config
from seirflow.preprocess import MobilityMapping, build_region_inputs
from seirflow.resources import SECONDS_PER_EVALUATION_DAY, calibration_runtime_minutes

ROOT = Path(__file__).resolve().parents[1]


def seconds_per_evaluation(problem, walkers: int, seconds: float = 3.0) -> float:
    """Wall seconds per log-posterior evaluation (batches of walkers / 2 prior draws)."""
    space = problem.space
    z = space.to_unconstrained(space.prior.sample(np.random.default_rng(0), max(1, walkers // 2)))
    problem.target(z)  # compile / warm up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        problem.target(z)
        n += len(z)
    return (time.perf_counter() - start) / n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="NY")
    ap.add_argument("--config", default=str(ROOT / "config" / "config.yaml"))
    ap.add_argument("--raw", default=str(ROOT / "data" / "raw"))
    args = ap.parse_args(argv)

    numba.set_num_threads(1)
    cfg = load_config(yaml.safe_load(Path(args.config).read_text()), [args.config])
    dates, cal = cfg.dates, cfg.calibration
    mobility = MobilityMapping(
        work=cfg.mobility.work,
        community=cfg.mobility.community,
        school_closed_multiplier=cfg.mobility.school_closed_multiplier,
    )
    region_inputs = build_region_inputs(
        args.region,
        raw_dir=args.raw,
        start=dates.simulation_start,
        end=dates.fit_end,
        age_edges=cfg.age_groups.lower_edges,
        mobility_mapping=mobility,
    )
    problem = build_problem(
        region_inputs,
        cal,
        simulation_start=dates.simulation_start,
        window=(dates.fit_start, dates.fit_end),
        model=cfg.model,
        outcomes=cfg.outcomes,
    )
    horizon = (dates.fit_end - dates.simulation_start).days + 1
    per_eval = seconds_per_evaluation(problem, cal.walkers)
    per_day = per_eval / horizon
    requested = calibration_runtime_minutes(cal.walkers, cal.max_steps, horizon)
    sampling = cal.walkers * (cal.max_steps + 1) * per_eval / 60
    print(f"region {args.region}: {problem.space.ndim} free parameters, horizon {horizon} days")
    print(f"seconds per evaluation {per_eval:.3e} (1 thread); per simulated day {per_day:.3e}")
    print(f"walkers {cal.walkers}, max_steps {cal.max_steps}: requested {requested} min, "
          f"sampling at the measured cost {sampling:.1f} min")  # fmt: skip
    print(f"seconds_per_evaluation_day={per_day:.3e}")
    print(f"ratio_measured_to_constant={per_day / SECONDS_PER_EVALUATION_DAY:.2f}")
    print(f"margin_requested_to_sampling={requested / sampling:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
