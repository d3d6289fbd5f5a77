"""constraints.txt pins every runtime and test dependency of pyproject.toml within its range."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, Version]:
    found = {}
    for number, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"constraints.txt line {number}: {line!r} is not name==version"
        key = canonicalize_name(name)
        assert key not in found, f"constraints.txt line {number}: {name} pinned twice"
        found[key] = Version(version)
    return found


def test_every_runtime_and_test_dependency_is_pinned_inside_its_range():
    # The README installs with -c constraints.txt: an unpinned dependency would bring back
    # pip's backtracking (boto3/aiobotocore) and an untested version.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = pins()
    for raw in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(raw)
        key = canonicalize_name(req.name)
        assert key in pinned, f"{req.name} (pyproject.toml) is not pinned in constraints.txt"
        assert pinned[key] in req.specifier, (
            f"constraints.txt pins {req.name}=={pinned[key]}, outside pyproject.toml's {raw!r}"
        )


def test_dockerfile_installs_with_the_constraints():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--constraint constraints.txt" in dockerfile
    assert "COPY constraints.txt" in dockerfile
    # The Batch executor starts every job with bash and `pip install`.
    assert "FROM python:3.11" in dockerfile
    assert "seirflow" not in {canonicalize_name(name) for name in pins()}


def test_readme_installs_with_the_pinned_installer():
    # Plain pip took nearly 8 minutes on an empty cache; uv, pinned like the rest, well under one.
    readme = (ROOT / "README.md").read_text()
    installs = [line for line in readme.splitlines() if "python3 -m venv .venv" in line]
    assert len(installs) >= 3, installs  # main job, tests, replay
    for line in installs:
        assert "pip install uv -c constraints.txt" in line, line
        assert "uv pip install -e " in line and line.count("-c constraints.txt") == 2, line
    assert "uv" in pins()
