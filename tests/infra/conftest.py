"""Session fixtures that start real Slurm, S3 and AWS Batch endpoints on 127.0.0.1.

Each component is started by the tests themselves, stopped by pid at the end, and a
component that cannot start fails the tests that need it with the reason (never a skip).
The local reference run of the test config is made once and shared.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto_servers import MotoServer, create_batch_queue, storage_env
from slurm_cluster import SlurmCluster
from workflow_runs import (
    REPO_ROOT,
    TEST_CONFIG,
    SnakemakeRun,
    copy_project,
    numeric_outputs,
    run_snakemake,
)


@dataclass
class ProjectRun:
    """A finished run in its own project copy."""

    workdir: Path
    run: SnakemakeRun

    @property
    def outputs(self) -> dict[str, Path]:
        return numeric_outputs(self.workdir)


@pytest.fixture(scope="session")
def project_source(tmp_path_factory) -> Path:
    """A snapshot of the project taken once per session: every run copies this one.

    Files git tracks (or would track) are copied as they are in the work tree, plus the
    numba caches of ``src/`` (``__pycache__``, mtimes kept, so they stay valid). Runs import
    seirflow from the snapshot (see ``project_env``), so the rules and the code they call
    come from the same moment even while the work tree changes, and the numba functions
    compile at most once per session.
    """
    snapshot = copy_project(REPO_ROOT, tmp_path_factory.mktemp("source") / "project")
    for cache in (REPO_ROOT / "src").rglob("__pycache__"):
        target = snapshot / cache.relative_to(REPO_ROOT)
        if target.parent.is_dir():
            shutil.copytree(cache, target, dirs_exist_ok=True)
    return snapshot


@pytest.fixture(scope="session")
def project_env(project_source) -> dict[str, str]:
    """Environment for snakemake runs and their jobs.

    This interpreter's bin directory first on PATH (its snakemake, dvc, moto_server), and
    the snapshot's ``src`` first on PYTHONPATH: jobs import that seirflow, as jobs in the
    container image import the one installed there.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(project_source / "src"), env.get("PYTHONPATH")])
    )
    env.pop("SNAKEMAKE_PROFILE", None)
    return env


@pytest.fixture(scope="session")
def new_project(tmp_path_factory, project_source):
    """Factory: a fresh copy of the project snapshot in a new temp directory."""

    def make(name: str) -> Path:
        return copy_project(project_source, tmp_path_factory.mktemp(name) / "project")

    return make


@pytest.fixture(scope="session")
def local_reference(new_project, project_env) -> ProjectRun:
    """The test config run once with the default (local) profile: the reference outputs."""
    workdir = new_project("local")
    run = run_snakemake(workdir, "--configfile", TEST_CONFIG, env=project_env, log_name="local")
    run.check()
    return ProjectRun(workdir, run)


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory):
    """A single-node Slurm cluster with accounting; every daemon stopped by pid afterwards."""
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A plain moto S3 endpoint on a free 127.0.0.1 port."""
    server = MotoServer(tmp_path_factory.mktemp("moto-s3"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class BatchEndpoint:
    """moto server with executing Batch jobs, plus the queue and role created in it."""

    server: MotoServer
    job_queue: str
    job_role: str

    @property
    def env(self) -> dict[str, str]:
        """What profiles/aws-batch expects from the environment, pointed at this endpoint."""
        return {
            **storage_env(self.server.endpoint),
            "AWS_ENDPOINT_URL_BATCH": self.server.endpoint,
            "SNAKEMAKE_AWS_BATCH_JOB_QUEUE": self.job_queue,
            "SNAKEMAKE_AWS_BATCH_JOB_ROLE": self.job_role,
            "SEIRFLOW_IMAGE": "seirflow:test",
        }


@pytest.fixture(scope="session")
def batch_endpoint(tmp_path_factory, project_env):
    """moto server whose Batch jobs run on this machine; jobs see S3 on the same endpoint.

    Jobs run in the server's environment: this interpreter first on PATH (it has seirflow
    and snakemake, as the container image does) and a no-op ``pip`` before it, because each
    job starts with ``pip install snakemake-storage-plugin-s3`` and tests have no network.
    """
    root = tmp_path_factory.mktemp("moto-batch")
    shim = root / "bin"
    shim.mkdir()
    pip = shim / "pip"
    pip.write_text('#!/bin/sh\necho "pip (test image): $* -- already installed"\n')
    pip.chmod(0o755)
    server = MotoServer(root, batch_exec=True)
    env = {**project_env, **storage_env(server.endpoint)}
    env["PATH"] = os.pathsep.join([str(shim), env["PATH"]])
    server.start(env)
    try:
        queue, role = create_batch_queue(server, "seirflow")
        yield BatchEndpoint(server, queue, role)
    finally:
        server.stop()
