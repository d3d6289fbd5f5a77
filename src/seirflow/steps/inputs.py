"""Step: build one region's model inputs from the raw data snapshot."""

from __future__ import annotations

import json
import logging
from typing import Any

from seirflow.config import AgeGroups, Dates, Mobility
from seirflow.preprocess import MobilityMapping, build_region_inputs, write_region_inputs
from seirflow.sources.layout import raw_dir_of

__all__ = ["prepare_inputs"]

log = logging.getLogger(__name__)


def prepare_inputs(
    *,
    nyt: str,
    inputs: str,
    region: str,
    overview: str | None = None,
    dates: dict[str, Any],
    age_groups: dict[str, Any],
    mobility: dict[str, Any],
    as_of: str | None = None,
) -> None:
    """Write `inputs` (netCDF) and, if asked, `overview` (PNG) for `region`.

    Args:
        nyt: The NYT cases file; the raw data directory is found from it, so the step
            works wherever the inputs were staged (local tree or remote storage copy).
        inputs, overview: Output paths (no overview: none drawn, as in a backtest).
        region: Postal code.
        dates, age_groups, mobility: Config sections (plain data).
        as_of: ISO date; if given, only source rows dated before it are used (a
            backtest origin, see `build_region_inputs`). Default: the whole snapshot.
    """
    d = Dates.model_validate(dates)
    ages = AgeGroups.model_validate(age_groups)
    mob = Mobility.model_validate(mobility)
    raw_dir = raw_dir_of(nyt)
    ds = build_region_inputs(
        region,
        raw_dir=raw_dir,
        start=d.simulation_start,
        end=d.projection_end,
        age_edges=ages.lower_edges,
        mobility_mapping=MobilityMapping(
            work=mob.work,
            community=mob.community,
            school_closed_multiplier=mob.school_closed_multiplier,
        ),
        as_of=as_of,
    )
    write_region_inputs(ds, inputs)
    if overview is not None:
        from seirflow.plots import plot_region_inputs  # matplotlib only when drawing

        plot_region_inputs(ds, overview)
    log.info(
        "%s: population %.0f, %d days, %d adjustments recorded",
        region,
        float(ds["population"].sum()),
        ds.sizes["date"],
        len(json.loads(ds.attrs.get("adjustments", "[]"))),
    )
