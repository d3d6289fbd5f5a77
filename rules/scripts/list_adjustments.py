# Rule list_adjustments: wiring only, the work is seirflow.steps.list_adjustments.
from seirflow.adapter import run
from seirflow.steps.list_adjustments import list_adjustments

run(snakemake, list_adjustments)  # noqa: F821 (snakemake is injected by the script: directive)
