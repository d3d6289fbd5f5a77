"""A single-region target plans that region's chain only (dry-runs on the default config).

The default config has 51 regions, so a target that pulled in other regions would plan
their calibrations too. The national figure is the contrast: its draw-wise sums need
every region's projections.
"""

from __future__ import annotations

import re

import pytest

from .conftest import copy_workflow, planned_jobs, snakemake

REGIONS_IN_DEFAULT_CONFIG = 51


@pytest.fixture(scope="module")
def default_workflow(tmp_path_factory):
    return copy_workflow(tmp_path_factory.mktemp("targets") / "wf")


def _dry_run(workdir, target: str) -> tuple[dict[str, int], set[str]]:
    """Planned job counts and the regions of the planned jobs, for `target`."""
    proc = snakemake(workdir, "-n", "--cores", "1", target)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    return planned_jobs(out), set(re.findall(r"wildcards: .*?region=(\w+)", out))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "figures/fig3_hospital_beds.pdf",
            {
                "prepare_inputs": 1,
                "calibrate_region": 1,
                "project_region": 1,
                "summarise_region": 1,
                "plot_figure": 1,
            },
        ),
        ("figures/fig1_inputs_overview.pdf", {"prepare_inputs": 1, "plot_figure": 1}),
        ("results/calibration/NY/posterior.nc", {"prepare_inputs": 1, "calibrate_region": 1}),
        (
            "results/summaries/by_region/NY/daily_quantiles.parquet",
            {
                "prepare_inputs": 1,
                "calibrate_region": 1,
                "project_region": 1,
                "summarise_region": 1,
            },
        ),
    ],
    ids=["NY figure", "NY inputs figure", "NY posterior", "NY summaries"],
)
def test_a_new_york_target_plans_only_new_york_jobs(default_workflow, target, expected):
    planned, regions = _dry_run(default_workflow, target)
    assert planned == expected
    assert regions == {"NY"}


def test_the_national_figure_still_needs_every_region(default_workflow):
    planned, regions = _dry_run(default_workflow, "figures/fig5_national_scenarios.pdf")
    assert planned["project_region"] == REGIONS_IN_DEFAULT_CONFIG
    assert planned["calibrate_region"] == REGIONS_IN_DEFAULT_CONFIG
    assert "summarise_region" not in planned
    assert len(regions) == REGIONS_IN_DEFAULT_CONFIG
