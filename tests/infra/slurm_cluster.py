"""A single-node Slurm 22.05 cluster with accounting, started in a directory on 127.0.0.1.

Daemons (munged, mariadbd, slurmdbd, slurmctld, slurmd) run in the foreground under this
process's control and are stopped by pid. The node is declared with more CPUs and memory
than the machine has (``SlurmdParameters=config_overrides``) so that the resource requests
of ``profiles/slurm`` fit on it, as they would on a real compute node.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from processes import Daemon, InfraStartError, free_port, wait_until
from slurm_templates import SLURM_CONF, SLURMDBD_CONF, SRUN_WRAPPER

__all__ = ["SlurmCluster", "SlurmJob"]

logger = logging.getLogger(__name__)

CLUSTER_NAME = "seirflowtest"
NODE_CPUS = 8
NODE_MEMORY_MB = 16000
DB_PASSWORD = "slurmtest"


@dataclass(frozen=True)
class SlurmJob:
    """One allocation as reported by ``sacct -X``."""

    job_id: str
    name: str
    comment: str
    state: str
    exit_code: str


@dataclass
class SlurmCluster:
    """Single-node Slurm cluster rooted at ``root``.

    Args:
        root: Empty directory that holds configuration, state, sockets and logs.
    """

    root: Path
    daemons: list[Daemon] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.slurm_conf = self.root / "etc" / "slurm.conf"
        self.bin_dir = self.root / "bin"

    # ---------------------------------------------------------------- environment
    @property
    def env(self) -> dict[str, str]:
        """Environment for Slurm clients (the current one, pointed at this cluster)."""
        return self.environment(dict(os.environ))

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` pointed at this cluster: its slurm.conf, and its ``srun`` wrapper first.

        Args:
            base: Environment to extend (not modified).
        """
        env = dict(base)
        env["SLURM_CONF"] = str(self.slurm_conf)
        env.setdefault("USER", "root")  # the executor looks up the user's default account
        env["PATH"] = os.pathsep.join(
            [str(self.bin_dir), str(Path(sys.executable).parent), env.get("PATH", "")]
        )
        return env

    def run(self, *argv: str, timeout: float = 20.0, check: bool = True) -> str:
        """Run a Slurm client command against this cluster and return its stdout."""
        result = subprocess.run(
            list(argv), env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result.stdout

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Write the configuration and start every daemon; fail loudly if one does not come up.

        Raises:
            InfraStartError: A binary is missing, a daemon exited, or the node did not become
                idle in time.
        """
        t0 = time.monotonic()
        for cmd in (
            "munged",
            "mariadbd",
            "mariadb-install-db",
            "slurmdbd",
            "slurmctld",
            "slurmd",
            "sbatch",
            "sacct",
            "sacctmgr",
            "sinfo",
            "srun",
        ):
            if shutil.which(cmd) is None:
                raise InfraStartError(
                    f"{cmd} not found; install the infra packages with `bash .ci/install-infra.sh`"
                )
        ports = {name: free_port() for name in ("ctld_port", "slurmd_port", "dbd_port", "db_port")}
        self._write_config(ports)
        self._start_munge()
        self._start_mariadb(ports["db_port"])
        self._start_slurmdbd()
        self._start_slurmctld()
        self._start_slurmd()
        logger.info("slurm cluster up in %.1f s", time.monotonic() - t0)

    def stop(self) -> None:
        """Cancel remaining jobs, then stop every daemon this object started, newest first."""
        if any(d.name == "slurmctld" and d.alive() for d in self.daemons):
            self.run("scancel", "--full", "--user", "root", check=False)
            wait_until(lambda: not self.run("squeue", "-h", check=False).strip(), timeout=15)
        for daemon in reversed(self.daemons):
            daemon.stop()
        self.daemons.clear()

    # ---------------------------------------------------------------- queries
    def accounting(self, name: str | None = None) -> list[SlurmJob]:
        """Allocations known to slurmdbd, optionally only those with job name ``name``."""
        argv = [
            "sacct",
            "-X",
            "-n",
            "-P",
            "--starttime",
            "now-1days",
            "-o",
            "JobID,JobName%80,Comment%200,State,ExitCode",
        ]
        if name is not None:
            argv += ["--name", name]
        jobs = []
        for line in self.run(*argv).splitlines():
            if line.strip():
                job_id, job_name, comment, state, exit_code = line.split("|")[:5]
                jobs.append(SlurmJob(job_id, job_name, comment, state.split()[0], exit_code))
        return jobs

    # ---------------------------------------------------------------- internals
    def _write_config(self, ports: dict[str, int]) -> None:
        for sub in ("etc", "state", "spool", "run", "log", "munge/key", "mysql", "bin"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        values = dict(
            ports,
            root=self.root,
            cluster=CLUSTER_NAME,
            cpus=NODE_CPUS,
            memory=NODE_MEMORY_MB,
            db_password=DB_PASSWORD,
        )
        self.slurm_conf.write_text(SLURM_CONF.format(**values))
        dbd_conf = self.root / "etc" / "slurmdbd.conf"
        dbd_conf.write_text(SLURMDBD_CONF.format(**values))
        dbd_conf.chmod(0o600)
        (self.root / "etc" / "plugstack.conf").write_text("")
        wrapper = self.bin_dir / "srun"
        wrapper.write_text(
            SRUN_WRAPPER.format(slurm_conf=self.slurm_conf, srun=shutil.which("srun"))
        )
        wrapper.chmod(0o755)

    def _add(self, name: str, argv: list[str]) -> Daemon:
        daemon = Daemon(name, argv, self.root / "log" / f"{name}.out", env=self.env)
        self.daemons.append(daemon)
        return daemon

    def _wait(self, daemon: Daemon, predicate, what: str, timeout: float = 30.0) -> None:
        def ready() -> bool:
            daemon.require_alive()
            return predicate()

        if not wait_until(ready, timeout=timeout, interval=0.1):
            raise InfraStartError(
                f"{daemon.name}: {what} not reached within {timeout:.0f} s; "
                f"log {daemon.log_path}:\n{daemon.log_tail()}"
            )

    def _start_munge(self) -> None:
        munge = self.root / "munge"
        munge.chmod(0o755)  # munged refuses a socket directory writable by others
        (munge / "key").chmod(0o700)
        key = munge / "key" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        socket = munge / "munge.socket"
        daemon = self._add(
            "munged",
            [
                "munged",
                "--foreground",
                "--force",
                f"--socket={socket}",
                f"--key-file={key}",
                f"--log-file={munge / 'munged.log'}",
                f"--pid-file={munge / 'munged.pid'}",
                f"--seed-file={munge / 'key' / 'munged.seed'}",
            ],
        )
        self._wait(daemon, socket.exists, "munge socket")

    def _start_mariadb(self, port: int) -> None:
        datadir = self.root / "mysql" / "data"
        install = subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if install.returncode != 0:
            raise InfraStartError(f"mariadb-install-db failed:\n{install.stdout}{install.stderr}")
        sock = self.root / "mysql" / "mysqld.sock"
        daemon = self._add(
            "mariadbd",
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={datadir}",
                "--user=root",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                f"--socket={sock}",
                f"--pid-file={self.root / 'mysql' / 'mysqld.pid'}",
                "--innodb-buffer-pool-size=32M",
                "--skip-log-bin",
            ],
        )

        def answers() -> bool:
            ping = ["mariadb-admin", "--no-defaults", f"--socket={sock}", "-uroot", "ping"]
            return subprocess.run(ping, capture_output=True).returncode == 0

        self._wait(daemon, answers, "mariadb answering ping", timeout=60)
        grant = (
            f"CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '{DB_PASSWORD}';"
            f"CREATE USER 'slurm'@'localhost' IDENTIFIED BY '{DB_PASSWORD}';"
            "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
            "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
        )
        subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e", grant],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def _start_slurmdbd(self) -> None:
        daemon = self._add("slurmdbd", ["slurmdbd", "-D"])

        def answers() -> bool:
            probe = subprocess.run(
                ["sacctmgr", "-n", "show", "cluster"], env=self.env, capture_output=True, timeout=10
            )
            return probe.returncode == 0

        self._wait(daemon, answers, "slurmdbd answering sacctmgr", timeout=60)
        self.run("sacctmgr", "-i", "add", "cluster", CLUSTER_NAME)
        self.run(
            "sacctmgr",
            "-i",
            "add",
            "account",
            "seirflow",
            f"cluster={CLUSTER_NAME}",
            "description=tests",
            "organization=tests",
        )
        self.run(
            "sacctmgr",
            "-i",
            "add",
            "user",
            "root",
            "account=seirflow",
            f"cluster={CLUSTER_NAME}",
            "defaultaccount=seirflow",
        )

    def _start_slurmctld(self) -> None:
        daemon = self._add("slurmctld", ["slurmctld", "-D", "-i"])

        def answers() -> bool:
            probe = subprocess.run(
                ["scontrol", "ping"], env=self.env, capture_output=True, text=True, timeout=10
            )
            return "UP" in probe.stdout

        self._wait(daemon, answers, "slurmctld answering `scontrol ping`")

    def _start_slurmd(self) -> None:
        daemon = self._add("slurmd", ["slurmd", "-D", "-N", "localhost"])

        def idle() -> bool:
            probe = subprocess.run(
                ["sinfo", "-h", "-o", "%T"],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=10,
            )
            return probe.stdout.strip() == "idle"

        self._wait(daemon, idle, "node state idle")
