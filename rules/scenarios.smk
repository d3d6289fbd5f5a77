# One job per region projects all its scenarios: building one region's results runs that
# region's chain alone, and the inputs and posterior are read once for every scenario. A
# derived rule can project a subset: `use rule project_region as ... with:` giving
# `output: trajectories=region_projection_outputs(NAMES)` and
# `params: scenarios=scenario_definitions(NAMES)`.
rule project_region:
    input:
        inputs="results/inputs/{region}/inputs.nc",
        posterior="results/calibration/{region}/posterior.nc",
    output:
        trajectories=region_projection_outputs(),
    log:
        "logs/project_region/{region}.log",
    benchmark:
        "benchmarks/project_region/{region}.tsv"
    conda:
        "../envs/seirflow.yaml"
    threads: 1
    params:
        scenarios=scenario_definitions(),
        seed=CFG.seed,
        dates=section("dates"),
        model=section("model"),
        outcomes=section("outcomes"),
        calibration=section("calibration"),
        projection=section("projection"),
        # The hub targets come by age group, too.
        hub_age_groups=CFG.hub.age_groups,
    script:
        "scripts/project_region.py"


# Per region, so a figure of one region needs that region's chain only.
rule summarise_region:
    input:
        trajectories=region_projections,
    output:
        daily="results/summaries/by_region/{region}/daily_quantiles.parquet",
        weekly="results/summaries/by_region/{region}/hub_quantiles.parquet",
    log:
        "logs/summarise_region/{region}.log",
    benchmark:
        "benchmarks/summarise_region/{region}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        scenarios=list(CFG.scenarios),
        dates=section("dates"),
        postprocessing=section("postprocessing"),
    script:
        "scripts/summarise_region.py"


# The national total sums the regions draw by draw, so it reads every region's draws.
rule summarise_national:
    input:
        trajectories=scenario_projections,
        diagnostics=region_diagnostics,
    output:
        daily="results/summaries/national/{scenario}/daily_quantiles.parquet",
        weekly="results/summaries/national/{scenario}/hub_quantiles.parquet",
    log:
        "logs/summarise_national/{scenario}.log",
    benchmark:
        "benchmarks/summarise_national/{scenario}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        dates=section("dates"),
        postprocessing=section("postprocessing"),
    script:
        "scripts/summarise_national.py"


# Local: the run-to-run check keeps earlier hub files on the submitting machine.
rule write_hub_output:
    input:
        unpack(hub_summaries),
    output:
        hub_parquet="results/hub/model-output.parquet",
        hub_csv="results/hub/model-output.csv",
        # The report embeds the weekly summary; the daily one is ~7x larger (52 locations).
        summary="results/hub/summary.csv",
        weekly_summary=report(
            "results/hub/weekly_summary.csv",
            caption="../report/weekly_summary.rst",
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
