"""From projected trajectories to what users read: quantiles, national totals, summaries.

Read each region's ``trajectories.nc`` (`read_trajectories`) and summarise the draws per
day (`daily_quantiles`) and per week (`weekly_targets`, `weekly_rows`), per region and
scenario (`summary_frames`, `write_summaries`); per scenario, add the regions draw by
draw to the national total (`NationalTotal`, location ``US``) and summarise it the same way.
Across scenarios: validate and write the weekly quantile table (`write_weekly`), the daily
and weekly summary CSVs (`write_summary`, `write_weekly_summary`), and compare
4-week-ahead medians with the previous run (`compare_runs`, `archive_weekly`).

The hub submission (MMWR weeks, hub targets by age group, samples) is `seirflow.hub`.
Out of scope here: ensembles across models and any re-weighting of draws; the draws are
taken as an equally weighted posterior-predictive sample.
"""

from seirflow.postprocess.changes import (
    CHANGE_COLUMNS,
    CHANGE_HORIZON,
    archive_weekly,
    compare_runs,
    history_name,
    newest_history,
)
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
from seirflow.postprocess.summary import (
    SUMMARY_COLUMNS,
    WEEKLY_SUMMARY_COLUMNS,
    summary_table,
    weekly_summary_table,
    write_summary,
    write_weekly_summary,
)
from seirflow.postprocess.validate import (
    TASK_COLUMNS,
    WEEKLY_COLUMNS,
    WeeklyTableError,
    validate_weekly,
)
from seirflow.postprocess.weekly import TARGETS, week_end, weekly_targets
from seirflow.postprocess.weekly_table import (
    WEEKLY_SCHEMA,
    read_weekly,
    sort_weekly,
    weekly_rows,
    write_weekly,
)

__all__ = [
    "OUTCOMES",
    "TARGETS",
    "WEEKLY_COLUMNS",
    "TASK_COLUMNS",
    "WEEKLY_SCHEMA",
    "DAILY_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUMMARY_LEVELS",
    "CHANGE_COLUMNS",
    "CHANGE_HORIZON",
    "NATIONAL_LOCATION",
    "NATIONAL_NAME",
    "WeeklyTableError",
    "NationalTotal",
    "read_trajectories",
    "national_total",
    "summarise_draws",
    "quantile_column",
    "daily_levels",
    "daily_quantiles",
    "weekly_targets",
    "week_end",
    "weekly_rows",
    "sort_weekly",
    "validate_weekly",
    "write_weekly",
    "read_weekly",
    "summary_frames",
    "write_summaries",
    "summary_table",
    "write_summary",
    "WEEKLY_SUMMARY_COLUMNS",
    "weekly_summary_table",
    "write_weekly_summary",
    "compare_runs",
    "newest_history",
    "history_name",
    "archive_weekly",
]
