rule write_manifest:
    input:
        hub="results/hub/model-output.parquet",
        diagnostics=region_diagnostics,
    output:
        manifest="results/manifest.json",
    params:
        config=CFG.model_dump(mode="json"),
        regions=CFG.regions,
    log:
        "logs/write_manifest/all.log",
    script:
        "scripts/write_manifest.py"
