# Rolling-origin backtest: the default run's rules at each {origin}, on data dated before
# it, under results/backtest/. Run with `snakemake backtest`; the default target never
# builds these files, and they share none with the default run.


# The backtest draws no per-region figures (inputs overview, trace, pairs, fit): over
# regions x origins they cost minutes; its figures are the evaluation's.
use rule prepare_inputs as backtest_prepare_inputs with:
    output:
        inputs="results/backtest/{origin}/{region}/inputs.nc",
    log:
        "logs/backtest_prepare_inputs/{origin}/{region}.log",
    benchmark:
        "benchmarks/backtest_prepare_inputs/{origin}/{region}.tsv"
    params:
        dates=backtest_origin_dates,
        as_of="{origin}",


use rule calibrate_region as backtest_calibrate_region with:
    input:
        inputs="results/backtest/{origin}/{region}/inputs.nc",
    output:
        posterior="results/backtest/{origin}/{region}/posterior.nc",
        diagnostics="results/backtest/{origin}/{region}/diagnostics.json",
    log:
        "logs/backtest_calibrate_region/{origin}/{region}.log",
    benchmark:
        "benchmarks/backtest_calibrate_region/{origin}/{region}.tsv"
    params:
        checkpoint="results/checkpoints/backtest/{origin}/{region}/chain.h5",
        dates=backtest_origin_dates,


use rule project_region as backtest_project_region with:
    input:
        inputs="results/backtest/{origin}/{region}/inputs.nc",
        posterior="results/backtest/{origin}/{region}/posterior.nc",
    output:
        trajectories="results/backtest/{origin}/{region}/trajectories.nc",
    log:
        "logs/backtest_project_region/{origin}/{region}.log",
    benchmark:
        "benchmarks/backtest_project_region/{origin}/{region}.tsv"
    params:
        scenarios=backtest_scenario_definitions(),
        dates=backtest_origin_dates,


rule score_backtest_origin:
    input:
        trajectories=backtest_trajectories,
        nyt="data/raw/nyt/us-states.csv",
        ctp="data/raw/ctp/all-states-history.csv",
    output:
        forecasts="results/backtest/{origin}/forecasts.parquet",
        scores="results/backtest/{origin}/scores.parquet",
    log:
        "logs/score_backtest_origin/{origin}.log",
    benchmark:
        "benchmarks/score_backtest_origin/{origin}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        seed=CFG.seed,
        dates=section("dates"),
        backtest=section("backtest"),
    script:
        "scripts/score_backtest_origin.py"


rule score_backtest:
    input:
        origin_scores=backtest_scores,
    output:
        scores="results/backtest/scores.parquet",
        summary=report(
            "results/backtest/summary.csv",
            caption="../report/backtest_summary.rst",
            category="5. Evaluation",
        ),
    log:
        "logs/score_backtest/all.log",
    benchmark:
        "benchmarks/score_backtest/all.tsv"
    conda:
        "../envs/seirflow.yaml"
    script:
        "scripts/score_backtest.py"


rule plot_backtest:
    input:
        scores="results/backtest/scores.parquet",
        forecasts=backtest_figure_forecasts,
    output:
        relative_wis=report(
            "results/backtest/relative_wis.png",
            caption="../report/backtest_relative_wis.rst",
            category="5. Evaluation",
        ),
        coverage=report(
            "results/backtest/coverage.png",
            caption="../report/backtest_coverage.rst",
            category="5. Evaluation",
        ),
        projections=report(
            "results/backtest/projections.png",
            caption="../report/backtest_projections.rst",
            category="5. Evaluation",
        ),
    log:
        "logs/plot_backtest/all.log",
    benchmark:
        "benchmarks/plot_backtest/all.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        origin=backtest_figure_origin(),
        target=CFG.backtest.targets[0],
    script:
        "scripts/plot_backtest.py"
