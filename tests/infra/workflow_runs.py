"""Copy the project, run snakemake on it, and compare the numbers two runs produced."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from processes import die_with_parent

__all__ = [
    "REPO_ROOT",
    "TEST_CONFIG",
    "copy_project",
    "run_snakemake",
    "SnakemakeProcess",
    "SnakemakeRun",
    "numeric_outputs",
    "assert_same_numbers",
    "NUMERIC_SUFFIXES",
    "EXCLUDED_DIRS",
    "RUN_SPECIFIC_JSON_KEYS",
    "announced_jobs",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_CONFIG = "config/test.yaml"
NUMERIC_SUFFIXES = (".nc", ".parquet", ".csv", ".json")
# Not results of the computation: the calibration chain checkpoint (scratch state of the
# machine that ran the job) and timestamped history snapshots of the hub output.
EXCLUDED_DIRS = ("checkpoints", "history")
# Top-level JSON keys that describe the run rather than its results: timings, the command
# line, code and package versions, output hashes (figures embed creation dates), and
# where a resumed chain started.
RUN_SPECIFIC_JSON_KEYS = frozenset(
    {
        "evaluations_per_second",
        "sampling_seconds",
        "seconds_per_effective_sample",
        "wall_seconds",
        "resumed_from_step",
        "invocation",
        "code",
        "packages",
        "outputs",
        "provenance",
    }
)


def copy_project(source: Path, dest: Path) -> Path:
    """Copy the files git tracks in ``source`` (work-tree versions) to ``dest``.

    Runs then write ``results/`` and ``.snakemake/`` in the copy, never in the work tree.
    Falls back to copying the whole tree when ``source`` is not a git work tree.

    Args:
        source: Project root.
        dest: New directory to create.

    Returns:
        ``dest``.
    """
    source, dest = Path(source), Path(dest)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
    )
    if listed.returncode != 0:
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".snakemake", "results"))
        return dest
    for rel in filter(None, listed.stdout.decode().split("\0")):
        src = source / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


class SnakemakeRun:
    """Result of one snakemake invocation: exit code, combined log, duration."""

    def __init__(self, argv: list[str], returncode: int, log_path: Path, seconds: float):
        self.argv = argv
        self.returncode = returncode
        self.log_path = log_path
        self.seconds = seconds

    @property
    def log(self) -> str:
        """Full stdout+stderr of the run."""
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        """Last lines of the log, for assertion messages."""
        return "\n".join(self.log.splitlines()[-lines:])

    def check(self) -> SnakemakeRun:
        """Raise AssertionError with the log tail unless the run exited 0."""
        assert self.returncode == 0, (
            f"snakemake exited {self.returncode} after {self.seconds:.0f} s: "
            f"{' '.join(self.argv)}\nlog {self.log_path}:\n{self.tail()}"
        )
        return self


def snakemake_argv(*args: str) -> list[str]:
    """Command line running this interpreter's snakemake with ``args``."""
    return [sys.executable, "-m", "snakemake", *args]


class SnakemakeProcess:
    """A snakemake run in the background, its output going to ``workdir/<log_name>.log``.

    Args:
        workdir: Project copy to run in.
        *args: Snakemake arguments.
        env: Environment (defaults to the current one).
        log_name: Stem of the log file.
    """

    def __init__(
        self,
        workdir: Path,
        *args: str,
        env: dict[str, str] | None = None,
        log_name: str = "snakemake",
    ) -> None:
        self.workdir = Path(workdir)
        self.argv = snakemake_argv(*args)
        self.log_path = self.workdir / f"{log_name}.log"
        self.start = time.monotonic()
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    def running(self) -> bool:
        """True until snakemake has exited."""
        return self.process.poll() is None

    def log(self) -> str:
        """Output so far."""
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout: float = 1200) -> SnakemakeRun:
        """Wait for the end of the run; a run that hangs is interrupted and reported.

        Raises:
            AssertionError: The run did not finish within ``timeout`` seconds.
        """
        remaining = max(1.0, timeout - (time.monotonic() - self.start))
        try:
            returncode = self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            self.interrupt()
            raise AssertionError(
                f"snakemake did not finish within {timeout:.0f} s: {' '.join(self.argv)}\n"
                f"log {self.log_path}:\n{self.log()[-4000:]}"
            ) from None
        return SnakemakeRun(self.argv, returncode, self.log_path, time.monotonic() - self.start)

    def interrupt(self) -> None:
        """SIGINT (snakemake cancels its cluster jobs), then SIGKILL after 30 s."""
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def run_snakemake(
    workdir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    log_name: str = "snakemake",
    timeout: float = 1200,
) -> SnakemakeRun:
    """Run snakemake in ``workdir`` to the end (see SnakemakeProcess).

    Returns:
        The finished run; call ``.check()`` to require success.
    """
    return SnakemakeProcess(workdir, *args, env=env, log_name=log_name).wait(timeout)


