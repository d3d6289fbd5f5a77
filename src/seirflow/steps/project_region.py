"""Step: project one region under every scenario of the rule (rule project_region)."""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np

from seirflow.atomic import atomic_output
from seirflow.calibration.posterior import read_posterior
from seirflow.config import Calibration, Dates, Model, Outcomes, Projection, Scenario
from seirflow.config.hub import age_group_masks
from seirflow.errors import DataError
from seirflow.preprocess import read_region_inputs
from seirflow.projection import project_region as project_one_scenario
from seirflow.provenance import run_facts

__all__ = ["project_region"]

log = logging.getLogger(__name__)


def project_region(
    *,
    inputs: str,
    posterior: str,
    trajectories: list[str] | str,
    region: str,
    scenarios: dict[str, dict[str, Any]],
    seed: int,
    dates: dict[str, Any],
    model: dict[str, Any],
    outcomes: dict[str, Any],
    calibration: dict[str, Any],
    projection: dict[str, Any],
    hub_age_groups: list[str] | None = None,
) -> None:
    """Write the posterior-predictive trajectories of `region` under each of `scenarios`.

    The inputs and posterior are read once for all scenarios; each scenario's file is
    what `seirflow.projection.project_region` gives for that scenario alone.

    Args:
        inputs, posterior: The region's inputs and calibration posterior.
        trajectories: Output netCDF per scenario (dims draw, date), in the order of
            `scenarios`.
        region: Wildcard; must be the inputs' region.
        scenarios: Scenario name -> its config (plain data); the rule's param, which a
            derived rule may restrict to some scenarios (with its outputs).
        seed: Master seed.
        dates, model, outcomes, calibration, projection: Config sections (plain data).
        hub_age_groups: The hub's age groups (``hub.age_groups``): the hub targets'
            outcomes are also written by these groups of the inputs' age groups.

    Raises:
        ValueError: if `trajectories` and `scenarios` differ in length.
        DataError: if the inputs file holds another region.
    """
    paths = [trajectories] if isinstance(trajectories, str) else list(trajectories)
    if len(paths) != len(scenarios):
        raise ValueError(
            f"{len(paths)} trajectories outputs for {len(scenarios)} scenarios "
            f"{list(scenarios)}: the rule's outputs and its scenarios param must match"
        )
    region_inputs = read_region_inputs(inputs)
    code = str(region_inputs.attrs["region"])
    if code != region:
        raise DataError(
            f"{inputs}: inputs of region {code}, expected {region}",
            file=inputs,
            field="region",
            value=code,
        )
    idata = read_posterior(posterior)
    proj = Projection.model_validate(projection)
    settings = {
        "dates": Dates.model_validate(dates),
        "model": Model.model_validate(model),
        "outcomes": Outcomes.model_validate(outcomes),
        "calibration": Calibration.model_validate(calibration),
    }
    masks = age_group_masks(hub_age_groups or [], region_inputs["age_lower"].values.tolist())
    age_groups = {label: np.asarray(mask, dtype=np.float64) for label, mask in masks.items()}
    for (name, definition), output in zip(scenarios.items(), paths, strict=True):
        ds = project_one_scenario(
            region_inputs,
            idata,
            Scenario.model_validate(definition),
            scenario_name=name,
            region=code,
            seed=seed,
            draws=proj.draws,
            observation_noise=proj.observation_noise,
            carryover=proj.residual_carryover,
            carryover_spread=proj.residual_spread,
            age_groups=age_groups or None,
            **settings,
        )
        # The config slice these trajectories depend on, recorded in the file's provenance.
        used = {"scenario": definition, "seed": seed, "dates": dates, "model": model,
                "outcomes": outcomes, "calibration": calibration,
                "projection": projection, "hub_age_groups": hub_age_groups}  # fmt: skip
        facts = run_facts(used, {"inputs": inputs, "posterior": posterior}, {"master": seed})
        ds.attrs["provenance"] = json.dumps(facts, sort_keys=True)
        with atomic_output(output, suffix=".nc") as tmp:
            # The indicators span the fit window too: float32 keeps the file small.
            narrow = {v: {"dtype": "float32"} for v in ds.data_vars if "rt_date" in ds[v].dims}
            ds.to_netcdf(tmp, engine="h5netcdf", encoding=narrow)
    log.info("%s: %d scenario(s) projected: %s", region, len(scenarios), " ".join(scenarios))
