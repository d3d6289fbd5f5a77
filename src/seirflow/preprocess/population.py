"""Model age groups and population aggregation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seirflow.errors import ConfigError, DataError

__all__ = ["DEFAULT_AGE_EDGES", "MAX_LOWER_EDGE", "AgeGroups", "age_groups", "group_population"]

#: Default lower edges of the model's age groups: 0-4, 5-9, ..., 70-74, 75+.
DEFAULT_AGE_EDGES: tuple[int, ...] = tuple(range(0, 80, 5))

#: Largest allowed last lower edge: the contact matrices' last single year is 84 (84+).
MAX_LOWER_EDGE = 84


@dataclass(frozen=True)
class AgeGroups:
    """Contiguous age groups given by their lower edges; the last group is open.

    Attributes:
        lower: Lower edges in years, starting at 0, strictly increasing, last <= 84.
    """

    lower: tuple[int, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels such as ``"0-4"``, ..., ``"75+"``.

        >>> age_groups([0, 18, 65]).labels
        ('0-17', '18-64', '65+')
        """
        inner = [f"{a}-{b - 1}" for a, b in zip(self.lower[:-1], self.lower[1:], strict=True)]
        return (*inner, f"{self.lower[-1]}+")

    def __len__(self) -> int:
        return len(self.lower)

    def index_of(self, ages: np.ndarray) -> np.ndarray:
        """Group index of each single age (ages >= the last edge map to the last group).

        >>> age_groups([0, 5]).index_of(np.array([0, 4, 5, 90])).tolist()
        [0, 0, 1, 1]
        """
        return np.searchsorted(np.asarray(self.lower), np.asarray(ages), side="right") - 1


def age_groups(edges: Sequence[int] = DEFAULT_AGE_EDGES) -> AgeGroups:
    """Validate lower age edges and build `AgeGroups`.

    Args:
        edges: Lower edges in whole years, e.g. ``[0, 5, ..., 75]``.

    Returns:
        The age groups.

    Raises:
        ConfigError: edges empty, not whole numbers, not starting at 0, not strictly
            increasing, or with a last edge above 84 (the contact data's last single year).
    """
    values = list(edges)
    if not values:
        raise ConfigError(
            "age_edges: empty list; expected e.g. [0, 5, ..., 75]", field="age_edges", value=values
        )
    for v in values:
        if isinstance(v, bool) or not float(v).is_integer():
            raise ConfigError(
                f"age_edges: {v!r} is not a whole number of years", field="age_edges", value=v
            )
    ints = [int(v) for v in values]
    if ints[0] != 0:
        raise ConfigError(
            f"age_edges: first edge is {ints[0]}, must be 0", field="age_edges", value=ints[0]
        )
    for a, b in zip(ints[:-1], ints[1:], strict=True):
        if b <= a:
            raise ConfigError(
                f"age_edges: not strictly increasing ({a} then {b})", field="age_edges", value=b
            )
    if ints[-1] > MAX_LOWER_EDGE:
        raise ConfigError(
            f"age_edges: last lower edge {ints[-1]} > {MAX_LOWER_EDGE}; the contact matrices "
            f"end with the open group {MAX_LOWER_EDGE}+",
            field="age_edges",
            value=ints[-1],
        )
    return AgeGroups(tuple(ints))


def group_population(single_year: np.ndarray, groups: AgeGroups) -> np.ndarray:
    """Sum a single-year population into age groups.

    Args:
        single_year: Persons by single year of age, shape (A,), the last entry an open
            group (e.g. 86 values: 0..84 and 85+).
        groups: Age groups; the last group collects every age from its lower edge on.

    Returns:
        float64 array, shape (len(groups),), persons.

    Raises:
        DataError: negative or non-finite values, or an empty (zero-population) group.
    """
    pop = np.asarray(single_year, dtype=float)
    if pop.ndim != 1 or not np.isfinite(pop).all() or (pop < 0).any():
        raise DataError(
            "population by single year: expected finite, non-negative values, shape (A,)",
            field="population",
            value=pop.tolist() if pop.size < 100 else None,
        )
    out = np.bincount(groups.index_of(np.arange(pop.size)), weights=pop, minlength=len(groups))
    if (out <= 0).any():
        label = groups.labels[int(np.flatnonzero(out <= 0)[0])]
        raise DataError(
            f"population: age group {label} has no population", field="population", value=label
        )
    return out
