# Rule write_manifest: wiring only, the work is seirflow.steps.provenance.write_manifest.
from seirflow.adapter import run
from seirflow.steps.provenance import write_manifest

run(snakemake, write_manifest)  # noqa: F821 (snakemake is injected by the script: directive)
