"""The test config end to end: every output, the scenarios' direction, the report, reruns.

Uses the shared `reference_run` (config/test.yaml + extra_scenarios.yaml, 2 cores).
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from seirflow.hub import validate_hub
from seirflow.postprocess import read_weekly, validate_weekly

from .conftest import planned_jobs, snakemake

pytestmark = pytest.mark.workflow

REGIONS = ("NY", "WA")
FIGURES = (
    "fig1_inputs_overview",
    "fig2_calibration_fits",
    "fig3_hospital_beds",
    "fig4_posterior_forest",
    "fig5_national_scenarios",
    "fig6_convergence",
    "fig7_reproduction_number",
)
CONFIGS = ("--configfile", "config/test.yaml", "tests/workflow/extra_scenarios.yaml")


def _infections(run, scenario: str, region: str) -> np.ndarray:
    path = run / "results" / "projections" / scenario / region / "trajectories.nc"
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds["infections"].sum("date").values


def test_every_declared_output_exists(reference_run):
    per_region = (
        "inputs/{r}/inputs.nc",
        "calibration/{r}/posterior.nc",
        "calibration/{r}/diagnostics.json",
        "calibration/{r}/fit.png",
    )
    for region in REGIONS:
        for name in per_region:
            assert (reference_run / "results" / name.format(r=region)).stat().st_size > 0
    for fig in FIGURES:
        assert (reference_run / "figures" / f"{fig}.pdf").read_bytes().startswith(b"%PDF")
        assert (reference_run / "figures" / f"{fig}.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((reference_run / "results" / "manifest.json").read_text())
    assert manifest["config"]["regions"] == list(REGIONS)
    assert manifest["seeds"]["master"] == manifest["config"]["seed"]


def test_hub_directory_passes_its_round_and_the_smh_layout(reference_run):
    hub = reference_run / "results" / "hub"
    report = validate_hub(hub)
    assert report.ok, report.problems
    (path,) = report.checked
    assert path.endswith("model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet")
    table = pd.read_parquet(path)
    assert set(table["location"]) == {"36", "53", "US"}  # NY, WA by FIPS, and the nation
    # Mapped scenarios only (extra_scenarios.yaml adds households_only, not mapped).
    assert set(table["scenario_id"]) == {f"{x}-2020-07-19" for x in "ABCD"}
    assert sorted(table["horizon"].unique()) == list(range(1, 12))  # whole epiweeks
    assert set(table["output_type"]) == {"sample", "quantile", "mean"}
    assert (hub / "model-metadata" / "seirflow-SEIR.yaml").is_file()


def test_weekly_quantiles_are_complete_and_valid(reference_run):
    parquet = read_weekly(reference_run / "results" / "summaries" / "weekly_quantiles.parquet")
    cfg = yaml.safe_load((reference_run / "config" / "config.yaml").read_text())
    levels = cfg.get("postprocessing", {}).get("quantiles") or sorted(
        parquet.loc[parquet.output_type == "quantile", "output_type_id"].unique()
    )
    validate_weekly(parquet, levels=levels)
    assert set(parquet["location"]) == {"36", "53", "US"}
    assert set(parquet["scenario_id"]) >= {"baseline", "households_only", "full_reopening"}
    assert sorted(parquet["horizon"].unique()) == list(range(1, 13))


def test_closing_all_but_households_reduces_and_reopening_increases_infections(reference_run):
    for region in REGIONS:
        baseline = _infections(reference_run, "baseline", region)
        closed = _infections(reference_run, "households_only", region)
        reopened = _infections(reference_run, "full_reopening", region)
        # Same posterior draws and transmission paths in every scenario, so the comparison
        # is draw by draw. The test config's 200-step chains leave a few extreme draws (a
        # population swept in weeks) where the one-step-a-day solve is not monotone.
        assert np.mean(closed < baseline) >= 0.9, region
        assert np.mean(reopened > baseline) >= 0.9, region
        assert np.median(closed) < np.median(baseline) < np.median(reopened), region


def test_national_total_is_the_draw_wise_sum(reference_run):
    national = reference_run / "results" / "summaries" / "national"
    daily = pd.read_parquet(national / "baseline" / "daily_quantiles.parquet")
    draws = sum(
        xr.open_dataset(
            reference_run / "results" / "projections" / "baseline" / r / "trajectories.nc",
            engine="h5netcdf",
        )["hospital_census"].values
        for r in REGIONS
    )
    us = daily[(daily.region == "US") & (daily.outcome == "hospital_census")].sort_values("date")
    np.testing.assert_allclose(us["median"].to_numpy(), np.median(draws, axis=0), rtol=1e-12)


def test_report_bundles_every_figure(reference_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(reference_run, run, symlinks=True)
    proc = snakemake(run, "--cores", "1", *CONFIGS, "--report", "report.html")
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = (run / "report.html").read_text(errors="replace")
    for fig in ("fig3_hospital_beds", "fig5_national_scenarios", "overview.png", "fit.png"):
        assert fig in html


def test_second_run_has_nothing_to_do_and_a_scenario_edit_reruns_only_it(reference_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(reference_run, run, symlinks=True)
    proc = snakemake(run, "-n", "--cores", "1", *CONFIGS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Nothing to be done" in proc.stdout + proc.stderr

    extra = run / "tests" / "workflow" / "extra_scenarios.yaml"
    doc = yaml.safe_load(extra.read_text())
    doc["scenarios"]["households_only"]["interventions"][0]["multiplier"] = 0.3
    extra.write_text(yaml.safe_dump(doc))
    proc = snakemake(run, "-n", "--cores", "1", *CONFIGS)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    planned = planned_jobs(out)
    # Each region projects all its scenarios in one job, so every region's projections
    # (and summaries) rerun; the calibrations and inputs do not.
    assert planned.get("project_region") == len(REGIONS), planned
    assert planned.get("summarise_region") == len(REGIONS), planned
    assert "calibrate_region" not in planned and "prepare_inputs" not in planned, planned
    assert "params have changed" in out.lower()  # the scenario definition is a param
