"""Turn the raw sources into per-region model inputs."""

from seirflow.preprocess.adjustments import Adjustment, adjustments_from_json
from seirflow.preprocess.contacts import reciprocal_contacts, setting_contacts
from seirflow.preprocess.multipliers import MobilityMapping, setting_multipliers
from seirflow.preprocess.observations import census_series, daily_counts, offset_negative_counts
from seirflow.preprocess.population import DEFAULT_AGE_EDGES, AgeGroups, age_groups
from seirflow.preprocess.region_inputs import (
    SourceTables,
    as_of_tables,
    build_region_inputs,
    read_region_inputs,
    read_source_tables,
    write_region_inputs,
)

__all__ = [
    "DEFAULT_AGE_EDGES",
    "Adjustment",
    "SourceTables",
    "as_of_tables",
    "AgeGroups",
    "MobilityMapping",
    "adjustments_from_json",
    "age_groups",
    "build_region_inputs",
    "census_series",
    "daily_counts",
    "offset_negative_counts",
    "read_region_inputs",
    "read_source_tables",
    "reciprocal_contacts",
    "setting_contacts",
    "setting_multipliers",
    "write_region_inputs",
]
