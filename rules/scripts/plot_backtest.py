# Rule plot_backtest: wiring only, the work is seirflow.steps.backtest.plot_backtest.
from seirflow.adapter import run
from seirflow.steps.backtest import plot_backtest

run(snakemake, plot_backtest)  # noqa: F821 (snakemake is injected by the script: directive)
