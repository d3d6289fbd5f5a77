# Rule write_summary_tables: wiring only, the work is seirflow.steps.summary_tables.
from seirflow.adapter import run
from seirflow.steps.summary_tables import write_summary_tables

run(snakemake, write_summary_tables)  # noqa: F821 (snakemake is injected by the script: directive)
