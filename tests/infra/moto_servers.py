"""moto servers on 127.0.0.1: plain S3, and one whose AWS Batch jobs really execute."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from processes import Daemon, InfraStartError, free_port, wait_until

__all__ = [
    "MotoServer",
    "ACCESS_KEY",
    "SECRET_KEY",
    "REGION",
    "create_batch_queue",
    "storage_env",
]

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"
BATCH_SERVER = Path(__file__).with_name("batch_exec_server.py")


@dataclass
class MotoServer:
    """A moto server process and the endpoint it answers on.

    Args:
        root: Directory for the server log (and Batch job directories).
        batch_exec: Start ``batch_exec_server.py`` (Batch jobs run for real) instead of
            ``moto_server``.
    """

    root: Path
    batch_exec: bool = False

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str] | None = None) -> None:
        """Start the server on its port and wait until it answers HTTP.

        Args:
            env: Environment of the server process; Batch jobs inherit it.

        Raises:
            InfraStartError: The server exited or did not answer within 30 s.
        """
        if self.batch_exec:
            self.job_root = self.root / "batch-jobs"
            self.job_root.mkdir(parents=True, exist_ok=True)
            argv = [sys.executable, str(BATCH_SERVER), str(self.port), str(self.job_root)]
        else:
            moto_server = Path(sys.executable).with_name("moto_server")
            argv = [str(moto_server), "-H", "127.0.0.1", "-p", str(self.port)]
        name = "moto-batch" if self.batch_exec else "moto-s3"
        self.daemon = Daemon(name, argv, self.root / f"{name}.log", env=env)

        def answers() -> bool:
            self.daemon.require_alive()
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2):
                    return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        if not wait_until(answers, timeout=30, interval=0.2):
            self.daemon.stop()
            raise InfraStartError(
                f"{name} did not answer on {self.endpoint} within 30 s:\n{self.daemon.log_tail()}"
            )

    def stop(self) -> None:
        """Stop the server process by pid."""
        self.daemon.stop()

    def client(self, service: str):
        """A boto3 client for ``service`` on this endpoint with the test credentials."""
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name: str) -> None:
        """Create an S3 bucket on this endpoint."""
        self.client("s3").create_bucket(Bucket=name)

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in ``bucket`` under ``prefix``."""
        paginator = self.client("s3").get_paginator("list_objects_v2")
        return [
            obj["Key"]
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
            for obj in page.get("Contents", [])
        ]

    def upload_tree(self, local: Path, bucket: str, prefix: str) -> list[str]:
        """Upload every file under ``local`` to ``s3://bucket/prefix/<relative path>``."""
        s3 = self.client("s3")
        keys = []
        for path in sorted(Path(local).rglob("*")):
            if path.is_file():
                key = f"{prefix.rstrip('/')}/{path.relative_to(local.parent).as_posix()}"
                s3.upload_file(str(path), bucket, key)
                keys.append(key)
        return keys

    def download_tree(self, bucket: str, prefix: str, dest: Path) -> list[Path]:
        """Download every object under ``prefix`` into ``dest`` (keys relative to prefix)."""
        s3 = self.client("s3")
        paths = []
        for key in self.list_keys(bucket, prefix):
            target = Path(dest) / key[len(prefix) :].lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, key, str(target))
            paths.append(target)
        return paths


def create_batch_queue(server: MotoServer, name: str) -> tuple[str, str]:
    """Create an IAM job role, an unmanaged compute environment and a job queue.

    Args:
        server: A running MotoServer started with ``batch_exec=True``.
        name: Prefix for the created resources.

    Returns:
        (job queue ARN, job role ARN).
    """
    request = urllib.request.Request(
        f"{server.endpoint}/moto-api/config",
        method="POST",
        data=json.dumps({"batch": {"use_docker": False}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    assume = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["batch.amazonaws.com", "ecs-tasks.amazonaws.com"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    iam = server.client("iam")
    service_role = iam.create_role(RoleName=f"{name}-service", AssumeRolePolicyDocument=assume)
    job_role = iam.create_role(RoleName=f"{name}-job", AssumeRolePolicyDocument=assume)
    batch = server.client("batch")
    environment = batch.create_compute_environment(
        computeEnvironmentName=f"{name}-ce",
        type="UNMANAGED",
        state="ENABLED",
        serviceRole=service_role["Role"]["Arn"],
    )
    queue = batch.create_job_queue(
        jobQueueName=f"{name}-queue",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
        ],
    )
    if not queue.get("jobQueueArn"):
        raise InfraStartError(f"moto did not create the Batch job queue: {queue}")
    return queue["jobQueueArn"], job_role["Role"]["Arn"]


def storage_env(endpoint: str) -> dict[str, str]:
    """Credentials and endpoint for the S3 storage plugin, boto3 and DVC, as variables.

    Variables rather than CLI flags: executors pass them on to their jobs.
    """
    return {
        "SNAKEMAKE_STORAGE_S3_ENDPOINT_URL": endpoint,
        "SNAKEMAKE_STORAGE_S3_ACCESS_KEY": ACCESS_KEY,
        "SNAKEMAKE_STORAGE_S3_SECRET_KEY": SECRET_KEY,
        "SNAKEMAKE_STORAGE_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
