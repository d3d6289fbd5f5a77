"""Provenance: deterministic facts, file hashes as DVC records them, manifest differences."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from seirflow.cli import main
from seirflow.provenance import (
    INVOCATION_ENV,
    canonical_hash,
    diff_manifests,
    dvc_md5,
    file_hashes,
    invocation,
    machine_facts,
    record_invocation,
    run_facts,
    verify_dvc_lock,
)


def test_canonical_hash_ignores_key_order_but_not_values():
    assert canonical_hash({"a": 1, "b": [1, 2]}) == canonical_hash({"b": [1, 2], "a": 1})
    assert canonical_hash({"a": 1}) != canonical_hash({"a": 2})


def test_file_hashes_walk_directories(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "y.txt").write_bytes(b"hello")
    hashes = file_hashes([tmp_path / "d", tmp_path / "y.txt"], root=tmp_path)
    assert set(hashes) == {"d/x.csv", "y.txt"}
    assert hashes["y.txt"]["md5"] == hashlib.md5(b"hello").hexdigest()
    assert hashes["d/x.csv"]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()


def test_run_facts_are_deterministic(tmp_path):
    (tmp_path / "f").write_text("x")
    a = run_facts({"seed": 1}, [tmp_path / "f"], {"master": 1})
    b = run_facts({"seed": 1}, [tmp_path / "f"], {"master": 1})
    assert a == b
    assert (
        a["packages"]["numpy"]
        and a["config_sha256"] != run_facts({"seed": 2}, [], {})["config_sha256"]
    )


def test_invocation_first_call_wins(monkeypatch):
    monkeypatch.delenv(INVOCATION_ENV, raising=False)
    record_invocation(["snakemake", "--workflow-profile", "profiles/slurm", "-n"])
    record_invocation(["snakemake", "--target-jobs", "x"])  # a cluster job re-parsing
    inv = invocation()
    assert inv["profile"] == "profiles/slurm"
    assert inv["command_line"].startswith("snakemake --workflow-profile profiles/slurm")
    os.environ.pop(INVOCATION_ENV)


def test_diff_manifests_names_what_changed(tmp_path, capsys):
    old = {"config_sha256": "aa", "data": {"f.csv": {"md5": "1"}}, "packages": {"numpy": "2.0"}}
    new = {"config_sha256": "bb", "data": {"f.csv": {"md5": "2"}}, "packages": {"numpy": "2.0"}}
    assert diff_manifests(old, new) == ['config_sha256: "aa" -> "bb"', 'data.f.csv.md5: "1" -> "2"']
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(old))
    b.write_text(json.dumps(new))
    assert main(["diff-manifest", str(a), str(b)]) == 1
    assert "data.f.csv.md5" in capsys.readouterr().out
    assert main(["diff-manifest", str(a), str(a)]) == 0


def test_machine_facts_name_cpu_and_blas_kernel():
    facts = machine_facts()
    assert facts["cpu"] and facts["cpu"] != "unknown"
    # numpy's wheels bundle OpenBLAS; threadpoolctl reports the kernel it picked.
    openblas = [b for b in facts["blas"] if b["internal_api"] == "openblas"]
    assert openblas and openblas[0]["version"] and openblas[0]["architecture"], facts


def test_diff_manifest_names_machine_differences_without_failing(tmp_path, capsys):
    base = {"config_sha256": "aa", "packages": {"numpy": "2.0"}}
    old = {**base, "machine": {"cpu": "Intel Xeon", "blas": [{"architecture": "SkylakeX"}]}}
    new = {**base, "machine": {"cpu": "AMD EPYC", "blas": [{"architecture": "Haswell"}]}}
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text(json.dumps(old))
    b.write_text(json.dumps(new))
    c.write_text(json.dumps({**new, "config_sha256": "bb"}))
    assert main(["diff-manifest", str(a), str(b)]) == 0  # same run, other machine
    out = capsys.readouterr().out
    assert "no differences in config" in out and "machine differs" in out
    assert 'machine.cpu: "Intel Xeon" -> "AMD EPYC"' in out
    assert "machine.blas" in out and "Haswell" in out
    assert main(["diff-manifest", str(a), str(c)]) == 1
    out = capsys.readouterr().out
    assert 'config_sha256: "aa" -> "bb"' in out and "machine differs" in out


def test_dvc_md5_matches_dvc_for_files_and_directories(tmp_path):
    from dvc_data.hashfile.tree import Tree

    (tmp_path / "raw" / "sub").mkdir(parents=True)
    (tmp_path / "raw" / "b.csv").write_bytes(b"b\n2\n")
    (tmp_path / "raw" / "sub" / "a.csv.gz").write_bytes(b"\x1f\x8b not really")
    (tmp_path / "other.csv").write_bytes(b"x")
    data = file_hashes([tmp_path / "raw", tmp_path / "other.csv"], root=tmp_path)
    tree = Tree.from_list(
        [
            {"md5": data["raw/b.csv"]["md5"], "relpath": "b.csv"},
            {"md5": data["raw/sub/a.csv.gz"]["md5"], "relpath": "sub/a.csv.gz"},
        ]
    )
    tree.digest()
    assert dvc_md5(data, "raw") == tree.hash_info.value
    assert dvc_md5(data, "raw/") == tree.hash_info.value
    assert dvc_md5(data, "other.csv") == hashlib.md5(b"x").hexdigest()
    assert dvc_md5(data, "missing") is None


def test_the_committed_snapshot_matches_dvc_lock():
    root = Path(__file__).resolve().parents[2]
    cwd = os.getcwd()
    try:
        os.chdir(root)
        result = verify_dvc_lock(file_hashes(["data/raw"]), "dvc.lock")
    finally:
        os.chdir(cwd)
    assert result["matches"] is True
    assert "data/raw/mistry" in result["outputs"]
    assert result["outputs"]["data/raw/mistry"]["found"].endswith(".dir")


def test_verify_dvc_lock_reports_each_mismatch(tmp_path):
    data = {"raw/a.csv": {"md5": "11"}, "raw/d/x": {"md5": "22"}}
    lock = tmp_path / "dvc.lock"
    lock.write_text(
        "schema: '2.0'\nstages:\n"
        "  a:\n    outs:\n    - path: raw/a.csv\n      md5: '11'\n"
        "  b:\n    outs:\n    - path: raw/d\n      md5: 0123.dir\n"
        "  c:\n    outs:\n    - path: raw/gone.csv\n      md5: '33'\n"
    )
    result = verify_dvc_lock(data, lock)
    assert result["matches"] is False
    assert result["outputs"]["raw/a.csv"] == {"recorded": "11", "found": "11"}
    assert result["outputs"]["raw/d"]["found"] == dvc_md5(data, "raw/d") != "0123.dir"
    assert result["outputs"]["raw/gone.csv"]["found"] is None
    assert verify_dvc_lock(data, tmp_path / "absent.lock")["matches"] is None


def test_invocation_names_snakemake_when_run_as_a_module(monkeypatch, tmp_path):
    monkeypatch.delenv(INVOCATION_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    main_py = "/venv/lib/python3.11/site-packages/snakemake/__main__.py"
    record_invocation([main_py, "--cores", "2", "--configfile", "my file.yaml"])
    inv = invocation()
    assert inv["command_line"] == "snakemake --cores 2 --configfile 'my file.yaml'"
    assert inv["workdir"] == str(tmp_path)
    assert inv["profile"] == "profiles/default"
    os.environ.pop(INVOCATION_ENV)


def test_manifest_config_reproduces_the_recorded_config(tmp_path, capsys):
    import yaml

    from seirflow.cli import _merge
    from seirflow.config import load_config

    root = Path(__file__).resolve().parents[2]
    default = yaml.safe_load((root / "config" / "config.yaml").read_text())
    merged = yaml.safe_load((root / "config" / "config.yaml").read_text())
    _merge(merged, yaml.safe_load((root / "config" / "test.yaml").read_text()))
    recorded = load_config(merged).model_dump(mode="json")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps({"config": recorded, "config_sha256": canonical_hash(recorded), "code": {}})
    )
    out = tmp_path / "replay.yaml"
    assert main(["manifest-config", str(manifest), "-o", str(out)]) == 0
    assert out.read_text().startswith(f"# Config of the run recorded in {manifest}")
    # As Snakemake would merge it: the workflow's config.yaml first, then the file.
    replay = default
    _merge(replay, yaml.safe_load(out.read_text()))
    again = load_config(replay).model_dump(mode="json")
    assert again == recorded
    assert canonical_hash(again) == canonical_hash(recorded)

    (tmp_path / "other.json").write_text("[1, 2]")
    assert main(["manifest-config", str(tmp_path / "other.json")]) == 1
    assert "not a seirflow run manifest" in capsys.readouterr().err


def test_manifest_products_list_every_figure_posterior_and_projection_once():
    import yaml

    from seirflow.cli import _merge
    from seirflow.config import load_config
    from seirflow.wiring import manifest_products, paper_figure_paths

    root = Path(__file__).resolve().parents[2]
    merged = yaml.safe_load((root / "config" / "config.yaml").read_text())
    _merge(merged, yaml.safe_load((root / "config" / "test.yaml").read_text()))
    cfg = load_config(merged)
    products = manifest_products(cfg)
    assert len(products) == len(set(products))
    assert set(paper_figure_paths(cfg)) <= set(products)
    for region in cfg.regions:
        assert f"results/calibration/{region}/posterior.nc" in products
    trajectories = [p for p in products if p.endswith("/trajectories.nc")]
    assert len(trajectories) == len(cfg.scenarios) * len(cfg.regions)


def test_manifest_step_keeps_the_config_order_so_a_replay_orders_scenarios_alike(
    tmp_path, monkeypatch
):
    import yaml

    from seirflow.steps.provenance import write_manifest

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "x.csv").write_text("a\n1\n")
    (tmp_path / "hub.parquet").write_bytes(b"not really parquet")
    (tmp_path / "NY.json").write_text(json.dumps({"region": "NY", "converged": True}))
    scenarios = {"zeta": {"interventions": []}, "alpha": {"interventions": []}}
    config = {"seed": 7, "regions": ["NY"], "scenarios": scenarios}
    for name in ("a.json", "b.json"):
        write_manifest(
            hub="hub.parquet",
            diagnostics=["NY.json"],
            manifest=name,
            config=config,
            regions=["NY"],
            products=["NY.json"],
        )
    a, b = (json.loads((tmp_path / n).read_text()) for n in ("a.json", "b.json"))
    a.pop("invocation"), b.pop("invocation")
    assert a == b
    assert list(a["config"]["scenarios"]) == ["zeta", "alpha"]
    assert a["dvc_lock"]["matches"] is None  # no dvc.lock here
    assert sorted(a["outputs"]) == ["NY.json", "hub.parquet"]
    assert a["data"]["data/raw/x.csv"]["md5"] == hashlib.md5(b"a\n1\n").hexdigest()
    assert a["machine"] == machine_facts()
    assert main(["manifest-config", "a.json", "-o", "replay.yaml"]) == 0
    assert list(yaml.safe_load((tmp_path / "replay.yaml").read_text())["scenarios"]) == [
        "zeta",
        "alpha",
    ]
