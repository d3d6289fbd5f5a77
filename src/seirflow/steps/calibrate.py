"""Step: calibrate one region (rule ``calibrate_region``)."""

from __future__ import annotations

import json
from typing import Any

from seirflow.calibration import CalibrationOutputs
from seirflow.calibration import calibrate_region as _calibrate
from seirflow.calibration.seeds import region_key
from seirflow.config import Calibration, Dates, Model, Outcomes
from seirflow.preprocess import read_region_inputs
from seirflow.provenance import run_facts

__all__ = ["calibrate_region"]


def calibrate_region(
    *,
    inputs: str,
    posterior: str,
    diagnostics: str,
    checkpoint: str,
    seed: int,
    dates: dict[str, Any],
    model: dict[str, Any],
    outcomes: dict[str, Any],
    calibration: dict[str, Any],
    region: str,
    trace: str | None = None,
    pairs: str | None = None,
    fit: str | None = None,
    threads: int = 1,
    age_groups: dict[str, Any] | None = None,
) -> None:
    """Fit one region and write its posterior, diagnostics and figures.

    Args:
        inputs: The region's ``inputs.nc``.
        posterior, diagnostics: Output paths (netCDF, JSON).
        trace, pairs, fit: Output PNGs; one not given is not drawn (a backtest draws none).
        checkpoint: Chain checkpoint (kept outside the rule's outputs, so a failed or
            killed job resumes from it).
        seed: Master seed; the region's streams are derived from it and the region code.
        dates, model, outcomes, calibration: Config sections as plain data.
        region: Region code (wildcard).
        threads: Numba threads for the model.
        age_groups: Not used here: the inputs already carry the age groups.

    Raises:
        ConfigError, DataError: Bad settings or inputs (before sampling).
        NotConvergedError: Not converged and ``fail_on_nonconvergence`` is set.
    """
    d = Dates.model_validate(dates)
    _calibrate(
        read_region_inputs(inputs),
        Calibration.model_validate(calibration),
        region=region,
        seed=seed,
        checkpoint=checkpoint,
        simulation_start=d.simulation_start,
        window=(d.fit_start, d.fit_end),
        model=Model.model_validate(model),
        outcomes=Outcomes.model_validate(outcomes),
        outputs=CalibrationOutputs(posterior, diagnostics, trace, pairs, fit),
        threads=threads,
        inputs_file=inputs,
        provenance=json.dumps(
            run_facts(
                {
                    "seed": seed,
                    "dates": dates,
                    "model": model,
                    "outcomes": outcomes,
                    "calibration": calibration,
                },
                {"inputs": inputs},
                {"master": seed, region: [seed, region_key(region)]},
            ),
            sort_keys=True,
        ),  # fmt: skip
    )
