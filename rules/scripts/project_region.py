# Rule project_region: wiring only, the work is seirflow.steps.project_region.project_region.
from seirflow.adapter import run
from seirflow.steps.project_region import project_region

run(snakemake, project_region)  # noqa: F821 (snakemake is injected by the script: directive)
