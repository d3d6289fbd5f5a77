# One job per scenario projects every region: a job costs seconds of start-up and
# well under a second of simulation per region.
rule project_scenario:
    input:
        inputs=region_inputs,
        posteriors=region_posteriors,
    output:
        trajectories=expand(
            "results/projections/{{scenario}}/{region}/trajectories.nc",
            region=CFG.regions,
        ),
    log:
        "logs/project_scenario/{scenario}.log",
    benchmark:
        "benchmarks/project_scenario/{scenario}.tsv"
    conda:
        "../envs/seirflow.yaml"
    threads: 1
    params:
        definition=scenario_definition,
        seed=CFG.seed,
        dates=section("dates"),
        model=section("model"),
        outcomes=section("outcomes"),
        calibration=section("calibration"),
        projection=section("projection"),
    script:
        "scripts/project_scenario.py"


rule summarise_scenario:
    input:
        trajectories=scenario_projections,
        diagnostics=region_diagnostics,
    output:
        daily="results/summaries/{scenario}/daily_quantiles.parquet",
        weekly="results/summaries/{scenario}/hub_quantiles.parquet",
    log:
        "logs/summarise_scenario/{scenario}.log",
    benchmark:
        "benchmarks/summarise_scenario/{scenario}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        dates=section("dates"),
        postprocessing=section("postprocessing"),
    script:
        "scripts/summarise_scenario.py"


# Local: the run-to-run check keeps earlier hub files on the submitting machine.
rule write_hub_output:
    input:
        weekly=all_hub_summaries,
        daily=all_summaries,
    output:
        hub_parquet="results/hub/model-output.parquet",
        hub_csv="results/hub/model-output.csv",
        summary=report(
            "results/hub/summary.csv",
            caption="../report/summary.rst",
            category="3. Projections",
        ),
        changes="results/hub/changes.csv",
    log:
        "logs/write_hub_output/all.log",
    benchmark:
        "benchmarks/write_hub_output/all.tsv"
    localrule: True
    conda:
        "../envs/seirflow.yaml"
    params:
        # Earlier runs' hub files are kept here, outside the declared outputs (which
        # Snakemake deletes before a job), for the run-to-run change check.
        history="results/history/hub",
        dates=section("dates"),
        postprocessing=section("postprocessing"),
    script:
        "scripts/write_hub_output.py"
