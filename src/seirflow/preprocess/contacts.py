"""Setting contact matrices in the model's age groups.

From the Mistry et al. 85x85 per-capita matrices F_s (single years 0..83, 84+):

1. Weight: W_s = w_s F_s is the daily number of contacts of one person aged i with people
   aged j in setting s.
2. Aggregate to groups a, b, weighting rows by the Census 2019 single-year population n_i
   (Mistry's last row 84+ gets Census 84 + 85+):
   C_ab = sum_{i in a} n_i sum_{j in b} W_ij / sum_{i in a} n_i.
3. Make reciprocal under the Census group populations N_a:
   C'_ab = (C_ab N_a + C_ba N_b) / (2 N_a),
   so that C'_ab N_a = C'_ba N_b (contacts a->b equal contacts b->a). The total number of
   contacts sum_ab C_ab N_a, hence the mean contacts per person, is unchanged.

The Mistry matrices are built on a 2010-basis synthetic population, so step 3 is needed:
under the 2019 population they are no longer exactly reciprocal.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from seirflow.errors import DataError
from seirflow.exactlinalg import matmul
from seirflow.preprocess.population import AgeGroups
from seirflow.sources.layout import SETTINGS
from seirflow.sources.mistry import MISTRY_AGES, SETTING_WEIGHTS

__all__ = [
    "contact_row_weights",
    "aggregate_contacts",
    "reciprocal_contacts",
    "setting_contacts",
]


def contact_row_weights(single_year: np.ndarray) -> np.ndarray:
    """Census single-year population mapped onto the 85 matrix ages (0..83, 84+).

    Args:
        single_year: Persons aged 0..84 and 85+, shape (86,).

    Returns:
        float64 array, shape (85,): ages 0..83 unchanged, the last entry = 84 + 85+.

    Raises:
        DataError: wrong shape.
    """
    pop = np.asarray(single_year, dtype=float)
    if pop.shape != (MISTRY_AGES + 1,):
        raise DataError(
            f"population by single year: shape {pop.shape}, expected ({MISTRY_AGES + 1},) "
            "(ages 0..84 and 85+)",
            field="population",
            value=pop.shape,
        )
    return np.concatenate([pop[: MISTRY_AGES - 1], [pop[MISTRY_AGES - 1 :].sum()]])


def aggregate_contacts(
    matrix: np.ndarray, row_weights: np.ndarray, groups: AgeGroups
) -> np.ndarray:
    """Aggregate a per-person single-year contact matrix to age groups.

    Args:
        matrix: Daily contacts of one person aged i with people aged j, shape (A, A).
        row_weights: Population of each single age i, shape (A,), persons.
        groups: Target age groups (the last one open).

    Returns:
        float64 array, shape (G, G): daily contacts of one person in group a with people in
        group b (row-population-weighted mean over i in a of sum over j in b).

    Raises:
        DataError: a non-square, non-finite or negative matrix, a shape mismatch, or a group
            with zero population.
    """
    m = np.asarray(matrix, dtype=float)
    w = np.asarray(row_weights, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise DataError(
            f"contact matrix: shape {m.shape} is not square", field="shape", value=m.shape
        )
    if not np.isfinite(m).all() or (m < 0).any():
        raise DataError(
            "contact matrix: entries must be finite and non-negative", field="matrix", value=None
        )
    if w.shape != (m.shape[0],):
        raise DataError(
            f"row weights: shape {w.shape}, expected ({m.shape[0]},)",
            field="row_weights",
            value=w.shape,
        )
    idx = groups.index_of(np.arange(m.shape[0]))
    n_groups = len(groups)
    member = np.zeros((m.shape[0], n_groups))
    member[np.arange(m.shape[0]), idx] = 1.0
    group_pop = matmul(member.T, w[:, None])[:, 0]
    if (group_pop <= 0).any():
        label = groups.labels[int(np.flatnonzero(group_pop <= 0)[0])]
        raise DataError(
            f"population: age group {label} has no population", field="population", value=label
        )
    # (G x A) @ diag(w) @ (A x A) @ (A x G), divided by the group population of each row;
    # exactlinalg, not BLAS, so the bits do not depend on the OpenBLAS kernel.
    return matmul(matmul(member.T * w, m), member) / group_pop[:, None]


def reciprocal_contacts(contacts: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Make a group contact matrix reciprocal: C'_ab N_a = C'_ba N_b.

    Uses C'_ab = (C_ab N_a + C_ba N_b) / (2 N_a), which keeps sum_ab C_ab N_a.

    Args:
        contacts: Daily contacts per person of group a with group b, shape (G, G).
        population: Group populations N, shape (G,), all > 0.

    Returns:
        float64 array, shape (G, G).

    Raises:
        DataError: shape mismatch or non-positive population.

    Example:
        >>> c = reciprocal_contacts(np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, 2.0]))
        >>> bool(np.isclose(c[0, 1] * 1.0, c[1, 0] * 2.0))
        True
    """
    c = np.asarray(contacts, dtype=float)
    n = np.asarray(population, dtype=float)
    if c.ndim != 2 or c.shape != (n.size, n.size):
        raise DataError(
            f"contacts: shape {c.shape} does not match population size {n.size}",
            field="shape",
            value=c.shape,
        )
    if (n <= 0).any() or not np.isfinite(n).all():
        raise DataError(
            "population: group populations must be positive", field="population", value=n.tolist()
        )
    flow = c * n[:, None]  # contacts made by all members of a with b
    return (flow + flow.T) / (2.0 * n[:, None])


def setting_contacts(
    matrices: Mapping[str, np.ndarray],
    single_year: np.ndarray,
    groups: AgeGroups,
    weights: Mapping[str, float] = SETTING_WEIGHTS,
) -> np.ndarray:
    """Reciprocal per-person daily contact matrices by setting in the model's age groups.

    Args:
        matrices: Setting -> Mistry F matrix, shape (85, 85), per-capita probabilities.
        single_year: Census population aged 0..84 and 85+, shape (86,).
        groups: Model age groups.
        weights: Setting -> daily contacts weight (default: Mistry et al. weights).

    Returns:
        float64 array, shape (4, G, G), settings in `SETTINGS` order: contacts per person
        per day of group a (row) with group b (column).

    Raises:
        DataError: a setting missing, bad shapes or values.
    """
    rows = contact_row_weights(single_year)
    group_pop = np.bincount(
        groups.index_of(np.arange(rows.size)), weights=rows, minlength=len(groups)
    )
    out = []
    for setting in SETTINGS:
        if setting not in matrices or setting not in weights:
            raise DataError(
                f"contacts: setting {setting!r} missing", field="setting", value=setting
            )
        per_person = weights[setting] * np.asarray(matrices[setting], dtype=float)
        out.append(reciprocal_contacts(aggregate_contacts(per_person, rows, groups), group_pop))
    return np.stack(out)
