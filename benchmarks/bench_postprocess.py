"""Cost of summarising one scenario at full size, relative to just reading its files.

Problem: 51 regions x K draws (default 200) x 84 days x 6 outcomes of synthetic
trajectories (seeded), written as netCDF in a temporary directory. Timed (best of N):
reading every file with `read_trajectories` alone, and the summary steps of that scenario:
`summarise_region` of every region and `summarise_national` (reading, national total,
daily quantiles, weekly hub rows, validation, parquet; every file is read twice).
The last line is ``summarise_vs_read=<step time / read time>``: what post-processing
adds on top of the I/O it cannot avoid.
Run: ``python benchmarks/bench_postprocess.py [draws]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr

from seirflow.config import HUB_AGE_GROUPS
from seirflow.postprocess.load import AGE_OUTCOMES, OUTCOMES, by_age, read_trajectories
from seirflow.regions import REGIONS
from seirflow.steps.summarise_national import summarise_national
from seirflow.steps.summarise_region import summarise_region

DATES = {
    "simulation_start": "2020-02-01",
    "fit_start": "2020-03-15",
    "fit_end": "2020-07-15",
    "projection_weeks": 12,
}
REPEATS = 3


def write_files(root: Path, draws: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    dates = np.arange(np.datetime64("2020-07-16"), np.datetime64("2020-07-16") + 84)
    paths = []
    for r in REGIONS:
        level = rng.lognormal(5, 1) * rng.lognormal(0, 0.3, size=(draws, 1))
        curve = level * np.exp(rng.normal(0.01, 0.02, size=(draws, 1)) * np.arange(84))
        factors = dict(zip(OUTCOMES, (1, 0.2, 0.01, 0.08, 0.02, 0.003), strict=True))
        data = {k: (("draw", "date"), rng.poisson(curve * f)) for k, f in factors.items()}
        for name in AGE_OUTCOMES:  # the hub age groups: all, 65+ (60%), under 65
            whole = data[name][1]
            data[by_age(name)] = (
                ("draw", "date", "age_group"),
                np.stack([whole, 0.6 * whole, 0.4 * whole], axis=-1),
            )
        ds = xr.Dataset(
            data,
            coords={
                "draw": np.arange(draws),
                "date": dates.astype("datetime64[ns]"),
                "age_group": list(HUB_AGE_GROUPS),
            },
            attrs={"region": r.code, "fips": r.fips, "scenario": "baseline"},
        )
        path = root / f"{r.code}.nc"
        ds.astype(np.float64).to_netcdf(path, engine="h5netcdf")
        paths.append(str(path))
    return paths


def run_summary_steps(root: Path, paths: list[str]) -> None:
    """What the workflow runs to summarise one scenario: every region, then the nation."""
    for region, path in zip(REGIONS, paths, strict=True):
        summarise_region(
            trajectories=[path],
            daily=str(root / f"{region.code}_daily.parquet"),
            weekly=str(root / f"{region.code}_weekly.parquet"),
            hub_rows=str(root / f"{region.code}_hub_rows.parquet"),
            region=region.code,
            scenarios=["baseline"],
            dates=DATES,
            postprocessing={},
        )
    summarise_national(
        trajectories=paths,
        daily=str(root / "daily.parquet"),
        weekly=str(root / "weekly.parquet"),
        hub_rows=str(root / "hub_rows.parquet"),
        scenario="baseline",
        dates=DATES,
        postprocessing={},
    )


def best_of(func) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = write_files(root, draws)
        read = best_of(lambda: [read_trajectories(p) for p in paths])
        step = best_of(lambda: run_summary_steps(root, paths))
    print(f"regions={len(REGIONS)} draws={draws} days=84 outcomes={len(OUTCOMES)}")
    print(f"read_s={read:.3f} summarise_s={step:.3f}")
    print(f"summarise_vs_read={step / read:.2f}")


if __name__ == "__main__":
    main()
