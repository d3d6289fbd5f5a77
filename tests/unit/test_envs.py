"""The conda environment in envs/ pins the same packages and ranges as pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_pins() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in project["dependencies"]:
        req = Requirement(line)
        pins[req.name.lower()] = req.specifier
        for extra in req.extras:  # dvc[s3] brings the dvc-s3 plugin
            pins[f"{req.name}-{extra}".lower()] = None
    pins["python"] = SpecifierSet(project["requires-python"])
    return pins


def _conda_pins(path: Path) -> dict[str, SpecifierSet]:
    deps = yaml.safe_load(path.read_text())["dependencies"]
    pins = {}
    for dep in deps:
        if not isinstance(dep, str):
            continue
        name, _, spec = dep.partition(" ")
        pins[name.lower()] = SpecifierSet(spec.split("#")[0].strip())
    return pins


def test_conda_env_matches_pyproject():
    expected = _pyproject_pins()
    conda = _conda_pins(ROOT / "envs" / "seirflow.yaml")
    missing = sorted(set(expected) - set(conda))
    assert not missing, f"envs/seirflow.yaml lacks {missing}"
    for name, spec in expected.items():
        if spec is not None:
            assert conda[name] == spec, f"{name}: pyproject {spec} vs envs {conda[name]}"
    extra = sorted(set(conda) - set(expected) - {"pip"})
    assert not extra, f"envs/seirflow.yaml has packages pyproject.toml lacks: {extra}"
