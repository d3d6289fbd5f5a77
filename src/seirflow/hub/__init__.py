"""Hub submissions: hubverse model output, model metadata and hub configuration.

`validate_hub` checks a model-output file against any hubverse hub's ``tasks.json`` (and
its metadata and configuration against their schemas); the rest writes the run's own hub
directory (``results/hub/``): the model output of the configured round, the model's
metadata, and the ``hub-config/`` describing that round.

Out of scope: submitting (a pull request to the hub's repository is the user's step),
partitioned (``origin_date``/``target`` folders) output, and output types other than
``sample``, ``quantile`` and ``mean`` in what seirflow writes (the validator reads any).
"""

from seirflow.hub.layout import model_metadata_path, model_output_path, parse_output_name
from seirflow.hub.problems import HubProblem, HubReport, HubValidationError
from seirflow.hub.tasks import read_rounds
from seirflow.hub.validate import validate_hub

__all__ = [
    "HubProblem",
    "HubReport",
    "HubValidationError",
    "model_metadata_path",
    "model_output_path",
    "parse_output_name",
    "read_rounds",
    "validate_hub",
]
