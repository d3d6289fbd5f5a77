"""Cost of the backtest: the scoring measured, the whole run projected from per-job costs.

Measures, on the real raw truth for every configured region × origin, the truth tables,
the persistence baseline and the WIS scoring (what ``score_backtest_origin`` does besides
reading the projections), and projects the wall time of ``snakemake backtest``:
(regions × origins × (inputs + calibration + projection) + origins × scoring) / cores.
The per-job costs are arguments (defaults: NY at 2020-07-01, one job at a time on a
2-core machine, from ``benchmarks/backtest_*/{origin}/{region}.tsv`` of a run); the
calibration dominates.

Run: ``python benchmarks/bench_backtest.py [--config config/config.yaml]
[--inputs-seconds 4.2] [--calibration-seconds 21] [--projection-seconds 5.5] [--cores 2]``.
Goal: projected < 1 h.
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
    p.add_argument("--inputs-seconds", type=float, default=4.2)
    p.add_argument("--calibration-seconds", type=float, default=21.0)
    p.add_argument("--projection-seconds", type=float, default=5.5)
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
    per_job = args.inputs_seconds + args.calibration_seconds + args.projection_seconds
    scoring = len(b.origins) * read_s + score_s
    total_min = (jobs * per_job + scoring) / args.cores / 60
    print(f"jobs (origin x region)      {jobs}")
    print(f"read truth tables [s]       {read_s:.2f} (once per origin's scoring job)")
    print(f"truth + baseline, all [s]   {score_s:.2f}")
    print(f"projected backtest [min]    {total_min:.0f} on {args.cores} cores")
    parts = (f"{args.inputs_seconds:g} inputs, {args.calibration_seconds:g} calibration, "
             f"{args.projection_seconds:g} projection")  # fmt: skip
    print(f"  per origin x region [s]   {per_job:.1f} ({parts})")
    print(f"under one hour              {total_min < 60}")


if __name__ == "__main__":
    main()
