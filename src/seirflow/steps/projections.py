"""Step: project one region under one scenario from its posterior (rule project_scenario)."""

from __future__ import annotations

import json
from typing import Any

import arviz as az

from seirflow.atomic import atomic_output
from seirflow.config import Calibration, Dates, Model, Outcomes, Projection, Scenario
from seirflow.preprocess import read_region_inputs
from seirflow.projection import project_region
from seirflow.provenance import run_facts

__all__ = ["project_scenario"]


def project_scenario(
    *,
    inputs: str,
    posterior: str,
    trajectories: str,
    region: str,
    scenario: str,
    definition: dict[str, Any],
    seed: int,
    dates: dict[str, Any],
    model: dict[str, Any],
    outcomes: dict[str, Any],
    calibration: dict[str, Any],
    projection: dict[str, Any],
) -> None:
    """Write the posterior-predictive trajectories of `region` under `scenario`.

    Args:
        inputs, posterior: The region's inputs and calibration posterior.
        trajectories: Output netCDF (dims draw, date).
        region, scenario: Wildcards.
        definition: The scenario's config (plain data).
        seed: Master seed.
        dates, model, outcomes, calibration, projection: Config sections (plain data).
    """
    proj = Projection.model_validate(projection)
    settings = {
        "dates": Dates.model_validate(dates),
        "model": Model.model_validate(model),
        "outcomes": Outcomes.model_validate(outcomes),
        "calibration": Calibration.model_validate(calibration),
    }
    idata = az.from_netcdf(posterior, engine="h5netcdf")
    ds = project_region(
        read_region_inputs(inputs),
        idata,
        Scenario.model_validate(definition),
        scenario_name=scenario,
        region=region,
        seed=seed,
        draws=proj.draws,
        observation_noise=proj.observation_noise,
        **settings,
    )
    config = {
        "scenario": definition,
        "seed": seed,
        "dates": dates,
        "model": model,
        "outcomes": outcomes,
        "projection": projection,
    }
    facts = run_facts(config, {"inputs": inputs, "posterior": posterior}, {"master": seed})
    ds.attrs["provenance"] = json.dumps(facts, sort_keys=True)
    with atomic_output(trajectories, suffix=".nc") as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
