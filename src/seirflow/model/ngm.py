"""Next-generation matrix of the age-structured SEIR model, and R0 <-> beta.

With all contact multipliers 1 the baseline mixture is ``C0 = sum_s C_s`` and one infectious
person aged ``b`` infects, over a mean infectious period ``D``, on average
``K_ab = beta * sigma_a * C0_ab * N_a / N_b * D`` people aged ``a`` in a fully susceptible
population (independent of the number of Erlang stages). ``R0`` is the spectral radius of ``K``,
linear in ``beta``, so ``beta = R0 / rho(K at beta = 1)``.

``rho`` is computed without BLAS/LAPACK (:func:`seirflow.exactlinalg.perron_root`), so
``beta`` has the same bits whatever OpenBLAS kernel the machine uses.
"""

from __future__ import annotations

import numpy as np

from seirflow.exactlinalg import perron_root
from seirflow.model._checks import as_float_array, check_positive_float, require

__all__ = ["next_generation_matrix", "spectral_radius", "beta_from_r0", "r0_from_beta"]


def _baseline(population, contacts, susceptibility):
    pop = as_float_array(population, "population", ndim=1)
    require(pop.min() > 0, "population", pop, "every age group needs population > 0")
    n_age = pop.shape[0]
    con = np.asarray(contacts, dtype=np.float64)
    if con.ndim == 3:
        con = as_float_array(con, "contacts", ndim=3, shape=(None, n_age, n_age)).sum(axis=0)
    con = as_float_array(con, "contacts", ndim=2, shape=(n_age, n_age))
    sig = (
        np.ones(n_age)
        if susceptibility is None
        else as_float_array(susceptibility, "susceptibility", ndim=1, shape=(n_age,))
    )
    return pop, con, sig


def next_generation_matrix(population, contacts, infectious_period, susceptibility=None, beta=1.0):
    """Next-generation matrix ``K[a, b]`` (infections in ``a`` caused by one case in ``b``).

    Args:
        population: ``[A]`` people per age group.
        contacts: ``[S, A, A]`` setting matrices (summed) or ``[A, A]`` baseline mixture, daily
            contacts of one person aged ``a`` (row) with people aged ``b`` (column).
        infectious_period: Mean infectious period, days.
        susceptibility: ``[A]`` relative susceptibility, default ones.
        beta: Transmission rate per contact-day.

    Returns:
        ``[A, A]`` float64 matrix.

    Raises:
        SeirflowInputError: Bad shapes or values.

    >>> next_generation_matrix([1.0, 1.0], [[1.0, 0.0], [0.0, 2.0]], 5.0).tolist()
    [[5.0, 0.0], [0.0, 10.0]]
    """
    pop, con, sig = _baseline(population, contacts, susceptibility)
    period = check_positive_float(infectious_period, "infectious_period")
    beta = float(beta)
    require(np.isfinite(beta) and beta >= 0, "beta", beta, "must be finite and >= 0")
    return beta * sig[:, None] * con * pop[:, None] / pop[None, :] * period


def spectral_radius(matrix) -> float:
    """Largest absolute eigenvalue of a square non-negative matrix (its Perron root).

    Raises:
        SeirflowInputError: Not square, or entries not finite and >= 0.

    >>> spectral_radius([[1.0, 1.0], [1.0, 1.0]])
    2.0
    """
    m = as_float_array(matrix, "matrix", ndim=2)
    require(m.shape[0] == m.shape[1], "matrix", m.shape, "must be square")
    return perron_root(m)


def beta_from_r0(r0, population, contacts, infectious_period, susceptibility=None) -> float:
    """Transmission rate giving basic reproduction number ``r0`` (see module docstring).

    Raises:
        SeirflowInputError: ``r0`` not finite and >= 0, or the contacts give no transmission.
    """
    r0 = float(r0)
    require(np.isfinite(r0) and r0 >= 0, "r0", r0, "must be finite and >= 0")
    unit = spectral_radius(
        next_generation_matrix(population, contacts, infectious_period, susceptibility)
    )
    require(unit > 0, "contacts", contacts, "baseline contacts give no transmission (rho(K)=0)")
    return r0 / unit


def r0_from_beta(beta, population, contacts, infectious_period, susceptibility=None) -> float:
    """Basic reproduction number of transmission rate ``beta``."""
    return spectral_radius(
        next_generation_matrix(population, contacts, infectious_period, susceptibility, beta)
    )
