# Input functions, target lists and wildcard constraints: short named functions only.
from seirflow.wiring import (
    calibration_runtime_minutes,
    contact_matrix_files,
    manifest_products as manifest_product_paths,
    figure_inputs,
    output_targets,
    paper_figure_paths,
)
from seirflow.backtest_wiring import (
    backtest_dates,
    backtest_region_scores,
    backtest_targets,
    figure_forecasts,
    figure_origin,
    origin_labels,
)


def all_targets():
    return output_targets(CFG)


def paper_figures():
    return paper_figure_paths(CFG)


def region_contact_files(wildcards):
    return contact_matrix_files(wildcards.region)


def region_inputs(wildcards):
    return expand("results/inputs/{region}/inputs.nc", region=CFG.regions)


def region_posteriors(wildcards):
    return expand("results/calibration/{region}/posterior.nc", region=CFG.regions)


def manifest_products(wildcards):
    return manifest_product_paths(CFG)


def region_diagnostics(wildcards):
    return expand("results/calibration/{region}/diagnostics.json", region=CFG.regions)


def scenario_projections(wildcards):
    return expand(
        "results/projections/{scenario}/{region}/trajectories.nc",
        scenario=wildcards.scenario,
        region=CFG.regions,
    )


def all_summaries(wildcards):
    return expand(
        "results/summaries/{scenario}/daily_quantiles.parquet", scenario=CFG.scenarios
    )


def all_hub_summaries(wildcards):
    return expand(
        "results/summaries/{scenario}/hub_quantiles.parquet", scenario=CFG.scenarios
    )


def scenario_definition(wildcards):
    return CFG.scenarios[wildcards.scenario].model_dump(mode="json")


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
    return backtest_region_scores(CFG)


def backtest_outputs():
    return backtest_targets(CFG)


def backtest_figure_forecasts(wildcards):
    return figure_forecasts(CFG)


def backtest_figure_origin():
    return figure_origin(CFG)
