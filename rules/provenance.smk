# Local: it reads the clone itself (data/raw, dvc.lock, git state), which remote jobs lack.
rule write_manifest:
    input:
        hub=hub_outputs()["model_output"],
        diagnostics=region_diagnostics,
        products=manifest_products,
    output:
        manifest="results/manifest.json",
    log:
        "logs/write_manifest/all.log",
    localrule: True
    conda:
        "../envs/seirflow.yaml"
    params:
        config=CFG.model_dump(mode="json"),
        regions=CFG.regions,
    script:
        "scripts/write_manifest.py"
