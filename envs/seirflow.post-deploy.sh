#!/usr/bin/env bash
# Run by Snakemake inside the new conda environment, from the workflow directory:
# install seirflow itself (its dependencies come from seirflow.yaml).
set -euo pipefail
python -m pip install --no-deps --no-build-isolation .
