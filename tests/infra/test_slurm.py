"""profiles/slurm on a real single-node Slurm cluster: same numbers as a local run, every job
a Slurm job, a job failing once is retried, a calibration killed with scancel resumes.

One workflow run exercises all of it (the runs are the slow part): the first job step of
``FAIL_ONCE_RULE`` fails (the test cluster's ``srun`` wrapper, outside the project code,
plays a crashed node), and one region's calibration is cancelled with ``scancel`` once its
chain checkpoint has recorded steps.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import h5py
import pytest
from processes import wait_until
from workflow_runs import (
    TEST_CONFIG,
    SnakemakeProcess,
    SnakemakeRun,
    announced_jobs,
    assert_same_numbers,
    numeric_outputs,
)

pytestmark = pytest.mark.infra

FAIL_ONCE_RULE = "prepare_inputs"
# The heavy rules, which must run on the executor (the workflow may keep cheap rules local).
COMPUTE_RULES = {"prepare_inputs", "calibrate_region", "project_region"}
CALIBRATION_RULE = "calibrate_region"
CHECKPOINT = "results/checkpoints/{region}/chain.h5"
DIAGNOSTICS = "results/calibration/{region}/diagnostics.json"
RUN_TIMEOUT = 1200


@dataclass
class SlurmRun:
    workdir: Path
    run: SnakemakeRun
    run_id: str
    killed_region: str
    killed_job: str
    killed_at_iteration: int
    snapshot: Path


def checkpoint_iteration(path: Path) -> int:
    """Steps recorded in an emcee HDF checkpoint (0 while absent or being written)."""
    try:
        with h5py.File(path, "r", locking=False) as f:
            return int(f["mcmc"].attrs["iteration"])
    except (OSError, KeyError):
        return 0


def running_calibration(cluster) -> tuple[str, str] | None:
    """(Slurm job id, region) of a running calibration job, if any."""
    prefix = f"rule_{CALIBRATION_RULE}_wildcards_"
    out = cluster.run("squeue", "-h", "-t", "RUNNING", "-o", "%i|%k", check=False)
    for line in out.splitlines():
        job_id, _, comment = line.partition("|")
        if comment.startswith(prefix):
            return job_id.strip(), comment[len(prefix) :]
    return None


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, new_project, project_env, local_reference) -> SlurmRun:
    workdir = new_project("slurm")
    env = slurm_cluster.environment(project_env)
    env["SEIRFLOW_TEST_FAIL_ONCE"] = FAIL_ONCE_RULE
    env["SEIRFLOW_TEST_FAIL_ONCE_MARKER"] = str(workdir.parent / "fail-once.marker")
    proc = SnakemakeProcess(
        workdir,
        "--workflow-profile",
        "profiles/slurm",
        "--configfile",
        TEST_CONFIG,
        # Test-only: poll Slurm every few seconds instead of the plugin's 40 s start delay.
        "--slurm-init-seconds-before-status-checks",
        "2",
        env=env,
        log_name="slurm",
    )
    try:
        found: dict[str, object] = {}

        def calibrating_with_steps() -> bool:
            log = proc.log()
            assert proc.running(), f"snakemake ended early:\n{log[-3000:]}"
            started = len(re.findall(rf"^rule {CALIBRATION_RULE}:$", log, re.M))
            finished = len(
                re.findall(rf"^Finished jobid: \d+ \(Rule: {CALIBRATION_RULE}\)", log, re.M)
            )
            assert not started or finished < started, (
                "every calibration finished before one could be cancelled mid-run"
            )
            job = running_calibration(slurm_cluster)
            if job is None:
                return False
            checkpoint = workdir / CHECKPOINT.format(region=job[1])
            iteration = checkpoint_iteration(checkpoint)
            if iteration < 1:
                return False
            found.update(job=job, iteration=iteration, checkpoint=checkpoint)
            return True

        assert wait_until(calibrating_with_steps, timeout=RUN_TIMEOUT / 2, interval=0.2), (
            "no calibration job was seen running with a checkpoint of >= 1 step; "
            f"log:\n{proc.log()[-3000:]}"
        )
        job_id, region = found["job"]
        snapshot = workdir.parent / "checkpoint-at-kill.h5"
        shutil.copy(found["checkpoint"], snapshot)
        slurm_cluster.run("scancel", job_id)
        run = proc.wait(RUN_TIMEOUT)
    finally:
        proc.interrupt()
    run_id = re.search(r"SLURM run ID: (\S+)", run.log)
    assert run_id, f"no SLURM run ID in the log:\n{run.tail()}"
    return SlurmRun(workdir, run, run_id[1], region, job_id, found["iteration"], snapshot)


def test_run_completes_despite_failure_and_cancellation(slurm_run):
    slurm_run.run.check()


def test_outputs_equal_the_local_run(slurm_run, local_reference):
    slurm_run.run.check()
    compared = assert_same_numbers(local_reference.outputs, numeric_outputs(slurm_run.workdir))
    assert compared >= 3


def slurm_comment(rule: str, wildcards: tuple[str, ...]) -> str:
    """The ``--comment`` the Slurm executor gives a job of ``rule`` with these wildcards."""
    return f"rule_{rule}_wildcards_{'_'.join(wildcards)}" if wildcards else f"rule_{rule}"


def test_every_job_was_a_slurm_job(slurm_run, slurm_cluster, local_reference):
    slurm_run.run.check()
    # The jobs of the workflow: those the local run executed.
    needed = {
        slurm_comment(rule, wc): (rule, wc)
        for _, rule, wc in announced_jobs(local_reference.run.log)
    }
    accounted = slurm_cluster.accounting(name=slurm_run.run_id)
    submitted = {job.comment for job in accounted}
    assert submitted <= set(needed), f"unexpected Slurm jobs: {submitted - set(needed)}"
    # A job not submitted must be one the workflow keeps local (rule `all`, localrules).
    local = {
        (rule, wc) for kind, rule, wc in announced_jobs(slurm_run.run.log) if kind == "localrule"
    }
    not_submitted = {needed[c] for c in set(needed) - submitted}
    assert not_submitted <= local, f"jobs neither in Slurm nor local: {not_submitted - local}"
    remote_rules = {needed[c][0] for c in submitted}
    assert COMPUTE_RULES <= remote_rules, f"compute rules run outside Slurm: {remote_rules}"
    completed = {job.comment for job in accounted if job.state == "COMPLETED"}
    assert completed == submitted, f"jobs without a COMPLETED allocation: {submitted - completed}"


def test_job_failing_once_is_retried(slurm_run, slurm_cluster):
    marker = slurm_run.workdir.parent / "fail-once.marker"
    assert marker.exists(), "the injected failure never fired"
    states = [
        job.state
        for job in slurm_cluster.accounting(name=slurm_run.run_id)
        if job.comment.startswith(f"rule_{FAIL_ONCE_RULE}_")
    ]
    assert "FAILED" in states, f"no FAILED {FAIL_ONCE_RULE} allocation: {states}"
    assert states.count("COMPLETED") >= 1, states
    slurm_run.run.check()


def test_cancelled_calibration_resumes_from_its_checkpoint(slurm_run, slurm_cluster):
    comment = f"rule_{CALIBRATION_RULE}_wildcards_{slurm_run.killed_region}"
    allocations = [
        job for job in slurm_cluster.accounting(name=slurm_run.run_id) if job.comment == comment
    ]
    states = {job.job_id: job.state for job in allocations}
    assert states.get(slurm_run.killed_job) == "CANCELLED", states
    assert any(state == "COMPLETED" for state in states.values()), states
    slurm_run.run.check()
    # The calibration records where its chain started: a resumed chain starts at the
    # checkpoint, at least at the step seen in it just before the kill.
    diagnostics = json.loads(
        (slurm_run.workdir / DIAGNOSTICS.format(region=slurm_run.killed_region)).read_text()
    )
    assert diagnostics["resumed_from_step"] >= slurm_run.killed_at_iteration > 0, diagnostics
    final = slurm_run.workdir / CHECKPOINT.format(region=slurm_run.killed_region)
    with h5py.File(slurm_run.snapshot, "r") as before, h5py.File(final, "r") as after:
        n = int(before["mcmc"].attrs["iteration"])
        assert n >= slurm_run.killed_at_iteration
        kept = after["mcmc"]["chain"][:n]
        assert (kept == before["mcmc"]["chain"][:n]).all(), "steps before the kill changed"
