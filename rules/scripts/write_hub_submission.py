# Rule write_hub_submission: wiring only, the work is seirflow.steps.hub.write_hub_submission.
from seirflow.adapter import run
from seirflow.steps.hub import write_hub_submission

run(snakemake, write_hub_submission)  # noqa: F821 (snakemake is injected by the script: directive)
