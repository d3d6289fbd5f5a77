# Rule plot_figure: wiring only, the work is seirflow.steps.figures.plot_figure.
from seirflow.adapter import run
from seirflow.steps.figures import plot_figure

run(snakemake, plot_figure)  # noqa: F821 (snakemake is injected by the script: directive)
