# Rule prepare_inputs: wiring only, the work is seirflow.steps.inputs.prepare_inputs.
from seirflow.adapter import run
from seirflow.steps.inputs import prepare_inputs

run(snakemake, prepare_inputs)  # noqa: F821 (snakemake is injected by the script: directive)
