# Rule calibrate_region: wiring only, the work is seirflow.steps.calibrate.calibrate_region.
from seirflow.adapter import run
from seirflow.steps.calibrate import calibrate_region

run(snakemake, calibrate_region)  # noqa: F821 (snakemake is injected by the script: directive)
