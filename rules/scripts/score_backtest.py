# Rule score_backtest: wiring only, the work is seirflow.steps.backtest.score_backtest.
from seirflow.adapter import run
from seirflow.steps.backtest import score_backtest

run(snakemake, score_backtest)  # noqa: F821 (snakemake is injected by the script: directive)
