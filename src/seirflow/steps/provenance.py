"""Step: write the run manifest (`results/manifest.json`)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import yaml

from seirflow.atomic import atomic_output
from seirflow.calibration.seeds import region_key
from seirflow.provenance import invocation, run_facts

__all__ = ["write_manifest", "DATA_DIR"]

log = logging.getLogger(__name__)
DATA_DIR = "data/raw"


def write_manifest(
    *, hub: str, diagnostics: list[str], manifest: str, config: dict[str, Any], regions: list[str]
) -> None:
    """Record what made this run's results: config, data, code, versions, seeds, invocation.

    Args:
        hub: The run's hub parquet (its hash is recorded).
        diagnostics: Per-region calibration diagnostics JSON files.
        manifest: Output path.
        config: The validated config (defaults applied) as plain data.
        regions: Regions of the run.
    """
    master = int(config["seed"])
    facts = run_facts(
        config,
        [DATA_DIR],
        seeds={"master": master, "regions": {r: [master, region_key(r)] for r in regions}},
    )
    _check_against_dvc_lock(facts["data"])
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
        "invocation": {**run, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "calibration_converged": converged,
        "outputs": run_facts({}, [hub], {})["data"],
    }
    with atomic_output(manifest) as tmp:
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    log.info("manifest: config %s, %d data files", facts["config_sha256"][:12], len(facts["data"]))


def _check_against_dvc_lock(data: dict[str, dict[str, str]], lock: str = "dvc.lock") -> None:
    """Warn where a data file's md5 differs from the one DVC recorded."""
    if not Path(lock).exists():
        return
    with open(lock, encoding="utf-8") as fh:
        stages = (yaml.safe_load(fh) or {}).get("stages", {})
    for stage in stages.values():
        for out in stage.get("outs", []):
            recorded, path = out.get("md5"), out.get("path")
            if recorded and path in data and data[path]["md5"] != recorded:
                log.warning(
                    "%s differs from dvc.lock (md5 %s, lock %s)", path, data[path]["md5"], recorded
                )
