# seirflow: calibrate an age-structured SEIR model per region, project scenarios.
# The logic lives in src/seirflow; rules only wire files to functions.
from snakemake.utils import min_version

min_version("9.20")


from seirflow.wiring import validated_config


configfile: "config/config.yaml"


# Stops with file, field and value before any DAG is built if the config is invalid.
CFG = validated_config(config, workflow)


include: "rules/common.smk"


report: "report/workflow.rst"


include: "rules/inputs.smk"
include: "rules/calibration.smk"
include: "rules/scenarios.smk"
include: "rules/figures.smk"
include: "rules/provenance.smk"
include: "rules/backtest.smk"


rule all:
    default_target: True
    input:
        all_targets(),


rule paper:
    input:
        paper_figures(),


# Not part of the default target: scores the baseline projection at each backtest origin.
rule backtest:
    input:
        backtest_outputs(),
