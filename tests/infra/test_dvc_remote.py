"""The S3 DVC remote set-up of data/README.md, pushed to and pulled from moto on 127.0.0.1.

The raw snapshot itself is committed to git (``cache: false`` outputs, never pushed), so
the test tracks a copy of one source with ``dvc add`` in a throwaway clone, the way a large
file would be tracked, and moves it through the remote.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from moto_servers import storage_env

pytestmark = pytest.mark.infra

BUCKET = "seirflow-dvc"
REMOTE = "storage"
TRACKED = "data/archive/nyt"


def dvc(workdir: Path, env: dict[str, str], *args: str) -> str:
    """Run ``dvc`` in ``workdir`` and return its output; fail with it on a non-zero exit."""
    exe = Path(sys.executable).with_name("dvc")
    result = subprocess.run(
        [str(exe), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, (
        f"dvc {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    )
    return result.stdout + result.stderr


def git(workdir: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", *args],
        cwd=workdir,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def dvc_clone(s3_server, new_project, project_env):
    """A git repository made from the project copy, with the README's remote configured."""
    workdir = new_project("dvc")
    git(workdir, "init", "-q")
    git(workdir, "add", "-A")
    git(workdir, "commit", "-q", "-m", "snapshot")
    s3_server.create_bucket(BUCKET)
    env = {**project_env, **storage_env(s3_server.endpoint)}
    # The set-up documented in data/README.md, kept out of git with --local.
    dvc(workdir, env, "remote", "add", "--local", "-d", REMOTE, f"s3://{BUCKET}/dvcstore")
    dvc(workdir, env, "remote", "modify", "--local", REMOTE, "endpointurl", s3_server.endpoint)
    return workdir, env


def test_push_then_pull_restores_the_tracked_data(dvc_clone, s3_server):
    workdir, env = dvc_clone
    source = workdir / "data" / "raw" / "nyt"
    tracked = workdir / TRACKED
    shutil.copytree(source, tracked)
    dvc(workdir, env, "add", TRACKED)
    assert (workdir / f"{TRACKED}.dvc").exists()

    pushed = dvc(workdir, env, "push")
    assert "pushed" in pushed.lower(), pushed
    keys = s3_server.list_keys(BUCKET, "dvcstore/")
    assert keys, "dvc push stored nothing in the bucket"
    status = dvc(workdir, env, "status", "--cloud")
    assert "in sync" in status.lower(), status

    # A clone without the data or the local cache gets it back from the remote only.
    shutil.rmtree(tracked)
    shutil.rmtree(workdir / ".dvc" / "cache")
    dvc(workdir, env, "pull", TRACKED)
    restored = sorted(p.name for p in tracked.iterdir())
    assert restored == sorted(p.name for p in source.iterdir())
    for name in restored:
        assert filecmp.cmp(source / name, tracked / name, shallow=False), name


def test_remote_config_stays_out_of_git(dvc_clone):
    workdir, _ = dvc_clone
    committed = (workdir / ".dvc" / "config").read_text()
    assert "endpointurl" not in committed and BUCKET not in committed
    assert BUCKET in (workdir / ".dvc" / "config.local").read_text()
