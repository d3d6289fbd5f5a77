"""Build the Snakemake HTML report of a finished run without writing into the run.

``snakemake --report`` writes into the run directory even though it only reads results:
a log file under ``.snakemake/log/`` and, in Snakemake 9.27, an unlink of
``.snakemake/iocache/latest.pkl`` that fails on a read-only file system. A run archived
read-only (or on a read-only mount) therefore cannot be reported in place.

`build_report` mirrors the run in a temporary directory: a symlink to every top-level
entry except ``.snakemake``, and a fresh ``.snakemake/`` whose ``metadata`` (what the
report reads: job parameters, run times) links to the run's. Snakemake then runs there
with ``--nolock``, writes its log into the temporary directory, and the report is copied
to `output` (atomically, only if Snakemake succeeded). The temporary directory is removed
afterwards (only links and Snakemake's own log go with it; nothing under the run is
touched).

Out of scope: reports of runs made with ``--directory`` elsewhere, or with a
``--shadow-prefix`` or ``--conda-prefix`` inside ``.snakemake`` that the report needs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from seirflow.atomic import atomic_output
from seirflow.errors import SeirflowInputError

__all__ = ["build_report", "mirror_run"]

#: What `mirror_run` links from the run's ``.snakemake/`` (read by ``--report`` only).
SNAKEMAKE_READ = ("metadata",)


def mirror_run(run_dir: Path, dest: Path) -> None:
    """Fill the empty directory `dest` with links to the run at `run_dir` (see module doc)."""
    for entry in run_dir.iterdir():
        if entry.name != ".snakemake":
            (dest / entry.name).symlink_to(entry)
    state = dest / ".snakemake"
    state.mkdir()
    for name in SNAKEMAKE_READ:
        if (run_dir / ".snakemake" / name).exists():
            (state / name).symlink_to(run_dir / ".snakemake" / name)


def build_report(
    run_dir: str | os.PathLike,
    output: str | os.PathLike,
    snakemake_args: Sequence[str] = (),
) -> int:
    """Write the HTML report of the finished run in `run_dir` to `output`.

    Args:
        run_dir: Workflow directory of the run (holds ``Snakefile``, ``results/`` and
            ``.snakemake/``); it may be read-only.
        output: Report file (``.html`` or ``.zip``), outside `run_dir` if that is
            read-only; relative to the current directory.
        snakemake_args: Further ``snakemake`` options, e.g. the run's
            ``--configfile config/test.yaml``; paths in them are relative to `run_dir`.

    Returns:
        Snakemake's exit status (0: report written).

    Raises:
        SeirflowInputError: `run_dir` has no Snakefile, or `output` has the wrong
            extension or its directory is not writable.
    """
    run = Path(run_dir).resolve()
    out = Path(output).resolve()
    if not (run / "Snakefile").is_file():
        raise SeirflowInputError(
            f"{run}: no Snakefile: not a workflow directory", file=run, field="run_dir", value=run
        )
    if out.suffix not in (".html", ".zip"):
        raise SeirflowInputError(
            f"{out}: a report must end in .html or .zip", file=out, field="output", value=out.name
        )
    if not os.access(out.parent, os.W_OK):
        raise SeirflowInputError(
            f"{out.parent}: cannot write the report there (read-only?); choose another -o",
            file=out,
            field="output",
            value=str(out),
        )
    work = Path(tempfile.mkdtemp(prefix="seirflow-report-"))
    try:
        mirror_run(run, work)
        built = work / f".seirflow-report{out.suffix}"
        command = [sys.executable, "-m", "snakemake", "--nolock", "--report", str(built)]
        status = subprocess.run([*command, *snakemake_args], cwd=work).returncode
        if status != 0:  # `output` is left as it was
            return status
        with atomic_output(out) as tmp:
            shutil.copyfile(built, tmp)
        return 0
    finally:
        shutil.rmtree(work)  # removes the links, never what they point to
