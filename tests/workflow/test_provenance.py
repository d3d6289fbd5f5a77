"""Which data and code made a number: the manifest and the facts each result carries.

Checks the reference run's manifest against DVC's lock file and the files themselves,
that every result records the same facts as the manifest, and that `seirflow
diff-manifest` names a config key changed between two runs.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import xarray as xr
import yaml

from seirflow.cli import main
from seirflow.config import load_config
from seirflow.provenance import canonical_hash, dvc_md5
from seirflow.wiring import manifest_products

from .conftest import REFERENCE_CONFIGS, ROOT, run_to_completion

pytestmark = pytest.mark.workflow


def _manifest(run) -> dict:
    return json.loads((run / "results" / "manifest.json").read_text())


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_data_hashes_match_dvc_lock_and_the_files(reference_run):
    manifest = _manifest(reference_run)
    data = manifest["data"]
    stages = yaml.safe_load((ROOT / "dvc.lock").read_text())["stages"]
    outs = [out for stage in stages.values() for out in stage["outs"]]
    assert len(outs) == 6
    for out in outs:
        assert dvc_md5(data, out["path"]) == out["md5"], out["path"]
    assert manifest["dvc_lock"]["matches"] is True
    assert len(data) == sum(1 for p in (ROOT / "data" / "raw").rglob("*") if p.is_file())
    for key, hashes in data.items():  # recomputed here, independently of seirflow
        content = (reference_run / key).read_bytes()
        assert hashes["md5"] == hashlib.md5(content).hexdigest(), key
        assert hashes["sha256"] == hashlib.sha256(content).hexdigest(), key


def test_manifest_records_config_seeds_and_outputs(reference_run):
    manifest = _manifest(reference_run)
    assert manifest["config_sha256"] == canonical_hash(manifest["config"])
    assert manifest["seeds"]["master"] == manifest["config"]["seed"]
    assert sorted(manifest["seeds"]["regions"]) == sorted(manifest["config"]["regions"])
    key = "results/hub/model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet"
    hub = reference_run / key
    assert manifest["outputs"][key]["sha256"] == _sha256(hub)
    inv = manifest["invocation"]
    assert inv["command_line"].startswith("snakemake --cores 2 --configfile config/test.yaml")
    assert inv["profile"] == "profiles/default" and inv["workdir"] == str(reference_run)
    assert inv["started"] <= inv["finished"]


def test_each_result_carries_the_manifests_facts(reference_run):
    manifest = _manifest(reference_run)
    raw = {k.removeprefix("data/raw/"): v["sha256"] for k, v in manifest["data"].items()}
    for region in manifest["config"]["regions"]:
        inputs = reference_run / "results" / "inputs" / region / "inputs.nc"
        with xr.open_dataset(inputs, engine="h5netcdf") as ds:
            sources = json.loads(ds.attrs["source_sha256"])
        assert sources and all(raw[name] == sha for name, sha in sources.items()), region

    projections = sorted(reference_run.glob("results/projections/*/*/trajectories.nc"))
    assert len(projections) == len(manifest["config"]["scenarios"]) * 2
    for path in projections:
        scenario, region = path.parts[-3], path.parts[-2]
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            facts = json.loads(ds.attrs["provenance"])
        results = reference_run / "results"
        assert facts["packages"] == manifest["packages"]
        assert facts["code"] == manifest["code"]
        assert facts["seeds"]["master"] == manifest["seeds"]["master"]
        posterior = results / "calibration" / region / "posterior.nc"
        inputs = results / "inputs" / region / "inputs.nc"
        assert facts["data"]["posterior"]["sha256"] == _sha256(posterior), path
        assert facts["data"]["inputs"]["sha256"] == _sha256(inputs), path
        used = facts["config"]
        assert facts["config_sha256"] == canonical_hash(used), path
        assert used["scenario"] == manifest["config"]["scenarios"][scenario], path
        assert used["seed"] == manifest["config"]["seed"], path
        assert used["hub_age_groups"] == manifest["config"]["hub"]["age_groups"], path
        for section, value in used.items():
            if section not in ("scenario", "seed", "hub_age_groups"):
                assert value == manifest["config"][section], (path, section)


def test_diff_manifest_names_a_changed_config_key(reference_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(reference_run, run, symlinks=True)
    (run / "changed.yaml").write_text("postprocessing:\n  change_warning_factor: 3.5\n")
    run_to_completion(run, "--cores", "2", *REFERENCE_CONFIGS, "changed.yaml")

    old, new = reference_run / "results" / "manifest.json", run / "results" / "manifest.json"
    assert main(["diff-manifest", str(old), str(new)]) == 1
    lines = capsys.readouterr().out.splitlines()
    fields = sorted(line.split(":")[0] for line in lines)
    assert "config.postprocessing.change_warning_factor: 2.0 -> 3.5" in lines, lines
    # Nothing else differs: same data, code, versions, seeds, and the same hub numbers;
    # only the table of changes, whose flags use the factor, is rewritten.
    assert fields == [
        "config.postprocessing.change_warning_factor",
        "config_sha256",
        "invocation.command_line",
        "outputs.results/summaries/changes.csv.md5",
        "outputs.results/summaries/changes.csv.sha256",
    ], lines


def test_every_product_the_manifest_can_record_is_made_by_the_workflow(reference_run):
    cfg = load_config(_manifest(reference_run)["config"])
    missing = [p for p in manifest_products(cfg) if not (reference_run / p).is_file()]
    assert missing == []
