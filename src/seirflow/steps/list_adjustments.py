"""Step: every region's input adjustments in one table, for the report."""

from __future__ import annotations

import logging

import h5netcdf

from seirflow.atomic import atomic_output
from seirflow.preprocess.adjustments import adjustments_from_json, adjustments_table

__all__ = ["list_adjustments"]

log = logging.getLogger(__name__)


def list_adjustments(*, inputs: list[str], adjustments: str) -> None:
    """Write `adjustments` (CSV): the recorded changes of each region's `inputs` file.

    Only the files' attributes are read (not their arrays): 51 regions in well under a
    second.
    """
    per_region = {}
    for path in inputs:
        with h5netcdf.File(path, "r") as f:
            region = str(f.attrs["region"])
            per_region[region] = adjustments_from_json(str(f.attrs.get("adjustments", "[]")))
    table = adjustments_table(per_region)
    with atomic_output(adjustments) as tmp:
        table.to_csv(tmp, index=False)
    counts = table["action"].value_counts().to_dict()
    log.info("%d regions, %d adjustments: %s", len(per_region), len(table), counts)
