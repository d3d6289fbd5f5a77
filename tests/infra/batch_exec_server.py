"""moto server whose AWS Batch backend runs each submitted job's command on this machine.

moto's Docker-free ("simple") Batch backend marks jobs SUCCEEDED without running them. Here
each job's container command (``/bin/bash -c ...``) runs in a fresh directory under WORKROOT,
in a thread, with the job definition's environment on top of this server's environment, and
the job ends SUCCEEDED or FAILED with the command's real exit code (reported as
``container.exitCode`` by DescribeJobs, as AWS Batch does). TerminateJob kills a running job.
Every other AWS API is plain moto (S3, IAM, ...), all on 127.0.0.1.

Usage: python batch_exec_server.py PORT WORKROOT
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from datetime import datetime

import moto.batch.models as batch_models
import moto.batch_simple.models as simple_models
from moto.batch.utils import JobStatus
from moto.core.models import default_user_config

_processes: dict[str, subprocess.Popen] = {}
_lock = threading.Lock()


def _run_job(self, include_start_attempt, job):
    self.backend._jobs[job.job_id] = job
    job.job_started_at = datetime.now()
    job.log_stream_name = job._stream_name
    if include_start_attempt:
        job._start_attempt()
    job.status = JobStatus.RUNNING
    props = job.job_definition.container_properties
    command = list(job.container_overrides.get("command") or props["command"])
    env = dict(os.environ)
    env.update({item["name"]: item["value"] for item in props.get("environment", [])})
    env["AWS_BATCH_JOB_ID"] = job.job_id
    workdir = tempfile.mkdtemp(prefix=f"{job.job_name[:60]}-", dir=WORKROOT)

    def run():
        with open(os.path.join(workdir, "job.log"), "w") as log:
            log.write(f"job {job.job_id} command: {command}\n")
            log.flush()
            proc = subprocess.Popen(
                command,
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            with _lock:
                _processes[job.job_id] = proc
            code = proc.wait()
        job.exit_code = code
        if code != 0 and job.job_stopped_reason is None:
            job.job_stopped_reason = f"Essential container in task exited (code {code})"
        job._mark_stopped(success=code == 0)

    threading.Thread(target=run, daemon=True).start()


def _container_details(self):
    details = _original_container_details(self)
    if self.exit_code is not None:
        details["exitCode"] = self.exit_code
    return details


def _terminate(self, reason):
    _original_terminate(self, reason)
    with _lock:
        proc = _processes.get(self.job_id)
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)


_original_container_details = batch_models.Job._container_details
_original_terminate = batch_models.Job.terminate
simple_models.BatchSimpleBackend._mark_job_as_finished = _run_job
batch_models.Job._container_details = _container_details
batch_models.Job.terminate = _terminate

if __name__ == "__main__":
    PORT = sys.argv[1]
    WORKROOT = sys.argv[2]
    default_user_config["batch"] = {"use_docker": False}  # use the simple backend patched above
    from moto.server import main

    main(["-H", "127.0.0.1", "-p", PORT])
