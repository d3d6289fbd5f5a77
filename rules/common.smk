# Input functions, target lists and wildcard constraints: short named functions only.
from seirflow.wiring import (
    calibration_runtime_minutes,
    contact_matrix_files,
    manifest_products as manifest_product_paths,
    figure_inputs,
    hub_locations as hub_location_codes,
    hub_outputs as hub_output_files,
    hub_rows as hub_row_files,
    national_scenario_summaries,
    region_summaries,
    summary_table_inputs as summary_table_files,
    SUMMARY_TABLES,
    output_targets,
    paper_figure_paths,
    region_trajectories,
    scenario_trajectories,
)
from seirflow.backtest_wiring import (
    backtest_dates,
    backtest_origin_scores,
    backtest_scenarios,
    backtest_targets,
    figure_forecasts,
    figure_origin,
    origin_labels,
    origin_trajectories,
)


def all_targets():
    return output_targets(CFG)


def paper_figures():
    return paper_figure_paths(CFG)


def region_contact_files(wildcards):
    return contact_matrix_files(wildcards.region)


def manifest_products(wildcards):
    return manifest_product_paths(CFG)


def all_region_inputs(wildcards):
    return expand("results/inputs/{region}/inputs.nc", region=CFG.regions)


def region_diagnostics(wildcards):
    return expand("results/calibration/{region}/diagnostics.json", region=CFG.regions)


def region_projection_outputs(names=None):
    """project_region's outputs: one trajectories file per scenario (all, or `names`)."""
    return region_trajectories("{region}", names or CFG.scenarios)


def scenario_definitions(names=None):
    """Scenario name -> its config as plain data, for all scenarios or just `names`."""
    return {s: CFG.scenarios[s].model_dump(mode="json") for s in names or CFG.scenarios}


def region_projections(wildcards):
    return region_trajectories(wildcards.region, CFG.scenarios)


def scenario_projections(wildcards):
    return scenario_trajectories(CFG, wildcards.scenario)


def summary_tables_inputs(wildcards):
    return summary_table_files(CFG)


def hub_submission_rows(wildcards):
    return hub_row_files(CFG)


def hub_outputs():
    """The hub directory's files (results/hub/), by output name."""
    return hub_output_files(CFG)


def hub_locations():
    return hub_location_codes(CFG)


def figure_definition(wildcards):
    return CFG.figures[wildcards.figure].model_dump(mode="json")


def figure_files(wildcards):
    return figure_inputs(CFG, wildcards.figure)


def calibration_runtime(wildcards, attempt, threads):
    return calibration_runtime_minutes(CFG, attempt, threads)


def section(name):
    """The validated config section `name` as plain data, defaults included."""
    return getattr(CFG, name).model_dump(mode="json")


wildcard_constraints:
    region="|".join(CFG.regions),
    scenario="|".join(CFG.scenarios),
    figure="|".join(CFG.figures) or "no_figures",
    origin="|".join(origin_labels(CFG)),


def backtest_origin_dates(wildcards):
    return backtest_dates(CFG, wildcards.origin)


def backtest_scores(wildcards):
    return backtest_origin_scores(CFG)


def backtest_trajectories(wildcards):
    return origin_trajectories(CFG, wildcards.origin)


def backtest_outputs():
    return backtest_targets(CFG)


def backtest_figure_forecasts(wildcards):
    return figure_forecasts(CFG)


def backtest_figure_origin():
    return figure_origin(CFG)


def backtest_scenario_definitions():
    return backtest_scenarios(CFG)
