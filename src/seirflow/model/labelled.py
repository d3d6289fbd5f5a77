"""Labelled model results: one or more draws as an ``xarray.Dataset``.

Dims ``(draw, date, age[, compartment])``; conventions as in :mod:`seirflow.model.solve`.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.model._checks import require
from seirflow.model.solve import BatchSimulator, DiseaseStructure

__all__ = ["COMPARTMENTS", "default_age_labels", "simulate"]

logger = logging.getLogger(__name__)

COMPARTMENTS = ("S", "E", "I", "R")
DEFAULT_AGE_LOWER_EDGES = tuple(range(0, 80, 5))  # 0-4, ..., 70-74, 75+


def default_age_labels(n_age: int) -> list[str]:
    """Labels of the default 16 groups (``"0-4"`` ... ``"75+"``), else ``"g0"``, ``"g1"``, ...

    >>> default_age_labels(16)[-2:]
    ['70-74', '75+']
    """
    if n_age == len(DEFAULT_AGE_LOWER_EDGES):
        lo = DEFAULT_AGE_LOWER_EDGES
        return [f"{a}-{b - 1}" for a, b in zip(lo[:-1], lo[1:], strict=True)] + [f"{lo[-1]}+"]
    return [f"g{i}" for i in range(n_age)]


def simulate(
    population,
    contacts,
    multipliers,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    *,
    structure: DiseaseStructure,
    n_days: int,
    start_date,
    susceptibility=None,
    age_labels=None,
) -> xr.Dataset:
    """Run one or more draws and return labelled results.

    Args:
        population, contacts, multipliers, beta, seed_time, seed_size, seed_distribution,
        susceptibility: as :meth:`BatchSimulator.new_infections` (scalars give one draw).
        structure: :class:`DiseaseStructure`.
        n_days: Days to simulate.
        start_date: Date of day 0 (anything ``pandas.Timestamp`` accepts).
        age_labels: ``A`` labels; default :func:`default_age_labels`.

    Returns:
        Dataset with ``states`` (draw, date, age, compartment: S, E, I, R; people at the end of
        the date, stages summed) and ``new_infections`` (draw, date, age; people infected during
        the date).
    """
    sim = BatchSimulator(population, contacts, structure, n_days, seed_distribution, susceptibility)
    inc, rows = sim.new_infections_and_states(multipliers, beta, seed_time, seed_size)
    nl, ni = structure.latent_stages, structure.infectious_stages
    states = np.stack(
        [
            rows[:, :, 0],
            rows[:, :, 1 : 1 + nl].sum(axis=2),
            rows[:, :, 1 + nl : 1 + nl + ni].sum(axis=2),
            rows[:, :, -1],
        ],
        axis=-1,
    )
    labels = default_age_labels(sim.n_age) if age_labels is None else list(age_labels)
    require(len(labels) == sim.n_age, "age_labels", labels, f"need {sim.n_age} labels")
    coords = {
        "draw": np.arange(inc.shape[0]),
        "date": pd.date_range(pd.Timestamp(start_date), periods=n_days, freq="D"),
        "age": labels,
        "compartment": list(COMPARTMENTS),
    }
    ds = xr.Dataset(
        {
            "states": (
                ("draw", "date", "age", "compartment"),
                states,
                {"units": "people", "description": "compartment sizes at the end of date"},
            ),
            "new_infections": (
                ("draw", "date", "age"),
                inc,
                {"units": "people/day", "description": "infections during date"},
            ),
        },
        coords=coords,
    )
    ds.attrs.update(
        latent_period=structure.latent_period,
        infectious_period=structure.infectious_period,
        latent_stages=nl,
        infectious_stages=ni,
        steps_per_day=structure.steps_per_day,
        seed_into=structure.seed_into.value,
    )
    logger.debug("simulated %d draws x %d days x %d ages", inc.shape[0], n_days, sim.n_age)
    return ds
