"""Calibration of one real state with the workflow's settings, on one core.

Builds the state's inputs from ``data/raw`` with the preprocessing functions, validates
the config (default ``config/config.yaml``), then:

1. measures log-posterior evaluations per second (batches of walkers / 2, as emcee's
   moves evaluate them);
2. calibrates the state end to end (``calibrate_region``: initialisation, sampling to
   the convergence gate, R-hat/ESS, posterior, figures) in a temporary directory.

Prints the evaluation rate, wall time, time per effective sample, R-hat and ESS per
parameter, and what the state's time implies for 51 regions on 2 cores. The last line is
``state_seconds_to_convergence=<wall seconds>`` (``inf`` if the state did not converge).

Run: ``python benchmarks/bench_calibration.py [--region NY] [--config config/config.yaml]``.
Goal: converged (R-hat < 1.05, bulk ESS >= 400 for every parameter) in under 30 s on one
core, so 51 regions fit in under 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
import yaml

from seirflow.calibration import CalibrationOutputs, calibrate_region
from seirflow.calibration.problem import build_problem
from seirflow.config import load_config
from seirflow.preprocess import MobilityMapping, build_region_inputs

ROOT = Path(__file__).resolve().parents[1]


def evaluations_per_second(problem, walkers: int, seconds: float = 3.0) -> float:
    """Log-posterior evaluations per second in batches of walkers / 2 (prior draws)."""
    space = problem.space
    rng = np.random.default_rng(0)
    z = space.to_unconstrained(space.prior.sample(rng, max(1, walkers // 2)))
    problem.target(z)  # compile / warm up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        problem.target(z)
        n += len(z)
    return n / (time.perf_counter() - start)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="NY")
    ap.add_argument("--config", default=str(ROOT / "config" / "config.yaml"))
    ap.add_argument("--raw", default=str(ROOT / "data" / "raw"))
    args = ap.parse_args(argv)

    numba.set_num_threads(1)
    cfg = load_config(yaml.safe_load(Path(args.config).read_text()), [args.config])
    cal, dates = cfg.calibration, cfg.dates
    mapping = MobilityMapping(
        work=cfg.mobility.work,
        community=cfg.mobility.community,
        school_closed_multiplier=cfg.mobility.school_closed_multiplier,
    )
    inputs = build_region_inputs(
        args.region,
        raw_dir=args.raw,
        start=dates.simulation_start,
        end=dates.fit_end,
        age_edges=cfg.age_groups.lower_edges,
        mobility_mapping=mapping,
    )
    problem = build_problem(
        inputs,
        cal,
        simulation_start=dates.simulation_start,
        window=(dates.fit_start, dates.fit_end),
        model=cfg.model,
        outcomes=cfg.outcomes,
    )
    rate = evaluations_per_second(problem, cal.walkers)
    print(f"region {args.region}: {problem.space.ndim} free parameters {list(problem.space.names)}")
    print(f"settings: walkers {cal.walkers}, max_steps {cal.max_steps}, check_every "
          f"{cal.check_every}, tau_multiple {cal.tau_multiple}, tau_rtol {cal.tau_rtol}, "
          f"init {cal.init}, steps_per_day {cfg.model.steps_per_day}")  # fmt: skip
    print(f"log-posterior evaluations per second (1 thread): {rate:.0f}")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        res = calibrate_region(
            inputs,
            cal,
            region=args.region,
            seed=cfg.seed,
            checkpoint=out / "chain.h5",
            simulation_start=dates.simulation_start,
            window=(dates.fit_start, dates.fit_end),
            model=cfg.model,
            outcomes=cfg.outcomes,
            outputs=CalibrationOutputs(out / "posterior.nc", out / "diagnostics.json",
                                       out / "trace.png", out / "pairs.png", out / "fit.png"),
            threads=1,
        )  # fmt: skip
        wall = time.perf_counter() - start
    d = res.diagnostics
    print(f"steps {d['steps']} (gate met: {d['gate_met']}), max tau {d['tau_max']:.0f}, "
          f"acceptance {d['acceptance_fraction']['mean']:.2f}")  # fmt: skip
    print(f"{'parameter':28s} {'tau':>6s} {'R-hat':>6s} {'ESS bulk':>9s} {'ESS tail':>9s}")
    for name in d["rhat"]:
        print(f"{name:28s} {d['tau'][name]:6.0f} {d['rhat'][name]:6.3f} "
              f"{d['ess_bulk'][name]:9.0f} {d['ess_tail'][name]:9.0f}")  # fmt: skip
    ess = d["ess_bulk_min_observed"]
    print(f"sampling {d['sampling_seconds']:.1f} s at {d['evaluations_per_second']:.0f} "
          f"evaluations/s; wall time {wall:.1f} s; {wall / ess * 1e3:.1f} ms per effective "
          f"sample (min bulk ESS {ess:.0f}); max R-hat {d['rhat_max_observed']:.3f}")  # fmt: skip
    print(f"converged: {d['converged']} {d['reasons']}")
    print(f"51 regions on 2 cores at this time: {51 * wall / 2 / 60:.1f} min (goal < 15)")
    print(f"ratio_wall_to_goal_30s={wall / 30.0:.2f}")
    print(f"state_seconds_to_convergence={wall if d['converged'] else math.inf:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
