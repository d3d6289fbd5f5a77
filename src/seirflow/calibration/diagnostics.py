"""Per-region convergence diagnostics: the verdict, and the JSON written next to it.

A region is converged when the autocorrelation gate was met (chain longer than
``tau_multiple`` max tau, tau stable), every free parameter has R-hat below
``rhat_max`` (default 1.05) and bulk ESS of at least ``ess_min`` (default 400).
Anything else is logged as a WARNING naming the region, and is an error when
``fail_on_nonconvergence`` is set.
"""

from __future__ import annotations

import json
import logging
import math

import numpy as np

from seirflow.atomic import atomic_output
from seirflow.calibration.convergence import ESS_MIN, RHAT_MAX, rhat_ess

__all__ = ["NotConvergedError", "convergence_report", "check_convergence", "write_diagnostics"]

log = logging.getLogger(__name__)


class NotConvergedError(RuntimeError):
    """A region's chain did not converge and the config makes that an error.

    Attributes:
        region: Region code.
        reasons: Why the region is not converged.
    """

    def __init__(self, region: str, reasons: list[str]):
        super().__init__(
            f"calibration of {region} did not converge: {'; '.join(reasons)}. Raise "
            "calibration.max_steps or set calibration.fail_on_nonconvergence: false to keep "
            "the unconverged posterior"
        )
        self.region = region
        self.reasons = reasons


def _num(v: float) -> float | None:
    """JSON-safe float (None for NaN/inf)."""
    v = float(v)
    return v if math.isfinite(v) else None


def convergence_report(
    draws,
    result,
    *,
    region: str,
    settings,
    rhat_max: float = RHAT_MAX,
    ess_min: float = ESS_MIN,
    extra: dict | None = None,
) -> dict:
    """Diagnostics of one region's chain, with the converged verdict.

    Args:
        draws: :class:`~seirflow.calibration.posterior.PosteriorDraws`.
        result: :class:`~seirflow.calibration.sampler.ChainResult`.
        region: Region code.
        settings: :class:`~seirflow.calibration.sampler.SamplerSettings`.
        rhat_max: Largest acceptable R-hat.
        ess_min: Smallest acceptable bulk ESS.
        extra: More JSON-serialisable entries (e.g. timings, streams).

    Returns:
        dict: JSON-serialisable diagnostics; ``converged`` and ``reasons`` give the verdict.
    """
    names = list(draws.names)
    stats = rhat_ess(draws.x)
    check = result.last_check
    reasons = []
    if not check.met:
        why = []
        if not check.long_enough:
            why.append(
                f"chain of {check.steps} steps is not longer than {settings.tau_multiple:g} x "
                f"max tau = {settings.tau_multiple * float(np.max(check.tau)):.0f}"
            )
        if not check.stable:
            why.append(f"tau changed by more than {settings.tau_rtol:g} since the last check")
        reasons.append("autocorrelation gate not met at max_steps: " + ", ".join(why))
    bad_rhat = [n for n, r in zip(names, stats["rhat"], strict=True) if not r < rhat_max]
    if bad_rhat:
        reasons.append(f"R-hat >= {rhat_max:g} for {', '.join(bad_rhat)}")
    bad_ess = [n for n, e in zip(names, stats["ess_bulk"], strict=True) if not e >= ess_min]
    if bad_ess:
        reasons.append(f"bulk ESS < {ess_min:g} for {', '.join(bad_ess)}")
    ess_min_seen = float(np.min(stats["ess_bulk"])) if names else float("nan")
    report = {
        "region": region,
        "converged": not reasons,
        "reasons": reasons,
        "gate_met": check.met,
        "steps": int(result.steps),
        "max_steps": int(settings.max_steps),
        "walkers": int(settings.walkers),
        "burn_in": int(draws.discard),
        "thin": int(draws.thin),
        "draws_per_chain": int(draws.x.shape[1]),
        "tau": {n: _num(t) for n, t in zip(names, check.tau, strict=True)},
        "tau_max": _num(np.max(check.tau)),
        "rhat": {n: _num(v) for n, v in zip(names, stats["rhat"], strict=True)},
        "ess_bulk": {n: _num(v) for n, v in zip(names, stats["ess_bulk"], strict=True)},
        "ess_tail": {n: _num(v) for n, v in zip(names, stats["ess_tail"], strict=True)},
        "rhat_max_observed": _num(np.max(stats["rhat"])),
        "ess_bulk_min_observed": _num(ess_min_seen),
        "acceptance_fraction": {
            "mean": _num(np.mean(result.acceptance)),
            "min": _num(np.min(result.acceptance)),
            "max": _num(np.max(result.acceptance)),
        },
        "evaluations": int(result.evaluations),
        "sampling_seconds": _num(result.wall_seconds),
        "evaluations_per_second": _num(result.evaluations / max(result.wall_seconds, 1e-9)),
        "seconds_per_effective_sample": _num(result.wall_seconds / ess_min_seen),
        "resumed_from_step": int(result.resumed_from),
        "last_stray_reset_step": int(getattr(result, "last_reset", 0)),
        "thresholds": {
            "rhat_max": rhat_max,
            "ess_min": ess_min,
            "tau_multiple": settings.tau_multiple,
            "tau_rtol": settings.tau_rtol,
        },
    }
    report.update(extra or {})
    return report


def check_convergence(report: dict, *, fail: bool) -> None:
    """Log a non-converged region as a WARNING; raise if ``fail``.

    Args:
        report: Output of :func:`convergence_report`.
        fail: Raise :class:`NotConvergedError` when not converged.

    Raises:
        NotConvergedError: Not converged and ``fail`` is set.
    """
    if report["converged"]:
        log.info(
            "%s converged: %d steps, max R-hat %.3f, min bulk ESS %.0f",
            report["region"],
            report["steps"],
            report["rhat_max_observed"],
            report["ess_bulk_min_observed"],
        )
        return
    log.warning("%s did NOT converge: %s", report["region"], "; ".join(report["reasons"]))
    if fail:
        raise NotConvergedError(report["region"], report["reasons"])


def write_diagnostics(report: dict, path) -> None:
    """Write the diagnostics JSON atomically (sorted keys, 2-space indent)."""
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(report, indent=2, sort_keys=True, allow_nan=False) + "\n")
