"""Cost of the backtest: the scoring measured, the whole run projected from per-job costs.

Measures, on the real raw truth for every configured region × origin, the truth tables,
the persistence baseline and the WIS scoring (what ``score_backtest_region`` does besides
reading one projection), and projects the wall time of ``snakemake backtest``:
regions × origins × (calibration + projection + scoring) / cores. The calibration cost per
job is an argument (measure it with ``benchmarks/calibrate_region/*.tsv`` of a run, or
``bench_calibration.py``); it dominates.

Run: ``python benchmarks/bench_backtest.py [--config config/config.yaml]
[--calibration-seconds 25] [--projection-seconds 5] [--cores 2]``. Goal: projected < 1 h.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

from seirflow.config import HUB_QUANTILES, load_config
from seirflow.evaluation import baseline_forecasts, read_truth_tables, weekly_truth

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=str(ROOT / "config" / "config.yaml"))
    p.add_argument("--calibration-seconds", type=float, default=25.0)
    p.add_argument("--projection-seconds", type=float, default=5.0)
    p.add_argument("--cores", type=int, default=2)
    args = p.parse_args()
    cfg = load_config(yaml.safe_load(Path(args.config).read_text()), [args.config])
    b = cfg.backtest
    started = time.perf_counter()
    tables = read_truth_tables(ROOT / "data" / "raw")
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    history = weekly_truth(tables, cfg.regions, b.origins, b.targets, range(-20, 1))
    weekly_truth(tables, cfg.regions, b.origins, b.targets, range(1, b.horizon_weeks + 1))
    baseline_forecasts(history, b.horizon_weeks, HUB_QUANTILES, seed=cfg.seed)
    score_s = time.perf_counter() - started
    jobs = len(cfg.regions) * len(b.origins)
    per_job = args.calibration_seconds + args.projection_seconds + read_s + score_s / jobs
    total_min = jobs * per_job / args.cores / 60
    print(f"jobs (origin x region)      {jobs}")
    print(f"read truth tables [s]       {read_s:.2f} (once per scoring job)")
    print(f"truth + baseline, all [s]   {score_s:.2f}")
    print(f"projected backtest [min]    {total_min:.0f} on {args.cores} cores")
    print(f"  per job [s]               {per_job:.1f} ({args.calibration_seconds:g} calibration, "
          f"{args.projection_seconds:g} projection)")  # fmt: skip
    print(f"under one hour              {total_min < 60}")


if __name__ == "__main__":
    main()
