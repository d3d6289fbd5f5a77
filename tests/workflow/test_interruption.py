"""Interrupting the workflow anywhere, then re-running it, gives the uninterrupted outputs.

One fresh directory is interrupted three times on the way through the reference config,
each time as soon as the workflow reaches a stage (detected from files it writes, not
from sleeps): while preparing inputs (Ctrl-C, then SIGKILL if still running after
5 s), while calibrating, once a chain checkpoint exists (SIGKILL at once: a power cut),
and while projecting (Ctrl-C, SIGKILL after 1 s). The whole process group is signalled,
as a terminal does.

After each interruption every output present must already be complete (identical to
the reference run's; a job killed mid-write leaves at most its hidden temporary file,
which the job's next run removes). The next start is the documented recovery:
``snakemake --unlock``, then the same command (the default profile sets
``rerun-incomplete``). The final outputs must equal the reference run's byte for byte,
the calibration interrupted mid-chain must have resumed from its checkpoint, and no
temporary file may remain.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import h5py
import pytest

from .conftest import REFERENCE_CONFIGS, reference_copy, run_to_completion
from .outputs import output_digests

pytestmark = pytest.mark.workflow

RUN = ("--cores", "2", *REFERENCE_CONFIGS)
POLL_SECONDS = 0.1
STAGE_TIMEOUT = 900


def _preparing_inputs(run: Path) -> bool:
    return any((run / "logs" / "prepare_inputs").glob("*.log"))


def _calibrating_with_checkpoint(run: Path) -> bool:
    """A chain checkpoint holds steps and its region's posterior is not written yet."""
    for path in run.glob("results/checkpoints/*/chain.h5"):
        if (run / "results" / "calibration" / path.parent.name / "posterior.nc").exists():
            continue
        try:
            with h5py.File(path, "r") as f:
                if int(f["mcmc"].attrs["iteration"]) > 0:
                    return True
        except (OSError, KeyError):  # being replaced, or still empty
            continue
    return False


def _projecting(run: Path) -> bool:
    return any((run / "logs" / "project_region").rglob("*.log"))


# (stage, reached?, seconds between SIGINT and SIGKILL; None = SIGKILL only)
STAGES: list[tuple[str, Callable[[Path], bool], float | None]] = [
    ("inputs", _preparing_inputs, 5.0),
    ("calibration", _calibrating_with_checkpoint, None),
    ("projections", _projecting, 1.0),
]


def _start(run: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", *RUN],
        cwd=run,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # own process group: signal snakemake and its jobs together
    )


def _wait_for(proc: subprocess.Popen, reached: Callable[[], bool], stage: str) -> None:
    deadline = time.monotonic() + STAGE_TIMEOUT
    while not reached():
        if proc.poll() is not None:
            pytest.fail(f"snakemake exited ({proc.returncode}) before the {stage} stage")
        if time.monotonic() > deadline:
            pytest.fail(f"the {stage} stage was not reached in {STAGE_TIMEOUT} s")
        time.sleep(POLL_SECONDS)


def _interrupt(proc: subprocess.Popen, grace: float | None) -> None:
    group = proc.pid
    try:
        if grace is not None:
            os.killpg(group, signal.SIGINT)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        os.killpg(group, signal.SIGKILL)  # whatever is left of the group, jobs included
    except ProcessLookupError:  # the whole group has already exited
        pass
    proc.wait()


def test_interrupted_runs_end_with_the_reference_outputs(reference_run, tmp_path):
    reference = output_digests(reference_run)
    run = reference_copy(tmp_path / "wf")
    for stage, reached, grace in STAGES:
        proc = _start(run)
        try:
            _wait_for(proc, lambda reached=reached: reached(run), stage)
        finally:
            _interrupt(proc, grace)
        present = output_digests(run)
        partial = sorted(k for k, v in present.items() if reference.get(k) != v)
        assert partial == [], f"after interrupting {stage}: incomplete outputs {partial}"
        run_to_completion(run, "--unlock", *REFERENCE_CONFIGS)

    run_to_completion(run, *RUN)
    final = output_digests(run)
    assert sorted(final) == sorted(reference)
    assert sorted(k for k in final if final[k] != reference[k]) == []
    resumed = {
        p.parent.name: json.loads(p.read_text())["resumed_from_step"]
        for p in run.glob("results/calibration/*/diagnostics.json")
    }
    assert any(step > 0 for step in resumed.values()), resumed
    leftovers = sorted(
        p.relative_to(run).as_posix()
        for top in ("results", "figures")
        for p in (run / top).rglob(".*")
        if p.is_file()
    )
    assert leftovers == [], f"temporary files left behind: {leftovers}"
