"""The test config with S3 as default storage (moto on 127.0.0.1): same numbers, then idle.

Local jobs, storage in S3, up to the calibration (inputs, then chains): the part that
reads the raw data and writes every kind of output file. The whole workflow runs with S3
storage in the AWS Batch test.
"""

from __future__ import annotations

import re

import pytest
from moto_servers import storage_env
from workflow_runs import (
    EXCLUDED_DIRS,
    TEST_CONFIG,
    announced_jobs,
    assert_same_numbers,
    numeric_outputs,
    run_snakemake,
)

pytestmark = pytest.mark.infra

BUCKET = "seirflow-s3"
PREFIX = "run"
UNTIL_RULE = "calibrate_region"


@pytest.fixture(scope="module")
def s3_run(s3_server, new_project, project_env, local_reference):
    """Stage data/raw in the bucket, run locally with S3 default storage, then run again."""
    workdir = new_project("s3")
    s3_server.create_bucket(BUCKET)
    staged = s3_server.upload_tree(workdir / "data" / "raw", BUCKET, f"{PREFIX}/data")
    assert staged, "no raw data files to stage"
    env = {**project_env, **storage_env(s3_server.endpoint)}
    args = (
        "--configfile",
        TEST_CONFIG,
        "--default-storage-provider",
        "s3",
        "--default-storage-prefix",
        f"s3://{BUCKET}/{PREFIX}",
        "--until",
        UNTIL_RULE,
    )
    first = run_snakemake(workdir, *args, env=env, log_name="s3-first").check()
    second = run_snakemake(workdir, *args, "--dry-run", env=env, log_name="s3-second").check()
    downloaded = workdir.parent / "downloaded"
    s3_server.download_tree(BUCKET, PREFIX, downloaded)
    return first, second, downloaded


def test_outputs_land_in_the_bucket_and_equal_the_local_run(s3_run, local_reference):
    _, _, downloaded = s3_run
    compared = assert_same_numbers(
        local_reference.outputs, numeric_outputs(downloaded), partial=True
    )
    calibrated = [p for p in numeric_outputs(downloaded) if p.endswith("posterior.nc")]
    assert calibrated and compared > len(calibrated), sorted(numeric_outputs(downloaded))


def test_no_result_is_written_to_the_local_results_directory(s3_run):
    # Paths passed as params rather than outputs are not mapped to the storage: the
    # calibration checkpoints and the hub history stay on the machine that ran the job.
    first, _, _ = s3_run
    local_results = first.log_path.parent / "results"
    stray = [
        p
        for p in local_results.rglob("*")
        if p.is_file() and not set(EXCLUDED_DIRS) & set(p.relative_to(local_results).parts)
    ]
    assert not stray, f"outputs written outside the bucket: {stray[:5]}"


def test_second_run_has_nothing_to_do(s3_run):
    first, second, _ = s3_run
    assert announced_jobs(first.log), "the first run announced no jobs"
    assert not announced_jobs(second.log), second.tail()
    idle = "Nothing to be done" in second.log or re.search(r"^total\s+0$", second.log, re.M)
    assert idle, second.tail()
