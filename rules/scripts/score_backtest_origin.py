# Rule score_backtest_origin: wiring only, the work is seirflow.steps.backtest.score_backtest_origin.
from seirflow.adapter import run
from seirflow.steps.backtest import score_backtest_origin

run(snakemake, score_backtest_origin)  # noqa: F821 (snakemake is injected by the script: directive)
