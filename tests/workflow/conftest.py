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
WORKFLOW_PARTS = ("Snakefile", "rules", "config", "report", "envs", "profiles")


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


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    return copy_workflow(tmp_path / "wf")
