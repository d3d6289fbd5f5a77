"""The tiny backtest (config/test.yaml: 2 regions, 2 origins, short chains) end to end."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import run_to_completion

pytestmark = pytest.mark.workflow

CONFIG = ("--configfile", "config/test.yaml")
ORIGINS = ("2020-06-01", "2020-07-01")
BACKTEST_RULES = {
    "backtest",
    "backtest_prepare_inputs",
    "backtest_calibrate_region",
    "backtest_project_region",
    "score_backtest_origin",
    "score_backtest",
    "plot_backtest",
}


def _planned(workdir, *targets) -> list[tuple[str, str]]:
    """(rule, wildcards) of every job a dry run plans."""
    out = run_to_completion(workdir, "-n", *CONFIG, "--", *targets).stdout
    jobs: list[list[str]] = []
    for line in out.splitlines():
        head = re.match(r"(?:local)?rule (\w+):$", line)
        if head:
            jobs.append([head.group(1), ""])
        elif jobs and line.strip().startswith("wildcards: "):
            jobs[-1][1] = line.strip().removeprefix("wildcards: ")
    return [(rule, wildcards) for rule, wildcards in jobs]


def test_single_target_plans_only_that_region_and_origin(workflow_copy):
    jobs = _planned(workflow_copy, "results/backtest/2020-07-01/NY/trajectories.nc")
    assert sorted(r for r, _ in jobs) == [
        "backtest_calibrate_region",
        "backtest_prepare_inputs",
        "backtest_project_region",
    ]
    assert all(w == "origin=2020-07-01, region=NY" for _, w in jobs)
    # An origin's scores need that origin's projections of every region, and no other.
    jobs = _planned(workflow_copy, "results/backtest/2020-07-01/scores.parquet")
    assert ("score_backtest_origin", "origin=2020-07-01") in jobs
    assert {w for r, w in jobs if r == "backtest_project_region"} == {
        "origin=2020-07-01, region=NY",
        "origin=2020-07-01, region=WA",
    }


def test_backtest_and_default_run_share_no_job(workflow_copy):
    backtest = {r for r, _ in _planned(workflow_copy, "backtest")}
    assert backtest <= BACKTEST_RULES
    default = {r for r, _ in _planned(workflow_copy)}
    assert "calibrate_region" in default and not default & BACKTEST_RULES


def test_tiny_backtest_end_to_end(workflow_copy):
    run_to_completion(workflow_copy, "-c2", *CONFIG, "--", "backtest")
    root = workflow_copy / "results" / "backtest"
    scores = pd.read_parquet(root / "scores.parquet")
    key = ["origin", "region", "target", "horizon", "model"]
    assert not scores.duplicated(key).any()
    assert sorted(scores["origin"].dt.strftime("%Y-%m-%d").unique()) == list(ORIGINS)
    assert set(scores["region"]) == {"NY", "WA"}
    assert set(scores["model"]) == {"seirflow", "baseline"}
    assert scores["horizon"].between(1, 4).all() and (scores["wis"] >= 0).all()
    summary = pd.read_csv(root / "summary.csv")
    model = summary[summary["model"] == "seirflow"]
    assert model["relative_wis"].gt(0).all() and model["coverage_90"].between(0, 1).all()
    for name in ("relative_wis", "coverage", "projections"):
        assert (root / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    # The fit at each origin saw nothing from the origin on.
    import xarray as xr

    for origin in ORIGINS:
        with xr.open_dataset(root / origin / "NY" / "inputs.nc", engine="h5netcdf") as ds:
            assert ds.attrs["as_of"] == origin
            assert ds["cases"].sel(date=slice(origin, None)).isnull().all()
    # The default run's outputs were not made.
    assert not (workflow_copy / "results" / "calibration").exists()
