"""Step functions: one per Snakemake rule, called through `seirflow.adapter.run`."""
