"""Validated entry points to the compiled SEIR kernels.

Use :class:`BatchSimulator` in a calibration loop: it checks and prepares everything that is fixed
(population, contacts, susceptibility, disease structure, horizon) once, then each call checks
only the per-run arrays. :func:`simulate_batch` is the one-shot functional form; labelled results
(``xarray``) are in :mod:`seirflow.model.labelled`.

Conventions: day ``d`` covers ``[d, d+1)`` in days since the simulation start; multipliers of day
``d`` apply on it; ``new_infections[..., d, :]`` is the increase of cumulative infections over day
``d`` (seeded people count as infected when seeded); states are at the end of day ``d``
(``t = d + 1``). Scope: one closed population per run, no births, deaths, waning or vaccination.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from seirflow.model._checks import (
    as_float_array,
    check_positive_float,
    check_positive_int,
    require,
)
from seirflow.model.seir import (
    simulate_batch_kernel,
    simulate_serial_kernel,
    simulate_states_kernel,
)

__all__ = [
    "SeedCompartment",
    "DiseaseStructure",
    "BatchSimulator",
    "simulate_batch",
]

logger = logging.getLogger(__name__)


class SeedCompartment(StrEnum):
    """Where seeded infections enter: the first latent or the first infectious stage."""

    EXPOSED = "exposed"
    INFECTIOUS = "infectious"


@dataclass(frozen=True)
class DiseaseStructure:
    """Natural history and time stepping shared by all runs of a batch.

    Args:
        latent_period: Mean latent period, days (> 0).
        infectious_period: Mean infectious period, days (> 0).
        latent_stages: Erlang stages of the latent period (>= 1), each of rate
            ``latent_stages / latent_period``.
        infectious_stages: Erlang stages of the infectious period (>= 1); 2 is the I1 -> I2 model.
        steps_per_day: Integration steps per day (>= 1). One step per day is accurate to about
            3e-6 of peak daily incidence (see ``seir`` module docstring); the step must satisfy
            ``max(stage rate) / steps_per_day <= 1``.
        seed_into: :class:`SeedCompartment` (or its value ``"exposed"`` / ``"infectious"``).

    Raises:
        SeirflowInputError: Any value out of range.
    """

    latent_period: float
    infectious_period: float
    latent_stages: int = 1
    infectious_stages: int = 1
    steps_per_day: int = 1
    seed_into: SeedCompartment = SeedCompartment.EXPOSED

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "latent_period", check_positive_float(self.latent_period, "latent_period"))
        set_(
            self,
            "infectious_period",
            check_positive_float(self.infectious_period, "infectious_period"),
        )
        set_(self, "latent_stages", check_positive_int(self.latent_stages, "latent_stages"))
        set_(
            self,
            "infectious_stages",
            check_positive_int(self.infectious_stages, "infectious_stages"),
        )
        set_(self, "steps_per_day", check_positive_int(self.steps_per_day, "steps_per_day"))
        try:
            set_(self, "seed_into", SeedCompartment(self.seed_into))
        except ValueError:
            choices = [c.value for c in SeedCompartment]
            require(False, "seed_into", self.seed_into, f"must be one of {choices}")
        fastest = max(self.latent_rate, self.infectious_rate)
        require(
            fastest / self.steps_per_day <= 1.0,
            "steps_per_day",
            self.steps_per_day,
            f"too coarse for a stage rate of {fastest:g}/day; use steps_per_day >= "
            f"{int(np.ceil(fastest))}",
        )

    @property
    def latent_rate(self) -> float:
        """Rate of leaving each latent stage, 1/day."""
        return self.latent_stages / self.latent_period

    @property
    def infectious_rate(self) -> float:
        """Rate of leaving each infectious stage, 1/day."""
        return self.infectious_stages / self.infectious_period

    @property
    def n_rows(self) -> int:
        """State rows per age group: S (as cumulative infections), E stages, I stages, R."""
        return self.latent_stages + self.infectious_stages + 2

    @property
    def seed_row(self) -> int:
        """Kernel state row receiving seeded infections."""
        return 1 if self.seed_into is SeedCompartment.EXPOSED else 1 + self.latent_stages

    @property
    def row_labels(self) -> tuple[str, ...]:
        """Labels of the recorded state rows: ``S, E1.., I1.., R``."""
        return (
            ("S",)
            + tuple(f"E{k + 1}" for k in range(self.latent_stages))
            + tuple(f"I{k + 1}" for k in range(self.infectious_stages))
            + ("R",)
        )


class BatchSimulator:
    """A prepared model: fixed inputs checked once, per-run parameters checked per call.

    Args:
        population: ``[A]`` people per age group (> 0).
        contacts: ``[S, A, A]`` mean daily contacts per setting, ``[s, a, b]`` = contacts of one
            person aged ``a`` with people aged ``b`` (or ``[A, A]`` for a single setting).
        structure: :class:`DiseaseStructure`.
        n_days: Days to simulate (>= 1).
        seed_distribution: ``[A]`` fractions of seeded people by age (>= 0, sum 1).
        susceptibility: ``[A]`` relative susceptibility (>= 0), default ones.

    Raises:
        SeirflowInputError: Bad shapes or values, naming the argument.
    """

    def __init__(
        self,
        population,
        contacts,
        structure: DiseaseStructure,
        n_days: int,
        seed_distribution,
        susceptibility=None,
    ):
        pop = as_float_array(population, "population", ndim=1)
        n_age = pop.shape[0]
        require(pop.min() > 0, "population", pop, "every age group needs population > 0")
        con = np.asarray(contacts, dtype=np.float64)
        if con.ndim == 2:
            con = con[None]
        con = as_float_array(con, "contacts", ndim=3, shape=(None, n_age, n_age))
        sig = (
            np.ones(n_age)
            if susceptibility is None
            else as_float_array(susceptibility, "susceptibility", ndim=1, shape=(n_age,))
        )
        dist = as_float_array(seed_distribution, "seed_distribution", ndim=1, shape=(n_age,))
        require(
            abs(dist.sum() - 1.0) <= 1e-9,
            "seed_distribution",
            dist,
            f"fractions must sum to 1 (sum is {dist.sum():.12g})",
        )
        require(
            isinstance(structure, DiseaseStructure),
            "structure",
            structure,
            "must be a DiseaseStructure",
        )
        self.population = pop
        self.contacts = con
        self.susceptibility = sig
        self.seed_distribution = dist
        self.structure = structure
        self.n_days = check_positive_int(n_days, "n_days")
        # transmission[s, b, a] = sigma_a * C_s[a, b] / N_b (see seir.py)
        self._transmission = np.ascontiguousarray(
            (sig[None, :, None] * con / pop[None, None, :]).transpose(0, 2, 1)
        )
        positive = dist > 0
        self._max_seed = float(np.min(pop[positive] / dist[positive]))

    @property
    def n_age(self) -> int:
        """Number of age groups ``A``."""
        return self.population.shape[0]

    @property
    def n_settings(self) -> int:
        """Number of contact settings ``S``."""
        return self.contacts.shape[0]

    def _run_arrays(self, multipliers, beta, seed_time, seed_size):
        beta = as_float_array(np.atleast_1d(beta), "beta", ndim=1)
        n_batch = beta.shape[0]
        require(n_batch >= 1, "beta", beta, "need at least one run")
        seed_time = as_float_array(np.broadcast_to(seed_time, (n_batch,)), "seed_time", ndim=1)
        seed_size = as_float_array(np.broadcast_to(seed_size, (n_batch,)), "seed_size", ndim=1)
        late = seed_time >= self.n_days
        require(
            not late.any(),
            "seed_time",
            seed_time[late][:1],
            f"must be in [0, n_days={self.n_days})",
        )
        big = seed_size > self._max_seed
        require(
            not big.any(),
            "seed_size",
            seed_size[big][:1],
            f"would seed more people than an age group has (max {self._max_seed:.6g})",
        )
        mult = np.asarray(multipliers, dtype=np.float64)
        if mult.ndim == 2:
            mult = mult[None]
        mult = as_float_array(mult, "multipliers", ndim=3, shape=(None, None, self.n_settings))
        require(
            mult.shape[0] in (1, n_batch),
            "multipliers",
            mult,
            f"leading dimension must be 1 or the batch size {n_batch}, got {mult.shape[0]}",
        )
        require(
            mult.shape[1] >= self.n_days,
            "multipliers",
            mult,
            f"need at least n_days={self.n_days} days, got {mult.shape[1]}",
        )
        return mult, beta, seed_time, seed_size

    def _kernel_args(self, mult, beta, seed_time, seed_size):
        st = self.structure
        return (
            self.population,
            self._transmission,
            mult,
            beta,
            seed_time,
            seed_size,
            self.seed_distribution,
            st.seed_row,
            st.latent_stages,
            st.infectious_stages,
            st.latent_rate,
            st.infectious_rate,
            st.steps_per_day,
            self.n_days,
        )

    def new_infections(self, multipliers, beta, seed_time, seed_size, out=None):
        """Daily new infections of a batch of runs (the calibration hot path).

        Args:
            multipliers: ``[B, T, S]`` or shared ``[T, S]`` daily contact multipliers (>= 0),
                ``T >= n_days``.
            beta: ``[B]`` transmission rates (see ``ngm.beta_from_r0``), or a scalar for B = 1.
            seed_time: ``[B]`` or scalar, days since start (fractional allowed), in
                ``[0, n_days)``.
            seed_size: ``[B]`` or scalar, people seeded.
            out: Optional float64 C-contiguous ``[B, n_days, A]`` array to fill.

        Returns:
            ``[B, n_days, A]`` float64 new infections per day and age group.
        """
        mult, beta, seed_time, seed_size = self._run_arrays(multipliers, beta, seed_time, seed_size)
        shape = (beta.shape[0], self.n_days, self.n_age)
        if out is None:
            out = np.empty(shape)
        require(
            isinstance(out, np.ndarray)
            and out.shape == shape
            and out.dtype == np.float64
            and out.flags.c_contiguous
            and out.flags.writeable,
            "out",
            out,
            f"must be a writeable C-contiguous float64 array of shape {shape}",
        )
        kernel = simulate_serial_kernel if shape[0] == 1 else simulate_batch_kernel
        kernel(*self._kernel_args(mult, beta, seed_time, seed_size), out)
        return out

    def new_infections_and_states(self, multipliers, beta, seed_time, seed_size):
        """As :meth:`new_infections`, also returning end-of-day states.

        Returns:
            ``(new_infections [B, n_days, A], states [B, n_days, rows, A])`` with rows
            ``structure.row_labels`` (``S, E1.., I1.., R``).
        """
        mult, beta, seed_time, seed_size = self._run_arrays(multipliers, beta, seed_time, seed_size)
        n_batch = beta.shape[0]
        inc = np.empty((n_batch, self.n_days, self.n_age))
        states = np.empty((n_batch, self.n_days, self.structure.n_rows, self.n_age))
        simulate_states_kernel(*self._kernel_args(mult, beta, seed_time, seed_size), inc, states)
        return inc, states


def simulate_batch(
    population,
    contacts,
    multipliers,
    susceptibility,
    beta,
    seed_time,
    seed_size,
    seed_distribution,
    *,
    latent_period,
    infectious_period,
    latent_stages=1,
    infectious_stages=1,
    steps_per_day=1,
    n_days,
    seed_into="exposed",
):
    """Daily new infections for a batch of runs, in one call (see :class:`BatchSimulator`).

    Args:
        population: ``[A]``; contacts: ``[S, A, A]``; multipliers: ``[B, T, S]`` or ``[T, S]``;
        susceptibility: ``[A]`` or None; beta, seed_time, seed_size: ``[B]``;
        seed_distribution: ``[A]``; the keywords as in :class:`DiseaseStructure`.

    Returns:
        ``[B, n_days, A]`` float64 daily new infections.

    Raises:
        SeirflowInputError: Any bad argument, named with its value.
    """
    structure = DiseaseStructure(
        latent_period, infectious_period, latent_stages, infectious_stages, steps_per_day, seed_into
    )
    sim = BatchSimulator(population, contacts, structure, n_days, seed_distribution, susceptibility)
    return sim.new_infections(multipliers, beta, seed_time, seed_size)
