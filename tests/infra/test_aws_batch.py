"""profiles/aws-batch against the AWS Batch API on 127.0.0.1 whose jobs really execute.

Each Batch job runs its container command on this machine (tests/infra/batch_exec_server.py)
with inputs and outputs in S3 on the same endpoint, as on AWS where the job's container
reads and writes the bucket.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from workflow_runs import (
    TEST_CONFIG,
    announced_jobs,
    assert_same_numbers,
    numeric_outputs,
    run_snakemake,
)

pytestmark = pytest.mark.infra

BUCKET = "seirflow-batch"
FIRST_RULE = "prepare_inputs"
# The heavy rules, which must run on the executor (the workflow may keep cheap rules local).
COMPUTE_RULES = {"prepare_inputs", "calibrate_region", "project_region"}


def batch_env(base: dict[str, str], endpoint, prefix: str) -> dict[str, str]:
    """What profiles/aws-batch reads from the environment, for this endpoint and prefix."""
    return {**base, **endpoint.env, "SEIRFLOW_S3_PREFIX": prefix}


def batch_jobs(endpoint) -> list[dict]:
    """Every job the Batch endpoint has seen, with status and exit code."""
    batch = endpoint.server.client("batch")
    ids = [
        summary["jobId"]
        for status in ("SUCCEEDED", "FAILED", "RUNNING", "SUBMITTED", "RUNNABLE")
        for summary in batch.list_jobs(jobQueue=endpoint.job_queue, jobStatus=status)[
            "jobSummaryList"
        ]
    ]
    jobs = []
    for start in range(0, len(ids), 100):
        jobs += batch.describe_jobs(jobs=ids[start : start + 100])["jobs"]
    return jobs


@pytest.fixture(scope="module")
def batch_run(batch_endpoint, new_project, project_env, local_reference):
    workdir = new_project("batch")
    prefix = "run"
    batch_endpoint.server.create_bucket(BUCKET)
    staged = batch_endpoint.server.upload_tree(workdir / "data" / "raw", BUCKET, f"{prefix}/data")
    assert staged, "no raw data files to stage"
    before = {job["jobId"] for job in batch_jobs(batch_endpoint)}
    run = run_snakemake(
        workdir,
        "--workflow-profile",
        "profiles/aws-batch",
        "--configfile",
        TEST_CONFIG,
        env=batch_env(project_env, batch_endpoint, f"s3://{BUCKET}/{prefix}"),
        log_name="batch",
    )
    jobs = [job for job in batch_jobs(batch_endpoint) if job["jobId"] not in before]
    downloaded = workdir.parent / "downloaded"
    batch_endpoint.server.download_tree(BUCKET, f"{prefix}/results", downloaded / "results")
    return run, jobs, downloaded


def test_run_completes(batch_run):
    run, _, _ = batch_run
    run.check()


def test_outputs_in_the_bucket_equal_the_local_run(batch_run, local_reference):
    run, _, downloaded = batch_run
    run.check()
    compared = assert_same_numbers(local_reference.outputs, numeric_outputs(downloaded))
    assert compared >= 3


def test_every_job_ran_as_a_batch_job(batch_run, local_reference):
    run, jobs, _ = batch_run
    run.check()
    # The jobs of the workflow (those the local run executed) ran exactly once each: on
    # Batch, or in snakemake itself for the rules the workflow keeps local (rule `all`).
    needed = Counter(rule for _, rule, _ in announced_jobs(local_reference.run.log))
    ran = Counter(re.match(r"snakejob-(\w+)-", job["jobName"])[1] for job in jobs)
    local = Counter(rule for kind, rule, _ in announced_jobs(run.log) if kind == "localrule")
    assert ran + local == needed, f"needed {needed}, on Batch {ran}, local {local}"
    assert COMPUTE_RULES <= set(ran), f"compute rules run outside Batch: {ran}"
    assert {job["status"] for job in jobs} == {"SUCCEEDED"}
    assert {job["container"].get("exitCode") for job in jobs} == {0}


def test_failing_job_is_reported_failed_with_its_exit_code(
    batch_endpoint, new_project, project_env
):
    """A job whose input is broken fails in Batch; snakemake reports it with the exit code."""
    workdir = new_project("batch-fail")
    prefix = "broken"
    batch_endpoint.server.create_bucket(BUCKET)
    staged = batch_endpoint.server.upload_tree(workdir / "data" / "raw", BUCKET, f"{prefix}/data")
    s3 = batch_endpoint.server.client("s3")
    for key in staged:  # every raw file truncated to a header line
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"not,the,expected,columns\n")
    before = {job["jobId"] for job in batch_jobs(batch_endpoint)}
    env = batch_env(project_env, batch_endpoint, f"s3://{BUCKET}/{prefix}")
    run = run_snakemake(
        workdir,
        "--workflow-profile",
        "profiles/aws-batch",
        "--configfile",
        TEST_CONFIG,
        "--retries",
        "0",
        "--until",
        FIRST_RULE,
        env=env,
        log_name="batch-fail",
    )
    assert run.returncode != 0, run.tail()
    failed = [
        job
        for job in batch_jobs(batch_endpoint)
        if job["jobId"] not in before and job["status"] == "FAILED"
    ]
    assert failed, f"no FAILED Batch job:\n{run.tail()}"
    codes = {job["container"]["exitCode"] for job in failed}
    assert 0 not in codes
    for code in codes:
        assert f"AWS Batch job failed. Code: {code}" in run.log, run.tail()
    assert f"Error in rule {FIRST_RULE}" in run.log, run.tail()
