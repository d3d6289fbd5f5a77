# Rule score_backtest_region: wiring only, the work is seirflow.steps.backtest.score_backtest_region.
from seirflow.adapter import run
from seirflow.steps.backtest import score_backtest_region

run(snakemake, score_backtest_region)  # noqa: F821 (snakemake is injected by the script: directive)
