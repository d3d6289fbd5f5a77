"""Convergence: the autocorrelation gate while sampling, and R-hat/ESS afterwards.

The gate follows the emcee documentation ("Saving & monitoring progress"): every
``check_every`` steps estimate the integrated autocorrelation time tau of each
parameter (``emcee.autocorr.integrated_time`` with ``tol=0``) and stop once the chain
is longer than ``tau_multiple * max(tau)`` and, if ``tau_rtol`` is set, every tau
changed by less than ``tau_rtol`` (relative) since the previous check. Two changes from
the recipe: tau is estimated on the second half of the chain, so the walkers' transient
away from their starting ball does not inflate it; and the stability test is optional,
because the calibration also requires R-hat and bulk ESS (Vehtari et al. 2021, Bayesian
Analysis 16:667) on the draws it keeps, which measure what the stability of a noisy tau
estimate stands in for. Afterwards the burn-in (2 max tau)
is discarded, the chain thinned (about tau / 2) and ArviZ computes rank-normalised
split R-hat and bulk/tail ESS per parameter, treating each walker as a chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import emcee
import numpy as np

__all__ = ["GateCheck", "autocorr_time", "gate", "burn_and_thin", "rhat_ess", "RHAT_MAX", "ESS_MIN"]

RHAT_MAX = 1.05
ESS_MIN = 400.0


def autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time per parameter (emcee, ``tol=0``).

    Args:
        chain: Samples, shape [steps, walkers, P].

    Returns:
        numpy.ndarray: tau per parameter, shape [P] (inf for an empty chain, NaN when a
        walker did not move at all).
    """
    if chain.shape[0] < 2:
        return np.full(chain.shape[-1], np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):  # a walker that never moved: NaN
        return np.asarray(emcee.autocorr.integrated_time(chain, tol=0), dtype=float)


@dataclass(frozen=True)
class GateCheck:
    """Result of one convergence check at ``steps`` (chain counted from ``start``)."""

    steps: int
    tau: np.ndarray
    long_enough: bool
    stable: bool
    start: int = 0

    @property
    def met(self) -> bool:
        """Chain longer than tau_multiple x tau, and tau stable (if required)."""
        return self.long_enough and self.stable


def gate(
    chain: np.ndarray,
    previous_tau: np.ndarray | None,
    *,
    tau_multiple: float,
    tau_rtol: float | None,
    warmup_fraction: float = 0.5,
    start: int = 0,
) -> GateCheck:
    """Check the autocorrelation gate on ``chain``.

    tau is estimated on the chain without its first ``warmup_fraction`` (the walkers'
    transient from their starting positions would otherwise inflate it); the length
    compared with ``tau_multiple * max(tau)`` is the whole chain's, as in emcee's recipe.

    Args:
        chain: Whole chain so far, [steps, walkers, P].
        previous_tau: tau at the previous check (None or inf: not stable yet).
        tau_multiple: Required chain length in units of max tau.
        tau_rtol: Largest relative change of tau since the previous check (None: tau
            need not be stable).
        warmup_fraction: Leading fraction of the chain left out of the tau estimate.
        start: Step from which the chain counts (after the last reset of stray walkers):
            tau uses no earlier step and the length is counted from here.

    Returns:
        GateCheck: tau and whether each condition holds.
    """
    steps = chain.shape[0]
    tau = autocorr_time(chain[max(int(warmup_fraction * steps), start) :])
    length = steps - start
    long_enough = bool(np.all(np.isfinite(tau)) and np.all(tau * tau_multiple < length))
    if tau_rtol is None:
        stable = True
    elif previous_tau is None:
        stable = False
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.abs(previous_tau - tau) / tau
        stable = bool(np.all(np.isfinite(rel)) and np.all(rel < tau_rtol))
    return GateCheck(steps, tau, long_enough, stable, start)


def burn_and_thin(steps: int, tau: np.ndarray, thin: int = 0, start: int = 0) -> tuple[int, int]:
    """Burn-in and thinning for a chain of ``steps`` with autocorrelation times ``tau``.

    Burn-in is 2 max(tau), thinning (when ``thin`` is 0) max(1, floor(min(tau) / 2)).
    When tau is not finite or 2 max(tau) leaves fewer than a quarter of the steps
    (a chain that did not converge), the first half is discarded instead.

    Args:
        steps: Chain length.
        tau: Autocorrelation time per parameter.
        thin: Fixed thinning, or 0 for automatic.
        start: The burn-in is at least this (the last reset of stray walkers).

    Returns:
        tuple[int, int]: ``(discard, thin)``.

    >>> burn_and_thin(1000, np.array([10.0, 20.0]))
    (40, 5)
    """
    finite = np.all(np.isfinite(tau)) and tau.size > 0
    discard = int(math.ceil(2.0 * float(np.max(tau)))) if finite else steps // 2
    if discard > 0.75 * steps:
        discard = steps // 2
    discard = max(discard, min(start, steps - 1))
    if thin <= 0:
        thin = max(1, int(0.5 * float(np.min(tau)))) if finite else 1
    thin = max(1, min(thin, max(1, (steps - discard) // 4)))
    return discard, thin


def rhat_ess(samples: np.ndarray) -> dict[str, np.ndarray]:
    """R-hat and bulk/tail ESS per parameter with ArviZ (walkers as chains).

    Args:
        samples: Post burn-in, thinned draws, shape [chains, draws, P].

    Returns:
        dict: ``rhat``, ``ess_bulk``, ``ess_tail``, each shape [P].
    """
    import arviz as az

    out = {"rhat": [], "ess_bulk": [], "ess_tail": []}
    for j in range(samples.shape[-1]):
        x = np.ascontiguousarray(samples[..., j])
        out["rhat"].append(float(az.rhat(x, method="rank")))
        out["ess_bulk"].append(float(az.ess(x, method="bulk")))
        out["ess_tail"].append(float(az.ess(x, method="tail")))
    return {k: np.array(v) for k, v in out.items()}
