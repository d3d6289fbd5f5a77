"""From projected trajectories to what users read: quantiles, national totals, hub files.

Read each region's ``trajectories.nc`` (`read_trajectories`) and summarise the draws per
day (`daily_quantiles`) and per hub week (`weekly_targets`, `hub_rows`), per region and
scenario (`summary_frames`, `write_summaries`); per scenario, add the regions draw by
draw to the national total (`NationalTotal`, location ``US``) and summarise it the same way.
Across scenarios: validate and write the hub model output (`write_hub`), the summary CSV
(`write_summary`), and compare 4-week-ahead medians with the previous run
(`compare_runs`, `archive_hub`).

Out of scope: ensembles across models, sample output types, and any re-weighting of
draws; the draws are taken as an equally weighted posterior-predictive sample.
"""

from seirflow.postprocess.changes import (
    CHANGE_COLUMNS,
    CHANGE_HORIZON,
    archive_hub,
    compare_runs,
    history_name,
    newest_history,
)
from seirflow.postprocess.hub import HUB_SCHEMA, hub_rows, read_hub, sort_hub, write_hub
from seirflow.postprocess.load import OUTCOMES, read_trajectories
from seirflow.postprocess.national import (
    NATIONAL_LOCATION,
    NATIONAL_NAME,
    NationalTotal,
    national_total,
)
from seirflow.postprocess.quantiles import (
    DAILY_COLUMNS,
    SUMMARY_LEVELS,
    daily_levels,
    daily_quantiles,
    quantile_column,
    summarise_draws,
)
from seirflow.postprocess.summaries import summary_frames, write_summaries
from seirflow.postprocess.summary import SUMMARY_COLUMNS, summary_table, write_summary
from seirflow.postprocess.validate import (
    HUB_COLUMNS,
    TASK_COLUMNS,
    HubFormatError,
    validate_hub,
)
from seirflow.postprocess.weekly import TARGETS, week_end, weekly_targets

__all__ = [
    "OUTCOMES",
    "TARGETS",
    "HUB_COLUMNS",
    "TASK_COLUMNS",
    "HUB_SCHEMA",
    "DAILY_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUMMARY_LEVELS",
    "CHANGE_COLUMNS",
    "CHANGE_HORIZON",
    "NATIONAL_LOCATION",
    "NATIONAL_NAME",
    "HubFormatError",
    "NationalTotal",
    "read_trajectories",
    "national_total",
    "summarise_draws",
    "quantile_column",
    "daily_levels",
    "daily_quantiles",
    "weekly_targets",
    "week_end",
    "hub_rows",
    "sort_hub",
    "validate_hub",
    "write_hub",
    "read_hub",
    "summary_frames",
    "write_summaries",
    "summary_table",
    "write_summary",
    "compare_runs",
    "newest_history",
    "history_name",
    "archive_hub",
]
