# Rule summarise_scenario: wiring only, the work is seirflow.steps.summaries.summarise_scenario.
from seirflow.adapter import run
from seirflow.steps.summaries import summarise_scenario

run(snakemake, summarise_scenario)  # noqa: F821 (snakemake is injected by the script: directive)
