# Rule write_hub_output: wiring only, the work is seirflow.steps.hub.write_hub_output.
from seirflow.adapter import run
from seirflow.steps.hub import write_hub_output

run(snakemake, write_hub_output)  # noqa: F821 (snakemake is injected by the script: directive)
