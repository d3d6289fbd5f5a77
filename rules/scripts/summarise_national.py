# Rule summarise_national: wiring only, the work is seirflow.steps.summarise_national.summarise_national.
from seirflow.adapter import run
from seirflow.steps.summarise_national import summarise_national

run(snakemake, summarise_national)  # noqa: F821 (snakemake is injected by the script: directive)
