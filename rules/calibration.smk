rule calibrate_region:
    input:
        inputs="results/inputs/{region}/inputs.nc",
    output:
        posterior="results/calibration/{region}/posterior.nc",
        diagnostics="results/calibration/{region}/diagnostics.json",
        trace=report(
            "results/calibration/{region}/trace.png",
            caption="../report/calibration_trace.rst",
            category="2. Calibration",
            subcategory="Traces",
            labels={"region": "{region}"},
        ),
        pairs=report(
            "results/calibration/{region}/pairs.png",
            caption="../report/calibration_pairs.rst",
            category="2. Calibration",
            subcategory="Posterior pairs",
            labels={"region": "{region}"},
        ),
        fit=report(
            "results/calibration/{region}/fit.png",
            caption="../report/calibration_fit.rst",
            category="2. Calibration",
            subcategory="Fits",
            labels={"region": "{region}"},
        ),
    log:
        "logs/calibrate_region/{region}.log",
    benchmark:
        "benchmarks/calibrate_region/{region}.tsv"
    conda:
        "../envs/seirflow.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=calibration_runtime,
    params:
        # The chain checkpoint is kept outside the declared outputs so that Snakemake
        # does not delete it when a job fails: a re-run resumes from it.
        checkpoint="results/checkpoints/{region}/chain.h5",
        seed=CFG.seed,
        dates=section("dates"),
        age_groups=section("age_groups"),
        model=section("model"),
        outcomes=section("outcomes"),
        calibration=section("calibration"),
    script:
        "scripts/calibrate_region.py"
