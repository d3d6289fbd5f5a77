# Image for the AWS Batch profile (profiles/aws-batch): Python, seirflow and the pinned
# runtime dependencies (constraints.txt), nothing else. Each Batch job runs
# `/bin/bash -c "pip install snakemake-storage-plugin-s3 && python -m snakemake ..."`
# in the working directory; the workflow sources come from S3, so none are copied here.
#
#   docker build -t <registry>/seirflow:<version> .
#   docker push <registry>/seirflow:<version>
#   export SEIRFLOW_IMAGE=<registry>/seirflow:<version>
FROM python:3.11-slim-bookworm

# No pip cache in the image; logs unbuffered so Batch (CloudWatch) shows them as they come;
# matplotlib without a display; numba's compiled-function cache in a writable place.
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    MPLBACKEND=Agg \
    NUMBA_CACHE_DIR=/tmp/numba-cache

WORKDIR /opt/seirflow
COPY constraints.txt pyproject.toml README.md ./
COPY src ./src
# A non-editable install with every dependency pinned; `pip check` fails the build on
# a conflict instead of at the first job.
RUN pip install --constraint constraints.txt . \
    && pip check \
    && python -c "import seirflow, snakemake_executor_plugin_aws_batch, snakemake_storage_plugin_s3"

WORKDIR /workflow
CMD ["python", "-m", "snakemake", "--version"]
