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
        **region_summaries("{region}"),
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
        hub=section("hub"),
    script:
        "scripts/summarise_region.py"


# The national total sums the regions draw by draw, so it reads every region's draws.
rule summarise_national:
    input:
        trajectories=scenario_projections,
        diagnostics=region_diagnostics,
    output:
        **national_scenario_summaries("{scenario}"),
    log:
        "logs/summarise_national/{scenario}.log",
    benchmark:
        "benchmarks/summarise_national/{scenario}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        dates=section("dates"),
        postprocessing=section("postprocessing"),
        hub=section("hub"),
    script:
        "scripts/summarise_national.py"


# Local: the run-to-run check keeps earlier runs' tables on the submitting machine.
rule write_summary_tables:
    input:
        unpack(summary_tables_inputs),
    output:
        weekly_quantiles=SUMMARY_TABLES["weekly_quantiles"],
        # The report embeds the weekly summary; the daily one is ~7x larger (52 locations).
        summary=SUMMARY_TABLES["summary"],
        weekly_summary=report(
            SUMMARY_TABLES["weekly_summary"],
            caption="../report/weekly_summary.rst",
            category="3. Projections",
        ),
        changes=SUMMARY_TABLES["changes"],
    log:
        "logs/write_summary_tables/all.log",
    benchmark:
        "benchmarks/write_summary_tables/all.tsv"
    localrule: True
    conda:
        "../envs/seirflow.yaml"
    params:
        # Earlier runs' tables are kept here, outside the declared outputs (which
        # Snakemake deletes before a job), for the run-to-run change check.
        history="results/history/weekly_quantiles",
        dates=section("dates"),
        postprocessing=section("postprocessing"),
    script:
        "scripts/write_summary_tables.py"


# The hub directory (results/hub/): model output, metadata, hub-config of the run's round.
# The job validates the directory against its own tasks.json and fails if it breaks it.
rule write_hub_submission:
    input:
        rows=hub_submission_rows,
    output:
        **hub_outputs(),
    log:
        "logs/write_hub_submission/all.log",
    benchmark:
        "benchmarks/write_hub_submission/all.tsv"
    conda:
        "../envs/seirflow.yaml"
    resources:
        # ~6 M rows (52 locations x 4 scenarios x 200 samples); checking 5.8 M rows
        # peaked at 1.9 GB.
        mem_mb=4000,
    params:
        hub=section("hub"),
        dates=section("dates"),
        postprocessing=section("postprocessing"),
        scenarios=list(CFG.scenarios),
        locations=hub_locations(),
    script:
        "scripts/write_hub_submission.py"
