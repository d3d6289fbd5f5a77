"""Step: the run's hub directory, validated against its own round (rule write_hub_submission).

The work is `seirflow.hub.submission.write_hub_submission`; this module names the step.
"""

from __future__ import annotations

from seirflow.hub.submission import write_hub_submission

__all__ = ["write_hub_submission"]
