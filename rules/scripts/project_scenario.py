# Rule project_scenario: wiring only, the work is seirflow.steps.projections.project_scenario.
from seirflow.adapter import run
from seirflow.steps.projections import project_scenario

run(snakemake, project_scenario)  # noqa: F821 (snakemake is injected by the script: directive)
