"""A bad config stops snakemake before any job, naming file, field and value."""

from __future__ import annotations

import pytest

from .conftest import snakemake

CASES = [
    ("calibration:\n  walkers: 3\n", "calibration.walkers = 3", "need at least 26 (2 × 13 free"),
    ("calibration:\n  walkrs: 30\n", "calibration.walkrs = 30", "unknown key"),
    ("regions: [NY, QQ]\n", 'regions.1 = "QQ"', "unknown region"),
    ("dates:\n  fit_end: 2020-03-01\n", 'dates.fit_end = "2020-03-01"', "must be after"),
    ("dates:\n  projection_weeks: 0\n", "dates.projection_weeks = 0", "greater than 0"),
    ("seed: lots\n", 'seed = "lots"', "valid integer"),
]


@pytest.mark.parametrize(("override", "where", "why"), CASES, ids=[c[1] for c in CASES])
def test_bad_config_stops_before_any_work(workflow_copy, override, where, why):
    (workflow_copy / "bad.yaml").write_text(override)
    proc = snakemake(workflow_copy, "--cores", "1", "--configfile", "bad.yaml")
    assert proc.returncode != 0
    assert f"bad.yaml: {where}" in proc.stderr, proc.stderr[-2000:]
    assert why in proc.stderr
    # One problem, one line: nothing that merely follows from it.
    assert proc.stderr.count("config.yaml:") == 0, proc.stderr[-2000:]
    assert not (workflow_copy / "results").exists()
    assert not (workflow_copy / "logs").exists()


def test_valid_config_dry_run_lists_the_whole_chain(workflow_copy):
    proc = snakemake(workflow_copy, "-n", "--cores", "1", "--configfile", "config/test.yaml")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    for rule in (
        "prepare_inputs",
        "calibrate_region",
        "project_region",
        "summarise_region",
        "summarise_national",
        "write_summary_tables",
        "write_hub_submission",
        "plot_figure",
        "write_manifest",
    ):
        assert rule in out, f"{rule} missing from the dry-run"


def test_lint_is_clean(workflow_copy):
    proc = snakemake(workflow_copy, "--lint", "--configfile", "config/test.yaml")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_target_after_configfile_is_named_before_any_work(workflow_copy):
    # --configfile takes every value after it: the target is read as a config file.
    # A JSON output of an earlier run parses as config, so it reaches the Snakefile.
    (workflow_copy / "results").mkdir()
    (workflow_copy / "results" / "manifest.json").write_text('{"config": {}, "files": {}}')
    args = ("-n", "--cores", "1", "--configfile", "config/test.yaml", "results/manifest.json")
    proc = snakemake(workflow_copy, *args)
    assert proc.returncode != 0
    assert "results/manifest.json is not an existing .yaml/.yml file" in proc.stderr, proc.stderr[
        -2000:
    ]
    assert "snakemake results/manifest.json --configfile config/test.yaml" in proc.stderr
    assert "unknown key" not in proc.stderr  # stopped before validating its "config"
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in (workflow_copy / "results").iterdir()) == ["manifest.json"]
    assert not (workflow_copy / "logs").exists()