def _read(path: Path):
    if path.suffix == ".nc":
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return ds.load()
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".json":
        return json.loads(path.read_text())
    raise ValueError(f"not a numeric output: {path}")


def numeric_outputs(root: Path, subdir: str = "results") -> dict[str, Path]:
    """Numeric output files (netCDF, parquet, CSV, JSON) under ``root/subdir``, by relative path.

    Files under ``EXCLUDED_DIRS`` are left out: they are not results.
    """
    base = Path(root) / subdir
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(base.rglob("*"))
        if p.is_file()
        and p.suffix in NUMERIC_SUFFIXES
        and not set(EXCLUDED_DIRS) & set(p.relative_to(base).parts)
    }


def _assert_equal_objects(a, b, where: str) -> None:
    if isinstance(a, xr.Dataset):
        xr.testing.assert_allclose(a, b, rtol=1e-10, atol=0)
        assert a.attrs.keys() == b.attrs.keys(), f"{where}: attributes differ"
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-10, atol=0)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), f"{where}: keys differ: {sorted(a)} vs {sorted(b)}"
        for key in a:
            _assert_equal_objects(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_equal_objects(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=0, err_msg=where)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_same_numbers(
    reference: dict[str, Path],
    other: dict[str, Path],
    *,
    ignore_json_keys: frozenset[str] = RUN_SPECIFIC_JSON_KEYS,
    partial: bool = False,
) -> int:
    """Assert that two runs wrote the same numeric files with equal contents.

    Arrays and tables must agree to a relative 1e-10 (the same code and seeds run on a
    different executor); JSON is compared key by key, except ``ignore_json_keys`` at the
    top level (run-specific provenance such as timestamps and hosts).

    Args:
        reference: Files of the reference run, by relative path.
        other: Files of the run under test.
        ignore_json_keys: Top-level JSON keys not compared.
        partial: ``other`` ran part of the workflow: its files must be a subset.

    Returns:
        The number of files compared.
    """
    assert reference, "the reference run produced no numeric outputs"
    assert other, "the run under test produced no numeric outputs"
    missing, extra = sorted(set(reference) - set(other)), sorted(set(other) - set(reference))
    assert not extra and (partial or not missing), (
        f"different output files:\nonly in reference: {missing}\nonly in other: {extra}"
    )
    for rel in other:
        a, b = _read(reference[rel]), _read(other[rel])
        if isinstance(a, dict):
            a = {k: v for k, v in a.items() if k not in ignore_json_keys}
            b = {k: v for k, v in b.items() if k not in ignore_json_keys}
        try:
            _assert_equal_objects(a, b, rel)
        except AssertionError as exc:
            raise AssertionError(f"{rel} differs between runs: {exc}") from None
    return len(other)


_JOB_HEADER = re.compile(r"^(?P<kind>localrule|rule) (?P<rule>\w+):$")
_WILDCARDS = re.compile(r"^\s+wildcards: (?P<wildcards>.*)$")


def announced_jobs(log: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Jobs snakemake announced in its log, in order, retries included.

    Args:
        log: Snakemake's console output.

    Returns:
        One ``(kind, rule, wildcard values)`` per announcement; kind is ``"rule"`` for
        jobs handed to the executor and ``"localrule"`` for jobs run by snakemake itself.
    """
    jobs: list[tuple[str, str, tuple[str, ...]]] = []
    lines = log.splitlines()
    for i, line in enumerate(lines):
        header = _JOB_HEADER.match(line)
        if not header:
            continue
        values: tuple[str, ...] = ()
        for follow in lines[i + 1 : i + 40]:
            if not follow.startswith("    "):
                break
            wildcards = _WILDCARDS.match(follow)
            if wildcards:
                values = tuple(item.split("=", 1)[1] for item in wildcards["wildcards"].split(", "))
                break
        jobs.append((header["kind"], header["rule"], values))
    return jobs
