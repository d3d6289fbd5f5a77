"""Digests of a finished run's outputs, for comparing two runs byte for byte.

What is compared, and what is left out on purpose:

* every netCDF, parquet and CSV under ``results/`` (inputs, posteriors, trajectories,
  quantiles, hub files, summary, run-to-run changes): raw bytes;
* the per-region diagnostics JSON: canonical JSON without the fields in
  `NON_NUMERICAL_FIELDS` (wall-clock times and speeds, and the step a resumed chain
  restarted from: they say how the run went, not what it computed);
* the run manifest: everything but ``invocation`` (command line, host, start and end
  time);
* figures (PNG, PDF): raw bytes.

Not compared: ``logs/``, ``benchmarks/``, the chain checkpoints and the archive of
earlier hub outputs (``results/history/``), which record the history of a directory.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

__all__ = [
    "NON_NUMERICAL_FIELDS",
    "NUMERICAL_PATTERNS",
    "FIGURE_PATTERNS",
    "output_digests",
    "manifest_facts",
]

#: Diagnostics fields that depend on the machine or on interruptions, not on the result.
NON_NUMERICAL_FIELDS = frozenset(
    {
        "sampling_seconds",
        "evaluations_per_second",
        "seconds_per_effective_sample",
        "wall_seconds",
        "resumed_from_step",
    }
)
NUMERICAL_PATTERNS = (
    "results/inputs/*/inputs.nc",
    "results/calibration/*/posterior.nc",
    "results/calibration/*/diagnostics.json",
    "results/projections/*/*/trajectories.nc",
    "results/summaries/*/*/*.parquet",
    "results/summaries/*.parquet",
    "results/summaries/*.csv",
    "results/hub/*/*.json",
    "results/hub/*/*.yaml",
    "results/hub/model-output/*/*.parquet",
    "results/manifest.json",
)
FIGURE_PATTERNS = (
    "results/inputs/*/overview.png",
    "results/calibration/*/*.png",
    "figures/*.pdf",
    "figures/*.png",
)


def manifest_facts(path: Path) -> dict:
    """The manifest at `path` without its ``invocation`` block."""
    document = json.loads(path.read_text())
    document.pop("invocation", None)
    return document


def _digest(path: Path) -> str:
    if path.name == "diagnostics.json":
        document = json.loads(path.read_text())
        data = {k: v for k, v in document.items() if k not in NON_NUMERICAL_FIELDS}
        return _sha256(json.dumps(data, sort_keys=True).encode())
    if path.name == "manifest.json":
        return _sha256(json.dumps(manifest_facts(path), sort_keys=True).encode())
    return _sha256(path.read_bytes())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def output_digests(run: Path, patterns=NUMERICAL_PATTERNS + FIGURE_PATTERNS) -> dict[str, str]:
    """sha256 of every output of `run` matching `patterns`, keyed by relative path.

    Hidden files (the temporaries of atomic writes) are not outputs and are skipped.
    """
    return {
        path.relative_to(run).as_posix(): _digest(path)
        for pattern in patterns
        for path in sorted(run.glob(pattern))
        if not path.name.startswith(".")
    }
