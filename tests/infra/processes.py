"""Start and stop the local daemons the infra tests depend on, by pid, with readable failures."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["Daemon", "free_port", "wait_until", "InfraStartError", "die_with_parent"]

logger = logging.getLogger(__name__)


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: get SIGTERM when the test process dies (Linux prctl).

    Keeps a killed test run (SIGKILL, CI timeout) from leaving daemons behind; the
    fixtures still stop every process by pid in the normal case.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass


class InfraStartError(RuntimeError):
    """A component the infra tests need could not be started (port, binary, daemon health)."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now.

    Returns:
        A port number the kernel just handed out for an ephemeral bind.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed.

    Args:
        predicate: Cheap check, called repeatedly.
        timeout: Seconds to keep trying.
        interval: Seconds between calls.

    Returns:
        True if the predicate became true in time, False otherwise.
    """
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Daemon:
    """One foreground process started by the tests, logged to a file and stopped by pid.

    Args:
        name: Short label used in messages.
        argv: Command line; the program must stay in the foreground.
        log_path: File receiving stdout and stderr.
        env: Environment for the process (defaults to the current one).
        cwd: Working directory.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            try:
                self.process = subprocess.Popen(
                    self.argv,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    cwd=cwd,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                )
            except FileNotFoundError as exc:
                raise InfraStartError(
                    f"{name}: cannot run {self.argv[0]!r} ({exc}); "
                    "install the infra packages with `bash .ci/install-infra.sh`"
                ) from exc
        logger.info("started %s pid %d: %s", name, self.process.pid, " ".join(self.argv))

    @property
    def pid(self) -> int:
        """Process id of the daemon."""
        return self.process.pid

    def alive(self) -> bool:
        """True while the process has not exited."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        """Last ``lines`` lines of the daemon's log, for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def require_alive(self) -> None:
        """Raise InfraStartError with the log tail if the daemon has exited."""
        if not self.alive():
            raise InfraStartError(
                f"{self.name} exited with code {self.process.returncode}; "
                f"log {self.log_path}:\n{self.log_tail()}"
            )

    def stop(self, timeout: float = 10.0) -> None:
        """Send SIGTERM to this pid, then SIGKILL if it has not exited within ``timeout``."""
        if not self.alive():
            return
        os.kill(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning("%s (pid %d) ignored SIGTERM; killing", self.name, self.pid)
            os.kill(self.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)
        logger.info("stopped %s pid %d", self.name, self.pid)
