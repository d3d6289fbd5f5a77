"""Provenance: deterministic facts, file hashes as DVC records them, manifest differences."""

from __future__ import annotations

import hashlib
import json
import os

from seirflow.cli import main
from seirflow.provenance import (
    INVOCATION_ENV,
    canonical_hash,
    diff_manifests,
    file_hashes,
    invocation,
    record_invocation,
    run_facts,
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
