# Rule summarise_region: wiring only, the work is seirflow.steps.summarise_region.summarise_region.
from seirflow.adapter import run
from seirflow.steps.summarise_region import summarise_region

run(snakemake, summarise_region)  # noqa: F821 (snakemake is injected by the script: directive)
