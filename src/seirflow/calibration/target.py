"""The sampler's target: log posterior of the unconstrained parameters, with blobs.

:class:`LogPosterior` is the callable emcee evaluates with ``vectorize=True``: one call
maps every proposed walker z [B, P] to natural values, adds the log prior (with the
Jacobian of the transform), runs the forward model ONCE for the whole batch, and
evaluates each stream's weighted negative-binomial log-likelihood. It returns
``[B, 1 + S]``: column 0 is the log posterior, the other S columns are the per-stream
log-likelihoods, which emcee stores as blobs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

import numpy as np

from seirflow.calibration.likelihood import StreamLikelihood
from seirflow.calibration.parameters import ParameterSpace

__all__ = ["ForwardModel", "LogPosterior"]

log = logging.getLogger(__name__)


class ForwardModel(Protocol):
    """Expected daily values of the observed streams for a batch of parameter sets."""

    def __call__(self, params: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
        """Args: name -> [B] parameter values. Returns: stream -> expected [B, T]."""
        ...


class LogPosterior:
    """Vectorised log posterior over unconstrained walkers, for emcee.

    Args:
        space: Free/fixed parameters, priors and transforms.
        forward: The batched forward model (NaN rows mark failed solves).
        likelihood: The fitted streams' likelihood.

    Attributes:
        rejected: Parameter sets rejected because the model output was not finite.
    """

    def __init__(self, space: ParameterSpace, forward: ForwardModel, likelihood: StreamLikelihood):
        self.space = space
        self.forward = forward
        self.likelihood = likelihood
        self.rejected = 0

    @property
    def streams(self) -> tuple[str, ...]:
        """Stream names of the blob columns."""
        return self.likelihood.names

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Log posterior and per-stream log-likelihoods.

        Args:
            z: Unconstrained positions, shape [B, P].

        Returns:
            numpy.ndarray: [B, 1 + S]; rows outside the support or where the model
            fails are ``-inf`` throughout.
        """
        z = np.asarray(z, dtype=float)
        x, lp = self.space.log_prior_unconstrained(z)
        out = np.full((z.shape[0], 1 + len(self.streams)), -np.inf)
        ok = np.isfinite(lp)
        if not ok.any():
            return out
        # Evaluate only the rows inside the support; rows are independent in the model,
        # so the batch composition does not change any row's value.
        xs = x if ok.all() else x[ok]
        values = self.space.values(xs)
        mu = self.forward(values)
        ll = self.likelihood(mu, values)
        total = lp[ok] + ll.sum(axis=1)
        bad = np.isnan(total)
        if bad.any():  # the model failed for these rows: reject them
            self.rejected += int(bad.sum())
            log.debug("%d parameter sets rejected: model output not finite", int(bad.sum()))
        total[bad] = -np.inf
        out[ok, 0] = total
        out[ok, 1:] = np.where(bad[:, None], -np.inf, ll)
        return out

    def split(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log posterior [B] and per-stream log-likelihood [B, S] of ``z`` [B, P]."""
        res = self(z)
        return res[:, 0], res[:, 1:]
