"""Step: write the run manifest (`results/manifest.json`)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from seirflow.atomic import atomic_output
from seirflow.calibration.seeds import region_key
from seirflow.provenance import (
    MACHINE_KEY,
    file_hashes,
    invocation,
    machine_facts,
    run_facts,
    verify_dvc_lock,
)

__all__ = ["write_manifest", "DATA_DIR", "DVC_LOCK"]

log = logging.getLogger(__name__)
DATA_DIR = "data/raw"
DVC_LOCK = "dvc.lock"


def write_manifest(
    *,
    hub: str,
    diagnostics: list[str],
    manifest: str,
    config: dict[str, Any],
    regions: list[str],
    products: list[str] | str | None = None,
) -> None:
    """Record what made this run's results: config, data, code, versions, seeds, invocation.

    Besides `run_facts`, the manifest has the full validated ``config``, the check of the
    data against ``dvc.lock`` (``dvc_lock``; a mismatch is also logged as a WARNING), each
    region's convergence verdict, the ``invocation`` (command line, profile, working
    directory, host, start and end time: the only fields that differ between two runs of
    the same thing on one machine), the ``machine`` (CPU model, BLAS library and kernel)
    and the md5/sha256 of the hub parquet and of every file in `products` (``outputs``),
    so a figure or table can be traced to the run that made it.

    Args:
        hub: The run's hub parquet.
        diagnostics: Per-region calibration diagnostics JSON files.
        manifest: Output path.
        config: The validated config (defaults applied) as plain data.
        regions: Regions of the run.
        products: Further result files whose hashes to record (figures, posteriors, ...).
    """
    master = int(config["seed"])
    facts = run_facts(
        config,
        [DATA_DIR],
        seeds={"master": master, "regions": {r: [master, region_key(r)] for r in regions}},
    )
    lock = verify_dvc_lock(facts["data"], DVC_LOCK)
    for path, out in lock["outputs"].items():
        if out["recorded"] != out["found"]:
            log.warning(
                "%s differs from %s (md5 %s, lock %s)",
                path,
                DVC_LOCK,
                out["found"],
                out["recorded"],
            )
    converged = {}
    for path in diagnostics:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        converged[d.get("region", Path(path).parent.name)] = d.get("converged")
    run = invocation()
    document = {
        "seirflow_manifest": 1,
        **facts,
        "config": config,
        "dvc_lock": lock,
        "invocation": {**run, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        MACHINE_KEY: machine_facts(),
        "calibration_converged": converged,
        "outputs": file_hashes(sorted({hub, *_as_list(products)})),
    }
    # Keys keep their order (fixed above, the config's own, sorted file names): the file
    # is deterministic, and `seirflow manifest-config` gives back the config as ordered,
    # which sets the order of scenarios in tables and figures.
    with atomic_output(manifest) as tmp:
        tmp.write_text(json.dumps(document, indent=2, default=str) + "\n")
    log.info("manifest: config %s, %d data files", facts["config_sha256"][:12], len(facts["data"]))


def _as_list(paths: list[str] | str | None) -> list[str]:
    if paths is None:
        return []
    return [paths] if isinstance(paths, str) else list(paths)
