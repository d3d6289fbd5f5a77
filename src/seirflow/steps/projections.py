"""Step: project every region under one scenario from its posterior (rule project_scenario)."""

from __future__ import annotations

import json
from typing import Any

from seirflow.atomic import atomic_output
from seirflow.config import Calibration, Dates, Model, Outcomes, Projection, Scenario
from seirflow.preprocess import read_region_inputs
from seirflow.projection import project_region
from seirflow.provenance import run_facts

__all__ = ["project_scenario"]


def project_scenario(
    *,
    inputs: list[str],
    posteriors: list[str],
    trajectories: list[str],
    scenario: str,
    definition: dict[str, Any],
    seed: int,
    dates: dict[str, Any],
    model: dict[str, Any],
    outcomes: dict[str, Any],
    calibration: dict[str, Any],
    projection: dict[str, Any],
) -> None:
    """Write the posterior-predictive trajectories of every region under `scenario`.

    Args:
        inputs, posteriors: Each region's inputs and calibration posterior.
        trajectories: Output netCDF per region (dims draw, date), in the same order.
        scenario: Wildcard.
        definition: The scenario's config (plain data).
        seed: Master seed.
        dates, model, outcomes, calibration, projection: Config sections (plain data).
    """
    import arviz as az  # here, not at import: it is most of the step's start-up time

    proj = Projection.model_validate(projection)
    settings = {
        "dates": Dates.model_validate(dates),
        "model": Model.model_validate(model),
        "outcomes": Outcomes.model_validate(outcomes),
        "calibration": Calibration.model_validate(calibration),
    }
    plan = Scenario.model_validate(definition)
    # The config slice these trajectories depend on, recorded in each file's provenance.
    used = {"scenario": definition, "seed": seed, "dates": dates, "model": model,
            "outcomes": outcomes, "calibration": calibration, "projection": projection}  # fmt: skip
    if not len(inputs) == len(posteriors) == len(trajectories):
        raise ValueError("inputs, posteriors and trajectories must list the same regions")
    for inputs_file, posterior, output in zip(inputs, posteriors, trajectories, strict=True):
        region_inputs = read_region_inputs(inputs_file)
        ds = project_region(
            region_inputs,
            az.from_netcdf(posterior, engine="h5netcdf"),
            plan,
            scenario_name=scenario,
            region=str(region_inputs.attrs["region"]),
            seed=seed,
            draws=proj.draws,
            observation_noise=proj.observation_noise,
            **settings,
        )
        facts = run_facts(used, {"inputs": inputs_file, "posterior": posterior}, {"master": seed})
        ds.attrs["provenance"] = json.dumps(facts, sort_keys=True)
        _write(ds, output)


def _write(ds, path: str) -> None:
    with atomic_output(path, suffix=".nc") as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
