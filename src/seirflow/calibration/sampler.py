"""Run an emcee ensemble in checkpointed chunks until the convergence gate or the cap.

The gate (:func:`~seirflow.calibration.convergence.gate`) may be combined with an
extra condition (``accept``, e.g. R-hat and ESS thresholds) checked when the gate is met.

The chain advances in chunks that end on multiples of ``check_every`` (or at
``max_steps``), so a run resumed from a checkpoint meets exactly the chunk boundaries,
convergence checks and random numbers of an uninterrupted run, and finishes with an
identical chain. Progress (steps, tau, acceptance) is logged at every check.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import emcee
import numpy as np

from seirflow.calibration.checkpoint import Checkpoint, ChunkedHDFBackend
from seirflow.calibration.convergence import GateCheck, gate
from seirflow.exactlinalg import dot, norm

__all__ = [
    "SamplerSettings",
    "ChainResult",
    "run_chain",
    "default_moves",
    "ExactDESnookerMove",
    "reset_strays",
    "stray_gap",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplerSettings:
    """Chain length and convergence-gate settings (``calibration`` config section).

    Attributes:
        walkers: Ensemble size (>= ``Calibration.min_walkers``, checked by the config).
        max_steps: Step cap.
        check_every: Steps between convergence checks (and checkpoints).
        tau_multiple: Gate: chain longer than this many max tau.
        tau_rtol: Gate: relative change of tau between checks below this (None: no
            stability test).

    The defaults live in ``seirflow.config.Calibration`` only.
    """

    walkers: int
    max_steps: int
    check_every: int
    tau_multiple: float
    tau_rtol: float | None

    @classmethod
    def from_config(cls, cal) -> SamplerSettings:
        """Take the fields of a ``seirflow.config.Calibration``."""
        return cls(cal.walkers, cal.max_steps, cal.check_every, cal.tau_multiple, cal.tau_rtol)


@dataclass(frozen=True)
class ChainResult:
    """A finished chain (in the sampler's space) and how it went.

    Attributes:
        chain: Positions, [steps, walkers, P].
        log_prob: Log target per step and walker, [steps, walkers].
        blobs: Per-stream log-likelihoods, [steps, walkers, S] (S = 0 if none).
        last_check: The final convergence check (tau, gate).
        acceptance: Acceptance fraction per walker, [walkers].
        evaluations: Log-probability evaluations (cumulative over resumes).
        wall_seconds: Sampling wall time (cumulative over resumes).
        resumed_from: Steps found in the checkpoint (0 = fresh start).
        last_reset: Step of the last warm-up reset of stray walkers (0: none); the
            burn-in covers it.
    """

    chain: np.ndarray
    log_prob: np.ndarray
    blobs: np.ndarray
    last_check: GateCheck
    acceptance: np.ndarray
    evaluations: int
    wall_seconds: float
    resumed_from: int
    last_reset: int = 0

    @property
    def steps(self) -> int:
        """Chain length."""
        return self.chain.shape[0]


class ExactDESnookerMove(emcee.moves.DESnookerMove):
    """emcee's DE snooker move with its norms and dot products taken without BLAS.

    Same random draws and the same proposal as emcee 3.1's ``DESnookerMove.get_proposal``,
    but ``np.linalg.norm`` and ``np.dot`` (whose last bits depend on the OpenBLAS kernel)
    are replaced by :mod:`seirflow.exactlinalg`, so chains replay bit for bit on any
    kernel.
    """

    def get_proposal(self, s, c, random):
        ns, ndim = s.shape
        nc = [len(x) for x in c]
        q = np.empty_like(s)
        metropolis = np.empty(ns, dtype=np.float64)
        for i in range(ns):
            w = np.array([c[j][random.randint(nc[j])] for j in range(3)])
            random.shuffle(w)
            z, z1, z2 = w
            delta = s[i] - z
            dist = norm(delta)
            u = delta / math.sqrt(dist)
            q[i] = s[i] + u * self.gammas * (dot(u, z1) - dot(u, z2))
            metropolis[i] = math.log(norm(q[i] - z)) - math.log(dist)
        return q, 0.5 * (ndim - 1.0) * metropolis


def default_moves() -> list:
    """Differential-evolution moves (80 %) mixed with DE snooker moves (20 %).

    On correlated 10-dimensional targets this mixture gives autocorrelation times about
    a third of the default stretch move's (measured in ``benchmarks/bench_calibration.py``),
    and the snooker move helps walkers cross between separated modes. emcee's DEMove is
    element-wise; its snooker move is swapped for :class:`ExactDESnookerMove` (no BLAS).
    """
    return [(emcee.moves.DEMove(), 0.8), (ExactDESnookerMove(), 0.2)]


def stray_gap(ndim: int) -> float:
    """Log-probability gap below the ensemble median that marks a stray walker.

    In equilibrium ``lp`` is about ``const - chi2_P / 2``; a walker this far below the
    median (10 + P) has probability below 1e-6 for P up to 20.
    """
    return 10.0 + ndim


def reset_strays(
    state: emcee.State, rng: np.random.Generator, log_prob: Callable[[np.ndarray], np.ndarray]
) -> tuple[emcee.State, int]:
    """Move walkers stuck far below the ensemble next to randomly chosen other walkers.

    Used only during warm-up (the first half of ``max_steps``): an ensemble move cannot
    pull a walker out of a poor local mode once the others have left it, and one such
    walker ruins R-hat. A moved walker lands on a good walker plus a jitter of 1e-3 of
    the good walkers' spread (exact copies would make the DE snooker move divide by a
    zero distance); its log probability and blobs are evaluated there. The steps
    before the last reset are discarded as burn-in.

    Args:
        state: Current ensemble state.
        rng: Chooses the walkers copied and the jitter.
        log_prob: The sampler's vectorised target ([B, P] -> [B] or [B, 1 + S]).

    Returns:
        tuple: The (possibly) updated state, and how many walkers were moved.
    """
    lp = np.asarray(state.log_prob, dtype=float)
    ndim = state.coords.shape[1]
    stray = ~(lp >= np.median(lp) - stray_gap(ndim))
    if not stray.any() or stray.all():
        return state, 0
    good = np.flatnonzero(~stray)
    src = rng.choice(good, size=int(stray.sum()))
    spread = state.coords[good].std(axis=0) + 1e-12
    coords = state.coords.copy()
    coords[stray] = coords[src] + 1e-3 * spread * rng.standard_normal((src.size, ndim))
    res = np.asarray(log_prob(coords[stray]), dtype=float)
    res = res[:, None] if res.ndim == 1 else res
    lp = lp.copy()
    lp[stray] = res[:, 0]
    blobs = None
    if state.blobs is not None:
        blobs = np.array(state.blobs, dtype=float, copy=True)
        blobs[stray] = res[:, 1:].reshape(blobs[stray].shape)
    new = emcee.State(coords, log_prob=lp, blobs=blobs, random_state=state.random_state)
    return new, int(stray.sum())


class _Counted:
    """Wrap a vectorised log-probability and count the rows it evaluates."""

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray]):
        self.fn = fn
        self.count = 0

    def __call__(self, z: np.ndarray) -> np.ndarray:
        self.count += len(z)
        return self.fn(z)


def run_chain(
    log_prob: Callable[[np.ndarray], np.ndarray],
    initial: Callable[[], np.ndarray],
    settings: SamplerSettings,
    *,
    ndim: int,
    checkpoint: Checkpoint,
    random_state: tuple,
    label: str = "",
    moves=None,
    accept: Callable[[np.ndarray, GateCheck], bool] | None = None,
    reset_seed: int = 0,
) -> ChainResult:
    """Sample until the autocorrelation gate (and ``accept``) is met, or ``max_steps``.

    Args:
        log_prob: Vectorised target: z [B, P] -> [B] log probability, or [B, 1 + S]
            with S per-walker blobs after the log probability.
        initial: Returns starting positions [walkers, P]; called only on a fresh start.
        settings: Chain and gate settings.
        ndim: Number of parameters P.
        checkpoint: Where the chain is saved and resumed from.
        random_state: Initial ``RandomState.get_state()`` of the sampler's proposals.
        label: Name for log messages (e.g. the region).
        moves: emcee moves (default :func:`default_moves`).
        accept: Extra stopping condition, asked only when the gate is met: given the
            chain and the check, True stops sampling (e.g. R-hat and ESS thresholds hold),
            False samples on towards ``max_steps``.
        reset_seed: Seed of the choice of walkers that stray walkers are moved onto.

    Returns:
        ChainResult: The whole chain and its diagnostics.

    Raises:
        RuntimeError: emcee's, for fewer than 2 x ``ndim`` walkers.
    """
    saved = checkpoint.prepare()
    counted = _Counted(log_prob)
    backend = ChunkedHDFBackend(checkpoint.path)
    sampler = emcee.EnsembleSampler(
        settings.walkers,
        ndim,
        counted,
        vectorize=True,
        backend=backend,
        moves=default_moves() if moves is None else moves,
    )
    evaluations0, wall0 = (saved.evaluations, saved.wall_seconds) if saved else (0, 0.0)
    if saved is None:
        state = emcee.State(np.asarray(initial(), dtype=float), random_state=random_state)
        resumed_from = 0
    else:
        state = sampler.get_last_sample()
        state.random_state = saved.random_state
        resumed_from = int(backend.iteration)
        log.info("%s: resuming from checkpoint %s at step %d", label, checkpoint.path, resumed_from)
    started = time.perf_counter()
    steps = int(backend.iteration)
    last_reset = saved.last_reset if saved else 0
    previous_tau = saved.check_tau if saved else None
    check = None
    while True:
        if steps > 0 and (steps % settings.check_every == 0 or steps >= settings.max_steps):
            check = gate(
                backend.get_chain(),
                previous_tau,
                tau_multiple=settings.tau_multiple,
                tau_rtol=settings.tau_rtol,
                start=last_reset,
            )
            previous_tau = check.tau
            _log_progress(label, check, sampler, settings)
            if steps >= settings.max_steps:
                break
            if check.met and (accept is None or accept(backend.get_chain(), check)):
                break
            if steps <= settings.max_steps // 2:
                rng = np.random.default_rng([reset_seed, steps])
                state, moved = reset_strays(state, rng, log_prob)
                if moved:
                    last_reset = steps
                    log.info(
                        "%s: step %d: %d stray walker(s) far below the ensemble moved onto "
                        "others (warm-up; discarded as burn-in)",
                        label,
                        steps,
                        moved,
                    )
        n = min(settings.check_every - steps % settings.check_every, settings.max_steps - steps)
        state = sampler.run_mcmc(state, n, skip_initial_state_check=steps > 0)
        steps += n
        backend.flush(
            checkpoint.attrs(
                evaluations0 + counted.count,
                wall0 + time.perf_counter() - started,
                last_reset,
                previous_tau,
            )
        )
    if resumed_from and steps == resumed_from:
        log.info(
            "%s: the chain in %s was already complete at step %d (same code, config, data "
            "and seed): reused, not sampled",
            label,
            checkpoint.path,
            steps,
        )
    blobs = backend.get_blobs()
    if blobs is None:
        blobs = np.empty((steps, settings.walkers, 0))
    elif blobs.ndim == 2:
        blobs = blobs[:, :, None]
    return ChainResult(
        chain=backend.get_chain(),
        log_prob=backend.get_log_prob(),
        blobs=np.asarray(blobs, dtype=float),
        last_check=check,
        acceptance=np.asarray(sampler.acceptance_fraction, dtype=float),
        evaluations=evaluations0 + counted.count,
        wall_seconds=wall0 + time.perf_counter() - started,
        resumed_from=resumed_from,
        last_reset=last_reset,
    )


def _log_progress(label, check: GateCheck, sampler, settings: SamplerSettings) -> None:
    acc = float(np.mean(sampler.acceptance_fraction))
    tau_max = float(np.max(check.tau)) if check.tau.size else float("nan")
    log.info(
        "%s: step %d/%d, max tau %.1f (needs < %.0f), tau %s, acceptance %.2f",
        label,
        check.steps,
        settings.max_steps,
        tau_max,
        check.steps / settings.tau_multiple,
        "not tested" if settings.tau_rtol is None else "stable" if check.stable else "changing",
        acc,
    )
