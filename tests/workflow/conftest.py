"""Fixtures that run real snakemake on a copy of the workflow in a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a run needs; the raw data is linked, not copied (it is read-only input).
WORKFLOW_PARTS = ("Snakefile", "rules", "config", "report", "envs", "profiles", "dvc.lock")
# The shared reference run: the test config plus one more scenario, on 2 cores.
EXTRA_SCENARIOS = "tests/workflow/extra_scenarios.yaml"
REFERENCE_CONFIGS = ("--configfile", "config/test.yaml", EXTRA_SCENARIOS)


def copy_workflow(dest: Path) -> Path:
    """A runnable copy of the workflow at `dest` (data/ linked to the real snapshot)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    (dest / "data").mkdir(exist_ok=True)
    (dest / "data" / "raw").symlink_to(ROOT / "data" / "raw")
    return dest


def reference_copy(dest: Path) -> Path:
    """A workflow copy at `dest` that also holds the extra scenarios file of `REFERENCE_CONFIGS`."""
    copy_workflow(dest)
    (dest / EXTRA_SCENARIOS).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / EXTRA_SCENARIOS, dest / EXTRA_SCENARIOS)
    return dest


def run_to_completion(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """`snakemake ARGS` in `workdir`; fails the test with the end of the output if it fails."""
    proc = snakemake(workdir, *args)
    if proc.returncode != 0:
        pytest.fail(
            f"snakemake {' '.join(args)} failed in {workdir} (exit {proc.returncode}):\n"
            + proc.stderr[-4000:],
            pytrace=False,
        )
    return proc


def snakemake(workdir: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run `python -m snakemake ARGS` in `workdir`; returns the finished process."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def planned_jobs(dry_run_output: str) -> dict[str, int]:
    """Job counts from the dry-run's 'Job stats' table."""
    counts: dict[str, int] = {}
    lines = dry_run_output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Job stats"))
    for line in lines[start + 3 :]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit() or parts[0] == "total":
            if parts and parts[0] == "total":
                break
            continue
        counts[parts[0]] = int(parts[1])
    return counts


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    return copy_workflow(tmp_path / "wf")


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of one complete run of `REFERENCE_CONFIGS` on 2 cores (shared; do not modify).

    Tests that need to change it copy it first (``shutil.copytree(run, dest, symlinks=True)``
    keeps Snakemake's metadata, so the copy is up to date).
    """
    run = reference_copy(tmp_path_factory.mktemp("reference") / "wf")
    run_to_completion(run, "--cores", "2", *REFERENCE_CONFIGS)
    return run
