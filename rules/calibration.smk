rule calibrate_region:
    input:
        inputs="results/inputs/{region}/inputs.nc",
    output:
        posterior="results/calibration/{region}/posterior.nc",
        diagnostics="results/calibration/{region}/diagnostics.json",
        # Traces and pairs stay files next to the posterior, out of the report: embedded
        # for every region they were most of its size. The fit caption names them.
        trace="results/calibration/{region}/trace.png",
        pairs="results/calibration/{region}/pairs.png",
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
