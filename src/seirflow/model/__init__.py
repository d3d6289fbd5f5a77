"""Age-structured SEIR model (compiled, batched) and its outcome model.

Typical use in a calibration loop::

    structure = DiseaseStructure(latent_period=4.0, infectious_period=5.0, infectious_stages=2)
    sim = BatchSimulator(population, contacts, structure, n_days, seed_distribution)
    beta = beta_from_r0(r0, population, contacts, structure.infectious_period) # per walker
    infections = sim.new_infections(multipliers, beta, seed_time, seed_size)  # [B, T, A]
    expected = compute_outcomes(infections, params, ascertainment, ifr_mult, ihr_mult)

Set the number of threads with ``numba.set_num_threads``; results do not depend on it.
"""

from seirflow.model.delays import DelayFamily, discretise_delay, pmf_mean, survival
from seirflow.model.labelled import COMPARTMENTS, default_age_labels, simulate
from seirflow.model.ngm import (
    beta_from_r0,
    next_generation_matrix,
    r0_from_beta,
    spectral_radius,
)
from seirflow.model.outcomes import (
    OUTCOMES,
    OutcomeParameters,
    Outcomes,
    compute_outcomes,
    default_outcome_parameters,
    outcomes_dataset,
    ratios_for_age_groups,
)
from seirflow.model.solve import (
    BatchSimulator,
    DiseaseStructure,
    SeedCompartment,
    simulate_batch,
)

__all__ = [
    "COMPARTMENTS",
    "OUTCOMES",
    "BatchSimulator",
    "DelayFamily",
    "DiseaseStructure",
    "OutcomeParameters",
    "Outcomes",
    "SeedCompartment",
    "beta_from_r0",
    "compute_outcomes",
    "default_age_labels",
    "default_outcome_parameters",
    "discretise_delay",
    "next_generation_matrix",
    "outcomes_dataset",
    "pmf_mean",
    "r0_from_beta",
    "ratios_for_age_groups",
    "simulate",
    "simulate_batch",
    "spectral_radius",
    "survival",
]
